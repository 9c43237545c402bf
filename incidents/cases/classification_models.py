"""The table of an incident's classifications in the AI Incident Database's taxonomies."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, UniqueConstraint
from sqlalchemy.types import JSON
from sqlmodel import Field, SQLModel

from core import clock
from core.db import UTCDateTime


class IncidentClassification(SQLModel, table=True):
    """One incident in one taxonomy: the values staff chose, {short_name: value}, checked before storing."""

    __tablename__ = "incident_classification"
    __table_args__ = (UniqueConstraint("incident_id", "namespace", name="uq_incident_classification_namespace"),)

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", ondelete="CASCADE")
    namespace: str = Field(max_length=20)
    attributes: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Staff's own notes: they stay on the platform (the export's notes carry our identifier instead).
    notes: str = Field(default="", max_length=5000)
    # AIID's flag: whether its pages show the classification. Only published ones are exported.
    publish: bool = Field(default=True)
    updated_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    updated_by: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    version: int = Field(default=1)
