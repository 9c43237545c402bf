"""Statements of reasons and appeals: the one-time appeal links, the appeals, and their files.

Counted columns (kind, status, outcome, received_at, decided_at) are plain; what the appellant
wrote, their files, the e-mail address a statement went to and the decision's reasons are sealed.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, LargeBinary, text
from sqlalchemy.types import JSON
from sqlmodel import Field, SQLModel

from core import clock
from core.db import UTCDateTime


class AppealKind(StrEnum):
    ACTION = "action"  # the affected party contests an enforcement action
    DISMISSAL = "dismissal"  # a reporter contests the dismissal of their report (DSA Art. 20 covers notices)


class AppealStatus(StrEnum):
    OPEN = "open"
    DECIDED = "decided"


class AppealOutcome(StrEnum):
    UPHELD = "upheld"
    REVERSED = "reversed"
    PARTLY_REVERSED = "partly_reversed"


REVERSALS = frozenset({AppealOutcome.REVERSED, AppealOutcome.PARTLY_REVERSED})


class AppealToken(SQLModel, table=True):
    """The single-use token an appeal link carries: only its keyed hash is kept, and it opens one action."""

    __tablename__ = "appeal_token"

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="enforcement_action.id", ondelete="CASCADE", index=True)
    token_mac: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    created_by: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The address the statement was e-mailed to, sealed for the platform key; None when it was downloaded.
    sent_to_sealed: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    sent_to_keys: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


OPEN = text("status = 'open'")  # the rows the one-open-appeal indexes hold


class Appeal(SQLModel, table=True):
    """An appeal against an enforcement action or a report's dismissal, and its decision."""

    __tablename__ = "appeal"
    # One open appeal at a time per action, and per dismissed report (migration 0013); NULLs never collide.
    __table_args__ = tuple(
        Index(f"ix_appeal_one_open_per_{name}", column, unique=True, sqlite_where=OPEN, postgresql_where=OPEN)
        for name, column in (("action", "action_id"), ("report", "report_id"))
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20, index=True)
    action_id: int | None = Field(default=None, foreign_key="enforcement_action.id", ondelete="SET NULL", index=True)
    report_id: int | None = Field(default=None, foreign_key="report.id", ondelete="SET NULL", index=True)
    status: str = Field(default=AppealStatus.OPEN.value, max_length=20, index=True)
    received_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime, index=True)
    due_at: datetime = Field(sa_type=UTCDateTime)
    # The arguments of an action appeal, sealed for the appellant's receipt-derived key and for staff: the platform
    # key, or, for an action on a whistleblower report, that report's recipients (appeals.staff_readers).
    # A reporter's arguments are a message in their report's thread instead (message_id), sealed as it is.
    sealed: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    wrapped_keys: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    message_id: int | None = Field(default=None, foreign_key="message.id", ondelete="SET NULL")
    receipt_mac: str | None = Field(default=None, max_length=64, unique=True, index=True)
    appellant_salt: str | None = Field(default=None, max_length=32)
    appellant_public_key: str | None = Field(default=None, max_length=64)
    outcome: str | None = Field(default=None, max_length=20)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    decided_by: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    # The decision's reasons, sealed for the same readers as the arguments.
    decision_sealed: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    decision_keys: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    reinstatement_id: int | None = Field(
        default=None, foreign_key="enforcement_action.id", ondelete="SET NULL", nullable=True
    )


class AppealFile(SQLModel, table=True):
    """A file attached to an action appeal, cleaned like any upload, its name and bytes sealed together."""

    __tablename__ = "appeal_file"

    id: int | None = Field(default=None, primary_key=True)
    appeal_id: int = Field(foreign_key="appeal.id", ondelete="CASCADE", index=True)
    media_type: str = Field(max_length=100)
    size: int
    sealed: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    wrapped_keys: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
