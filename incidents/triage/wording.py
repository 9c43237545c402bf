"""Staff words for the triage room's stored values: statuses, severities, flags, flashes, and history lines.

The values stay as they are stored; these tables turn them into sentences in the staff member's language
when a page shows them. A history line is built from an audit event: one sentence per action, its details
labelled, never a raw `key=value`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import format_datetime
from flask_babel import gettext as _

from core.schemas import N_
from incidents import labels
from incidents.models import IncidentStatus, ModelStatus, ProposalStatus, ReportStatus, Severity
from incidents.triage import deadlines, duty_service
from incidents.triage.schemas import DISMISS_REASONS
from incidents.triage.workflow import ModelAction, TriageAction
from incidents.vocabulary import SeriousFlag

REPORT_STATUS_LABELS = {
    ReportStatus.RECEIVED: N_("Received"),
    ReportStatus.ACKNOWLEDGED: N_("Acknowledged"),
    ReportStatus.NEEDS_INFO: N_("Waiting for the reporter"),
    ReportStatus.IN_PROGRESS: N_("In progress"),
    ReportStatus.ESCALATED: N_("Escalated"),
    ReportStatus.DUPLICATE: N_("Duplicate"),
    ReportStatus.DISMISSED: N_("Dismissed"),
    ReportStatus.RESOLVED: N_("Resolved"),
}

SEVERITY_LABELS = {
    Severity.HAZARD: N_("hazard"),
    Severity.INCIDENT: N_("incident"),
    Severity.SERIOUS_INCIDENT: N_("serious incident"),
}

# Short words for the serious-harm flags, for a line of a table or of the history.
FLAG_LABELS = {
    SeriousFlag.DEATH: N_("death"),
    SeriousFlag.HEALTH: N_("health"),
    SeriousFlag.CRITICAL_INFRASTRUCTURE: N_("critical infrastructure"),
    SeriousFlag.FUNDAMENTAL_RIGHTS: N_("fundamental rights"),
    SeriousFlag.PROPERTY_ENVIRONMENT: N_("property or environment"),
    SeriousFlag.CYBERSECURITY: N_("cybersecurity"),
    SeriousFlag.WIDESPREAD_INFRINGEMENT: N_("widespread infringement"),
    SeriousFlag.WEIGHT_EXFILTRATION: N_("weight exfiltration"),
}

FILING_LABELS = {
    deadlines.FilingKind.INITIAL: N_("initial"),
    deadlines.FilingKind.INTERMEDIATE: N_("intermediate"),
    deadlines.FilingKind.FINAL: N_("final"),
}

# What the flash says once an action is done.
ACTION_DONE = {
    TriageAction.ACKNOWLEDGE: N_("Acknowledged."),
    TriageAction.CLASSIFY: N_("Classified."),
    TriageAction.ASSIGN: N_("Assignment saved."),
    TriageAction.REQUEST_INFO: N_("Your question is sent to the reporter."),
    TriageAction.LINK_INCIDENT: N_("Linked to the incident."),
    TriageAction.MARK_DUPLICATE: N_("Marked as a duplicate."),
    TriageAction.DISMISS: N_("Dismissed."),
    TriageAction.ESCALATE: N_("Escalated."),
    TriageAction.RESOLVE: N_("Resolved."),
    TriageAction.FILE_REPORT: N_("The regulatory report is recorded as filed."),
    TriageAction.REOPEN: N_("Reopened."),
}

MODEL_ACTION_LABELS = {
    ModelAction.REVIEW: N_("Put under review"),
    ModelAction.CLEAR: N_("Clear after review"),
    ModelAction.RESTRICT: N_("Restrict"),
    ModelAction.SUSPEND: N_("Suspend"),
    ModelAction.REINSTATE: N_("Reinstate"),
    ModelAction.DECOMMISSION: N_("Decommission"),
}
PROPOSAL_STATUS_LABELS = {
    ProposalStatus.PENDING: N_("waiting for a second person"),
    ProposalStatus.APPROVED: N_("approved"),
    ProposalStatus.REJECTED: N_("rejected"),
    ProposalStatus.WITHDRAWN: N_("withdrawn"),
    # A listing proposal's own outcomes (incidents.registry.review_models.ListingProposalStatus).
    "confirmed": N_("confirmed"),
    "superseded": N_("superseded: the model changed while it waited"),
}
INCIDENT_STATUS_LABELS = {IncidentStatus.OPEN: N_("Open"), IncidentStatus.CLOSED: N_("Closed")}
# The order a model's lifecycle stepper shows.
MODEL_LIFECYCLE = tuple(ModelStatus)

# Staff read at most one "opened" line per person per this long; the audit log keeps every opening.
OPENED_EVERY = timedelta(hours=1)


def status_label(value: str | None) -> str:
    """Return a report status in the staff member's words (an unknown value as it is)."""
    try:
        return _(REPORT_STATUS_LABELS[ReportStatus(value)])
    except ValueError:
        return value or "–"


