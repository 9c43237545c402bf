"""Incidents: group reports, keep the public summary, and approve it for sharing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, select

from core import clock
from core.audit import AuditEvent, append_event, history
from core.auth import StaffUser
from core.permissions import Permission, can
from core.schemas import N_
from incidents.access import may_see
from incidents.cases import public
from incidents.cases.models import IncidentSource
from incidents.enforcement.service import actions_on
from incidents.errors import DomainError, Forbidden, IllegalTransition, conflict
from incidents.models import (
    EnforcementAction,
    Incident,
    IncidentStatus,
    Report,
)

INCIDENT_FIELDS = (
    "title",
    "description",
    "occurred_on",
    "deployers",
    "developers",
    "harmed_parties",
    "implicated_systems",
)


def add_incident(session: Session, actor: StaffUser, data: dict, details: dict, now: datetime) -> Incident:
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
    incident = add_incident(session, actor, data, {}, clock.now())
    session.commit()
    return incident


def update_incident(session: Session, incident: Incident, *, actor: StaffUser, data: dict) -> Incident:
    """Edit the summary fields; an edit withdraws any public-sharing approval, which must be given again."""
    values = {name: data[name] for name in INCIDENT_FIELDS if name in data}
    changed = sorted(name for name, value in values.items() if getattr(incident, name) != value)
    if incident.shared_at is not None and changed:
        values.update(shared_at=None, shared_by=None, public_summary=None, public_search=None)
    result = session.execute(
        update(Incident)
        .where(Incident.id == incident.id, Incident.version == data["version"])
        .values(**values, updated_at=clock.now(), version=Incident.version + 1)
    )
    if result.rowcount != 1:
        raise conflict()
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
    refused = sum(1 for r in reports if not r.share_consent)
    if refused:
        # A count, not the numbers: the page is for every staff role, and who may see which report is not.
        problems.append(f"{refused} linked report(s) came from reporters who did not consent to sharing.")
    if len(incident.title) < 6:
        problems.append("The title is too short.")
    return problems


def set_sharing(session: Session, incident: Incident, *, actor: StaffUser, share: bool) -> Incident:
    """Approve (or withdraw) an incident's public summary for exports; publishers only, consent required."""
    if not can(actor, Permission.APPROVE_SHARING):
        raise Forbidden(N_("Only a publisher may approve an incident for public sharing."))
    if share:
        problems = sharing_blockers(session, incident)
        if problems:
            raise DomainError(" ".join(problems))
    incident.shared_at = clock.now() if share else None
    incident.shared_by = actor.id if share else None
    sources = public.incident_sources(session, incident.id) if share else []
    incident.public_summary = public.public_summary(incident, sources) if share else None
    incident.public_search = public.search_text(incident.public_summary) if incident.public_summary else None
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
        raise conflict()
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


def open_incidents(session: Session, limit: int = 100) -> list[Incident]:
    """Return the newest open incidents, the choices a report can be linked to."""
    query = select(Incident).where(Incident.status == IncidentStatus.OPEN.value).order_by(Incident.id.desc())
    return list(session.exec(query.limit(limit)))


@dataclass
class IncidentList:
    incidents: list[Incident]
    more: bool  # whether an older page follows


def incident_list(
    session: Session, *, status: str | None, shared_only: bool, before: int | None, page_size: int
) -> IncidentList:
    """Return one keyset page of incidents, newest first, below the id `before` when one is given."""
    query = select(Incident).order_by(Incident.id.desc())
    if status in {s.value for s in IncidentStatus}:
        query = query.where(Incident.status == status)
    if shared_only:
        query = query.where(Incident.shared_at.is_not(None))
    if before:
        query = query.where(Incident.id < before)
    rows = list(session.exec(query.limit(page_size + 1)))
    return IncidentList(incidents=rows[:page_size], more=len(rows) > page_size)


@dataclass
class IncidentPage:
    reports: list[Report]  # the linked reports the viewer may see
    hidden: int  # and how many more there are, which the page only counts
    hidden_without_consent: int
    blockers: list[str]
    enforcement: list[EnforcementAction]
    history: list[AuditEvent]
    sources: list[IncidentSource]


def incident_page(session: Session, incident: Incident, viewer: StaffUser) -> IncidentPage:
    """Load what an incident's staff page shows besides the incident itself, for one viewer."""
    linked = incident_reports(session, incident)
    seen = [r for r in linked if may_see(viewer, r)]
    unseen = [r for r in linked if not may_see(viewer, r)]
    return IncidentPage(
        reports=seen,
        hidden=len(unseen),
        hidden_without_consent=sum(1 for r in unseen if not r.share_consent),
        blockers=sharing_blockers(session, incident),
        enforcement=actions_on(session, incident_id=incident.id),
        history=history(session, "incident", incident.id),
        sources=public.incident_sources(session, incident.id),
    )
