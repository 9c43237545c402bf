"""The review of a model card: one row per model and checklist item, the automatic result and the reviewer's."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from core.db import UTCDateTime


class CardReviewItem(SQLModel, table=True):
    """One checklist item of one model's card: what the automatic check found, and what a reviewer decided.

    An import writes the automatic result afresh and clears the reviewer's (they judged another text).
    The reviewer's result, when there is one, wins over the automatic one.
    """

    __tablename__ = "card_review_item"
    __table_args__ = (UniqueConstraint("model_id", "item_id", name="uq_card_review_item"),)

    id: int | None = Field(default=None, primary_key=True)
    model_id: int = Field(foreign_key="model_record.id", ondelete="CASCADE", index=True)
    item_id: str = Field(max_length=40)  # checklist.CHECKLIST's ids
    automatic_result: str = Field(max_length=4)  # "pass" or "fail"
    automatic_reason: str = Field(max_length=20)  # checklist.Reason
    reviewer_result: str | None = Field(default=None, max_length=4)
    note: str = Field(default="", max_length=1000)
    reviewer_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
