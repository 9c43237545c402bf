"""The one clock: code that needs "now" or "today" asks here, and tests pin it with time-machine.

Nothing else in the application calls `datetime.now`, `date.today` or `time.time`, so a test
that travels to a date (`pytest.mark.time_machine(FIXED_DAY)`, see tests/conftest.py) moves every
part of the code there at once, and CI's run 400 days ahead under libfaketime moves it all too.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime


def now() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def today() -> date:
    """Return today's date in UTC (the platform's calendar, whatever the server's time zone)."""
    return now().date()


def timestamp() -> int:
    """Return the current Unix time in whole seconds."""
    return int(time.time())
