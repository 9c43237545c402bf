"""Publications, their files, and the privacy ledger."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, LargeBinary, UniqueConstraint
from sqlalchemy.types import JSON
from sqlmodel import Field, SQLModel

from core import clock
from core.db import UTCDateTime


class Publication(SQLModel, table=True):
    """One release of a period's transparency report. Revision 1 is the original; later ones are corrections."""

    __tablename__ = "publication"
    __table_args__ = (UniqueConstraint("period", "revision", name="uq_publication_period_revision"),)

    id: int | None = Field(default=None, primary_key=True)
    period: str = Field(max_length=7, index=True)
    revision: int = Field(default=1)
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(default="published", max_length=10, index=True)  # draft | published
    generated_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    approved_by: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    epsilon: str = Field(max_length=20)
    figures: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # SHA-256 over this publication's file hashes and the previous publication's chain hash.
    prev_hash: str = Field(max_length=64)
    chain_hash: str = Field(max_length=64)
    signature: str | None = Field(default=None, max_length=128)
    # The audit head when it was published (its own release events included), chained and signed with it:
    # `audit verify` catches a log cut back before it. None on publications from before checkpoints.
    audit_seq: int | None = Field(default=None)
    audit_hash: str | None = Field(default=None, max_length=64)


class PublicationFile(SQLModel, table=True):
    __tablename__ = "publication_file"
    __table_args__ = (UniqueConstraint("publication_id", "name", name="uq_publication_file_name"),)

    id: int | None = Field(default=None, primary_key=True)
    publication_id: int = Field(foreign_key="publication.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=40)
    media_type: str = Field(max_length=60)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    sha256: str = Field(max_length=64)


class PrivacyRelease(SQLModel, table=True):
    """The ledger: every noisy statistic released, with the epsilon it spent from its period's budget."""

    __tablename__ = "privacy_release"

    id: int | None = Field(default=None, primary_key=True)
    period: str = Field(max_length=7, index=True)
    publication_id: int | None = Field(default=None, foreign_key="publication.id", ondelete="SET NULL")
    statistic: str = Field(max_length=60)
    epsilon: str = Field(max_length=20)
    released_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class PublicationLock(SQLModel, table=True):
    """A single row every publisher updates first: a row lock on PostgreSQL, the write lock on SQLite."""

    __tablename__ = "publication_lock"

    id: int = Field(default=1, primary_key=True)
    counter: int = Field(default=0)


class Erratum(SQLModel, table=True):
    """A correction to a publication, added after it was published: append-only, never edited or deleted.

    Published files never change, so errata live here and are served apart (errata.json, the errata page).
    """

    __tablename__ = "publication_erratum"

    id: int | None = Field(default=None, primary_key=True)
    publication_id: int = Field(foreign_key="publication.id", ondelete="CASCADE", index=True)
    wrong: str = Field(max_length=2000)  # what was wrong
    corrected: str = Field(max_length=2000)  # what is correct
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    created_by: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")


class PeriodStatement(SQLModel, table=True):
    """The qualitative parts of a quarter's report (DSA template): written before publishing, then frozen."""

    __tablename__ = "period_statement"

    period: str = Field(max_length=7, primary_key=True)
    automated_means: str = Field(default="", max_length=5000)
    staff_and_training: str = Field(default="", max_length=5000)
    safeguards: str = Field(default="", max_length=5000)
    updated_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    updated_by: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
