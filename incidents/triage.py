"""Triage and response: the one place that changes a report's status, and the records around it.

Each function checks the workflow table (incidents.workflow), writes its change with an
optimistic version check, appends an audit event and commits once. Audit details carry ids
and codes only, never report content.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import func, update
from sqlmodel import Session, select

from core import clock
from core.audit import append_event
from core.auth import Role, StaffUser
from incidents import deadlines, public
from incidents.intake import PlatformKeys, add_message
from incidents.models import (
    Author,
    Channel,
    DecommissionProposal,
    EnforcementAction,
    Incident,
    IncidentStatus,
    ModelRecord,
    ModelStatus,
    ProposalStatus,
    Report,
    ReportStatus,
)
from incidents.triage_schemas import STAFF_FLAGS
from incidents.workflow import (
    CLOSED_STATUSES,
    MODEL_TRANSITIONS,
    PROPOSAL_ONLY,
    REPORT_TRANSITIONS,
    ModelAction,
    TriageAction,
    can_propose_decommission,
)

FLAG_COLUMNS = {name: f"flag_{name}" for name in STAFF_FLAGS}


class TriageError(Exception):
    """A request that cannot be carried out; the message says why, in words for staff."""

    status_code = 400


class IllegalTransition(TriageError):
    status_code = 409


class Conflict(TriageError):
    status_code = 409


class Forbidden(TriageError):
    status_code = 403


def channel_of_role(role: Role) -> str | None:
    """Which channel's reports a role works on: recipients the whistleblower channel, triage the public one."""
    if role is Role.RECIPIENT:
        return Channel.WHISTLEBLOWER.value
    if role in (Role.ADMIN, Role.TRIAGER):
        return Channel.PUBLIC.value
    return None


def can_work_on(user: StaffUser, report: Report) -> bool:
    return channel_of_role(Role(user.role)) == report.channel


def _conflict() -> Conflict:
    return Conflict(
        "Someone else changed this record while you were looking at it. "
        "Reload the page to see their change, then try again."
    )


# --- reports ---------------------------------------------------------------------------------


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
) -> Report:
    """Apply one triage action to a report and commit; raise a TriageError subclass when it cannot be done.

    `data` is the action's validated parameters and always holds `version`, the report version the
    person acted on. The write is conditional on that version, so of two people acting at once
    one succeeds and the other gets Conflict instead of silently overwriting.
    """
    if not can_work_on(actor, report):
        raise Forbidden("This report belongs to a channel you do not work on.")
    if data["version"] != report.version:
        raise _conflict()
    current = ReportStatus(report.status)
    target = REPORT_TRANSITIONS.get((current, action))
    if target is None:
        raise IllegalTransition(
            f"A report that is '{current.value.replace('_', ' ')}' cannot be '{action.value.replace('_', ' ')}'d."
        )
    now = now or clock.now()
    changes: dict = {"status": target.value}
    details: dict = {"from": current.value, "to": target.value}
    handler = _HANDLERS.get(action)
    if handler:
        handler(session, report, actor, data, changes, details, now)
    if target in CLOSED_STATUSES and current not in CLOSED_STATUSES:
        changes["closed_at"] = now
    if action is TriageAction.REOPEN:
        changes.update(closed_at=None, resolved_at=None, dismiss_reason=None, duplicate_of_id=None)
    if (
        action
        in (
            TriageAction.ACKNOWLEDGE,
            TriageAction.REQUEST_INFO,
            TriageAction.DISMISS,
            TriageAction.RESOLVE,
            TriageAction.MARK_DUPLICATE,
        )
        and report.first_response_at is None
    ):
        changes["first_response_at"] = now
    changes.update(_deadline_values(report, changes))
    changes["updated_at"] = now
    result = session.execute(
        update(Report)
        .where(Report.id == report.id, Report.version == data["version"])
        .values(**changes, version=Report.version + 1)
    )
    if result.rowcount != 1:
        session.rollback()
        raise _conflict()
    append_event(
        session,
        action=f"report.{action.value}",
        actor_id=actor.id,
        target_type="report",
        target_id=str(report.id),
        details=details,
    )
    if action is TriageAction.REQUEST_INFO:
        # The question goes to the reporter sealed, in the same transaction as the status change.
        session.expire(report)
        add_message(
            session=session,
            report=session.get(Report, report.id),
            author=Author.STAFF,
            body=data["question"],
            uploads=[],
            keys=keys,
            staff_id=actor.id,
            commit=False,
        )
    session.commit()
    session.refresh(report)
    return report


