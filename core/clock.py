"""The one clock: code that needs "now" or "today" asks here, and tests pin it with time-machine.

Nothing else in the application calls `datetime.now`, `date.today` or `time.time`, so a test
that travels to a date (`pytest.mark.time_machine(FIXED_DAY)`, see tests/conftest.py) moves every
part of the code there at once, and CI's run 400 days ahead under libfaketime moves it all too.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta

# Only the demo seed moves this (`as_of`), so the history it writes through the real services is dated as
# the synthetic reports are; it is per context, so no other request or thread sees it.
_offset: ContextVar[timedelta] = ContextVar("clock_offset", default=timedelta(0))


def now() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC) + _offset.get()


@contextmanager
def as_of(moment: datetime) -> Iterator[None]:
    """Run a block as if it were `moment` (the demo seed replays past work through the real services)."""
    token = _offset.set(moment - datetime.now(UTC))
    try:
        yield
    finally:
        _offset.reset(token)


def today() -> date:
    """Return today's date in UTC (the platform's calendar, whatever the server's time zone)."""
    return now().date()


def timestamp() -> int:
    """Return the current Unix time in whole seconds."""
    return int(time.time())
