"""Report records. Structured fields are plain columns so they can be counted without decryption."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, LargeBinary
from sqlalchemy.types import JSON
from sqlmodel import Field, SQLModel

from core.db import UTCDateTime, utcnow


class Channel(StrEnum):
    PUBLIC = "public"
    WHISTLEBLOWER = "whistleblower"


class Category(StrEnum):
    CHILD_SAFETY = "child_safety"
    NCII = "ncii"
    HATE_HARASSMENT = "hate_harassment"
    VIOLENT_EXTREMISM = "violent_extremism"
    PRIVACY = "privacy"
    INTELLECTUAL_PROPERTY = "intellectual_property"
    DANGEROUS_CAPABILITY = "dangerous_capability"
    FRAUD_DECEPTION = "fraud_deception"
    BIAS_DISCRIMINATION = "bias_discrimination"
    SAFETY_FAILURE = "safety_failure"
    SECURITY_VULNERABILITY = "security_vulnerability"
    ACCEPTABLE_USE = "acceptable_use"
    OTHER = "other"


class Actor(StrEnum):
    MODEL_PROVIDER = "model_provider"
    ADAPTER = "adapter"
    HOSTING_SERVICE = "hosting_service"
    APP_DEVELOPER = "app_developer"
    DISTRIBUTION_PLATFORM = "distribution_platform"
    END_USER = "end_user"


class Severity(StrEnum):
    HAZARD = "hazard"
    INCIDENT = "incident"
    SERIOUS_INCIDENT = "serious_incident"


class ReportStatus(StrEnum):
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    NEEDS_INFO = "needs_info"
    IN_PROGRESS = "in_progress"
    ESCALATED = "escalated"
    DUPLICATE = "duplicate"
    DISMISSED = "dismissed"
    RESOLVED = "resolved"


class Report(SQLModel, table=True):
    __tablename__ = "report"

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=20, index=True)
    category: str = Field(max_length=40, index=True)
    actor: str | None = Field(default=None, max_length=40, index=True)
    severity: str = Field(max_length=20, index=True)
    model_name: str | None = Field(default=None, max_length=200, index=True)
    model_version: str | None = Field(default=None, max_length=100)
    model_provider: str | None = Field(default=None, max_length=200)
    model_url: str | None = Field(default=None, max_length=500)
    country: str | None = Field(default=None, max_length=2)
    occurred_from: date | None = Field(default=None)
    occurred_to: date | None = Field(default=None)
    # Serious-incident flags (EU AI Act Art. 3(49)).
    flag_death: bool = Field(default=False)
    flag_health: bool = Field(default=False)
    flag_critical_infrastructure: bool = Field(default=False)
    flag_fundamental_rights: bool = Field(default=False)
    flag_property_environment: bool = Field(default=False)
    flag_cybersecurity: bool = Field(default=False)
    share_consent: bool = Field(default=False)
    status: str = Field(default=ReportStatus.RECEIVED.value, max_length=20, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1)
    language: str = Field(default="en", max_length=10)
    # Sealed content (title, description, steps, affected, evidence links, contact) and its keys.
    sealed: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    wrapped_keys: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # The reporter's way back: a keyed hash of the receipt, and the public half of the receipt-derived key.
    receipt_mac: str | None = Field(default=None, max_length=64, unique=True, index=True)
    reporter_salt: str | None = Field(default=None, max_length=32)
    reporter_public_key: str | None = Field(default=None, max_length=64)
    last_staff_message_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_reporter_message_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Author(StrEnum):
    REPORTER = "reporter"
    STAFF = "staff"


class Message(SQLModel, table=True):
    __tablename__ = "message"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", index=True, ondelete="CASCADE")
    author: str = Field(max_length=10)
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sealed: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    wrapped_keys: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # A keyed hash of the form's one-time token, so a resent form adds the message once.
    dedupe_mac: str | None = Field(default=None, max_length=64, unique=True, index=True)


class Attachment(SQLModel, table=True):
    __tablename__ = "attachment"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", index=True, ondelete="CASCADE")
    message_id: int | None = Field(default=None, foreign_key="message.id", ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    media_type: str = Field(max_length=100)
    size: int
    # The file name and the bytes, sealed together under one fresh key.
    sealed: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    wrapped_keys: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
