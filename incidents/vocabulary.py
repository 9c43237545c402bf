"""The platform's fixed terms as StrEnums: serious-harm flags, the enforcement vocabulary, release types.

Tables, forms, deadlines, exports and statistics all name these members; their words for people
are in incidents.labels and the rooms' schemas.
"""

from __future__ import annotations

from enum import StrEnum


class SeriousFlag(StrEnum):
    """The harms that make an incident serious (EU AI Act Art. 3(49)), each stored as a `flag_` column."""

    DEATH = "death"
    HEALTH = "health"
    CRITICAL_INFRASTRUCTURE = "critical_infrastructure"
    FUNDAMENTAL_RIGHTS = "fundamental_rights"
    PROPERTY_ENVIRONMENT = "property_environment"
    CYBERSECURITY = "cybersecurity"
    # Only staff set these two, when classifying: they shorten the regulatory deadline.
    WIDESPREAD_INFRINGEMENT = "widespread_infringement"
    WEIGHT_EXFILTRATION = "weight_exfiltration"

    @property
    def column(self) -> str:
        """Name the Report column that holds this flag."""
        return f"flag_{self.value}"


STAFF_ONLY_FLAGS = frozenset({SeriousFlag.WIDESPREAD_INFRINGEMENT, SeriousFlag.WEIGHT_EXFILTRATION})
# What a reporter may tick, in the order the form shows them.
REPORTER_FLAGS = tuple(flag for flag in SeriousFlag if flag not in STAFF_ONLY_FLAGS)
# What staff may set when classifying: every flag.
STAFF_FLAGS = tuple(SeriousFlag)


class ActionType(StrEnum):
    """What an enforcement action does (the DSA statement's decision follows from it and the target)."""

    WARNING = "warning"
    TAKEDOWN = "takedown"
    SUSPENSION = "suspension"
    TERMINATION = "termination"
    DELISTING = "delisting"
    LICENCE_CHANGE = "licence_change"
    REFERRAL = "referral"
    REINSTATEMENT = "reinstatement"


class TargetKind(StrEnum):
    MODEL = "model"
    ACCOUNT = "account"
    CONTENT = "content"
    APPLICATION = "application"


class GroundType(StrEnum):
    LAW = "law"
    POLICY = "policy"
    LICENCE = "licence"  # a clause of the model's licence, from the licence registry (incidents/registry/licences.py)


class Automation(StrEnum):
    """How a problem was detected, or a decision taken: by people or by automated means."""

    MANUAL = "manual"
    AUTOMATED = "automated"


class ReleaseType(StrEnum):
    """How a model in the registry is released: its weights published, behind an API only, or to a few."""

    OPEN_WEIGHTS = "open_weights"
    API_ONLY = "api_only"
    RESTRICTED = "restricted"


class PartnerKind(StrEnum):
    """Who a partner is: a trusted flagger (DSA Art. 22), an authority, or a model hub that forwards reports."""

    TRUSTED_FLAGGER = "trusted_flagger"
    AUTHORITY = "authority"
    HUB = "hub"


class SourceType(StrEnum):
    """Who filed a report: the public (no token), or the kind of the partner whose token filed it."""

    PUBLIC = "public"
    TRUSTED_FLAGGER = "trusted_flagger"
    AUTHORITY = "authority"
    HUB = "hub"


class ReportKind(StrEnum):
    """What a report is about. Each kind asks its own questions (incidents.intake.kinds); `general` is the
    incident report every report was before kinds, and stays the default."""

    GENERAL = "general"
    ABUSE = "abuse"
    PRIVATE_INFORMATION = "private_information"
    INTELLECTUAL_PROPERTY = "intellectual_property"
    LICENCE_VIOLATION = "licence_violation"
    ACCEPTABLE_USE = "acceptable_use"


class AbuseType(StrEnum):
    """What kind of abuse an abuse report is about (each counts under a report category)."""

    CHILD_SEXUAL_ABUSE = "child_sexual_abuse"
    INTIMATE_IMAGERY = "non_consensual_intimate_imagery"
    HARASSMENT = "harassment"
    HATE = "hate"
    VIOLENT_EXTREMISM = "violent_extremism"
    FRAUD = "fraud"
    IMPERSONATION = "impersonation"
    SPAM = "spam"
    OTHER = "other"


class InformationType(StrEnum):
    """What private information a model exposes."""

    CONTACT_DETAILS = "contact_details"
    IDENTITY_DOCUMENTS = "identity_documents"
    LOCATION = "location"
    FINANCIAL = "financial"
    HEALTH = "health"
    LIKENESS = "likeness"
    CREDENTIALS = "credentials"
    OTHER = "other"


class ReporterRole(StrEnum):
    """Whether the reporter is the person concerned (or the rights holder), or acts for them."""

    SELF = "self"
    REPRESENTATIVE = "representative"


class NoticeType(StrEnum):
    """Lumen's notice types that an intellectual-property notice can be, spelled as Lumen spells them.

    From berkmancenter/lumendatabase at 99d44c854d7730012896d8e63b24f0088e0e7f84,
    config/initializers/lumen_settings.rb (Lumen::TYPES_TO_TOPICS, lines 8-22), whose keys are the notice
    classes in app/models/ (dmca.rb, trademark.rb, counterfeit.rb, court_order.rb, other.rb). Lumen's other
    types are not about intellectual property (Defamation, PrivateInformation, DataProtection,
    LawEnforcementRequest, GovernmentRequest, LocalLaw), are answers to a notice (Counternotice), or are
    its own bookkeeping (Placeholder).
    """

    DMCA = "DMCA"  # Lumen's topic: Copyright
    TRADEMARK = "Trademark"
    COUNTERFEIT = "Counterfeit"
    COURT_ORDER = "CourtOrder"
    OTHER = "Other"


class UseRule(StrEnum):
    """Which rule of the platform's acceptable-use policy a report says was broken."""

    ILLEGAL_ACTIVITY = "illegal_activity"
    WEAPONS = "weapons"
    MALICIOUS_CODE = "malicious_code"
    DECEPTION = "deception"
    HARASSMENT = "harassment"
    SEXUAL_CONTENT = "sexual_content"
    SURVEILLANCE = "surveillance"
    AUTOMATED_DECISIONS = "automated_decisions"
    UNDISCLOSED_AI = "undisclosed_ai"
    OTHER = "other"
