"""Report records. Structured fields are plain columns so they can be counted without decryption."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

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
    country: str | None = Field(default=None, max_length=2)
    occurred_on: date | None = Field(default=None)
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
