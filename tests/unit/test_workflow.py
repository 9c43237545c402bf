"""The workflow tables against transitions pinned by hand.

The grids below are written out here, cell by cell, and not derived from the tables they check:
a wrong, missing or extra entry in `REPORT_TRANSITIONS` or `MODEL_TRANSITIONS` fails. A dash is
an action the status does not allow. The integration tests drive the service through every pair
and take their expected results from these grids too.
"""

import pytest

from incidents.models import ModelStatus, ReportStatus
from incidents.triage.workflow import (
    CLOSED_STATUSES,
    MODEL_TRANSITIONS,
    OPEN_STATUSES,
    REPORT_TRANSITIONS,
    ModelAction,
    TriageAction,
    can_propose_decommission,
    model_actions,
    report_actions,
)

REPORT_GRID = """
status        acknowledge   classify      assign        request_info  link_incident mark_duplicate dismiss    escalate   resolve   file_report   reopen
received      acknowledged  received      received      needs_info    in_progress   duplicate      dismissed  escalated  -         received      -
acknowledged  -             acknowledged  acknowledged  needs_info    in_progress   duplicate      dismissed  escalated  resolved  acknowledged  -
needs_info    acknowledged  needs_info    needs_info    needs_info    in_progress   duplicate      dismissed  escalated  resolved  needs_info    -
in_progress   -             in_progress   in_progress   needs_info    in_progress   duplicate      dismissed  escalated  resolved  in_progress   -
escalated     -             escalated     escalated     needs_info    escalated     -              -          -          resolved  escalated     -
duplicate     -             -             -             -             -             -              -          -          -         -             acknowledged
dismissed     -             -             -             -             -             -              -          -          -         -             acknowledged
resolved      -             -             -             -             -             -              -          -          -         resolved      acknowledged
"""

MODEL_GRID = """
status          review        clear    restrict    suspend    reinstate  decommission
active          under_review  -        -           -          -          -
under_review    -             active   restricted  suspended  -          decommissioned
restricted      -             -        -           suspended  active     decommissioned
suspended       -             -        restricted  -          active     decommissioned
decommissioned  -             -        -           -          -          -
"""


def parse_grid(grid: str, status_type, action_type) -> dict:
    """Read a hand-written grid into {(status, action): next status or None}."""
    header, *rows = [line.split() for line in grid.strip().splitlines()]
    actions = [action_type(name) for name in header[1:]]
    cells = {}
    for status_name, *targets in rows:
        assert len(targets) == len(actions), f"row {status_name} has {len(targets)} cells"
        for action, target in zip(actions, targets, strict=True):
            cells[(status_type(status_name), action)] = None if target == "-" else status_type(target)
    return cells


EXPECTED_REPORT = parse_grid(REPORT_GRID, ReportStatus, TriageAction)
EXPECTED_MODEL = parse_grid(MODEL_GRID, ModelStatus, ModelAction)


def test_the_grids_cover_every_status_and_action():
    assert set(EXPECTED_REPORT) == {(s, a) for s in ReportStatus for a in TriageAction}
    assert set(EXPECTED_MODEL) == {(s, a) for s in ModelStatus for a in ModelAction}


@pytest.mark.parametrize("pair", sorted(EXPECTED_REPORT), ids=lambda p: f"{p[0].value}-{p[1].value}")
def test_report_transition(pair):
    assert REPORT_TRANSITIONS.get(pair) == EXPECTED_REPORT[pair]


@pytest.mark.parametrize("pair", sorted(EXPECTED_MODEL), ids=lambda p: f"{p[0].value}-{p[1].value}")
def test_model_transition(pair):
    assert MODEL_TRANSITIONS.get(pair) == EXPECTED_MODEL[pair]


def test_the_tables_hold_nothing_beyond_the_grids():
    assert {pair for pair, target in EXPECTED_REPORT.items() if target} == set(REPORT_TRANSITIONS)
    assert {pair for pair, target in EXPECTED_MODEL.items() if target} == set(MODEL_TRANSITIONS)


