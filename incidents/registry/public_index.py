"""The public index of listed models: by name, a page at a time, with whether each one's documentation is complete.

Keyset pagination on (lower-case name, version, id): the next page starts after the last row's id, so a
page never skips or repeats a row when models are added meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, tuple_
from sqlalchemy.orm import load_only
from sqlmodel import Session, col, select

from incidents.models import Listing, ModelRecord
from incidents.registry.documentation import Documentation, documentation_for

PAGE_SIZE = 50
# The columns the index shows (a card's text stays unloaded).
SHOWN = (
    ModelRecord.id,
    ModelRecord.name,
    ModelRecord.version,
    ModelRecord.provider,
    ModelRecord.licence,
    ModelRecord.release_type,
    ModelRecord.status,
    ModelRecord.card_imported_at,
)


@dataclass(frozen=True)
class IndexRow:
    model: ModelRecord
    documentation: Documentation


@dataclass(frozen=True)
class IndexPage:
    rows: list[IndexRow]
    next_after: int | None  # the id the next page starts after; None on the last page


class UnknownCursor(LookupError):
    """The page asked to start after a model that is not listed (or not there)."""


def _sort_key():
    return (func.lower(ModelRecord.name), col(ModelRecord.version), col(ModelRecord.id))


def public_index(session: Session, *, after: int | None = None, size: int = PAGE_SIZE) -> IndexPage:
    """One page of the listed models by name; raise UnknownCursor when `after` names no listed model."""
    listed = ModelRecord.listing == Listing.LISTED.value
    query = select(ModelRecord).options(load_only(*SHOWN)).where(listed)
    if after is not None:
        cursor = session.exec(select(*_sort_key()).where(listed, col(ModelRecord.id) == after)).first()
        if cursor is None:
            raise UnknownCursor(after)
        query = query.where(tuple_(*_sort_key()) > tuple_(*cursor))
    models = list(session.exec(query.order_by(*_sort_key()).limit(size + 1)))
    more = len(models) > size
    models = models[:size]
    docs = documentation_for(session, models)
    rows = [IndexRow(m, docs[m.id or 0]) for m in models]
    return IndexPage(rows, models[-1].id if more and models else None)
