"""Export runs (which files were written, when, and what was held back) and DSA submissions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column
from sqlalchemy.types import JSON
from sqlmodel import Field, SQLModel

from core import clock
from core.db import UTCDateTime


class ExportRun(SQLModel, table=True):
    """One set of export files on disk. A run is recorded only once all its files are complete."""

    __tablename__ = "export_run"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=10, index=True)  # aiid | dsa
    period: str | None = Field(default=None, max_length=7)  # the quarter of a DSA export
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime, index=True)
    trigger: str = Field(max_length=20)  # publication | schedule | staff | cli
    created_by: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    directory: str = Field(max_length=200)  # relative to EXPORT_DIR
    # name -> {"sha256", "size", "rows"}
    files: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    counts: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # The first held-back records with their reasons; held-back.csv in the run lists them all.
    problems: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    problem_total: int = Field(default=0)


class SubmissionStatus(StrEnum):
    """Where a statement stands with the DSA Transparency Database."""

    PENDING = "pending"  # about to be sent, or sent with no answer (a crash, a timeout): ask the API
    ACCEPTED = "accepted"  # stored there (201, or the API already had its puid)
    REJECTED = "rejected"  # refused with field errors; sent again only once its content changes


class DsaSubmission(SQLModel, table=True):
    """One statement of reasons sent to the DSA Transparency Database: what was sent, and what became of it."""

    __tablename__ = "dsa_submission"

    id: int | None = Field(default=None, primary_key=True)
    puid: str = Field(max_length=500, unique=True)  # the API's key: one statement per puid, ever
    action_id: int | None = Field(default=None, foreign_key="enforcement_action.id", ondelete="SET NULL", index=True)
    period: str = Field(max_length=7, index=True)
    statement_sha256: str = Field(max_length=64)  # of the statement's canonical JSON, as last sent
    status: str = Field(default=SubmissionStatus.PENDING.value, max_length=10, index=True)
    http_status: int | None = Field(default=None)
    # The API's field errors for a rejected statement ({field: [message, ...]}); None otherwise.
    errors: dict | None = Field(default=None, sa_column=Column(JSON(none_as_null=True), nullable=True))
    attempts: int = Field(default=0)  # requests that carried this statement
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # the last request that carried it
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # accepted or rejected
