"""Words around the figures: the qualitative parts of a quarter's report, and errata to a publication.

The qualitative parts of the Commission's template (the automated means used, the staff and their
training, the safeguards) are text that an admin or a publisher edits for a quarter before it is
published. Publishing copies the text into the quarter's figures, so it is rendered into the hashed
files and frozen with them; once a quarter has a publication (draft or published) the text is no
longer editable.

Published files never change. A correction that is not a new release (a wrong word, a figure
explained) is an erratum: what was wrong, what is correct, and when. Errata are append-only, audited,
and served apart from the files (the errata page and errata.json).
"""

from __future__ import annotations

from sqlmodel import Session, select

from core import clock
from core.audit import append_event
from core.periods import Period
from core.schemas import N_
from reporting.models import Erratum, PeriodStatement, Publication

QUALITATIVE_FIELDS = {
    "automated_means": N_("Automated means used in moderation"),
    "staff_and_training": N_("Staff who moderate, and their training"),
    "safeguards": N_("Safeguards"),
}


class NoteRefused(Exception):
    """The text cannot be saved; `message` (marked for translation) and `params` say why."""

    def __init__(self, message: str, params: dict | None = None) -> None:
        super().__init__(message % (params or {}))
        self.message, self.params = message, params or {}


def statement_of(session: Session, period: str) -> PeriodStatement | None:
    return session.get(PeriodStatement, period)


def qualitative(session: Session, period: str) -> dict[str, str]:
    """The text that publishing freezes into a quarter's files (empty strings when nobody wrote any)."""
    statement = statement_of(session, period)
    return {name: getattr(statement, name) if statement else "" for name in QUALITATIVE_FIELDS}


def is_frozen(session: Session, period: str) -> bool:
    """Whether a quarter has a publication (draft or published), which froze its text."""
    return session.exec(select(Publication.id).where(Publication.period == period)).first() is not None


def save_statement(session: Session, period: Period, texts: dict[str, str], *, actor_id: int) -> PeriodStatement:
    """Write a quarter's qualitative text before it is published; refused once it has a publication."""
    name = str(period)
    if is_frozen(session, name):
        raise NoteRefused(N_("%(period)s is already published: its text is frozen with its files."), {"period": name})
    statement = statement_of(session, name) or PeriodStatement(period=name)
    for field in QUALITATIVE_FIELDS:
        setattr(statement, field, texts.get(field, "").strip())
    statement.updated_at = clock.now()
    statement.updated_by = actor_id
    session.add(statement)
    session.flush()
    append_event(
        session,
        action="transparency.statement_saved",
        actor_id=actor_id,
        target_type="period",
        target_id=name,
        details={"fields": [f for f in QUALITATIVE_FIELDS if getattr(statement, f)]},
    )
    session.commit()
    return statement


def add_erratum(session: Session, publication: Publication, *, wrong: str, corrected: str, actor_id: int) -> Erratum:
    """Append a correction to a published publication: the row first, then its audit event, one commit."""
    if publication.status != "published":
        raise NoteRefused(N_("Only a published report takes errata; correct a draft before approving it."))
    erratum = Erratum(
        publication_id=publication.id or 0,
        wrong=wrong.strip(),
        corrected=corrected.strip(),
        created_at=clock.now(),
        created_by=actor_id,
    )
    session.add(erratum)
    session.flush()
    append_event(
        session,
        action="publication.erratum_added",
        actor_id=actor_id,
        target_type="publication",
        target_id=str(publication.id),
        details={"period": publication.period, "revision": publication.revision, "erratum": erratum.id},
    )
    session.commit()
    return erratum


def errata_of(session: Session, period: str) -> list[Erratum]:
    """Every erratum of any revision of a period, oldest first."""
    ids = select(Publication.id).where(Publication.period == period)
    return list(session.exec(select(Erratum).where(Erratum.publication_id.in_(ids)).order_by(Erratum.id)).all())


def errata_document(session: Session, period: str) -> dict:
    """errata.json: the period's corrections, with the revision each applies to."""
    revisions = {p.id: p.revision for p in session.exec(select(Publication).where(Publication.period == period))}
    return {
        "period": period,
        "errata": [
            {
                "revision": revisions.get(e.publication_id),
                "wrong": e.wrong,
                "corrected": e.corrected,
                "at": e.created_at.isoformat(timespec="seconds"),
            }
            for e in errata_of(session, period)
        ],
    }
