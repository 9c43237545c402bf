"""The public incident pages' reads: shared incidents only, searched, filtered and paged by keyset.

Everything here reads what a publisher approved: the stored, scrubbed public summary, the incident's
sources as that summary carries them, and the public fields of the enforcement actions taken. A page
is found by a keyset cursor (shared_at, id), newest shared first, off the index ix_incident_shared_at_id:
no OFFSET and no count, so a page costs the same on page 1 and page 1,000, on 1,000 rows or 100,000.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import and_, exists, func, or_, select, tuple_
from sqlmodel import Session, col

from core.audit import AuditEvent
from core.ids import MAX_ID
from incidents.cases import public
from incidents.models import (
    Channel,
    EnforcementAction,
    Incident,
    Listing,
    ModelRecord,
    ModelStatus,
    Report,
    model_key,
)

PAGE_SIZE = 20
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
WITHDRAWN = (ModelStatus.SUSPENDED.value, ModelStatus.DECOMMISSIONED.value)


@dataclass(frozen=True)
class Cursor:
    """Where a page ends: the last incident's sharing time and id. Its token is two integers, URL-safe."""

    shared_at: datetime
    id: int

    def token(self) -> str:
        return f"{(self.shared_at - EPOCH) // timedelta(microseconds=1)}-{self.id}"

    @classmethod
    def parse(cls, token: str) -> Cursor | None:
        """Read a token made by `token`; None for anything else."""
        micros, _, ident = token.partition("-")
        if not (micros.isascii() and micros.isdigit() and ident.isascii() and ident.isdigit()):
            return None
        if len(micros) > 17 or not 0 < int(ident) <= MAX_ID:
            return None
        return cls(EPOCH + timedelta(microseconds=int(micros)), int(ident))


@dataclass
class ListFilters:
    q: str = ""
    category: str | None = None
    model: ModelRecord | None = None
    since: date | None = None
    until: date | None = None
    cursor: Cursor | None = None


@dataclass
class PublicRow:
    """One shared incident as the public pages show it: its public summary and when it was shared."""

    id: int
    shared_at: datetime
    summary: dict

    @property
    def title(self) -> str:
        return self.summary["title"]

    @property
    def description(self) -> str:
        return self.summary["description"]

    @property
    def occurred_on(self) -> date | None:
        value = self.summary.get("occurred_on")
        return date.fromisoformat(value) if value else None


@dataclass
class ListPage:
    rows: list[PublicRow]
    next: Cursor | None


def _row(session: Session, incident: Incident) -> PublicRow:
    assert incident.id is not None and incident.shared_at is not None
    return PublicRow(incident.id, incident.shared_at, public.summary_of(session, incident))


def _matches(words: list[str]):
    """Every folded word in the folded public text; for a summary stored before 0022, in its title or description."""
    summary = col(Incident.public_summary)
    stored = func.lower(summary["title"].as_string() + " " + summary["description"].as_string())
    return or_(
        and_(*(col(Incident.public_search).contains(w, autoescape=True) for w in words)),
        and_(col(Incident.public_search).is_(None), *(stored.contains(w, autoescape=True) for w in words)),
    )


def _shown_reports() -> tuple:
    """The linked reports whose coarse fields (category, model) the public pages may show and filter by: public-channel
    reports that were there when the publisher approved. A whistleblower report's category is published only in
    coarse groups, and a report linked after the approval was not part of what the publisher saw."""
    return (
        col(Report.incident_id) == Incident.id,
        col(Report.channel) == Channel.PUBLIC.value,
        col(Report.created_at) <= Incident.shared_at,
    )


def _shown_actions() -> tuple:
    """The incident's enforcement actions the public pages show: none taken on a whistleblower report."""
    on_whistleblower_report = exists().where(
        col(Report.id) == EnforcementAction.report_id, col(Report.channel) == Channel.WHISTLEBLOWER.value
    )
    return (col(EnforcementAction.incident_id) == Incident.id, ~on_whistleblower_report)


