"""The pre-upload review as data: which models wait for a reviewer before they are listed.

Each criterion is a predicate over what the registry knows of a model: the record, the models up its
lineage, and its documentation checklist. A model registered meeting none is listed at once; one that
meets any goes into review. An evaluation may only take a model off the list, never put it on: one
person can change every fact behind the criteria, so a model in review or returned is listed only when
two staff members approve it (`listing_service.decide_listing`). Their approval covers the criteria it
judged; a later evaluation that finds a criterion it did not cover sends the model back to review.
Pure: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
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


def next_listing(
    current: Listing, *, matched: Sequence[str], covered: Collection[str] = (), resubmitted: bool = False
) -> Listing:
    """Where a model's listing goes after an evaluation: it may leave the list, but never joins it here.

    A listed model stays listed while every criterion it meets is `covered` by a standing approval (none, when
    no one approved it); otherwise it goes into review. A model in review stays there, whatever it meets, until
    a second staff member confirms a proposal. A returned model stays returned until it is resubmitted, and a
    resubmitted one goes into review, not onto the list.
    """
    if current == Listing.LISTED:
        return Listing.LISTED if set(matched) <= set(covered) else Listing.IN_REVIEW
    if current == Listing.RETURNED and not resubmitted:
        return Listing.RETURNED
    return Listing.IN_REVIEW
