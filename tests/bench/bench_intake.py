"""Intake throughput through gunicorn (2 workers, SQLite): the sealed pipeline against a bare insert.

Run: .venv/bin/python -m tests.bench.bench_intake [--seconds 10] [--rounds 3] [--threads 4]
Goal: the pipeline reaches at least 0.5 of the bare endpoint's rate, measured in the same run.

The pipeline is POST /api/v1/reports: validation, receipt, sealing, audit event and commit.
The baseline is tests/bench/bare_app.py: the same JSON, the same row inserted unsealed with the
same engine settings (WAL, synchronous=FULL). The two alternate for several rounds, each on a
fresh database, and the ratio of the median rates is reported, because a shared 2-core machine
and fsync timing make single runs vary by about 10%.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from tests.bench.common import Server, cleanup, fresh_sqlite, post_json_load

GOAL = 0.5


def body(i: int) -> dict:
    return {
        "title": f"Benchmark report {i}",
        "category": "safety_failure",
        "severity": "incident",
        "description": "The model produced an unsafe answer when asked about medication. " * 4,
        "model_name": "Aurora",
        "country": "DE",
        "steps": "Ask it about doses.",
        "evidence_links": ["https://evidence.example.org/item"],
    }


TARGETS = {
    "bare": ("tests.bench.bare_app:create_app()", "/bare", {}),
    "pipeline": ("wsgi:create_app()", "/api/v1/reports", {"FLASK_INTAKE_LIMIT": '"1000000 per hour"'}),
}


def run_once(name: str, args) -> dict:
    target, path, extra = TARGETS[name]
    folder = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    url = fresh_sqlite(folder)
    env = {
        "DATABASE_URL": url,
        "BENCH_DATABASE_URL": url,
        "SECRET_KEY": "bench-secret",
        "PLATFORM_SECRET": "bench-platform-secret",
        **extra,
    }
    server = Server(target, env)
    try:
        post_json_load(server.port, path, body, args.threads, 2)  # warm up
        result = post_json_load(server.port, path, body, args.threads, args.seconds)
        result["peak_rss_mb"] = server.worker_peak_rss_mb()
    finally:
        server.stop()
        cleanup(folder)
    return result


def measure(args) -> dict:
    runs: dict[str, list[dict]] = {name: [] for name in TARGETS}
    for round_number in range(args.rounds):
        for name in TARGETS:
            result = run_once(name, args)
            runs[name].append(result)
            print(f"round {round_number + 1} {name:9} {result['rate']:8.1f} req/s", flush=True)
    return {name: median_run(results) for name, results in runs.items()}


def median_run(results: list[dict]) -> dict:
    """Return the run with the median rate, with the errors and peak memory of all runs."""
    ordered = sorted(results, key=lambda r: r["rate"])
    middle = dict(ordered[len(ordered) // 2])
    middle["errors"] = sum(r["errors"] for r in results)
    middle["peak_rss_mb"] = max(r["peak_rss_mb"] for r in results)
    return middle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    results = measure(args)
    for name, r in results.items():
        print(
            f"{name:9} {r['rate']:8.1f} req/s  p50 {r['p50_ms']:6.1f} ms  p99 {r['p99_ms']:6.1f} ms  "
            f"peak worker RSS {r['peak_rss_mb']:6.1f} MB  ({r['requests']} requests, {r['errors']} errors)"
        )
    ratio = results["pipeline"]["rate"] / results["bare"]["rate"]
    verdict = "meets" if ratio >= GOAL else "MISSES"
    print(f"ratio pipeline/bare = {ratio:.2f} ({verdict} the goal of {GOAL})")
    if results["pipeline"]["errors"] or results["bare"]["errors"]:
        raise SystemExit("some requests failed")


if __name__ == "__main__":
    main()