def _conditions(filters: ListFilters) -> list:
    conditions: list = []
    words = public.fold(filters.q).split()
    if words:
        conditions.append(_matches(words))
    if filters.category:
        conditions.append(exists().where(*_shown_reports(), col(Report.category) == filters.category))
    if filters.model is not None:
        conditions.append(
            or_(
                exists().where(*_shown_reports(), col(Report.model_key) == model_filter_key(filters.model)),
                exists().where(*_shown_actions(), col(EnforcementAction.model_id) == filters.model.id),
            )
        )
    if filters.since:
        conditions.append(col(Incident.occurred_on) >= filters.since)
    if filters.until:
        conditions.append(col(Incident.occurred_on) <= filters.until)
    if filters.cursor:
        conditions.append(
            tuple_(col(Incident.shared_at), col(Incident.id)) < tuple_(filters.cursor.shared_at, filters.cursor.id)
        )
    return conditions


def list_shared(session: Session, filters: ListFilters, *, limit: int = PAGE_SIZE) -> ListPage:
    """Return one page of shared incidents that meet the filters, newest shared first, and the next page's cursor."""
    query = public.shared_query().where(*_conditions(filters))
    query = query.order_by(col(Incident.shared_at).desc(), col(Incident.id).desc()).limit(limit + 1)
    incidents = list(session.exec(query))
    rows = [_row(session, i) for i in incidents[:limit]]
    more = len(incidents) > limit
    return ListPage(rows, Cursor(rows[-1].shared_at, rows[-1].id) if more else None)


def model_choices(session: Session) -> list[ModelRecord]:
    """The models a visitor may filter by: every listed one, by name."""
    query = select(ModelRecord).where(col(ModelRecord.listing) == Listing.LISTED.value)
    return list(session.scalars(query.order_by(col(ModelRecord.name), col(ModelRecord.version))))


def model_filter_key(record: ModelRecord) -> str:
    """The folded name that reports naming this model carry (Report.model_key)."""
    return model_key(record.name) or ""


@dataclass
class IncidentDetail:
    row: PublicRow
    sources: list[dict]
    actions: list[EnforcementAction]
    withdrawn: list[ModelRecord]
    categories: list[str]


def shared_detail(session: Session, incident_id: int) -> IncidentDetail | None:
    """Return what /incidents/<id> shows of a shared incident, or None when it is not shared (or not there)."""
    incident = public.shared_incident(session, incident_id)
    if incident is None:
        return None
    row = _row(session, incident)
    actions = list(
        session.scalars(
            select(EnforcementAction)
            .join(Incident, col(Incident.id) == EnforcementAction.incident_id)
            .where(col(Incident.id) == incident_id, *_shown_actions())
            .order_by(col(EnforcementAction.decided_at), col(EnforcementAction.id))
        )
    )
    model_ids = {a.model_id for a in actions if a.model_id is not None}
    withdrawn = list(
        session.scalars(
            select(ModelRecord)
            .where(
                col(ModelRecord.id).in_(model_ids),
                col(ModelRecord.status).in_(WITHDRAWN),
                col(ModelRecord.listing) == Listing.LISTED.value,
            )
            .order_by(col(ModelRecord.name))
        )
    )
    categories = session.scalars(
        select(Report.category)
        .join(Incident, col(Incident.id) == Report.incident_id)
        .where(col(Incident.id) == incident_id, *_shown_reports())
        .distinct()
        .order_by(Report.category)
    )
    return IncidentDetail(row, public.summary_sources(row.summary), actions, withdrawn, list(categories))


def withdrawn_models(session: Session, *, limit: int = 50) -> list[ModelRecord]:
    """The suspended and decommissioned listed models, newest change first (the withdrawn-models feed)."""
    query = select(ModelRecord).where(
        col(ModelRecord.status).in_(WITHDRAWN), col(ModelRecord.listing) == Listing.LISTED.value
    )
    return list(
        session.scalars(
            query.order_by(col(ModelRecord.status_changed_at).desc(), col(ModelRecord.id).desc()).limit(limit)
        )
    )


def first_event_at(session: Session) -> datetime | None:
    """When the platform recorded its first audit event (its setup): what an empty feed is dated from."""
    return session.scalars(select(AuditEvent.at).order_by(col(AuditEvent.seq)).limit(1)).first()
