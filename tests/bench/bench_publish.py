"""Publishing a quarter of 1,000,000 reports and 200,000 enforcement actions, against plain GROUP BY queries.

Run: .venv/bin/python -m tests.bench.bench_publish [--reports 1000000] [--actions 200000] [--rounds 3]
Goals (issue 17): publication time at most 1.5x the plain SQL GROUP BY queries that compute the same raw
counts, on the same database in the same run; peak memory of the publishing process under 512 MiB.

The database holds one quarter of synthetic reports (the demo seed's mix of channels, categories,
statuses, serious incidents with deadlines and response times) and enforcement actions. The
report bodies are one sealed blob reused for every row: aggregation never reads them, and
sealing a million reports separately would only make the set-up slow. Each round times a full
publication (aggregation, noise, rendering with charts, hashing, storing) on a fresh copy of the
database, and the baseline's GROUP BY queries on the same copy; the medians are compared.

The publication is timed alone: the exports' refresh that follows it is a job on the task queue
(SQLite storage in the round's folder, no worker running), queued once the publication is committed.
Each round checks that the publication wrote no export and left exactly that job queued.

Building the database, the baseline and each publication run in processes of their own, so each
peak (VmHWM) is that phase's own: the publishing process's peak includes its imports (pandas,
Altair, vl-convert, OpenDP) and SQLite's page cache and memory map while it counts.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from tests.bench.common import ROOT, cleanup, fresh_sqlite

TIME_GOAL = 1.5
MEMORY_GOAL_MB = 512
MIB = 1024 * 1024
PERIOD = "2026Q2"

BASELINE = [
    "SELECT channel, count(*) FROM report WHERE created_at >= :start AND created_at < :end GROUP BY channel",
    "SELECT category, count(*) FROM report WHERE created_at >= :start AND created_at < :end "
    "AND channel = 'public' GROUP BY category",
    "SELECT actor, count(*) FROM report WHERE created_at >= :start AND created_at < :end "
    "AND channel = 'public' GROUP BY actor",
    "SELECT severity, count(*) FROM report WHERE created_at >= :start AND created_at < :end "
    "AND channel = 'public' GROUP BY severity",
    "SELECT category, count(*) FROM report WHERE created_at >= :start AND created_at < :end "
    "AND channel = 'whistleblower' GROUP BY category",
    "SELECT action_type, count(*) FROM enforcement_action WHERE decided_at >= :start AND decided_at < :end "
    "GROUP BY action_type",
    "SELECT ground_type, count(*) FROM enforcement_action WHERE decided_at >= :start AND decided_at < :end "
    "GROUP BY ground_type",
    "SELECT decision, count(*) FROM enforcement_action WHERE decided_at >= :start AND decided_at < :end "
    "GROUP BY decision",
]


def populate(url: str, reports: int, actions: int) -> None:
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import insert
    from sqlmodel import Session

    from core import sealing
    from core.db import make_engine
    from incidents import seed
    from incidents.models import EnforcementAction
    from reporting.aggregate import Period

    period = Period.parse(PERIOD)
    platform = sealing.platform_private_key("bench-platform-secret").public_key
    blob = sealing.seal_json({"title": "x" * 60, "description": "y" * 400}, {sealing.PLATFORM: platform})
    seed.seal_json = lambda _content, _readers: blob  # one sealed body for every row (see the docstring)
    readers = {"public": {}, "whistleblower": {}}
    engine = make_engine(url)
    end = period.ends_at - timedelta(seconds=1)
    with Session(engine) as session:
        seed.seed_reports(
            session=session, count=reports, rng=random.Random(5), now=end, readers=readers, batch=20_000, days=90
        )
    rng = random.Random(6)
    kinds = [
        "warning",
        "takedown",
        "suspension",
        "termination",
        "delisting",
        "licence_change",
        "referral",
        "reinstatement",
    ]
    rows = []
    with engine.begin() as conn:
        for i in range(actions):
            decided = period.starts_at + timedelta(seconds=rng.randrange(90 * 86400))
            rows.append(
                {
                    "action_type": rng.choice(kinds),
                    "target_kind": "model",
                    "target": f"model-{i % 500}",
                    "ground_type": rng.choice(["law", "policy"]),
                    "ground_reference": "AUP 3.2",
                    "explanation": "",
                    "detection": rng.choice(["manual", "automated"]),
                    "decision": rng.choice(["manual", "automated"]),
                    "territorial_scope": [],
                    "decided_at": decided,
                    "applied_at": decided,
                    "created_at": decided,
                }
            )
            if len(rows) == 20_000:
                conn.execute(insert(EnforcementAction), rows)
                rows.clear()
        if rows:
            conn.execute(insert(EnforcementAction), rows)
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()


def peak_mib() -> float:
    """This process's peak resident memory so far (VmHWM), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024 / MIB
    return float("nan")


