"""The pre-upload review's criteria and listing moves, and the lineage walk up, pinned by hand (no app, no database)."""

from __future__ import annotations

import pytest

from incidents.models import Listing, ModelRecord
from incidents.registry.card_models import CardReviewItem
from incidents.registry.checklist import CHECKLIST
from incidents.registry.documentation import build_documentation
from incidents.registry.lineage import Lineage
from incidents.registry.listing import LISTING_CRITERIA, Facts, matched_criteria, next_listing

REQUIRED = [item.id for item in CHECKLIST if item.required]


def rows(failing: tuple[str, ...] = (), overridden: tuple[str, ...] = ()) -> list[CardReviewItem]:
    """Review rows of a card where `failing` items fail the automatic check and `overridden` ones a reviewer passed."""
    return [
        CardReviewItem(
            model_id=1,
            item_id=item.id,
            automatic_result="fail" if item.id in failing else "pass",
            automatic_reason="missing" if item.id in failing else "found",
            reviewer_result="pass" if item.id in overridden else None,
        )
        for item in CHECKLIST
    ]


COMPLETE = build_documentation(True, rows())


def record(release_type: str | None = None, status: str = "active") -> ModelRecord:
    return ModelRecord(id=1, name="Helpdesk", release_type=release_type, status=status)


def test_the_criteria_table_is_what_the_issue_names():
    assert [c.id for c in LISTING_CRITERIA] == ["open_weights", "restricted_base", "card_incomplete"]
    assert [c.label for c in LISTING_CRITERIA] == [
        "Its weights are open",
        "It derives from a model that is restricted, suspended or decommissioned",
        "Its model card misses required items of the checklist",
    ]


@pytest.mark.parametrize(
    ("release_type", "expected"),
    [("open_weights", ["open_weights"]), ("api_only", []), ("restricted", []), (None, [])],
)
def test_open_weights(release_type, expected):
    assert matched_criteria(Facts(record(release_type), [], COMPLETE)) == expected


@pytest.mark.parametrize(
    ("base_status", "expected"),
    [
        ("active", []),
        ("under_review", []),
        ("restricted", ["restricted_base"]),
        ("suspended", ["restricted_base"]),
        ("decommissioned", ["restricted_base"]),
    ],
)
def test_a_base_that_is_restricted_suspended_or_decommissioned(base_status, expected):
    base = ModelRecord(id=2, name="Base", status=base_status)
    assert matched_criteria(Facts(record("api_only"), [base], COMPLETE)) == expected


def test_a_base_further_up_counts_too():
    ancestors = [ModelRecord(id=2, name="Parent", status="active"), ModelRecord(id=3, name="Root", status="suspended")]
    assert matched_criteria(Facts(record(), ancestors, COMPLETE)) == ["restricted_base"]


@pytest.mark.parametrize(
    ("has_card", "failing", "overridden", "expected"),
    [
        (False, (), (), ["card_incomplete"]),  # no card: every required item is missing
        (True, (), (), []),
        (True, ("contact",), (), ["card_incomplete"]),
        (True, ("training_data", "evaluation"), (), ["card_incomplete"]),
        (True, ("contact",), ("contact",), []),  # a reviewer's pass wins over the check
        (True, ("recommendations",), (), []),  # optional
    ],
    ids=("no-card", "complete", "no-contact", "two-missing", "overridden", "optional-missing"),
)
def test_a_card_that_misses_required_items(has_card, failing, overridden, expected):
    documentation = build_documentation(has_card, rows(failing, overridden))
    assert matched_criteria(Facts(record("api_only"), [], documentation)) == expected


def test_all_three_in_the_tables_order():
    base = ModelRecord(id=2, name="Base", status="decommissioned")
    documentation = build_documentation(True, rows(("intended_uses",)))
    facts = Facts(record("open_weights"), [base], documentation)
    assert matched_criteria(facts) == ["open_weights", "restricted_base", "card_incomplete"]


L, R, RET = Listing.LISTED, Listing.IN_REVIEW, Listing.RETURNED
OW, RB, CI = "open_weights", "restricted_base", "card_incomplete"


@pytest.mark.parametrize(
    ("current", "covered", "matched", "resubmitted", "expected"),
    [
        (L, (), [], False, L),  # meets none (a model just registered, or listed before the review): listed
        (L, (), [OW], False, R),  # meets one that no approval covered: into review
        (L, (OW, CI), [OW], False, L),  # approved by two reviewers for what it meets: stays listed
        (L, (OW, CI), [OW, CI], False, L),
        (L, (CI,), [OW, CI], False, R),  # meets one the approval did not judge: back into review
        (L, (OW,), [RB], False, R),
        (R, (), [CI], False, R),
        (R, (), [], False, R),  # meets none now, but only a second person's confirmation lists it
        (R, (OW,), [OW], False, R),
        (RET, (), [CI], False, RET),  # returned stays returned until resubmitted
        (RET, (), [], False, RET),
        (RET, (), [CI], True, R),
        (RET, (), [], True, R),  # resubmitted: into review, never straight onto the list
    ],
)
def test_next_listing(current, covered, matched, resubmitted, expected):
    assert next_listing(current, matched=matched, covered=covered, resubmitted=resubmitted) == expected


@pytest.mark.parametrize("current", [R, RET])
@pytest.mark.parametrize("resubmitted", [False, True])
def test_an_evaluation_never_lists_a_model_that_is_not_listed(current, resubmitted):
    everything = [c.id for c in LISTING_CRITERIA]
    for matched in ([], [OW], everything):
        assert next_listing(current, matched=matched, covered=everything, resubmitted=resubmitted) != L


def hub(repo: str) -> str:
    return f"https://huggingface.co/{repo}"


def test_ancestors_walk_up_transitively_nearest_first_and_stop_at_a_cycle():
    root = ModelRecord(id=1, name="Root", hub_url=hub("org/root"), base_models=[])
    tune = ModelRecord(id=2, name="Tune", hub_url=hub("org/tune"), base_models=["org/root"])
    merge = ModelRecord(id=3, name="Merge", hub_url=hub("org/merge"), base_models=["ORG/Tune", "elsewhere/x"])
    other = ModelRecord(id=4, name="Other", hub_url=hub("org/other"), base_models=[])
    links = Lineage([root, tune, merge, other])
    assert [m.name for m in links.ancestors(merge)] == ["Tune", "Root"]
    assert [m.name for m in links.ancestors(tune)] == ["Root"]
    assert links.ancestors(root) == []
    a = ModelRecord(id=5, name="A", hub_url=hub("c/a"), base_models=["c/b"])
    b = ModelRecord(id=6, name="B", hub_url=hub("c/b"), base_models=["c/a"])
    assert [m.name for m in Lineage([a, b]).ancestors(a)] == ["B"]
