"""The one clock: `as_of` moves "now" for one block and one context only (the demo seed's replay)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from core import clock

MOMENT = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)


def test_as_of_moves_now_and_today_for_the_block_only():
    before = clock.now()
    with clock.as_of(MOMENT):
        assert abs(clock.now() - MOMENT) < timedelta(seconds=1)
        assert clock.today().isoformat() == "2025-03-14"
    assert abs(clock.now() - before) < timedelta(seconds=5)


def test_as_of_nests_and_restores_the_outer_moment():
    with clock.as_of(MOMENT):
        with clock.as_of(MOMENT + timedelta(days=2)):
            assert clock.today().isoformat() == "2025-03-16"
        assert clock.today().isoformat() == "2025-03-14"


def test_another_thread_keeps_the_real_time():
    seen = []
    with clock.as_of(MOMENT):
        worker = threading.Thread(target=lambda: seen.append(clock.now()))
        worker.start()
        worker.join()
    assert abs(seen[0] - datetime.now(UTC)) < timedelta(seconds=5)