def time_baseline(url: str) -> dict:
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import text

    from core.db import make_engine
    from reporting.aggregate import Period

    period = Period.parse(PERIOD)
    engine = make_engine(url)
    started = time.perf_counter()
    with engine.connect() as conn:
        for query in BASELINE:
            conn.execute(
                text(query),
                {"start": period.starts_at.replace(tzinfo=None), "end": period.ends_at.replace(tzinfo=None)},
            ).all()
    elapsed = time.perf_counter() - started
    engine.dispose()
    return {"seconds": elapsed, "peak_mib": peak_mib()}


def time_publication(url: str, folder: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    from sqlmodel import Session, select

    import wsgi
    from core.db import get_engine
    from core.tasks import Job
    from exports.models import ExportRun
    from reporting import publish as publishing

    app = wsgi.create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench-secret",
            "PLATFORM_SECRET": "bench-platform-secret",
            "INSTANCE_PATH": str(folder),
            "TASKS_BACKEND": "sqlite",
        }
    )
    with Session(get_engine(app)) as session:
        started = time.perf_counter()
        outcome = publishing.publish(app, session, PERIOD)
        elapsed = time.perf_counter() - started
        assert outcome.created
        # The exports were queued, not written: one refresh job waits for a worker.
        assert session.exec(select(ExportRun)).all() == []
        jobs = [(job.kind, job.state) for job in session.exec(select(Job))]
        assert jobs == [("export-refresh", "queued")], jobs
    get_engine(app).dispose()
    return {"seconds": elapsed, "peak_mib": peak_mib()}


def in_child(phase: str, *args: str) -> dict:
    """Run one phase in a fresh interpreter and return what it printed (JSON)."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.bench.bench_publish", "--phase", phase, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{phase} failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def child(args: argparse.Namespace) -> None:
    if args.phase == "build":
        started = time.perf_counter()
        populate(args.url, args.reports, args.actions)
        print(json.dumps({"seconds": time.perf_counter() - started, "peak_mib": peak_mib()}))
    elif args.phase == "baseline":
        print(json.dumps(time_baseline(args.url)))
    else:
        print(json.dumps(time_publication(args.url, Path(args.folder))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--actions", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--phase", choices=("build", "baseline", "publish"), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        child(args)
        return
    folder = Path(tempfile.mkdtemp(prefix="bench-publish-"))
    try:
        url = fresh_sqlite(folder)
        print(f"building {args.reports:,} reports and {args.actions:,} actions…", flush=True)
        built = in_child("build", "--url", url, "--reports", str(args.reports), "--actions", str(args.actions))
        print(f"  built in {built['seconds']:.0f} s, peak {built['peak_mib']:.0f} MiB", flush=True)
        source = folder / "bench.db"
        publication, baseline, peaks = [], [], []
        for round_number in range(args.rounds):
            copy = folder / f"round-{round_number}"
            copy.mkdir()
            shutil.copy(source, copy / "bench.db")
            copy_url = f"sqlite:///{copy / 'bench.db'}"
            baseline.append(in_child("baseline", "--url", copy_url)["seconds"])
            published = in_child("publish", "--url", copy_url, "--folder", str(copy))
            publication.append(published["seconds"])
            peaks.append(published["peak_mib"])
            print(
                f"round {round_number + 1}: GROUP BY {baseline[-1]:.2f} s, publication {publication[-1]:.2f} s, "
                f"publishing process peak {peaks[-1]:.0f} MiB",
                flush=True,
            )
            shutil.rmtree(copy)
        ratio = statistics.median(publication) / statistics.median(baseline)
        print(
            f"time ratio publication / GROUP BY = {ratio:.2f} "
            f"({'meets' if ratio <= TIME_GOAL else 'MISSES'} the goal of at most {TIME_GOAL})"
        )
        peak = max(peaks)
        print(
            f"peak memory of the publishing process {peak:.0f} MiB "
            f"({'meets' if peak < MEMORY_GOAL_MB else 'MISSES'} the goal of under {MEMORY_GOAL_MB} MiB); "
            f"building the database peaked at {built['peak_mib']:.0f} MiB in its own process"
        )
    finally:
        cleanup(folder)


if __name__ == "__main__":
    main()
