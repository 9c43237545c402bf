"""Regulatory reporting deadlines for serious incidents, kept as data (EU AI Act Art. 73).

Pure functions: they take the report's fields and a clock reading and return the next filing
that is due. incidents.triage.service stores the result on the report so the queue can filter on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from core.schemas import N_
from incidents.vocabulary import SeriousFlag as F


class FilingKind(StrEnum):
    INITIAL = "initial"
    INTERMEDIATE = "intermediate"
    FINAL = "final"


@dataclass(frozen=True)
class Tier:
    name: str
    days: int
    label: str
    flags: tuple[str, ...]


# Shortest first: the first tier whose flags a serious incident carries sets its deadline.
DEADLINE_TIERS: tuple[Tier, ...] = (
    Tier(
        "critical",
        2,
        N_("Critical infrastructure, or a widespread infringement"),
        (F.CRITICAL_INFRASTRUCTURE.column, F.WIDESPREAD_INFRINGEMENT.column),
    ),
    Tier(
        "cyber",
        5,
        N_("A serious cybersecurity breach, or weight exfiltration"),
        (F.CYBERSECURITY.column, F.WEIGHT_EXFILTRATION.column),
    ),
    Tier("death", 10, N_("A death"), (F.DEATH.column,)),
    Tier(
        "serious_harm",
        15,
        N_("Other serious harm"),
        (F.HEALTH.column, F.FUNDAMENTAL_RIGHTS.column, F.PROPERTY_ENVIRONMENT.column),
    ),
)
TIERS_BY_NAME = {tier.name: tier for tier in DEADLINE_TIERS}
DEFAULT_SERIOUS_TIER = "serious_harm"
INTERMEDIATE_EVERY = timedelta(weeks=4)
FINAL_WITHIN = timedelta(days=60)
# A dismissed report or a duplicate owes no filing of its own (the original carries it).
NO_FILING_STATUSES = frozenset({"dismissed", "duplicate"})
# Deadlines this close count as "at risk" on the dashboard and in notifications.
AT_RISK_WITHIN = timedelta(days=2)


def tier_for(severity: str, flags: dict[str, bool]) -> Tier | None:
    """Return the deadline tier of a classified report, or None when it is not a serious incident."""
    if severity != "serious_incident":
        return None
    for tier in DEADLINE_TIERS:
        if any(flags.get(flag) for flag in tier.flags):
            return tier
    return TIERS_BY_NAME[DEFAULT_SERIOUS_TIER]


@dataclass(frozen=True)
class Due:
    at: datetime
    kind: FilingKind


def next_due(
    *,
    tier: Tier | None,
    aware_at: datetime,
    initial_filed_at: datetime | None,
    last_filed_at: datetime | None,
    resolved_at: datetime | None,
    final_filed_at: datetime | None,
) -> Due | None:
    """Return the next regulatory filing due for a report, or None when nothing is owed.

    The initial report is due `tier.days` after we became aware (the report arrived). After it,
    an intermediate report every four weeks until resolution; then the final one within 60 days.
    """
    if tier is None or final_filed_at is not None:
        return None
    if resolved_at is not None:
        return Due(resolved_at + FINAL_WITHIN, FilingKind.FINAL)
    if initial_filed_at is None:
        return Due(aware_at + timedelta(days=tier.days), FilingKind.INITIAL)
    return Due((last_filed_at or initial_filed_at) + INTERMEDIATE_EVERY, FilingKind.INTERMEDIATE)


def countdown(due_at: datetime | None, now: datetime) -> tuple[str, int] | None:
    """Describe a deadline as ("overdue" | "at_risk" | "due", whole days) relative to now."""
    if due_at is None:
        return None
    left = due_at - now
    if left < timedelta(0):
        return "overdue", (-left).days
    return ("at_risk" if left <= AT_RISK_WITHIN else "due"), left.days
