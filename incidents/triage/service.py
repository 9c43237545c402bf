"""Triage: the one place that changes a report's status, through the workflow table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session

from core import clock
from core.audit import AuditEvent, append_event, history
from core.auth import StaffUser
from core.schemas import N_
from incidents.access import may_see
from incidents.cases import service as cases
from incidents.enforcement.service import actions_on
from incidents.errors import DomainError, Forbidden, conflict
from incidents.intake.service import PlatformKeys, add_message
from incidents.models import Author, EnforcementAction, Incident, IncidentStatus, ModelRecord, Report, ReportStatus
from incidents.partners.models import Partner
from incidents.registry import service as registry
from incidents.triage import deadlines, duty_service, notifications
from incidents.triage.notifications import Mailer
from incidents.triage.workflow import (
    EFFECTS,
    NO_EFFECTS,
    STAMPED_COLUMNS,
    TriageAction,
    effect_changes,
    next_status,
)
from incidents.vocabulary import SeriousFlag

FLAG_COLUMNS = {flag.value: flag.column for flag in SeriousFlag}


def _deadline_values(report: Report, changes: dict) -> dict:
    merged = {
        column: changes.get(column, getattr(report, column))
        for column in (
            "status",
            "severity",
            "created_at",
            "initial_filed_at",
            "last_filed_at",
            "resolved_at",
            "final_filed_at",
            *FLAG_COLUMNS.values(),
        )
    }
    tier = deadlines.tier_for(merged["severity"], {c: merged[c] for c in FLAG_COLUMNS.values()})
    if merged["status"] in deadlines.NO_FILING_STATUSES:
        return {"deadline_tier": tier.name if tier else None, "due_at": None, "due_kind": None}
    due = deadlines.next_due(
        tier=tier,
        aware_at=merged["created_at"],
        initial_filed_at=merged["initial_filed_at"],
        last_filed_at=merged["last_filed_at"],
        resolved_at=merged["resolved_at"],
        final_filed_at=merged["final_filed_at"],
    )
    return {
        "deadline_tier": tier.name if tier else None,
        "due_at": due.at if due else None,
        "due_kind": due.kind.value if due else None,
    }


def apply(
    session: Session,
    report: Report,
    action: TriageAction,
    *,
    actor: StaffUser,
    data: dict,
    keys: PlatformKeys | None = None,
    now: datetime | None = None,
    mailer: Mailer | None = None,
) -> Report:
    """Apply one triage action to a report and commit; raise a DomainError subclass when it cannot be done.

    `data` is the action's validated parameters and always holds `version`, the report version the
    person acted on. The write is conditional on that version, so of two people acting at once
    one succeeds and the other gets Conflict instead of silently overwriting. What the action does
    besides its status and parameters is data in `workflow.EFFECTS`: stamps, a question sealed to
    the reporter in the same transaction, and an e-mail to a new assignee once it has committed.
    """
    if not may_see(actor, report):
        raise Forbidden(N_("You cannot see this report, so you cannot act on it."))
    if data["version"] != report.version:
        raise conflict()
    current = ReportStatus(report.status)
    target = next_status(current, action)
    now = now or clock.now()
    changes: dict = {"status": target.value}
    details: dict = {"from": current.value, "to": target.value}
    handler = _HANDLERS.get(action)
    if handler:
        handler(session, report, actor, data, changes, details, now)
    stamped = {column: getattr(report, column) for column in STAMPED_COLUMNS}
    changes.update(effect_changes(current, target, action, stamped, now))
    changes.update(_deadline_values(report, changes), updated_at=now)
    met = duty_service.refresh(report, changes)
    _write(session, report, changes, version=data["version"])
    duty_service.audit_met(session, report, met, actor_id=actor.id)
    append_event(
        session,
        action=f"report.{action.value}",
        actor_id=actor.id,
        target_type="report",
        target_id=str(report.id),
        details=details,
    )
    effects = EFFECTS.get(action, NO_EFFECTS)
    if effects.seals_to_reporter:
        # The question goes to the reporter sealed, in the same transaction as the status change.
        _seal_to_reporter(session, report, data[effects.seals_to_reporter], actor=actor, keys=keys)
    session.commit()
    session.refresh(report)
    if effects.notifies_assignee and mailer is not None:
        _notify_assignee(session, report, actor=actor, mailer=mailer)
    return report


def _seal_to_reporter(
    session: Session, report: Report, body: str, *, actor: StaffUser, keys: PlatformKeys | None
) -> None:
    session.expire(report)
    add_message(
        session=session,
        report=session.get(Report, report.id),
        author=Author.STAFF,
        body=body,
        uploads=[],
        keys=keys,
        staff_id=actor.id,
        commit=False,
    )


def _notify_assignee(session: Session, report: Report, *, actor: StaffUser, mailer: Mailer) -> None:
    """Tell a newly named assignee, by a content-free e-mail, unless they assigned the report to themselves."""
    if report.assignee_id in (None, actor.id):
        return
    assignee = session.get(StaffUser, report.assignee_id)
    if assignee is not None:
        notifications.notify_assignment(mailer, assignee, report.id)


def _write(session: Session, report: Report, changes: dict, *, version: int) -> None:
    """Write the changes if the report is still at the version the person acted on, or raise Conflict."""
    result = session.execute(
        update(Report)
        .where(Report.id == report.id, Report.version == version)
        .values(**changes, version=Report.version + 1)
    )
    if result.rowcount != 1:
        raise conflict()


def _classify(session, report, actor, data, changes, details, now):
    changes.update(category=data["category"], severity=data["severity"], actor=data.get("actor"))
    flags = set(data.get("flags") or ())
    changes.update({column: name in flags for name, column in FLAG_COLUMNS.items()})
    details.update(category=data["category"], severity=data["severity"], flags=sorted(flags))


def _assign(session, report, actor, data, changes, details, now):
    assignee_id = data.get("assignee_id")
    if assignee_id:
        assignee = session.get(StaffUser, assignee_id)
        if assignee is None or not may_see(assignee, report):
            raise DomainError(N_("Assign the report to an active colleague who can see it."))
    changes["assignee_id"] = assignee_id or None
    details["assignee"] = assignee_id or None


def _link_incident(session, report, actor, data, changes, details, now):
    if data.get("incident_id"):
        incident = session.get(Incident, data["incident_id"])
        if incident is None:
            raise DomainError(N_("There is no incident with that number."))
        if incident.status != IncidentStatus.OPEN.value:
            raise DomainError(N_("That incident is closed; reopen it or start a new one."))
    else:
        incident = cases.add_incident(session, actor, {"title": data["new_title"]}, {"from_report": report.id}, now)
    changes["incident_id"] = incident.id
    details["incident"] = incident.id


def _mark_duplicate(session, report, actor, data, changes, details, now):
    original = session.get(Report, data["duplicate_of"])
    if (
        original is None
        or original.id == report.id
        or original.channel != report.channel
        or not may_see(actor, original)
    ):
        raise DomainError(N_("Name another report of the same channel as the original."))
    if original.status == ReportStatus.DUPLICATE.value:
        raise DomainError(N_("That report is itself a duplicate; point to the report it duplicates instead."))
    changes["duplicate_of_id"] = original.id
    if original.incident_id and not report.incident_id:
        changes["incident_id"] = original.incident_id
    details["duplicate_of"] = original.id


def _dismiss(session, report, actor, data, changes, details, now):
    changes["dismiss_reason"] = data["reason"]
    details["reason"] = data["reason"]


def _file_report(session, report, actor, data, changes, details, now):
    kind = report.due_kind
    if kind is None:
        raise DomainError(N_("No regulatory report is owed for this report: classify it as a serious incident first."))
    if kind == deadlines.FilingKind.INITIAL:
        changes.update(initial_filed_at=now, last_filed_at=now)
    elif kind == deadlines.FilingKind.INTERMEDIATE:
        changes["last_filed_at"] = now
    else:
        changes.update(last_filed_at=now, final_filed_at=now)
    details.update(filing=kind, on_time=report.due_at is None or now <= report.due_at)


_HANDLERS = {
    TriageAction.CLASSIFY: _classify,
    TriageAction.ASSIGN: _assign,
    TriageAction.LINK_INCIDENT: _link_incident,
    TriageAction.MARK_DUPLICATE: _mark_duplicate,
    TriageAction.DISMISS: _dismiss,
    TriageAction.FILE_REPORT: _file_report,
}


@dataclass
class ReportPage:
    """What a report's staff page shows besides the sealed content (which reading.open_for_staff opens)."""

    open_incidents: list[Incident]
    enforcement: list[EnforcementAction]
    models: list[ModelRecord]
    history: list[AuditEvent]
    partner: Partner | None  # the partner whose token or webhook filed the report


def report_page(session: Session, report: Report) -> ReportPage:
    return ReportPage(
        open_incidents=cases.open_incidents(session),
        enforcement=actions_on(session, report_id=report.id),
        models=registry.all_models(session),
        history=history(session, "report", report.id),
        partner=session.get(Partner, report.partner_id) if report.partner_id else None,
    )
