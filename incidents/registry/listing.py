"""The pre-upload review as data: which models wait for a reviewer before they are listed.

Each criterion is a predicate over what the registry knows of a model: the record, the models up its
lineage, and its documentation checklist. A model that meets one or more goes into review when it is
registered or its details or card change, unless two staff members have already approved it; one that
meets none is listed at once. Reviewers approve, or send it back with reasons (`listing_service.py`).
Pure: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from core.schemas import N_
from incidents.models import Listing, ModelRecord, ModelStatus
from incidents.registry.documentation import Documentation
from incidents.vocabulary import ReleaseType

# The statuses that restrict a model: a move into one of them flags every model derived from it
# (chain.py), and a model derived from one meets the `restricted_base` criterion.
UPSTREAM_ACTIONS = frozenset({ModelStatus.RESTRICTED, ModelStatus.SUSPENDED, ModelStatus.DECOMMISSIONED})


@dataclass(frozen=True)
class Facts:
    """What the criteria look at: the record, the registry's models up its lineage, and its documentation."""

    record: ModelRecord
    ancestors: Sequence[ModelRecord]
    documentation: Documentation


@dataclass(frozen=True)
class Criterion:
    id: str
    label: str
    applies: Callable[[Facts], bool]


LISTING_CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "open_weights",
        N_("Its weights are open"),
        lambda facts: facts.record.release_type == ReleaseType.OPEN_WEIGHTS.value,
    ),
    Criterion(
        "restricted_base",
        N_("It derives from a model that is restricted, suspended or decommissioned"),
        lambda facts: any(a.status in UPSTREAM_ACTIONS for a in facts.ancestors),
    ),
    Criterion(
        "card_incomplete",
        N_("Its model card misses required items of the checklist"),
        lambda facts: not facts.documentation.complete,
    ),
)
CRITERIA_BY_ID = {c.id: c for c in LISTING_CRITERIA}


def matched_criteria(facts: Facts) -> list[str]:
    """The ids of the criteria a model meets, in the table's order."""
    return [c.id for c in LISTING_CRITERIA if c.applies(facts)]


def next_listing(current: Listing, *, approved: bool, matched: Sequence[str], resubmitted: bool = False) -> Listing:
    """Where a model's listing goes after an evaluation.

    A returned model stays returned until it is resubmitted. Otherwise a model that meets no criterion, or
    that two staff members approved, is listed, and one that meets a criterion without approval is in review.
    """
    if current == Listing.RETURNED and not resubmitted:
        return Listing.RETURNED
    if not matched or approved:
        return Listing.LISTED
    return Listing.IN_REVIEW
