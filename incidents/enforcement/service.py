"""Enforcement: record a decision taken on a report or an incident."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlmodel import Session, col, select

from core import clock
from core.audit import append_event
from core.auth import StaffUser
from core.schemas import N_
from incidents.access import may_see
from incidents.enforcement import licence_ground
from incidents.errors import DomainError, Forbidden
from incidents.models import (
    EnforcementAction,
    Incident,
    ModelRecord,
    Report,
)
from incidents.registry import licences


def _at_noon(day: date | None) -> datetime | None:
    return datetime.combine(day, time(12), tzinfo=UTC) if day else None


def record_enforcement(
    session: Session, *, actor: StaffUser, data: dict, report: Report | None = None, incident: Incident | None = None
) -> EnforcementAction:
    """Record an enforcement decision taken on a report or an incident."""
    if report is None and incident is None:
        raise DomainError(N_("An enforcement action belongs to a report or an incident."))
    if report is not None and not may_see(actor, report):
        raise Forbidden(N_("You cannot see this report, so you cannot act on it."))
    model_id = data.get("model_id")
    model = session.get(ModelRecord, model_id) if model_id else None
    if model_id and model is None:
        raise DomainError(N_("There is no model with that number in the registry."))
    licence_id, clause_id, reference = _ground(data)
    _check_model_licence(model, licence_id)
    now = clock.now()
    action = EnforcementAction(
        action_type=data["action_type"],
        report_id=report.id if report else None,
        incident_id=incident.id if incident else (report.incident_id if report else None),
        model_id=model_id,
        target_kind=data["target_kind"],
        target=data["target"],
        ground_type=data["ground_type"],
        ground_reference=reference,
        licence_id=licence_id,
        licence_clause=clause_id,
        explanation=data.get("explanation") or "",
        detection=data["detection"],
        decision=data["decision"],
        authority=data.get("authority"),
        territorial_scope=data.get("territorial_scope") or [],
        decided_at=_at_noon(data["decided_on"]),
        applied_at=_at_noon(data.get("applied_on")),
        ends_on=data.get("ends_on"),
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
            **({"licence": licence_id, "clause": clause_id} if licence_id else {}),
        },
    )
    session.commit()
    return action


def _check_model_licence(model: ModelRecord | None, licence_id: str | None) -> None:
    """A model released under a licence the registry knows is held to that licence's clauses only (one whose
    licence it does not know may be held to a clause the staff member judges it under)."""
    released_under = licences.find(model.licence) if model is not None else None
    if model is not None and licence_id and released_under is not None and released_under.id != licence_id:
        raise DomainError(
            f"{model.name} is released under {released_under.name}: cite a clause of that licence, or another ground."
        )


def _ground(data: dict) -> tuple[str | None, str | None, str]:
    """The action's licence and clause ids and its ground reference, made from the clause when left empty.

    The form checks the same (EnforcementSchema); this holds callers that build the data themselves to it.
    """
    licence_id, clause_id = data.get("licence_id") or None, data.get("licence_clause") or None
    reference = (data.get("ground_reference") or "").strip()
    problem = licence_ground.ground_problem(data["ground_type"], licence_id, clause_id, reference)
    if problem is not None:
        raise DomainError(problem[1])
    citation = licence_ground.citation(licence_id, clause_id)
    if citation is None:
        return None, None, reference
    # The registry's own ids: a card's "Apache-2.0" is stored as the registry's "apache-2.0".
    return citation.licence.id, citation.clause.id, reference or citation.reference


def actions_on(
    session: Session, *, report_id: int | None = None, incident_id: int | None = None, model_id: int | None = None
) -> list[EnforcementAction]:
    """Return the enforcement actions recorded on one report, incident or model, oldest first."""
    query = select(EnforcementAction).order_by(col(EnforcementAction.id))
    if report_id is not None:
        query = query.where(EnforcementAction.report_id == report_id)
    if incident_id is not None:
        query = query.where(EnforcementAction.incident_id == incident_id)
    if model_id is not None:
        query = query.where(EnforcementAction.model_id == model_id)
    return list(session.exec(query))
