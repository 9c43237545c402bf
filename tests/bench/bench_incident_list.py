"""Public incident list time with 100,000 shared incidents, against the time with 1,000, in the same run.

Run: .venv/bin/python -m tests.bench.bench_incident_list [--large 100000] [--small 1000] [--renders 40]
Goal: the unfiltered list page (GET /incidents) renders in at most 1.5x the small database's median time.

Each render is a full GET through the Flask app, as a visitor: the schema, the keyset query (shared,
with every linked reporter's consent, newest shared first), the model choices and the template. Both
databases hold the same mix: every incident shared, one consenting report each, categories and models
spread evenly, so a filter selects the same share of rows at both sizes. The other cases are printed for
reading, with the goal applied to the list page only: a substring search cannot use a B-tree index, so a
search for a rare word reads every row (see docs/architecture.md, "Public incident pages").
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from tests.bench.common import ROOT, cleanup, fresh_sqlite

GOAL = 1.5
GOAL_CASE = "list page"
CASES = {
    "list page": "",
    "page 3 (cursor)": "after={cursor}",
    "category": "category=privacy",
    "model": "model={model_id}",
    "date range": "since=2026-03-01&until=2026-05-31",
    "search: common word": "q=assistant",
    "search: rare word": "q=50000%3B",  # one incident at 100,000, none at 1,000: reads every row; not under the goal
}
CATEGORIES = ["privacy", "fraud_deception", "safety_failure", "bias_discrimination", "other"]
MODELS = ["Aurora", "Boreal", "Cirrus", "Dorado", "Estela"]
WORDS = ["assistant", "chatbot", "screener", "translator", "recommender"]


def populate(url: str, count: int) -> None:
    """Fill the database with `count` shared incidents, each with one consenting report."""
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import insert
    from sqlmodel import Session

    from core import clock
    from core.db import make_engine
    from incidents.cases.public import LIST_FIELDS, search_text
    from incidents.models import Incident, ModelRecord, Report, model_key

    rng = random.Random(18)
    now = clock.now()
    engine = make_engine(url)
    with Session(engine) as session:
        session.add_all(ModelRecord(name=name, version="1") for name in MODELS)
        session.commit()
        for start in range(0, count, 10_000):
            incidents, reports = [], []
            for n in range(start, min(count, start + 10_000)):
                word, model = WORDS[n % len(WORDS)], MODELS[n % len(MODELS)]
                occurred = date(2026, 1, 1) + timedelta(days=rng.randrange(300))
                summary = {
                    "title": f"{model} {word} incident number {n}",
                    "description": f"A {word} built on {model} misbehaved in case {n}; the details are public.",
                    "occurred_on": occurred.isoformat(),
                    "deployers": ["Example Deployer"],
                    "developers": [f"{model} Labs"],
                    "harmed_parties": [],
                    "implicated_systems": [model],
                    "sources": [],
                    "source_urls": [],
                    "withheld_urls": 0,
                }
                incidents.append(
                    {
                        "id": n + 1,
                        "title": summary["title"],
                        "description": summary["description"],
                        "occurred_on": occurred,
                        **{name: summary[name] for name in LIST_FIELDS},
                        "shared_at": now - timedelta(seconds=count - n),
                        "public_summary": summary,
                        "public_search": search_text(summary),
                    }
                )
                reports.append(
                    {
                        "channel": "public",
                        "category": CATEGORIES[n % len(CATEGORIES)],
                        "severity": "harm",
                        "model_name": model,
                        "model_key": model_key(model),
                        "share_consent": True,
                        "status": "resolved",
                        "incident_id": n + 1,
                        "wrapped_keys": {},
                    }
                )
            session.execute(insert(Incident), incidents)
            session.execute(insert(Report), reports)
            session.commit()
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()


def visitor(url: str, folder: Path):
    import wsgi

    app = wsgi.create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench-secret",
            "PLATFORM_SECRET": "bench-platform-secret",
            "INSTANCE_PATH": str(folder),
            "RATELIMIT_ENABLED": False,
        }
    )
    return app.test_client()


def _paths(client) -> dict[str, str]:
    page = client.get("/incidents").get_data(as_text=True)
    for _ in range(2):
        cursor = re.search(r'after=([0-9]+-[0-9]+)"', page).group(1)
        page = client.get(f"/incidents?after={cursor}").get_data(as_text=True)
    model_id = re.search(r'<option value="(\d+)">Boreal 1</option>', page).group(1)
    return {name: "/incidents?" + query.format(cursor=cursor, model_id=model_id) for name, query in CASES.items()}


def _render_ms(client, path: str) -> float:
    started = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, path
    return elapsed * 1000


def _rows(client, path: str) -> int:
    return client.get(path).get_data(as_text=True).count('class="incident-item"')


def measure(clients: dict[int, object], renders: int) -> tuple[dict[int, dict[str, float]], dict]:
    """Median render time per case and size, alternating sizes render by render so drift hits both."""
    paths = {size: _paths(client) for size, client in clients.items()}
    results: dict[int, dict[str, float]] = {size: {} for size in clients}
    rows = {}
    for name in CASES:
        times: dict[int, list[float]] = {size: [] for size in clients}
        for size, client in clients.items():
            rows[size, name] = _rows(client, paths[size][name])
            for _ in range(3):  # warm the caches
                _render_ms(client, paths[size][name])
        for _ in range(renders):
            for size, client in clients.items():
                times[size].append(_render_ms(client, paths[size][name]))
        for size in clients:
            results[size][name] = statistics.median(times[size])
    return results, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--renders", type=int, default=40)
    args = parser.parse_args()
    folders = {size: Path(tempfile.mkdtemp(prefix=f"bench-incidents-{size}-")) for size in (args.small, args.large)}
    try:
        clients = {}
        for size, folder in folders.items():
            url = fresh_sqlite(folder)
            started = time.perf_counter()
            print(f"building {size:,} shared incidents…", flush=True)
            populate(url, size)
            print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
            clients[size] = visitor(url, folder)
        timings, rows = measure(clients, args.renders)
        print(f"{'case':22} {args.small:>10,} {args.large:>12,}   ratio   (rows on the page: small / large)")
        for name in CASES:
            small, large = timings[args.small][name], timings[args.large][name]
            print(
                f"{name:22} {small:8.2f} ms {large:10.2f} ms   {large / small:5.2f}   "
                f"({rows[args.small, name]} / {rows[args.large, name]})"
            )
        ratio = timings[args.large][GOAL_CASE] / timings[args.small][GOAL_CASE]
        verdict = "meets" if ratio <= GOAL else "MISSES"
        print(f"{GOAL_CASE}: ratio = {ratio:.2f} ({verdict} the goal of at most {GOAL})")
    finally:
        for folder in folders.values():
            cleanup(folder)


if __name__ == "__main__":
    main()