def _acknowledge(session, report, actor, data, changes, details, now):
    if report.acknowledged_at is None:
        changes["acknowledged_at"] = now


def _classify(session, report, actor, data, changes, details, now):
    changes.update(category=data["category"], severity=data["severity"], actor=data.get("actor"))
    flags = set(data.get("flags") or ())
    changes.update({column: name in flags for name, column in FLAG_COLUMNS.items()})
    details.update(category=data["category"], severity=data["severity"], flags=sorted(flags))


def _assign(session, report, actor, data, changes, details, now):
    assignee_id = data.get("assignee_id")
    if assignee_id:
        assignee = session.get(StaffUser, assignee_id)
        if assignee is None or not assignee.active or channel_of_role(Role(assignee.role)) != report.channel:
            raise TriageError("Assign the report to an active colleague who works on its channel.")
    changes["assignee_id"] = assignee_id or None
    details["assignee"] = assignee_id or None


def _link_incident(session, report, actor, data, changes, details, now):
    if data.get("incident_id"):
        incident = session.get(Incident, data["incident_id"])
        if incident is None:
            raise TriageError("There is no incident with that number.")
        if incident.status != IncidentStatus.OPEN.value:
            raise TriageError("That incident is closed; reopen it or start a new one.")
    else:
        incident = _add_incident(session, actor, {"title": data["new_title"]}, {"from_report": report.id}, now)
    changes["incident_id"] = incident.id
    details["incident"] = incident.id


def _mark_duplicate(session, report, actor, data, changes, details, now):
    original = session.get(Report, data["duplicate_of"])
    if original is None or original.id == report.id or original.channel != report.channel:
        raise TriageError("Name another report of the same channel as the original.")
    if original.status == ReportStatus.DUPLICATE.value:
        raise TriageError("That report is itself a duplicate; point to the report it duplicates instead.")
    changes["duplicate_of_id"] = original.id
    if original.incident_id and not report.incident_id:
        changes["incident_id"] = original.incident_id
    details["duplicate_of"] = original.id


def _dismiss(session, report, actor, data, changes, details, now):
    changes["dismiss_reason"] = data["reason"]
    details["reason"] = data["reason"]


def _resolve(session, report, actor, data, changes, details, now):
    changes["resolved_at"] = now


def _file_report(session, report, actor, data, changes, details, now):
    kind = report.due_kind
    if kind is None:
        raise TriageError("No regulatory report is owed for this report: classify it as a serious incident first.")
    if kind == deadlines.FilingKind.INITIAL:
        changes.update(initial_filed_at=now, last_filed_at=now)
    elif kind == deadlines.FilingKind.INTERMEDIATE:
        changes["last_filed_at"] = now
    else:
        changes.update(last_filed_at=now, final_filed_at=now)
    details.update(filing=kind, on_time=report.due_at is None or now <= report.due_at)


_HANDLERS = {
    TriageAction.ACKNOWLEDGE: _acknowledge,
    TriageAction.CLASSIFY: _classify,
    TriageAction.ASSIGN: _assign,
    TriageAction.LINK_INCIDENT: _link_incident,
    TriageAction.MARK_DUPLICATE: _mark_duplicate,
    TriageAction.DISMISS: _dismiss,
    TriageAction.RESOLVE: _resolve,
    TriageAction.FILE_REPORT: _file_report,
}


# --- incidents -------------------------------------------------------------------------------

INCIDENT_FIELDS = (
    "title",
    "description",
    "occurred_on",
    "deployers",
    "developers",
    "harmed_parties",
    "implicated_systems",
    "source_urls",
)


