"""What the transparency pages and the read API show (their read models), read from the stored publications.

Publishing itself is in reporting/publish.py; the staff page imports it on first use.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from core.audit import AuditEvent
from reporting.models import Publication, PublicationFile


def first_event_at(session: Session) -> datetime | None:
    """When the platform recorded its first audit event (its setup), or None on an empty log."""
    return session.exec(select(AuditEvent.at).order_by(AuditEvent.seq).limit(1)).first()


def published_latest(session: Session) -> list[Publication]:
    """The newest published revision of every period, newest period first."""
    rows = session.exec(
        select(Publication)
        .where(Publication.status == "published")
        .order_by(Publication.period.desc(), Publication.revision.desc())
    ).all()
    seen, result = set(), []
    for row in rows:
        if row.period not in seen:
            seen.add(row.period)
            result.append(row)
    return result


def published(session: Session, period: str) -> Publication | None:
    """The newest published revision of one period; None when the period is not published."""
    return next((p for p in published_latest(session) if p.period == period), None)


def file_query(publication: Publication, name: str):
    """The query for one stored file of a publication."""
    return select(PublicationFile).where(PublicationFile.publication_id == publication.id, PublicationFile.name == name)


def published_file(session: Session, period: str, name: str) -> PublicationFile | None:
    """One stored file (report.html, print.html, report.csv, report.json) of a period's newest published revision.

    None when the period is not published or the revision has no file of that name.
    """
    publication = published(session, period)
    if publication is None:
        return None
    return session.exec(file_query(publication, name)).first()


def published_report(session: Session, period: str) -> tuple[Publication, PublicationFile] | None:
    """A period's newest published revision and its stored report.json; None when the period is not published.

    Every publication stores its report.json, so a revision without one raises (NoResultFound).
    """
    publication = published(session, period)
    if publication is None:
        return None
    return publication, session.exec(file_query(publication, "report.json")).one()


def all_publications(session: Session) -> list[Publication]:
    """Every revision, drafts included, for the staff page: newest period first, then newest revision."""
    return list(
        session.exec(select(Publication).order_by(Publication.period.desc(), Publication.revision.desc())).all()
    )
