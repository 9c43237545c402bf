"""The read model of a model's documentation: each checklist item's state, the reviewer's result winning.

Built from the `card_review_item` rows, for one model (`documentation`) or for a page of them at once
(`documentation_for`, the public index).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from incidents.models import ModelRecord
from incidents.registry.card_models import CardReviewItem
from incidents.registry.checklist import BY_ID, CHECKLIST, PASS, CheckItem


@dataclass(frozen=True)
class ItemState:
    item: CheckItem
    automatic: str | None = None
    reason: str | None = None
    reviewer_result: str | None = None
    note: str = ""
    reviewer_id: int | None = None
    reviewed_at: datetime | None = None

    @property
    def result(self) -> str | None:
        """The reviewer's result when there is one, else the automatic one."""
        return self.reviewer_result or self.automatic

    @property
    def passed(self) -> bool:
        return self.result == PASS


@dataclass(frozen=True)
class Documentation:
    has_card: bool
    items: list[ItemState]

    @property
    def missing(self) -> list[CheckItem]:
        """The required items that fail (all of them while there is no card)."""
        return [s.item for s in self.items if s.item.required and not s.passed]

    @property
    def complete(self) -> bool:
        return self.has_card and not self.missing

    @property
    def fully_reviewed(self) -> bool:
        """Every required item has a reviewer's result: until then, "complete" is the automatic check's word only."""
        return all(s.reviewer_result for s in self.items if s.item.required)

    @property
    def reviewed(self) -> int:
        return sum(1 for s in self.items if s.reviewer_result)


def build_documentation(has_card: bool, rows: Iterable[CardReviewItem]) -> Documentation:
    """Each checklist item's state from one model's review rows, in the checklist's order."""
    by_item = {row.item_id: row for row in rows if row.item_id in BY_ID}
    items = []
    for item in CHECKLIST:
        row = by_item.get(item.id)
        if row is None:
            items.append(ItemState(item))
            continue
        items.append(
            ItemState(
                item,
                row.automatic_result,
                row.automatic_reason,
                row.reviewer_result,
                row.note,
                row.reviewer_id,
                row.reviewed_at,
            )
        )
    return Documentation(has_card=has_card, items=items)


def documentation(session: Session, model: ModelRecord) -> Documentation:
    """Each checklist item's state for a model, in the checklist's order."""
    rows = session.exec(select(CardReviewItem).where(CardReviewItem.model_id == model.id))
    return build_documentation(model.card_imported_at is not None, rows)


def documentation_for(session: Session, models: list[ModelRecord]) -> dict[int, Documentation]:
    """The documentation of several models in one query, by model id."""
    ids = [m.id for m in models if m.id is not None]
    rows: dict[int, list[CardReviewItem]] = defaultdict(list)
    if ids:
        for row in session.exec(select(CardReviewItem).where(col(CardReviewItem.model_id).in_(ids))):
            rows[row.model_id].append(row)
    return {m.id: build_documentation(m.card_imported_at is not None, rows[m.id]) for m in models if m.id is not None}
