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