def _add_incident(session: Session, actor: StaffUser, data: dict, details: dict, now: datetime) -> Incident:
    """Add an incident and its audit event to the caller's transaction."""
    incident = Incident(
        **{name: data[name] for name in INCIDENT_FIELDS if name in data},
        created_by=actor.id,
        created_at=now,
        updated_at=now,
    )
    session.add(incident)
    session.flush()
    append_event(
        session,
        action="incident.created",
        actor_id=actor.id,
        target_type="incident",
        target_id=str(incident.id),
        details=details,
    )
    return incident


def create_incident(session: Session, *, actor: StaffUser, data: dict) -> Incident:
    incident = _add_incident(session, actor, data, {}, clock.now())
    session.commit()
    return incident


def update_incident(session: Session, incident: Incident, *, actor: StaffUser, data: dict) -> Incident:
    """Edit the summary fields; an edit withdraws any public-sharing approval, which must be given again."""
    values = {name: data[name] for name in INCIDENT_FIELDS if name in data}
    changed = sorted(name for name, value in values.items() if getattr(incident, name) != value)
    if incident.shared_at is not None and changed:
        values.update(shared_at=None, shared_by=None, public_summary=None)
    result = session.execute(
        update(Incident)
        .where(Incident.id == incident.id, Incident.version == data["version"])
        .values(**values, updated_at=clock.now(), version=Incident.version + 1)
    )
    if result.rowcount != 1:
        session.rollback()
        raise _conflict()
    append_event(
        session,
        action="incident.edited",
        actor_id=actor.id,
        target_type="incident",
        target_id=str(incident.id),
        details={"fields": changed},
    )
    session.commit()
    session.refresh(incident)
    return incident


def incident_reports(session: Session, incident: Incident) -> list[Report]:
    return list(session.exec(select(Report).where(Report.incident_id == incident.id).order_by(Report.id)))


def sharing_blockers(session: Session, incident: Incident) -> list[str]:
    """Say why an incident may not be shared publicly yet; empty when it may."""
    reports = incident_reports(session, incident)
    problems = []
    if not reports:
        problems.append("No report is linked to this incident.")
    refused = [r.id for r in reports if not r.share_consent]
    if refused:
        problems.append("These reporters did not consent to sharing: " + ", ".join(f"#{i}" for i in refused) + ".")
    if len(incident.title) < 6:
        problems.append("The title is too short.")
    return problems


def set_sharing(session: Session, incident: Incident, *, actor: StaffUser, share: bool) -> Incident:
    """Approve (or withdraw) an incident's public summary for exports; publishers only, consent required."""
    if Role(actor.role) is not Role.PUBLISHER:
        raise Forbidden("Only a publisher may approve an incident for public sharing.")
    if share:
        problems = sharing_blockers(session, incident)
        if problems:
            raise TriageError(" ".join(problems))
    incident.shared_at = clock.now() if share else None
    incident.shared_by = actor.id if share else None
    incident.public_summary = public.public_summary(incident) if share else None
    incident.version += 1
    session.add(incident)
    append_event(
        session,
        action="incident.shared" if share else "incident.unshared",
        actor_id=actor.id,
        target_type="incident",
        target_id=str(incident.id),
        details={},
    )
    session.commit()
    return incident


def set_incident_status(
    session: Session, incident: Incident, *, actor: StaffUser, status: IncidentStatus, version: int
) -> Incident:
    if incident.version != version:
        raise _conflict()
    if incident.status == status.value:
        raise IllegalTransition(f"The incident is already {status.value}.")
    incident.status = status.value
    incident.closed_at = clock.now() if status is IncidentStatus.CLOSED else None
    incident.version += 1
    session.add(incident)
    append_event(
        session,
        action=f"incident.{'closed' if status is IncidentStatus.CLOSED else 'reopened'}",
        actor_id=actor.id,
        target_type="incident",
        target_id=str(incident.id),
        details={},
    )
    session.commit()
    return incident


# --- enforcement -----------------------------------------------------------------------------


def _at_noon(day: date | None) -> datetime | None:
    return datetime.combine(day, time(12), tzinfo=UTC) if day else None


