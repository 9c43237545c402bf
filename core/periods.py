"""Calendar quarters such as 2026Q3: the periods that reports and exports are cut by."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

PERIOD_RE = re.compile(r"^(\d{4})Q([1-4])$")


class BadPeriod(ValueError):
    """Not a calendar quarter such as 2026Q3."""


@dataclass(frozen=True, order=True)
class Period:
    year: int
    quarter: int

    @classmethod
    def parse(cls, text: str) -> Period:
        match = PERIOD_RE.match((text or "").strip().upper())
        if not match:
            raise BadPeriod(f"{text!r} is not a quarter: write it like 2026Q3")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, moment: datetime) -> Period:
        return cls(moment.year, (moment.month - 1) // 3 + 1)

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter}"

    @property
    def starts_at(self) -> datetime:
        return datetime(self.year, 3 * self.quarter - 2, 1, tzinfo=UTC)

    @property
    def ends_at(self) -> datetime:
        return self.next().starts_at

    def next(self) -> Period:
        return Period(self.year + (self.quarter == 4), self.quarter % 4 + 1)

    def previous(self) -> Period:
        return Period(self.year - (self.quarter == 1), (self.quarter - 2) % 4 + 1)

    def overlaps(self, starts_at: datetime, ends_at: datetime) -> bool:
        return self.starts_at < ends_at and starts_at < self.ends_at
