"""Exporting approved incidents (AIID) or a quarter's enforcement actions (DSA): memory must not grow with the data.

Run: .venv/bin/python -m tests.bench.bench_export [--kind aiid|dsa] [--small 1000] [--large 100000] [--rounds 3]
Goal: peak memory of the process exporting 100,000 records at most 1.3x the peak exporting 1,000.
Also printed: the time per 1,000 records, and the memory the export itself added over the
process's size before it started (the app, SQLAlchemy and the drivers loaded).

Each export runs in a fresh process (so its peak, VmHWM, is its own). For `aiid`, on a database of
approved incidents, each with one consenting report and the scrubbed public summary that approval
stores, three sources (title, publication, author, dates, a 300-character excerpt) and a description of about
600 characters. For `dsa`, on a database of
enforcement actions of 2026Q3, each on its own report, with one of 50 explanations of about 300
characters (staff reuse them; the export scrubs each distinct text once), every fourth one a
suspension with an end date. Rounds alternate small and large.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from tests.bench.common import ROOT, fresh_sqlite

MEMORY_GOAL = 1.3
DESCRIPTION = (
    "A chat assistant built on a hosted model told users how to bypass the safety interlock of a "
    "home medical device when the request was framed as a maintenance question. "
) * 4


def populate(url: str, count: int) -> None:
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import insert

    from core.db import make_engine
    from incidents.models import Incident, Report

    engine = make_engine(url)
    shared_at = datetime(2026, 9, 1, 10, tzinfo=UTC)
    batch = 5000
    with engine.begin() as conn:
        for start in range(1, count + 1, batch):
            ids = range(start, min(start + batch, count + 1))
            incidents = []
            for i in ids:
                summary = {
                    "title": f"Incident {i}: assistant explained how to bypass a device interlock",
                    "description": DESCRIPTION,
                    "occurred_on": "2026-08-14",
                    "deployers": [f"Deployer {i % 97}"],
                    "developers": [f"Developer {i % 13}"],
                    "harmed_parties": ["Device users"],
                    "implicated_systems": [f"Model {i % 7}"],
                    "sources": [
                        {
                            "id": 3 * i + n,
                            "url": f"https://news{n}.example.com/story/{i}",
                            "title": f"Assistant told users how to bypass a device interlock, report {n}",
                            "publication": f"Example News {n}",
                            "authors": [f"Reporter {i % 31}"],
                            "published_on": "2026-08-18",
                            "retrieved_on": "2026-08-19",
                            "excerpt": DESCRIPTION[:300],
                            "language": "en",
                        }
                        for n in range(3)
                    ],
                    "source_urls": [f"https://news{n}.example.com/story/{i}" for n in range(3)],
                    "withheld_urls": 0,
                }
                incidents.append(
                    {
                        "id": i,
                        "status": "open",
                        "title": summary["title"],
                        "description": DESCRIPTION,
                        "occurred_on": date(2026, 8, 14),
                        "deployers": summary["deployers"],
                        "developers": summary["developers"],
                        "harmed_parties": summary["harmed_parties"],
                        "implicated_systems": summary["implicated_systems"],
                        "created_at": shared_at,
                        "updated_at": shared_at,
                        "shared_at": shared_at,
                        "public_summary": summary,
                        "version": 1,
                    }
                )
            conn.execute(insert(Incident), incidents)
            conn.execute(
                insert(Report),
                [
                    {
                        "channel": "public",
                        "category": "safety_failure",
                        "severity": "incident",
                        "share_consent": True,
                        "status": "resolved",
                        "created_at": shared_at,
                        "updated_at": shared_at,
                        "version": 1,
                        "language": "en",
                        "wrapped_keys": {},
                        "incident_id": i,
                        **{
                            f: False
                            for f in (
                                "flag_death",
                                "flag_health",
                                "flag_critical_infrastructure",
                                "flag_fundamental_rights",
                                "flag_property_environment",
                                "flag_cybersecurity",
                                "flag_widespread_infringement",
                                "flag_weight_exfiltration",
                            )
                        },
                    }
                    for i in ids
                ],
            )
    engine.dispose()


ACTION_TYPES = ("takedown", "suspension", "termination", "delisting")
TARGETS = ("model", "account", "content", "application")


def populate_actions(url: str, count: int) -> None:
    """Fill the database with `count` enforcement actions of 2026Q3, each on a report of its own."""
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import insert

    from core.db import make_engine
    from incidents.models import EnforcementAction, Report

    engine = make_engine(url)
    at = datetime(2026, 8, 20, 12, tzinfo=UTC)
    batch = 5000
    with engine.begin() as conn:
        for start in range(1, count + 1, batch):
            ids = range(start, min(start + batch, count + 1))
            conn.execute(
                insert(Report),
                [
                    {
                        "id": i,
                        "channel": "public",
                        "category": "safety_failure",
                        "severity": "incident",
                        "share_consent": True,
                        "status": "resolved",
                        "created_at": at,
                        "updated_at": at,
                        "version": 1,
                        "language": "en",
                        "wrapped_keys": {},
                        **{f"flag_{flag}": False for flag in FLAGS},
                    }
                    for i in ids
                ],
            )
            conn.execute(
                insert(EnforcementAction),
                [
                    {
                        "id": i,
                        "action_type": ACTION_TYPES[i % 4],
                        "report_id": i,
                        "target_kind": TARGETS[(i // 4) % 4],
                        "target": f"target-{i}",
                        "ground_type": "policy" if i % 3 else "law",
                        "ground_reference": f"Acceptable use policy, section {i % 9}.2",
                        "explanation": f"Explanation {i % 50}: " + DESCRIPTION[:300],
                        "detection": "manual",
                        "decision": "manual",
                        "territorial_scope": [],
                        "decided_at": at,
                        "applied_at": at,
                        "created_at": at,
                        **suspension_end(i),
                    }
                    for i in ids
                ],
            )
    engine.dispose()


FLAGS = (
    "death",
    "health",
    "critical_infrastructure",
    "fundamental_rights",
    "property_environment",
    "cybersecurity",
    "widespread_infringement",
    "weight_exfiltration",
)


def suspension_end(i: int) -> dict:
    """Every fourth action (the suspensions) ends on a date, where the schema has the column."""
    from incidents.models import EnforcementAction

    if "ends_on" not in EnforcementAction.model_fields:
        return {}
    return {"ends_on": date(2026, 12, 31) if i % 4 == 1 else None}  # every row names the same columns


def child(url: str, out: str, kind: str = "aiid") -> None:
    """Export once and print the peak memory, the size before the export, and the time, as JSON."""
    sys.path.insert(0, str(ROOT))
    from sqlmodel import Session, select

    from core.db import make_engine
    from core.periods import Period
    from exports import service
    from incidents.models import Incident

    def hwm_kb() -> int:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return 0

    engine = make_engine(url)
    settings = {"namespace": "bench", "submitter": "Anonymous", "language": "en", "puid_prefix": "bench-"}
    with Session(engine) as session:
        session.execute(select(Incident.id).limit(1)).all()  # connect and load the mappers
        before = hwm_kb()
        started = time.perf_counter()
        if kind == "dsa":
            written = service.write_dsa(session, Path(out), period=Period(2026, 3), settings=settings)
            exported = written.counts["statements"]
        else:
            written = service.write_aiid(session, Path(out), settings=settings, today=date(2026, 11, 28))
            exported = written.counts["exported"]
        seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "peak_kb": hwm_kb(),
                "before_kb": before,
                "seconds": seconds,
                "exported": exported,
                "bytes": sum(f["size"] for f in written.files.values()),
            }
        )
    )


def run_child(url: str, folder: Path, kind: str) -> dict:
    out = folder / "out"
    shutil.rmtree(out, ignore_errors=True)
    result = subprocess.run(
        [sys.executable, "-m", "tests.bench.bench_export", "--child", url, str(out), kind],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--kind", choices=("aiid", "dsa"), default="aiid")
    parser.add_argument("--child", nargs=3, metavar=("URL", "OUT", "KIND"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    records = "enforcement actions" if args.kind == "dsa" else "approved incidents"
    work = Path(tempfile.mkdtemp(prefix="bench-export-"))
    try:
        urls = {}
        for label, count in (("small", args.small), ("large", args.large)):
            folder = work / label
            folder.mkdir()
            urls[label] = (fresh_sqlite(folder), folder)
            started = time.perf_counter()
            (populate_actions if args.kind == "dsa" else populate)(urls[label][0], count)
            print(f"built {count:,} {records} in {time.perf_counter() - started:.0f} s", flush=True)
        results = {"small": [], "large": []}
        for round_no in range(args.rounds):
            for label in ("small", "large"):
                outcome = run_child(*urls[label], args.kind)
                results[label].append(outcome)
                print(
                    f"round {round_no + 1} {label}: {outcome['exported']:,} exported, "
                    f"peak {outcome['peak_kb'] / 1024:.1f} MB (before export {outcome['before_kb'] / 1024:.1f} MB), "
                    f"{outcome['seconds']:.2f} s, {outcome['bytes'] / 1e6:.1f} MB written",
                    flush=True,
                )
        peak = {k: statistics.median(r["peak_kb"] for r in v) for k, v in results.items()}
        added = {k: statistics.median(r["peak_kb"] - r["before_kb"] for r in v) for k, v in results.items()}
        seconds = statistics.median(r["seconds"] for r in results["large"])
        ratio = peak["large"] / peak["small"]
        print(
            f"\n{args.kind}: peak memory {args.large:,} / {args.small:,} {records}: {ratio:.3f} "
            f"({peak['large'] / 1024:.1f} MB / {peak['small'] / 1024:.1f} MB); goal <= {MEMORY_GOAL}: "
            f"{'met' if ratio <= MEMORY_GOAL else 'MISSED'}"
        )
        print(
            f"memory added by the export itself: {added['small'] / 1024:.1f} MB for {args.small:,}, "
            f"{added['large'] / 1024:.1f} MB for {args.large:,}"
        )
        print(
            f"time per 1,000 {records}: {seconds / args.large * 1000 * 1000:.0f} ms "
            f"({seconds:.1f} s for {args.large:,})"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