def record_enforcement(
    session: Session, *, actor: StaffUser, data: dict, report: Report | None = None, incident: Incident | None = None
) -> EnforcementAction:
    """Record an enforcement decision taken on a report or an incident."""
    if report is None and incident is None:
        raise TriageError("An enforcement action belongs to a report or an incident.")
    if report is not None and not can_work_on(actor, report):
        raise Forbidden("This report belongs to a channel you do not work on.")
    model_id = data.get("model_id")
    if model_id and session.get(ModelRecord, model_id) is None:
        raise TriageError("There is no model with that number in the registry.")
    now = clock.now()
    action = EnforcementAction(
        action_type=data["action_type"],
        report_id=report.id if report else None,
        incident_id=incident.id if incident else (report.incident_id if report else None),
        model_id=model_id,
        target_kind=data["target_kind"],
        target=data["target"],
        ground_type=data["ground_type"],
        ground_reference=data["ground_reference"],
        explanation=data.get("explanation") or "",
        detection=data["detection"],
        decision=data["decision"],
        authority=data.get("authority"),
        territorial_scope=data.get("territorial_scope") or [],
        decided_at=_at_noon(data["decided_on"]),
        applied_at=_at_noon(data.get("applied_on")),
        created_at=now,
        created_by=actor.id,
    )
    session.add(action)
    if report is not None and report.actioned_at is None:
        report.actioned_at = now
        session.add(report)
    session.flush()
    append_event(
        session,
        action="enforcement.recorded",
        actor_id=actor.id,
        target_type="enforcement_action",
        target_id=str(action.id),
        details={
            "type": action.action_type,
            "report": action.report_id,
            "incident": action.incident_id,
            "model": model_id,
        },
    )
    session.commit()
    return action


# --- the model registry and its lifecycle ------------------------------------------------------


def create_model(session: Session, *, actor: StaffUser, data: dict) -> ModelRecord:
    existing = session.exec(
        select(ModelRecord).where(
            func.lower(ModelRecord.name) == data["name"].lower(), ModelRecord.version == (data.get("version") or "")
        )
    ).first()
    if existing:
        raise TriageError("That model and version are already in the registry.")
    model = ModelRecord(
        name=data["name"], version=data.get("version") or "", provider=data.get("provider") or "", url=data.get("url")
    )
    session.add(model)
    session.flush()
    append_event(
        session, action="model.registered", actor_id=actor.id, target_type="model", target_id=str(model.id), details={}
    )
    session.commit()
    return model


def _move_model(
    session: Session, model: ModelRecord, action: ModelAction, *, actor: StaffUser, row_version: int, extra: dict
) -> ModelRecord:
    current = ModelStatus(model.status)
    target = MODEL_TRANSITIONS.get((current, action))
    if target is None:
        raise IllegalTransition(f"A model that is '{current.value.replace('_', ' ')}' cannot be '{action.value}'ed.")
    now = clock.now()
    result = session.execute(
        update(ModelRecord)
        .where(ModelRecord.id == model.id, ModelRecord.row_version == row_version)
        .values(status=target.value, status_changed_at=now, row_version=ModelRecord.row_version + 1, **extra)
    )
    if result.rowcount != 1:
        session.rollback()
        raise _conflict()
    append_event(
        session,
        action=f"model.{action.value}",
        actor_id=actor.id,
        target_type="model",
        target_id=str(model.id),
        details={"from": current.value, "to": target.value},
    )
    return model


def transition_model(
    session: Session,
    model: ModelRecord,
    action: ModelAction,
    *,
    actor: StaffUser,
    row_version: int,
    public_reason: str = "",
) -> ModelRecord:
    """Move a model along its lifecycle (not to decommissioned: that takes an approved proposal)."""
    if action in PROPOSAL_ONLY:
        raise IllegalTransition("Decommissioning needs a proposal approved by a second staff member.")
    extra: dict = {}
    if action in (ModelAction.SUSPEND, ModelAction.RESTRICT):
        if len(public_reason.strip()) < 10:
            raise TriageError("Give a short public reason (at least 10 characters): it is shown on the public list.")
        extra["public_reason"] = public_reason.strip()
        extra["effective_on"] = clock.now().date()
    _move_model(session, model, action, actor=actor, row_version=row_version, extra=extra)
    session.commit()
    session.refresh(model)
    return model


