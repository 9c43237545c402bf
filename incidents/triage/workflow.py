"""The workflows, as data: which action moves a report or a model from which status to which.

incidents.triage.service.apply applies them; templates ask `report_actions` and `model_actions` which
buttons to show. Nothing else writes a status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from incidents.errors import IllegalTransition
from incidents.models import ModelStatus, ReportStatus


class TriageAction(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    CLASSIFY = "classify"
    ASSIGN = "assign"
    REQUEST_INFO = "request_info"
    LINK_INCIDENT = "link_incident"
    MARK_DUPLICATE = "mark_duplicate"
    DISMISS = "dismiss"
    ESCALATE = "escalate"
    RESOLVE = "resolve"
    FILE_REPORT = "file_report"
    REOPEN = "reopen"


R = ReportStatus
A = TriageAction

OPEN_STATUSES = frozenset({R.RECEIVED, R.ACKNOWLEDGED, R.NEEDS_INFO, R.IN_PROGRESS, R.ESCALATED})
CLOSED_STATUSES = frozenset({R.DUPLICATE, R.DISMISSED, R.RESOLVED})

# (status, action) -> next status. Actions that keep the status (classify, assign, file a
# regulatory report) are listed too, so "may I do this now?" is always one lookup.
REPORT_TRANSITIONS: dict[tuple[ReportStatus, TriageAction], ReportStatus] = {
    (R.RECEIVED, A.ACKNOWLEDGE): R.ACKNOWLEDGED,
    (R.RECEIVED, A.CLASSIFY): R.RECEIVED,
    (R.RECEIVED, A.ASSIGN): R.RECEIVED,
    (R.RECEIVED, A.REQUEST_INFO): R.NEEDS_INFO,
    (R.RECEIVED, A.LINK_INCIDENT): R.IN_PROGRESS,
    (R.RECEIVED, A.MARK_DUPLICATE): R.DUPLICATE,
    (R.RECEIVED, A.DISMISS): R.DISMISSED,
    (R.RECEIVED, A.ESCALATE): R.ESCALATED,
    (R.RECEIVED, A.FILE_REPORT): R.RECEIVED,
    (R.ACKNOWLEDGED, A.CLASSIFY): R.ACKNOWLEDGED,
    (R.ACKNOWLEDGED, A.ASSIGN): R.ACKNOWLEDGED,
    (R.ACKNOWLEDGED, A.REQUEST_INFO): R.NEEDS_INFO,
    (R.ACKNOWLEDGED, A.LINK_INCIDENT): R.IN_PROGRESS,
    (R.ACKNOWLEDGED, A.MARK_DUPLICATE): R.DUPLICATE,
    (R.ACKNOWLEDGED, A.DISMISS): R.DISMISSED,
    (R.ACKNOWLEDGED, A.ESCALATE): R.ESCALATED,
    (R.ACKNOWLEDGED, A.RESOLVE): R.RESOLVED,
    (R.ACKNOWLEDGED, A.FILE_REPORT): R.ACKNOWLEDGED,
    # The reporter answered (or staff stop waiting): acknowledge takes the report back up.
    (R.NEEDS_INFO, A.ACKNOWLEDGE): R.ACKNOWLEDGED,
    (R.NEEDS_INFO, A.CLASSIFY): R.NEEDS_INFO,
    (R.NEEDS_INFO, A.ASSIGN): R.NEEDS_INFO,
    (R.NEEDS_INFO, A.REQUEST_INFO): R.NEEDS_INFO,
    (R.NEEDS_INFO, A.LINK_INCIDENT): R.IN_PROGRESS,
    (R.NEEDS_INFO, A.MARK_DUPLICATE): R.DUPLICATE,
    (R.NEEDS_INFO, A.DISMISS): R.DISMISSED,
    (R.NEEDS_INFO, A.ESCALATE): R.ESCALATED,
    (R.NEEDS_INFO, A.RESOLVE): R.RESOLVED,
    (R.NEEDS_INFO, A.FILE_REPORT): R.NEEDS_INFO,
    (R.IN_PROGRESS, A.CLASSIFY): R.IN_PROGRESS,
    (R.IN_PROGRESS, A.ASSIGN): R.IN_PROGRESS,
    (R.IN_PROGRESS, A.REQUEST_INFO): R.NEEDS_INFO,
    (R.IN_PROGRESS, A.LINK_INCIDENT): R.IN_PROGRESS,
    (R.IN_PROGRESS, A.MARK_DUPLICATE): R.DUPLICATE,
    (R.IN_PROGRESS, A.DISMISS): R.DISMISSED,
    (R.IN_PROGRESS, A.ESCALATE): R.ESCALATED,
    (R.IN_PROGRESS, A.RESOLVE): R.RESOLVED,
    (R.IN_PROGRESS, A.FILE_REPORT): R.IN_PROGRESS,
    (R.ESCALATED, A.CLASSIFY): R.ESCALATED,
    (R.ESCALATED, A.ASSIGN): R.ESCALATED,
    (R.ESCALATED, A.REQUEST_INFO): R.NEEDS_INFO,
    (R.ESCALATED, A.LINK_INCIDENT): R.ESCALATED,
    (R.ESCALATED, A.RESOLVE): R.RESOLVED,
    (R.ESCALATED, A.FILE_REPORT): R.ESCALATED,
    # Closed reports can be reopened; a resolved one still owes its final regulatory report.
    (R.RESOLVED, A.FILE_REPORT): R.RESOLVED,
    (R.RESOLVED, A.REOPEN): R.ACKNOWLEDGED,
    (R.DISMISSED, A.REOPEN): R.ACKNOWLEDGED,
    (R.DUPLICATE, A.REOPEN): R.ACKNOWLEDGED,
}


def next_status(status: ReportStatus, action: TriageAction) -> ReportStatus:
    """Return the status an action leads to, or raise IllegalTransition when the table forbids it."""
    target = REPORT_TRANSITIONS.get((status, action))
    if target is None:
        raise IllegalTransition(
            f"A report that is '{status.value.replace('_', ' ')}' cannot be '{action.value.replace('_', ' ')}'d."
        )
    return target


@dataclass(frozen=True)
class Effects:
    """What an action writes besides the status, as data: stamps, clears, and the first response."""

    stamps: tuple[str, ...] = ()  # set to now
    stamps_once: tuple[str, ...] = ()  # set to now when still empty
    clears: tuple[str, ...] = ()  # set to empty
    answers_reporter: bool = False  # the first of these is the report's first response
    seals_to_reporter: str | None = None  # a parameter sent to the reporter, sealed, in the same transaction
    notifies_assignee: bool = False  # after the commit, a content-free e-mail to a newly named assignee


NO_EFFECTS = Effects()
EFFECTS: dict[TriageAction, Effects] = {
    A.ACKNOWLEDGE: Effects(stamps_once=("acknowledged_at",), answers_reporter=True),
    A.ASSIGN: Effects(notifies_assignee=True),
    A.REQUEST_INFO: Effects(answers_reporter=True, seals_to_reporter="question"),
    A.DISMISS: Effects(answers_reporter=True),
    A.MARK_DUPLICATE: Effects(answers_reporter=True),
    A.RESOLVE: Effects(stamps=("resolved_at",), answers_reporter=True),
    A.REOPEN: Effects(
        stamps=("reopened_at",),
        clears=("closed_at", "resolved_at", "dismiss_reason", "duplicate_of_id", "outcome_sent_at"),
    ),
}


# The report's columns that effect_changes reads before it writes: the ones stamped only once.
STAMPED_COLUMNS = tuple(
    sorted({column for effects in EFFECTS.values() for column in effects.stamps_once} | {"first_response_at"})
)


def effect_changes(
    current: ReportStatus, target: ReportStatus, action: TriageAction, stamped: dict[str, object], now: datetime
) -> dict[str, object]:
    """Return the columns an action sets besides its parameters; `stamped` holds the report's current stamps."""
    effects = EFFECTS.get(action, NO_EFFECTS)
    changes: dict[str, object] = {column: now for column in effects.stamps}
    changes.update({column: now for column in effects.stamps_once if stamped.get(column) is None})
    if target in CLOSED_STATUSES and current not in CLOSED_STATUSES:
        changes["closed_at"] = now
    changes.update({column: None for column in effects.clears})
    if effects.answers_reporter and stamped.get("first_response_at") is None:
        changes["first_response_at"] = now
    return changes


