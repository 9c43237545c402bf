"""Receipt lookup rate with 100,000 stored reports, against the rate with 1,000, in the same run.

Run: .venv/bin/python -m tests.bench.bench_receipts [--large 100000] [--lookups 600]
Goal: the large database keeps at least 0.8 of the small one's lookup rate.

Each lookup is a POST /followup through the Flask app (form parsing, HMAC of the receipt,
indexed lookup, key derivation, unsealing the report and rendering the thread page). Half of
the receipts exist and half do not, as a mix of returning reporters and typos; the median
response times of the two kinds are printed too, since they must not tell a receipt exists.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from tests.bench.common import ROOT, cleanup, fresh_sqlite

GOAL = 0.8


def populate(url: str, count: int, keep: int) -> list[str]:
    """Store `count` sealed public reports with receipts; return `keep` of their receipts."""
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import insert

    from core import clock, sealing
    from core.db import make_engine
    from incidents.intake import receipts
    from incidents.intake.service import FLAG_COLUMNS
    from incidents.models import Report

    platform = sealing.platform_private_key("bench-platform-secret").public_key
    receipt_key = receipts.receipt_key("bench-platform-secret")
    engine = make_engine(url)
    kept, rows, now = [], [], clock.now()
    rng = random.Random(7)
    for i in range(count):
        receipt = receipts.new_receipt()
        canonical = receipts.normalise(receipt)
        salt = sealing.random_salt()
        reporter = sealing.reporter_private_key(canonical, salt).public_key
        sealed = sealing.seal_json(
            {
                "title": f"Report {i}",
                "description": "Synthetic benchmark report. " * 5,
                "affected": None,
                "steps": None,
                "evidence_links": [],
                "contact": None,
            },
            {sealing.PLATFORM: platform, sealing.REPORTER: reporter},
        )
        rows.append(
            {
                "channel": "public",
                "category": "other",
                "severity": "incident",
                "status": "received",
                "created_at": now - timedelta(minutes=rng.randrange(500_000)),
                "updated_at": now,
                "version": 1,
                "language": "en",
                "share_consent": False,
                **{column: False for column in FLAG_COLUMNS.values()},
                "sealed": sealed.ciphertext,
                "wrapped_keys": sealed.wrapped_keys,
                "receipt_mac": receipts.receipt_mac(receipt_key, canonical),
                "reporter_salt": sealing.b64(salt),
                "reporter_public_key": sealing.encode_public(reporter),
            }
        )
        if len(kept) < keep and rng.random() < keep * 3 / count + 0.001:
            kept.append(receipt)
        if len(rows) == 5000:
            with engine.begin() as conn:
                conn.execute(insert(Report), rows)
            rows.clear()
    if rows:
        with engine.begin() as conn:
            conn.execute(insert(Report), rows)
    engine.dispose()
    return kept


def lookup_client(url: str, folder: Path):
    import wsgi

    app = wsgi.create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench-secret",
            "PLATFORM_SECRET": "bench-platform-secret",
            "INSTANCE_PATH": str(folder),
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    return app.test_client()


def lookup_rate(
    client, mix: list[str], known: set[str], lookups: int, timings: dict[bool, list[float]] | None = None
) -> float:
    started = time.perf_counter()
    for i in range(lookups):
        receipt = mix[i % len(mix)]
        begin = time.perf_counter()
        status = client.post("/followup", data={"receipt": receipt}).status_code
        if timings is not None:
            timings[receipt in known].append(time.perf_counter() - begin)
        assert status == (200 if receipt in known else 403), status
    return lookups / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--lookups", type=int, default=300, help="lookups per round and size")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    from incidents.intake import receipts

    folders, setups = [], {}
    try:
        for size in (args.small, args.large):
            folder = Path(tempfile.mkdtemp(prefix=f"bench-receipts-{size}-"))
            folders.append(folder)
            url = fresh_sqlite(folder)
            started = time.perf_counter()
            known = populate(url, size, keep=200)
            print(f"stored {size} reports in {time.perf_counter() - started:.0f} s", flush=True)
            unknown = [receipts.new_receipt() for _ in known]
            mix = [r for pair in zip(known, unknown, strict=True) for r in pair]
            client = lookup_client(url, folder)
            lookup_rate(client, mix, set(known), 60)  # warm up
            setups[size] = (client, mix, set(known))
        # Alternate the two sizes round by round, so drift on the machine hits both alike.
        rates: dict[int, list[float]] = {size: [] for size in setups}
        timings: dict[bool, list[float]] = {True: [], False: []}
        for round_number in range(args.rounds):
            for size, (client, mix, known) in setups.items():
                rates[size].append(
                    lookup_rate(client, mix, known, args.lookups, timings if size == args.large else None)
                )
            print(
                f"round {round_number + 1}: " + "  ".join(f"{size}: {rates[size][-1]:.0f}/s" for size in rates),
                flush=True,
            )
    finally:
        for folder in folders:
            cleanup(folder)
    medians = {size: statistics.median(values) for size, values in rates.items()}
    for size, rate in medians.items():
        print(f"{size:>7} reports: {rate:7.1f} lookups/s (median of {args.rounds} rounds)")
    ratio = medians[args.large] / medians[args.small]
    verdict = "meets" if ratio >= GOAL else "MISSES"
    print(f"ratio {args.large}/{args.small} = {ratio:.2f} ({verdict} the goal of {GOAL})")
    hit, miss = (statistics.median(timings[k]) * 1000 for k in (True, False))
    print(
        f"response time with {args.large} reports: existing receipt {hit:.2f} ms, wrong receipt {miss:.2f} ms "
        f"(median; the difference should be small next to network jitter)"
    )


if __name__ == "__main__":
    main()