def propose_decommission(session: Session, model: ModelRecord, *, actor: StaffUser, data: dict) -> DecommissionProposal:
    if not can_propose_decommission(model.status):
        raise IllegalTransition(
            "Only a model under review, restricted or suspended can be proposed for decommissioning."
        )
    pending = session.exec(
        select(DecommissionProposal).where(
            DecommissionProposal.model_id == model.id, DecommissionProposal.status == ProposalStatus.PENDING.value
        )
    ).first()
    if pending:
        raise TriageError("A decommissioning proposal for this model is already waiting for approval.")
    criteria = dict(data["criteria"])
    if data.get("criteria_notes"):
        criteria["notes"] = data["criteria_notes"]
    proposal = DecommissionProposal(
        model_id=model.id,
        criteria=criteria,
        effective_on=data["effective_on"],
        notice=data["notice"],
        public_reason=data["public_reason"],
        proposed_by=actor.id,
    )
    session.add(proposal)
    session.flush()
    append_event(
        session,
        action="decommission.proposed",
        actor_id=actor.id,
        target_type="model",
        target_id=str(model.id),
        details={"proposal": proposal.id},
    )
    session.commit()
    return proposal


def decide_proposal(
    session: Session, proposal: DecommissionProposal, *, actor: StaffUser, approve: bool, note: str = ""
) -> DecommissionProposal:
    """Approve or reject a decommissioning proposal: never by its proposer (four eyes)."""
    if proposal.status != ProposalStatus.PENDING.value:
        raise IllegalTransition("This proposal has already been decided.")
    if proposal.proposed_by == actor.id:
        raise Forbidden("A second staff member must decide: you proposed this decommissioning yourself.")
    model = session.get(ModelRecord, proposal.model_id)
    now = clock.now()
    claimed = session.execute(
        update(DecommissionProposal)
        .where(DecommissionProposal.id == proposal.id, DecommissionProposal.status == ProposalStatus.PENDING.value)
        .values(
            status=(ProposalStatus.APPROVED if approve else ProposalStatus.REJECTED).value,
            decided_by=actor.id,
            decided_at=now,
            decision_note=note,
        )
    )
    if claimed.rowcount != 1:
        session.rollback()
        raise _conflict()
    if approve:
        _move_model(
            session,
            model,
            ModelAction.DECOMMISSION,
            actor=actor,
            row_version=model.row_version,
            extra={
                "public_reason": proposal.public_reason,
                "effective_on": proposal.effective_on,
                "notice": proposal.notice,
            },
        )
    append_event(
        session,
        action="decommission.approved" if approve else "decommission.rejected",
        actor_id=actor.id,
        target_type="model",
        target_id=str(model.id),
        details={"proposal": proposal.id},
    )
    session.commit()
    session.refresh(proposal)
    return proposal


def withdraw_proposal(session: Session, proposal: DecommissionProposal, *, actor: StaffUser) -> None:
    if proposal.status != ProposalStatus.PENDING.value:
        raise IllegalTransition("This proposal has already been decided.")
    if proposal.proposed_by != actor.id:
        raise Forbidden("Only the proposer can withdraw a proposal; others approve or reject it.")
    proposal.status = ProposalStatus.WITHDRAWN.value
    proposal.decided_at = clock.now()
    session.add(proposal)
    append_event(
        session,
        action="decommission.withdrawn",
        actor_id=actor.id,
        target_type="model",
        target_id=str(proposal.model_id),
        details={"proposal": proposal.id},
    )
    session.commit()


@dataclass
class PublicModel:
    name: str
    version: str
    provider: str
    status: str
    effective_on: date | None
    reason: str
    notice: str


def public_model_list(session: Session) -> list[PublicModel]:
    """The decommissioned and suspended models, as the public site lists them."""
    rows = session.exec(
        select(ModelRecord)
        .where(ModelRecord.status.in_([ModelStatus.SUSPENDED.value, ModelStatus.DECOMMISSIONED.value]))
        .order_by(ModelRecord.status_changed_at.desc(), ModelRecord.id.desc())
    )
    return [
        PublicModel(m.name, m.version, m.provider, m.status, m.effective_on, m.public_reason, m.notice) for m in rows
    ]
