"""Classify incidents in the AI Incident Database's taxonomies: save, show, and hand them to the export.

A change to what leaves the platform (a value, or whether the classification is published) withdraws
the incident's public-sharing approval, as an edit of its summary does: the publisher approves again
with the new classification in view. Staff notes stay on the platform, so a change to them alone does not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core import clock
from core.audit import append_event
from core.auth import StaffUser
from core.permissions import Permission, can
from core.schemas import N_
from incidents.cases.classification_form import ClassificationForm, FormValue, shown_values
from incidents.cases.classification_models import IncidentClassification
from incidents.cases.taxonomy import Attribute, Taxonomy, problems_of, taxonomies
from incidents.errors import DomainError, Forbidden, conflict
from incidents.models import Incident

QUERY_CHUNK = 500  # ids per IN (...) list, well below SQLite's limit on bound parameters


@dataclass(frozen=True)
class Classification:
    """A stored classification as the export reads it: plain values, no database row."""

    namespace: str
    attributes: dict[str, Any]  # {short_name: value}
    notes: str
    publish: bool


@dataclass(frozen=True)
class Saved:
    changed: list[str]  # the short_names that changed, then "notes" and "publish" if they did
    sharing_withdrawn: bool


def withdraw_sharing(session: Session, incident: Incident, now: datetime) -> bool:
    """Withdraw an incident's public-sharing approval and its stored summary, as an edit does; say if there was one."""
    result = session.execute(
        update(Incident)
        .where(col(Incident.id) == incident.id, col(Incident.shared_at).is_not(None))
        .values(
            shared_at=None,
            shared_by=None,
            public_summary=None,
            public_search=None,
            updated_at=now,
            version=Incident.version + 1,
        )
    )
    return result.rowcount == 1


def stored_classification(session: Session, incident_id: int, namespace: str) -> IncidentClassification | None:
    return session.exec(
        select(IncidentClassification).where(
            IncidentClassification.incident_id == incident_id, IncidentClassification.namespace == namespace
        )
    ).first()


def changes(row: IncidentClassification | None, form: ClassificationForm) -> tuple[list[str], list[str]]:
    """Name what the form changes: (the short_names whose values change, and 'notes' and 'publish' if they do)."""
    if row is None and not form.values and not form.notes:
        return [], []  # an untouched form of a taxonomy not used yet classifies nothing
    before = row.attributes if row else {}
    names = sorted(set(before) | set(form.values))
    changed = [name for name in names if before.get(name) != form.values.get(name)]
    old = {"notes": row.notes, "publish": row.publish} if row else {"notes": "", "publish": None}
    others = [name for name, value in (("notes", form.notes), ("publish", form.publish)) if old[name] != value]
    return changed, others


def _write(
    session: Session,
    row: IncidentClassification | None,
    incident: Incident,
    form: ClassificationForm,
    actor: StaffUser,
    now: datetime,
) -> None:
    values = {
        "attributes": form.values,
        "notes": form.notes,
        "publish": form.publish,
        "updated_at": now,
        "updated_by": actor.id,
    }
    if row is None:
        session.add(IncidentClassification(incident_id=incident.id, namespace=form.taxonomy.namespace, **values))
        try:
            session.flush()
        except IntegrityError:
            raise conflict() from None  # someone saved this taxonomy's first classification at the same moment
        return
    result = session.execute(
        update(IncidentClassification)
        .where(col(IncidentClassification.id) == row.id, col(IncidentClassification.version) == form.version)
        .values(**values, version=IncidentClassification.version + 1)
    )
    if result.rowcount != 1:
        raise conflict()


def save_classification(session: Session, incident: Incident, *, actor: StaffUser, form: ClassificationForm) -> Saved:
    """Store one taxonomy's classification of an incident, audited; withdraw sharing when what leaves changes."""
    if not can(actor, Permission.WORK_REPORTS):
        raise Forbidden(N_("Only staff who work on reports may classify incidents."))
    if form.errors or problems_of(form.taxonomy, form.values):
        raise DomainError(N_("The classification has values the taxonomy does not allow."))
    row = stored_classification(session, incident.id, form.taxonomy.namespace)
    if (row.version if row else 0) != form.version:
        raise conflict()
    changed, others = changes(row, form)
    if not changed and not others:
        return Saved([], sharing_withdrawn=False)
    now = clock.now()
    _write(session, row, incident, form, actor, now)
    withdrawn = bool(changed or "publish" in others) and withdraw_sharing(session, incident, now)
    append_event(
        session,
        action="incident.classified",
        actor_id=actor.id,
        target_type="incident",
        target_id=str(incident.id),
        details={"namespace": form.taxonomy.namespace, "fields": changed + others, "sharing_withdrawn": withdrawn},
    )
    session.commit()
    session.refresh(incident)
    return Saved(changed + others, withdrawn)


# --- read models ----------------------------------------------------------------------------------


@dataclass
class Panel:
    """One taxonomy on the incident page: the stored values to read, and the form to change them."""

    taxonomy: Taxonomy
    stored: list[tuple[Attribute, Any]]  # the values set, in the taxonomy's order
    notes: str
    publish: bool | None  # None: not classified in this taxonomy yet
    form: dict[str, FormValue]
    errors: dict[str, list[str]] = field(default_factory=dict)


def classification_panels(session: Session, incident: Incident, sent: ClassificationForm | None = None) -> list[Panel]:
    """Load an incident's classifications, one panel per taxonomy; a form sent with errors shows as it was sent."""
    rows = {
        row.namespace: row
        for row in session.exec(select(IncidentClassification).where(IncidentClassification.incident_id == incident.id))
    }
    panels = []
    for namespace, taxonomy in taxonomies().items():
        row = rows.get(namespace)
        values = row.attributes if row else {}
        notes, publish, version = (row.notes, row.publish, row.version) if row else ("", True, 0)
        panel = Panel(
            taxonomy=taxonomy,
            stored=[(a, values[a.short_name]) for a in taxonomy.attributes if a.short_name in values],
            notes=notes,
            publish=publish if row else None,
            form=shown_values(taxonomy, values, notes=notes, publish=publish, version=version),
        )
        if sent is not None and sent.taxonomy.namespace == namespace:
            panel.form, panel.errors = sent.shown, sent.errors
        panels.append(panel)
    return panels


def classifications_for(
    session: Session, incident_ids: Iterable[int], *, published_only: bool = True
) -> dict[int, list[Classification]]:
    """Return each incident's classifications (published ones only, by default), namespace by namespace.

    Every id asked for is a key; an incident with none maps to an empty list.
    """
    ids = list(dict.fromkeys(incident_ids))
    found: dict[int, list[Classification]] = {incident_id: [] for incident_id in ids}
    for start in range(0, len(ids), QUERY_CHUNK):
        query = select(IncidentClassification).where(
            col(IncidentClassification.incident_id).in_(ids[start : start + QUERY_CHUNK])
        )
        if published_only:
            query = query.where(col(IncidentClassification.publish).is_(True))
        for row in session.exec(query.order_by(IncidentClassification.incident_id, IncidentClassification.namespace)):
            found[row.incident_id].append(Classification(row.namespace, dict(row.attributes), row.notes, row.publish))
    return found
