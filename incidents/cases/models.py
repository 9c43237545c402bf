"""An incident's sources: the public articles that report it, as AIID shows each of them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Text
from sqlalchemy.types import JSON
from sqlmodel import Field, SQLModel

from core import clock
from core.db import UTCDateTime


class IncidentSource(SQLModel, table=True):
    """One public article about an incident. Each becomes one AIID report, built from its own details."""

    __tablename__ = "incident_source"

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", ondelete="CASCADE", index=True)
    url: str = Field(max_length=500)
    title: str = Field(default="", max_length=500)
    publication: str = Field(default="", max_length=200)
    authors: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    published_on: date | None = Field(default=None)
    retrieved_on: date | None = Field(default=None)  # when staff read it: AIID's date_downloaded
    # The passage AIID shows as the report's text (80 to 50,000 characters there).
    excerpt: str = Field(default="", sa_column=Column(Text, nullable=False))
    language: str = Field(default="en", max_length=10)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    created_by: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
