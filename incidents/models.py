"""Report records. Structured fields are plain columns so they can be counted without decryption."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Index, LargeBinary, Text, UniqueConstraint, false
from sqlalchemy.types import JSON
from sqlmodel import Field, SQLModel

from core import clock
from core.db import UTCDateTime


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


# The queue always filters on one channel and pages newest-first by id, so each filter gets an
# index (channel, filter, id): a page is a range scan of the index, never a sort or an OFFSET.
QUEUE_FILTERS = ("status", "category", "severity", "model_key", "assignee_id", "country", "kind")


class Report(SQLModel, table=True):
    __tablename__ = "report"
    __table_args__ = (
        Index("ix_report_queue", "channel", "id"),
        *(Index(f"ix_report_queue_{name}", "channel", name, "id") for name in QUEUE_FILTERS),
        Index("ix_report_queue_due", "channel", "due_at", "id"),
        Index("ix_report_queue_duty", "channel", "duty_due_at", "id"),
        Index("ix_report_incident", "incident_id"),
        Index("ix_report_closed_at", "closed_at"),
        # The transparency report's time to action counts the reports first acted on in a quarter (migration 0021).
        Index("ix_report_actioned_at", "actioned_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=20)
    category: str = Field(max_length=40)
    actor: str | None = Field(default=None, max_length=40)
    severity: str = Field(max_length=20)
    model_name: str | None = Field(default=None, max_length=200)
    # model_name folded to lower case and trimmed: what the queue filters and searches on.
    model_key: str | None = Field(default=None, max_length=200)
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
    # Set by staff when classifying: they shorten the regulatory deadline.
    flag_widespread_infringement: bool = Field(default=False)
    flag_weight_exfiltration: bool = Field(default=False)
    share_consent: bool = Field(default=False)
    status: str = Field(default=ReportStatus.RECEIVED.value, max_length=20)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime, index=True)
    updated_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
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
    # Triage. Staff change these through incidents.triage.service.apply, which bumps `version`, as do the
    # writes that meet or extend a duty (duty_service): they change what the triage form acted on. Intake,
    # unmarked messages, enforcement and the retention purge stamp the report without a version bump.
    assignee_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    incident_id: int | None = Field(default=None, foreign_key="incident.id", ondelete="SET NULL")
    duplicate_of_id: int | None = Field(default=None, foreign_key="report.id", ondelete="SET NULL")
    dismiss_reason: str | None = Field(default=None, max_length=40)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    first_response_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    actioned_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Regulatory reporting: the tier set by classification, and the next filing that is due.
    deadline_tier: str | None = Field(default=None, max_length=30)
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    due_kind: str | None = Field(default=None, max_length=20)
    initial_filed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_filed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    final_filed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Duties owed to the reporter (incidents.triage.duties): when each was met, the feedback extension
    # and its justification, and the next unmet duty. The justification is staff's words about the case,
    # so it is sealed for the report's staff readers (never the reporter); `feedback_extension_reason`
    # holds only what migration 0012 found stored in clear before, and nothing new is written there.
    auto_ack_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    feedback_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    feedback_extended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    feedback_extension_reason: str | None = Field(default=None, max_length=2000)
    feedback_extension_sealed: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    feedback_extension_keys: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    # When staff last reopened the report: a reopened public notice is decided anew from here.
    reopened_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    outcome_sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    duty_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    duty_kind: str | None = Field(default=None, max_length=20)
    # When retention purged the sealed content (the structured fields stay for statistics).
    purged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Who filed it: `public` without a token, else the kind of the partner whose token filed it (vocabulary.SourceType).
    source_type: str = Field(default="public", max_length=20, sa_column_kwargs={"server_default": "public"})
    partner_id: int | None = Field(default=None, foreign_key="partner.id", ondelete="SET NULL")
    # What kind of report it is (vocabulary.ReportKind) and that kind's countable answers (incidents.intake.kinds;
    # its free-text answers are sealed with the content). `general` for every report stored before kinds.
    kind: str = Field(default="general", max_length=30, sa_column_kwargs={"server_default": "general"})
    abuse_type: str | None = Field(default=None, max_length=40)
    information_type: str | None = Field(default=None, max_length=40)
    reporter_role: str | None = Field(default=None, max_length=20)
    notice_type: str | None = Field(default=None, max_length=20)  # Lumen's name for it
    good_faith: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    licence: str | None = Field(default=None, max_length=100)
    licence_clause: str | None = Field(default=None, max_length=20)
    use_rule: str | None = Field(default=None, max_length=40)


def model_key(name: str | None) -> str | None:
    """Fold a model name for filtering and prefix search: trimmed, single-spaced, lower case."""
    folded = " ".join((name or "").split()).lower()
    return folded[:200] or None


class ReportCount(SQLModel, table=True):
    """Reports per channel and status, kept by database triggers so the queue never counts a million rows."""

    __tablename__ = "report_count"

    channel: str = Field(max_length=20, primary_key=True)
    status: str = Field(max_length=20, primary_key=True)
    n: int = Field(default=0)


class Author(StrEnum):
    REPORTER = "reporter"
    STAFF = "staff"


class Message(SQLModel, table=True):
    __tablename__ = "message"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", index=True, ondelete="CASCADE")
    author: str = Field(max_length=10)
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    sealed: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    wrapped_keys: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # A keyed hash of the form's one-time token, so a resent form adds the message once.
    dedupe_mac: str | None = Field(default=None, max_length=64, unique=True, index=True)


class Attachment(SQLModel, table=True):
    __tablename__ = "attachment"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", index=True, ondelete="CASCADE")
    message_id: int | None = Field(default=None, foreign_key="message.id", ondelete="CASCADE")
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    media_type: str = Field(max_length=100)
    size: int
    # The file name and the bytes, sealed together under one fresh key.
    sealed: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    wrapped_keys: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class IncidentStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Incident(SQLModel, table=True):
    """One real-world event that one or more reports describe. The summary fields may become public."""

    __tablename__ = "incident"
    # The public list's keyset order: newest shared first (migration 0022).
    __table_args__ = (Index("ix_incident_shared_at_id", "shared_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default=IncidentStatus.OPEN.value, max_length=20, index=True)
    title: str = Field(max_length=500)
    description: str = Field(default="", max_length=50_000)
    occurred_on: date | None = Field(default=None)
    deployers: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    developers: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    harmed_parties: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    implicated_systems: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime, index=True)
    updated_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    created_by: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Public sharing is a publisher's separate decision, allowed only with every reporter's consent.
    shared_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    shared_by: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    # What leaves the platform: the summary fields as scrubbed when the publisher approved them
    # (incidents.cases.public.public_summary). Cleared with the approval.
    public_summary: dict | None = Field(default=None, sa_column=Column(JSON(none_as_null=True), nullable=True))
    # The summary's title and description folded for the public search (incidents.cases.public.fold), set with it.
    public_search: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    version: int = Field(default=1)


class EnforcementAction(SQLModel, table=True):
    """A decision taken against a model, an account or content, with its legal, policy or licence ground."""

    __tablename__ = "enforcement_action"

    id: int | None = Field(default=None, primary_key=True)
    action_type: str = Field(max_length=30, index=True)
    report_id: int | None = Field(default=None, foreign_key="report.id", ondelete="SET NULL", index=True)
    incident_id: int | None = Field(default=None, foreign_key="incident.id", ondelete="SET NULL", index=True)
    model_id: int | None = Field(default=None, foreign_key="model_record.id", ondelete="SET NULL", index=True)
    target_kind: str = Field(max_length=20)
    target: str = Field(max_length=300)
    ground_type: str = Field(max_length=10)
    ground_reference: str = Field(max_length=300)
    # On the licence ground: the licence registry's licence and clause ids (enforcement/licence_ground.py).
    licence_id: str | None = Field(default=None, max_length=100)
    licence_clause: str | None = Field(default=None, max_length=20)
    explanation: str = Field(default="", max_length=5000)
    detection: str = Field(max_length=10)
    decision: str = Field(max_length=10)
    authority: str | None = Field(default=None, max_length=200)
    territorial_scope: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    decided_at: datetime = Field(sa_type=UTCDateTime, index=True)
    applied_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The last day of a time-limited restriction (a suspension, a delisting); None: indefinite.
    ends_on: date | None = Field(default=None)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    created_by: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")


class ModelStatus(StrEnum):
    ACTIVE = "active"
    UNDER_REVIEW = "under_review"
    RESTRICTED = "restricted"
    SUSPENDED = "suspended"
    DECOMMISSIONED = "decommissioned"


class Listing(StrEnum):
    """Whether a model's public pages are up: listed, waiting for the pre-upload review, or sent back to its owner."""

    LISTED = "listed"
    IN_REVIEW = "in_review"
    RETURNED = "returned"


