"""Staff queue page time with 1,000,000 reports, against the time with 1,000, in the same run.

Run: .venv/bin/python -m tests.bench.bench_queue [--large 1000000] [--small 1000] [--renders 40]
Goal: for every filter below, the large database's median render time is at most 2x the small one's.

Each render is a full GET /staff/queue through the Flask app as a signed-in triager: the staff
gate, the keyset query, the status counts, the capped overdue count, and the template. Both
databases hold the same synthetic mix (the demo seed's distributions: channels, categories,
statuses, models, serious incidents with regulatory deadlines), so the filters select the same
shares of rows. Building the large database takes a few minutes; it is made once per run.
A selective filter may not fill a page on the small database; the row counts are printed so
the comparison is read with that in mind (a fuller page takes longer to render).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from tests.bench.common import ROOT, cleanup, fresh_sqlite

GOAL = 2.0
CASES = {
    "unfiltered": "",
    "status": "status=in_progress",
    "category": "category=privacy",
    "severity+status": "severity=serious_incident&status=acknowledged",
    "model": "model=aurora",
    "assignee: nobody": "assignee=none&open=1",
    "overdue": "overdue=1",
    "duty overdue": "duty_overdue=1",
    "next duty soonest": "sort=duty",
    "search: model prefix": "q=aur",
    "search: number": "q=%23{some_id}",
    "page 3 (cursor)": "after={cursor}",
}


def populate(url: str, count: int) -> None:
    """Fill the database with `count` synthetic reports, sealed as the demo seed seals them."""
    sys.path.insert(0, str(ROOT))
    from sqlmodel import Session

    from core import clock, sealing
    from core.db import make_engine
    from incidents import seed

    platform = sealing.platform_private_key("bench-platform-secret").public_key
    readers = {"public": {sealing.PLATFORM: platform}, "whistleblower": {sealing.PLATFORM: platform}}
    engine = make_engine(url)
    done = [0]

    def progress(n: int) -> None:
        done[0] += n
        if done[0] % 100_000 == 0:
            print(f"  {done[0]:>9,} reports", flush=True)

    with Session(engine) as session:
        seed.seed_reports(
            session=session,
            count=count,
            rng=random.Random(11),
            now=clock.now(),
            readers=readers,
            batch=10_000,
            progress=progress,
        )
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()


def signed_in(url: str, folder: Path):
    from sqlmodel import Session

    import wsgi
    from core import auth
    from core.db import get_engine
    from tests.conftest import StaffLogin, signed_in_client

    app = wsgi.create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench-secret",
            "PLATFORM_SECRET": "bench-platform-secret",
            "INSTANCE_PATH": str(folder),
            "RATELIMIT_ENABLED": False,
        }
    )
    with Session(get_engine(app)) as session:
        account = auth.create_staff(
            session=session, email="bench@example.org", role=auth.Role.TRIAGER, with_password=True
        )
        login = StaffLogin(
            email="bench@example.org",
            password=account.password,
            totp_secret=account.user.totp_secret,
            id=account.user.id,
        )
    return signed_in_client(app, login)


def _paths(client) -> dict[str, str]:
    import re

    first = client.get("/staff/queue").get_data(as_text=True)
    some_id = re.search(r'href="/staff/reports/(\d+)"', first).group(1)
    page = first
    for _ in range(2):
        cursor = re.search(r'after=([^&"]+)', page).group(1)
        page = client.get(f"/staff/queue?after={cursor}").get_data(as_text=True)
    return {name: "/staff/queue?" + query.format(some_id=some_id, cursor=cursor) for name, query in CASES.items()}


ROWS: dict[tuple[int, str], int] = {}


def _render_ms(client, path: str) -> float:
    started = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, path
    return elapsed * 1000


def _rows(client, path: str) -> int:
    return client.get(path).get_data(as_text=True).count('href="/staff/reports/')


def measure(clients: dict[int, object], renders: int) -> dict[int, dict[str, float]]:
    """Median render time per case and size, alternating sizes render by render so drift hits both."""
    paths = {size: _paths(client) for size, client in clients.items()}
    results: dict[int, dict[str, float]] = {size: {} for size in clients}
    for name in CASES:
        times: dict[int, list[float]] = {size: [] for size in clients}
        for size, client in clients.items():
            ROWS[size, name] = _rows(client, paths[size][name])
            for _ in range(3):  # warm the caches
                _render_ms(client, paths[size][name])
        for _ in range(renders):
            for size, client in clients.items():
                times[size].append(_render_ms(client, paths[size][name]))
        for size in clients:
            results[size][name] = statistics.median(times[size])
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--renders", type=int, default=40)
    args = parser.parse_args()
    folders = {size: Path(tempfile.mkdtemp(prefix=f"bench-queue-{size}-")) for size in (args.small, args.large)}
    try:
        clients = {}
        for size, folder in folders.items():
            url = fresh_sqlite(folder)
            started = time.perf_counter()
            print(f"building {size:,} reports…", flush=True)
            populate(url, size)
            print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
            clients[size] = signed_in(url, folder)
        timings = measure(clients, args.renders)
        worst = 0.0
        print(f"{'case':24} {args.small:>10,} {args.large:>12,}   ratio   (rows on the page: small / large)")
        for name in CASES:
            small, large = timings[args.small][name], timings[args.large][name]
            worst = max(worst, large / small)
            print(
                f"{name:24} {small:8.2f} ms {large:10.2f} ms   {large / small:5.2f}   "
                f"({ROWS[args.small, name]} / {ROWS[args.large, name]})"
            )
        verdict = "meets" if worst <= GOAL else "MISSES"
        print(f"worst ratio = {worst:.2f} ({verdict} the goal of at most {GOAL})")
    finally:
        for folder in folders.values():
            cleanup(folder)


if __name__ == "__main__":
    main()
