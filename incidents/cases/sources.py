"""An incident's sources: staff add, correct and remove the public articles that report it.

A source is part of the public summary, so any change to one withdraws the incident's approval for
sharing, as an edit of the summary does, and a publisher approves again. Every change carries the
incident's version, so two people editing the same incident cannot overwrite each other.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session

from core import clock
from core.audit import append_event
from core.auth import StaffUser
from incidents.cases.models import IncidentSource
from incidents.cases.public import incident_sources
from incidents.errors import DomainError, conflict
from incidents.models import Incident

SOURCE_FIELDS = ("url", "title", "publication", "authors", "published_on", "retrieved_on", "excerpt", "language")
MAX_SOURCES = 50

__all__ = ["MAX_SOURCES", "add_source", "incident_sources", "remove_source", "source_of", "update_source"]


def touch(session: Session, incident: Incident, version: int) -> None:
    """Move the incident to its next version and withdraw any approval, or fail if someone changed it first."""
    result = session.execute(
        update(Incident)
        .where(Incident.id == incident.id, Incident.version == version)
        .values(
            shared_at=None,
            shared_by=None,
            public_summary=None,
            public_search=None,
            updated_at=clock.now(),
            version=Incident.version + 1,
        )
    )
    if result.rowcount != 1:
        raise conflict()


def audit(session: Session, actor: StaffUser, incident: Incident, action: str, source: IncidentSource, fields) -> None:
    append_event(
        session,
        action=f"incident.source_{action}",
        actor_id=actor.id,
        target_type="incident",
        target_id=str(incident.id),
        details={"source": source.id, "fields": sorted(fields)},
    )


def source_of(session: Session, incident: Incident, source_id: int) -> IncidentSource | None:
    """One source of this incident; another incident's source is not found here."""
    source = session.get(IncidentSource, source_id)
    return source if source is not None and source.incident_id == incident.id else None


def add_source(session: Session, incident: Incident, *, actor: StaffUser, data: dict) -> IncidentSource:
    """Add a source to the incident."""
    if len(incident_sources(session, incident.id)) >= MAX_SOURCES:
        raise DomainError(f"An incident can have at most {MAX_SOURCES} sources.")
    touch(session, incident, data["version"])
    source = IncidentSource(
        incident_id=incident.id,
        created_by=actor.id,
        **{name: data[name] for name in SOURCE_FIELDS if name in data},
    )
    session.add(source)
    session.flush()
    audit(session, actor, incident, "added", source, [name for name in SOURCE_FIELDS if data.get(name)])
    session.commit()
    return source


def update_source(
    session: Session, incident: Incident, source: IncidentSource, *, actor: StaffUser, data: dict
) -> IncidentSource:
    """Correct a source's details; nothing changed, nothing happens."""
    changed = [name for name in SOURCE_FIELDS if name in data and getattr(source, name) != data[name]]
    if not changed:
        return source
    touch(session, incident, data["version"])
    for name in changed:
        setattr(source, name, data[name])
    session.add(source)
    audit(session, actor, incident, "edited", source, changed)
    session.commit()
    return source


def remove_source(session: Session, incident: Incident, source: IncidentSource, *, actor: StaffUser, version: int):
    """Remove a source from the incident."""
    touch(session, incident, version)
    audit(session, actor, incident, "removed", source, [])
    session.delete(source)
    session.commit()