def report_actions(status: str) -> list[TriageAction]:
    """Return the actions allowed on a report in this status, in the table's order."""
    return [action for (start, action) in REPORT_TRANSITIONS if start == status]


class ModelAction(StrEnum):
    REVIEW = "review"
    CLEAR = "clear"
    RESTRICT = "restrict"
    SUSPEND = "suspend"
    REINSTATE = "reinstate"
    DECOMMISSION = "decommission"


M = ModelStatus
MA = ModelAction

MODEL_TRANSITIONS: dict[tuple[ModelStatus, ModelAction], ModelStatus] = {
    (M.ACTIVE, MA.REVIEW): M.UNDER_REVIEW,
    (M.UNDER_REVIEW, MA.CLEAR): M.ACTIVE,
    (M.UNDER_REVIEW, MA.RESTRICT): M.RESTRICTED,
    (M.UNDER_REVIEW, MA.SUSPEND): M.SUSPENDED,
    (M.UNDER_REVIEW, MA.DECOMMISSION): M.DECOMMISSIONED,
    (M.RESTRICTED, MA.REINSTATE): M.ACTIVE,
    (M.RESTRICTED, MA.SUSPEND): M.SUSPENDED,
    (M.RESTRICTED, MA.DECOMMISSION): M.DECOMMISSIONED,
    (M.SUSPENDED, MA.REINSTATE): M.ACTIVE,
    (M.SUSPENDED, MA.RESTRICT): M.RESTRICTED,
    (M.SUSPENDED, MA.DECOMMISSION): M.DECOMMISSIONED,
}

# Decommissioning is never a button of its own: it takes an approved four-eyes proposal.
PROPOSAL_ONLY = frozenset({MA.DECOMMISSION})


def model_actions(status: str) -> list[ModelAction]:
    """Return the lifecycle buttons for a model in this status (decommissioning goes by proposal)."""
    return [action for (start, action) in MODEL_TRANSITIONS if start == status and action not in PROPOSAL_ONLY]


def can_propose_decommission(status: str) -> bool:
    return (ModelStatus(status), MA.DECOMMISSION) in MODEL_TRANSITIONS