def test_open_and_closed_statuses():
    assert {
        ReportStatus("received"),
        ReportStatus("acknowledged"),
        ReportStatus("needs_info"),
        ReportStatus("in_progress"),
        ReportStatus("escalated"),
    } == OPEN_STATUSES
    assert {ReportStatus("duplicate"), ReportStatus("dismissed"), ReportStatus("resolved")} == CLOSED_STATUSES


def test_the_buttons_a_status_shows():
    assert report_actions("escalated") == [
        "classify",
        "assign",
        "request_info",
        "link_incident",
        "resolve",
        "file_report",
    ]
    assert report_actions("resolved") == ["file_report", "reopen"]
    assert model_actions("under_review") == ["clear", "restrict", "suspend"]  # decommissioning goes by proposal
    assert model_actions("decommissioned") == []
    assert [s.value for s in ModelStatus if can_propose_decommission(s)] == ["under_review", "restricted", "suspended"]


@pytest.mark.parametrize("pair", sorted(EXPECTED_REPORT), ids=lambda p: f"{p[0].value}-{p[1].value}")
def test_next_status_is_pure_and_refuses_what_the_grid_forbids(pair):
    from incidents.errors import IllegalTransition
    from incidents.triage.workflow import next_status

    expected = EXPECTED_REPORT[pair]
    if expected is None:
        with pytest.raises(IllegalTransition):
            next_status(*pair)
    else:
        assert next_status(*pair) == expected


NOW = "now"  # any marker stands for the moment: effect_changes only copies it


@pytest.mark.parametrize(
    "current, action, stamped, expected",
    [
        ("received", "acknowledge", {}, {"acknowledged_at": NOW, "first_response_at": NOW}),
        ("needs_info", "acknowledge", {"acknowledged_at": "earlier", "first_response_at": "earlier"}, {}),
        ("received", "request_info", {}, {"first_response_at": NOW}),
        ("acknowledged", "resolve", {"first_response_at": "earlier"}, {"resolved_at": NOW, "closed_at": NOW}),
        ("received", "dismiss", {}, {"closed_at": NOW, "first_response_at": NOW}),
        ("received", "mark_duplicate", {}, {"closed_at": NOW, "first_response_at": NOW}),
        ("resolved", "file_report", {"first_response_at": "earlier"}, {}),  # closed to closed: no new stamp
        (
            "dismissed",
            "reopen",
            {"first_response_at": "earlier"},
            # A reopened case owes a new final outcome when it closes again, and a new decision from now.
            {
                "reopened_at": NOW,
                "closed_at": None,
                "resolved_at": None,
                "dismiss_reason": None,
                "duplicate_of_id": None,
                "outcome_sent_at": None,
            },
        ),
        ("received", "classify", {}, {}),
        ("acknowledged", "escalate", {"first_response_at": "earlier"}, {}),
    ],
)
def test_each_actions_side_effects_are_data(current, action, stamped, expected):
    from incidents.triage.workflow import effect_changes, next_status

    status, act = ReportStatus(current), TriageAction(action)
    assert effect_changes(status, next_status(status, act), act, stamped, NOW) == expected


def test_only_request_info_seals_a_message_and_only_assign_mails_the_assignee():
    """The two side effects beyond columns are data too, pinned by hand: a wrong entry fails here."""
    from incidents.triage.workflow import EFFECTS, NO_EFFECTS

    sealed = {action: EFFECTS.get(action, NO_EFFECTS).seals_to_reporter for action in TriageAction}
    assert {action: field for action, field in sealed.items() if field} == {TriageAction.REQUEST_INFO: "question"}
    mailing = {action for action in TriageAction if EFFECTS.get(action, NO_EFFECTS).notifies_assignee}
    assert mailing == {TriageAction.ASSIGN}
