"""An incident's public summary: the fields that may leave the platform, scrubbed of personal data.

It is made when a publisher approves the incident for sharing and stored with it, so the
publisher sees exactly what exports and the public API will carry, and neither has to run the
scrubber again for every row. An edit withdraws the approval and the stored summary with it.
"""

from __future__ import annotations

import unicodedata

from sqlalchemy import and_, exists, func, select
from sqlmodel import Session
from sqlmodel import select as select_rows
from sqlmodel.sql.expression import SelectOfScalar

from incidents.cases.models import IncidentSource
from incidents.models import Incident, Report

LIST_FIELDS = ("deployers", "developers", "harmed_parties", "implicated_systems")


def incident_sources(session: Session, incident_id: int) -> list[IncidentSource]:
    """An incident's sources in the order staff added them."""
    query = select_rows(IncidentSource).where(IncidentSource.incident_id == incident_id).order_by(IncidentSource.id)
    return list(session.exec(query))


def public_source(source: IncidentSource, scrub) -> dict:
    """A source as it may leave: the byline and the publication as printed, title and excerpt scrubbed."""
    return {
        "id": source.id,
        "url": source.url,
        "title": scrub(source.title),
        "publication": source.publication,
        "authors": list(source.authors or []),
        "published_on": source.published_on.isoformat() if source.published_on else None,
        "retrieved_on": source.retrieved_on.isoformat() if source.retrieved_on else None,
        "excerpt": scrub(source.excerpt),
        "language": source.language,
    }


def public_summary(incident: Incident, sources: list[IncidentSource]) -> dict:
    """Return the incident's shareable fields with personal data replaced by labels."""
    from anonymize.scrub import scrub  # Presidio and spaCy load on first use, not in every web worker

    kept, withheld = [], 0
    for source in sources:
        # A URL cannot be partly redacted and still work: a source whose URL holds personal data stays out.
        if scrub(source.url) == source.url:
            kept.append(public_source(source, scrub))
        else:
            withheld += 1
    return {
        "title": scrub(incident.title),
        "description": scrub(incident.description or ""),
        "occurred_on": incident.occurred_on.isoformat() if incident.occurred_on else None,
        **{name: [scrub(item) for item in (getattr(incident, name) or [])] for name in LIST_FIELDS},
        "sources": kept,
        "source_urls": [source["url"] for source in kept],
        "withheld_urls": withheld,
    }


def fold(text: str) -> str:
    """Fold text for the public search: case and accents removed, runs of whitespace made one space."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def search_text(summary: dict) -> str:
    """The folded text the public search looks in: the summary's title and description."""
    return fold(f"{summary.get('title') or ''}\n{summary.get('description') or ''}")


SOURCE_FIELDS = ("url", "title", "publication", "authors", "published_on", "language", "excerpt")


def summary_sources(summary: dict) -> list[dict]:
    """The public fields of a summary's sources; a summary stored before sources had details has URLs only."""
    sources = summary.get("sources")
    if sources is None:
        sources = [{"url": url} for url in summary.get("source_urls") or []]
    empty: dict[str, object] = {
        "title": "",
        "publication": "",
        "authors": [],
        "published_on": None,
        "language": None,
        "excerpt": "",
    }
    return [{name: source.get(name, empty.get(name)) for name in SOURCE_FIELDS} for source in sources]


def summary_of(session: Session, incident: Incident) -> dict:
    """Return the stored public summary, making it now for an incident approved before summaries were stored."""
    return incident.public_summary or public_summary(incident, incident_sources(session, incident.id))


def linked_reports(*conditions):
    """Count, per incident of the enclosing query, its linked reports (that meet the conditions)."""
    return (
        select(func.count()).where(Report.incident_id == Incident.id, *conditions).correlate(Incident).scalar_subquery()
    )


def refusing_reports():
    """Count, per incident of the enclosing query, the linked reports whose reporter did not consent to sharing."""
    return linked_reports(Report.share_consent.is_(False))


def consent_holds():
    """An approved incident may leave only while it has reports and every one of their reporters consented.

    "Has reports" is an EXISTS, not a count above zero: PostgreSQL estimates a semi-join well, where two
    count comparisons made it expect almost no match, price the public list's first page like a scan of
    every incident, and compile it with JIT (30 ms of compiling for a 0.2 ms query at 100,000 incidents).
    """
    has_reports = exists().where(Report.incident_id == Incident.id).correlate(Incident)
    return and_(has_reports, refusing_reports() == 0)


def shared_query() -> SelectOfScalar[Incident]:
    """Approved incidents whose reporters all consented (a report linked after the approval may not have)."""
    return select_rows(Incident).where(Incident.shared_at.is_not(None), consent_holds())


def shared_incidents(session: Session, *, after: int, limit: int) -> tuple[list[Incident], bool]:
    """Return one page of shared incidents above the id `after`, oldest first, and whether more follow."""
    rows = list(session.exec(shared_query().where(Incident.id > after).order_by(Incident.id).limit(limit + 1)))
    return rows[:limit], len(rows) > limit


def shared_incident(session: Session, incident_id: int) -> Incident | None:
    """Return one incident if it is shared and its consent still holds, else None."""
    return session.exec(shared_query().where(Incident.id == incident_id)).first()