class ModelRecord(SQLModel, table=True):
    """A model or AI system on the platform, and where it is in its lifecycle."""

    __tablename__ = "model_record"
    __table_args__ = (UniqueConstraint("name", "version", name="uq_model_record_name_version"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    version: str = Field(default="", max_length=100)
    provider: str = Field(default="", max_length=200)
    url: str | None = Field(default=None, max_length=500)
    status: str = Field(default=ModelStatus.ACTIVE.value, max_length=20, index=True)
    status_changed_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    # Shown on the public list once the model is suspended or decommissioned.
    public_reason: str = Field(default="", max_length=1000)
    effective_on: date | None = Field(default=None)
    notice: str = Field(default="", max_length=10_000)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    row_version: int = Field(default=1)
    # What the model card says (migration 0014). `licence` is the card's `license` identifier;
    # `base_models` the hub repo ids it derives from (lineage matches them to `hub_url`s).
    licence: str = Field(default="", max_length=100)
    base_models: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    hub_url: str | None = Field(default=None, max_length=500)
    release_type: str | None = Field(default=None, max_length=20)  # vocabulary.ReleaseType
    card_markdown: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # What was read from the card: licence, base models, datasets, eval results, headings.
    card_data: dict | None = Field(default=None, sa_column=Column(JSON(none_as_null=True), nullable=True))
    card_imported_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The pre-upload review (0016, registry/listing.py): only a listed model is public; the criteria its last
    # evaluation met; when two staff members approved it and the criteria their approval judged. A change that
    # makes it meet a criterion the approval did not cover sends it back to review, and the approval lapses.
    listing: str = Field(default=Listing.LISTED.value, max_length=20, index=True)
    listing_criteria: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    listing_changed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    listing_approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    listing_approved_criteria: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    owner_contact: str | None = Field(default=None, max_length=254)  # the provider's, told of upstream actions


class ProposalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class DecommissionProposal(SQLModel, table=True):
    """A proposal to decommission a model: a checklist, a date, a notice, and a second person's approval."""

    __tablename__ = "decommission_proposal"

    id: int | None = Field(default=None, primary_key=True)
    model_id: int = Field(foreign_key="model_record.id", ondelete="CASCADE", index=True)
    status: str = Field(default=ProposalStatus.PENDING.value, max_length=20, index=True)
    criteria: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    effective_on: date
    notice: str = Field(max_length=10_000)
    public_reason: str = Field(max_length=1000)
    proposed_by: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    proposed_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    decided_by: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decision_note: str = Field(default="", max_length=2000)


# The triggers that keep report_count live in their own module; importing it installs them on create_all.
from incidents import count_triggers  # noqa: E402, F401