def _lookup(table: Mapping, value: str | None) -> str:
    """Return a stored value in words from one of the tables above (an unknown value as it is)."""
    text = table.get(value) if value is not None else None
    return _(text) if text else (value or "–")


def model_status_label(value: str | None) -> str:
    return _lookup(labels.MODEL_STATUSES, value)


def model_action_label(value: str | None) -> str:
    return _lookup(MODEL_ACTION_LABELS, value)


def proposal_status_label(value: str | None) -> str:
    return _lookup(PROPOSAL_STATUS_LABELS, value)


def incident_status_label(value: str | None) -> str:
    return _lookup(INCIDENT_STATUS_LABELS, value)


def model_steps() -> list[tuple[str, str]]:
    """Return a model's lifecycle as (status, words) in order, for the stepper."""
    return [(status.value, model_status_label(status.value)) for status in MODEL_LIFECYCLE]


def severity_label(value: str | None) -> str:
    try:
        return _(SEVERITY_LABELS[Severity(value)])
    except ValueError:
        return value or "–"


def flag_label(value: str) -> str:
    try:
        return _(FLAG_LABELS[SeriousFlag(value)])
    except ValueError:
        return value


def filing_label(value: str | None) -> str:
    try:
        return _(FILING_LABELS[deadlines.FilingKind(value)])
    except ValueError:
        return value or "–"


def flags_text(values) -> str:
    return ", ".join(flag_label(value) for value in values)


def reporter_flags(report) -> list[str]:
    """Return the serious-harm flags set on a report, in the vocabulary's order."""
    return [flag.value for flag in SeriousFlag if getattr(report, flag.column, False)]


@dataclass(frozen=True)
class Provisional:
    """A deadline the reporter's own answers imply, before staff have classified the report."""

    flags: list[str]
    tier: deadlines.Tier
    due_at: datetime
    countdown: tuple[str, int]


def provisional_deadline(report, now: datetime) -> Provisional | None:
    """Return the initial-report deadline the reporter's serious-harm answers would set, if staff confirm them.

    None once the report has a deadline (or a tier) of its own, or when it owes no filing.
    """
    if report.due_at is not None or report.deadline_tier or report.status in deadlines.NO_FILING_STATUSES:
        return None
    flags = reporter_flags(report)
    if not flags:
        return None
    tier = deadlines.tier_for(Severity.SERIOUS_INCIDENT.value, {SeriousFlag(f).column: True for f in flags})
    if tier is None:  # pragma: no cover - a serious incident always has a tier
        return None
    due_at = report.created_at + timedelta(days=tier.days)
    return Provisional(flags, tier, due_at, deadlines.countdown(due_at, now) or ("due", 0))


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    text: str
    who: str | None
    when: str


def _staff_name(staff: Mapping, actor_id) -> str:
    user = staff.get(actor_id)
    return user.email if user is not None else f"#{actor_id}"


def _status_change(d: dict) -> str:
    if d.get("from") and d.get("to") and d["from"] != d["to"]:
        return " " + _("(status: %(from)s → %(to)s)", **{"from": status_label(d["from"]), "to": status_label(d["to"])})
    return ""


def _classified(d: dict, staff: Mapping) -> str:
    text = _("Classified as %(severity)s", severity=severity_label(d.get("severity")))
    if d.get("flags"):
        text += ": " + flags_text(d["flags"])
    if d.get("category"):
        text += "; " + _("category: %(category)s", category=_(labels.CATEGORY_LABELS.get(d["category"], d["category"])))
    return text


def _assigned(d: dict, staff: Mapping) -> str:
    if d.get("assignee"):
        return _("Assigned to %(who)s", who=_staff_name(staff, d["assignee"]))
    return _("Unassigned")


def _dismissed(d: dict, staff: Mapping) -> str:
    reason = d.get("reason")
    return _("Dismissed: %(reason)s", reason=_(DISMISS_REASONS[reason]) if reason in DISMISS_REASONS else reason)


def _filed(d: dict, staff: Mapping) -> str:
    text = _("The %(filing)s regulatory report recorded as filed", filing=filing_label(d.get("filing")))
    if "on_time" in d:
        text += ", " + (_("on time") if d["on_time"] else _("late"))
    return text


def _duty_met(d: dict, staff: Mapping) -> str:
    label = duty_service.DUTY_LABELS.get(d.get("duty"))
    text = _("Duty met: %(duty)s", duty=_(label) if label else d.get("duty"))
    if "on_time" in d:
        text += ", " + (_("on time") if d["on_time"] else _("late"))
    return text


def _received(d: dict, staff: Mapping) -> str:
    n = d.get("attachments") or 0
    if n:
        return _("Report received, with %(n)d file(s)", n=n)
    return _("Report received")


def _message(author: str) -> Callable[[dict, Mapping], str]:
    def sentence(d: dict, staff: Mapping) -> str:
        n = d.get("attachments") or 0
        text = _("Message sent to the reporter") if author == "staff" else _("Message from the reporter")
        if n:
            text += " " + _("(%(n)d file(s))", n=n)
        return text

    return sentence


