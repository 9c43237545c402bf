"""Export runs: which files were written, when, and what was held back."""

from __future__ import annotations

from datetime import datetime

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
