"""The tables of the pre-upload review and of the value chain (migration 0016).

`listing_proposal`: one reviewer's proposal to approve a model for listing or to send it back with
reasons, which a second staff member confirms or rejects (four eyes, as for decommissioning).
`upstream_flag`: a model derived from one that was restricted, suspended or decommissioned, flagged
for review, one row per derived model and upstream event. `upstream_notice`: the e-mail to the derived
model's owner contact about one flag, claimed by its unique row before it is sent, so it goes once.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, UniqueConstraint, text
from sqlalchemy.types import JSON
from sqlmodel import Field, SQLModel

from core import clock
from core.db import UTCDateTime


class ListingOutcome(StrEnum):
    APPROVE = "approve"
    RETURN = "return"


class ListingProposalStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    SUPERSEDED = "superseded"  # the model's details or card changed while it waited


# At most one proposal waits per model (migration 0016): the row lock `propose_listing` takes is a no-op on SQLite.
ONE_WAITING_INDEX = "ix_listing_proposal_one_waiting"
WAITING = text("status = 'pending'")


class ListingProposal(SQLModel, table=True):
    """A proposal to list a model in review, or to return it with reasons; a second person decides."""

    __tablename__ = "listing_proposal"
    __table_args__ = (
        Index(ONE_WAITING_INDEX, "model_id", unique=True, sqlite_where=WAITING, postgresql_where=WAITING),
    )

    id: int | None = Field(default=None, primary_key=True)
    model_id: int = Field(foreign_key="model_record.id", ondelete="CASCADE", index=True)
    outcome: str = Field(max_length=10)  # ListingOutcome
    reasons: str = Field(default="", max_length=2000)  # staff's words to the provider; needed to return
    criteria: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # what was judged
    status: str = Field(default=ListingProposalStatus.PENDING.value, max_length=20, index=True)
    proposed_by: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    proposed_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    decided_by: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decision_note: str = Field(default="", max_length=2000)


class UpstreamFlag(SQLModel, table=True):
    """A derived model flagged because a model up its lineage was restricted, suspended or decommissioned."""

    __tablename__ = "upstream_flag"
    __table_args__ = (
        UniqueConstraint("model_id", "upstream_id", "upstream_status", "upstream_changed_at", name="uq_upstream_flag"),
    )

    id: int | None = Field(default=None, primary_key=True)
    model_id: int = Field(foreign_key="model_record.id", ondelete="CASCADE", index=True)
    upstream_id: int = Field(foreign_key="model_record.id", ondelete="CASCADE", index=True)
    upstream_status: str = Field(max_length=20)  # ModelStatus: restricted, suspended or decommissioned
    upstream_changed_at: datetime = Field(sa_type=UTCDateTime)  # the upstream model's status_changed_at
    flagged_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    cleared_by: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    cleared_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    clear_note: str = Field(default="", max_length=1000)


class UpstreamNotice(SQLModel, table=True):
    """One row per owner e-mail sent about a flag: claimed before sending, so each goes once across processes."""

    __tablename__ = "upstream_notice"

    id: int | None = Field(default=None, primary_key=True)
    flag_id: int = Field(foreign_key="upstream_flag.id", ondelete="CASCADE", unique=True)
    sent_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