def _fixed(text: str) -> Callable[[dict, Mapping], str]:
    return lambda d, staff: _(text)


SENTENCES: dict[str, Callable[[dict, Mapping], str]] = {
    "report.received": _received,
    "report.opened": _fixed(N_("Opened")),
    "report.acknowledge": _fixed(N_("Acknowledged")),
    "report.classify": _classified,
    "report.assign": _assigned,
    "report.request_info": _fixed(N_("Asked the reporter for information")),
    "report.link_incident": lambda d, s: _("Linked to incident #%(id)s", id=d.get("incident")),
    "report.mark_duplicate": lambda d, s: _("Marked as a duplicate of report #%(id)s", id=d.get("duplicate_of")),
    "report.dismiss": _dismissed,
    "report.escalate": _fixed(N_("Escalated")),
    "report.resolve": _fixed(N_("Resolved")),
    "report.reopen": _fixed(N_("Reopened")),
    "report.file_report": _filed,
    "report.purged": _fixed(N_("Sealed content purged at the end of the retention period")),
    "message.staff": _message("staff"),
    "message.reporter": _message("reporter"),
    "duty.met": _duty_met,
    "duty.auto_acknowledged": _fixed(N_("Acknowledged automatically")),
    "duty.extended": _fixed(N_("Feedback period extended to six months")),
    "model.registered": _fixed(N_("Registered")),
    "model.review": _fixed(N_("Put under review")),
    "model.clear": _fixed(N_("Cleared after review")),
    "model.restrict": _fixed(N_("Restricted")),
    "model.suspend": _fixed(N_("Suspended")),
    "model.reinstate": _fixed(N_("Reinstated")),
    "decommission.proposed": _fixed(N_("Decommissioning proposed")),
    "decommission.approved": _fixed(N_("Decommissioning approved")),
    "decommission.rejected": _fixed(N_("Decommissioning rejected")),
    "decommission.withdrawn": _fixed(N_("Decommissioning proposal withdrawn")),
    "model.details_changed": _fixed(N_("Details changed")),
    "model.card_imported": _fixed(N_("Model card added")),
    "model.card_reviewed": _fixed(N_("Model card item reviewed")),
    "model.listing_changed": _fixed(N_("Listing changed")),
    "model.upstream_flagged": _fixed(N_("Flagged: a model it derives from was restricted")),
    "model.upstream_flag_cleared": _fixed(N_("Upstream flag cleared")),
    "listing.proposed": _fixed(N_("Listing review proposed")),
    "listing.approved": _fixed(N_("Listing confirmed by a second reviewer")),
    "listing.returned": _fixed(N_("Returned to its owner")),
    "listing.rejected": _fixed(N_("Listing proposal rejected")),
    "listing.withdrawn": _fixed(N_("Listing proposal withdrawn")),
    "listing.superseded": _fixed(N_("Listing proposal superseded: the model changed")),
    "incident.classified": _fixed(N_("Classified in a taxonomy")),
    "incident.source_added": _fixed(N_("Source added")),
    "incident.source_edited": _fixed(N_("Source corrected")),
    "incident.source_removed": _fixed(N_("Source removed")),
    "incident.created": _fixed(N_("Incident created")),
    "incident.edited": _fixed(N_("Incident edited")),
    "incident.shared": _fixed(N_("Summary shared publicly")),
    "incident.unshared": _fixed(N_("Public summary withdrawn")),
    "incident.closed": _fixed(N_("Incident closed")),
    "incident.reopened": _fixed(N_("Incident reopened")),
}


def _fallback(action: str, d: dict) -> str:
    """An event without a sentence of its own: its name in words, with its details labelled."""
    text = action.replace(".", ": ").replace("_", " ")
    if d:
        text += " (" + "; ".join(f"{key.replace('_', ' ')}: {value}" for key, value in d.items()) + ")"
    return text


def thin_openings(events: list) -> list:
    """Keep one `report.opened` event per staff member per hour (the first); the audit log keeps them all."""
    last_shown: dict = {}
    kept = []
    for event in events:
        if event.action == "report.opened":
            previous = last_shown.get(event.actor_id)
            if previous is not None and event.at - previous < OPENED_EVERY:
                continue
            last_shown[event.actor_id] = event.at
        kept.append(event)
    return kept


def history_lines(events: list, staff: Mapping) -> list[HistoryLine]:
    """Turn a record's audit events into readable lines, the repeated openings thinned out."""
    lines = []
    for event in thin_openings(events):
        details = event.details or {}
        sentence = SENTENCES.get(event.action)
        text = sentence(details, staff) if sentence else _fallback(event.action, details)
        if event.action.startswith("report.") and sentence:
            text += _status_change(details)
        who = _("by %(who)s", who=_staff_name(staff, event.actor_id)) if event.actor_id else None
        lines.append(HistoryLine(event.at, text, who, format_datetime(event.at, "d MMM yyyy HH:mm")))
    return lines
