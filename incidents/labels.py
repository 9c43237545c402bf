"""Human words for the structured fields, kept as data (translated where they are shown)."""

from __future__ import annotations

from core.schemas import N_
from incidents.models import Actor, Category, Listing, ModelStatus, ReportStatus, Severity
from incidents.vocabulary import PartnerKind, ReleaseType, SeriousFlag, SourceType

CATEGORY_LABELS = {
    Category.CHILD_SAFETY: N_("Child sexual abuse material or other child safety"),
    Category.NCII: N_("Non-consensual intimate imagery"),
    Category.HATE_HARASSMENT: N_("Hate or harassment"),
    Category.VIOLENT_EXTREMISM: N_("Violent extremism"),
    Category.PRIVACY: N_("Privacy or personal data exposure"),
    Category.INTELLECTUAL_PROPERTY: N_("Intellectual property"),
    Category.DANGEROUS_CAPABILITY: N_("Dangerous capability (chemical, biological, nuclear, cyber)"),
    Category.FRAUD_DECEPTION: N_("Fraud, deception or impersonation"),
    Category.BIAS_DISCRIMINATION: N_("Bias or discrimination"),
    Category.SAFETY_FAILURE: N_("Safety failure or malfunction"),
    Category.SECURITY_VULNERABILITY: N_("Security vulnerability (jailbreak, weight exfiltration)"),
    Category.ACCEPTABLE_USE: N_("Acceptable-use violation by a downstream developer or user"),
    Category.OTHER: N_("Something else"),
}

ACTOR_LABELS = {
    Actor.MODEL_PROVIDER: N_("The model provider (who trained it)"),
    Actor.ADAPTER: N_("Someone who adapted or fine-tuned it"),
    Actor.HOSTING_SERVICE: N_("A hosting service that runs it"),
    Actor.APP_DEVELOPER: N_("An app developer who built on it"),
    Actor.DISTRIBUTION_PLATFORM: N_("A platform that distributes it"),
    Actor.END_USER: N_("An end user of it"),
}

SEVERITY_LABELS = {
    Severity.HAZARD: N_("A hazard or near miss: it could cause harm, but has not yet"),
    Severity.INCIDENT: N_("An incident: it caused harm"),
    Severity.SERIOUS_INCIDENT: N_("A serious incident: one of the serious harms below"),
}

# Who filed a report: the public, or the kind of partner whose API token or webhook filed it.
PARTNER_KIND_LABELS = {
    PartnerKind.TRUSTED_FLAGGER: N_("Trusted flagger (DSA Art. 22)"),
    PartnerKind.AUTHORITY: N_("Authority that sends orders"),
    PartnerKind.HUB: N_("Model hub that forwards its users' reports"),
}
SOURCE_TYPE_LABELS = {
    SourceType.PUBLIC: N_("The public"),
    SourceType.TRUSTED_FLAGGER: N_("Trusted flagger"),
    SourceType.AUTHORITY: N_("Authority"),
    SourceType.HUB: N_("Model hub"),
}

# The flags a reporter may tick (incidents.vocabulary.REPORTER_FLAGS), in words.
SERIOUS_FLAG_LABELS = {
    SeriousFlag.DEATH: N_("Someone died"),
    SeriousFlag.HEALTH: N_("Serious harm to someone's health"),
    SeriousFlag.CRITICAL_INFRASTRUCTURE: N_("Serious disruption of critical infrastructure"),
    SeriousFlag.FUNDAMENTAL_RIGHTS: N_("A breach of fundamental rights"),
    SeriousFlag.PROPERTY_ENVIRONMENT: N_("Serious harm to property or the environment"),
    SeriousFlag.CYBERSECURITY: N_("A cybersecurity breach"),
}

# What a reporter reads about their report's status.
STATUS_FOR_REPORTER = {
    ReportStatus.RECEIVED: N_(
        "Received. Nobody has read it yet; the dates on this page say by when you will hear from us at the latest."
    ),
    ReportStatus.ACKNOWLEDGED: N_("Acknowledged. Our team has read your report and is assessing it."),
    ReportStatus.NEEDS_INFO: N_("We have a question for you. Please read our message below and reply."),
    ReportStatus.IN_PROGRESS: N_("We are working on it."),
    ReportStatus.ESCALATED: N_("We are treating this as urgent and have escalated it."),
    ReportStatus.DUPLICATE: N_(
        "Someone else reported the same problem, so we are handling it together with their report."
    ),
    ReportStatus.DISMISSED: N_("Closed without action. Our message below explains why."),
    ReportStatus.RESOLVED: N_("Resolved. We have acted on your report."),
}

RELEASE_TYPES = {
    ReleaseType.OPEN_WEIGHTS: N_("Open weights"),
    ReleaseType.API_ONLY: N_("Through an API only"),
    ReleaseType.RESTRICTED: N_("Restricted access"),
}

# A model's status on the public pages (the index, a derived model's upstream actions).
MODEL_STATUSES = {
    ModelStatus.ACTIVE: N_("Active"),
    ModelStatus.UNDER_REVIEW: N_("Under review"),
    ModelStatus.RESTRICTED: N_("Restricted"),
    ModelStatus.SUSPENDED: N_("Suspended"),
    ModelStatus.DECOMMISSIONED: N_("Decommissioned"),
}

# What a derived model's public page says of an action taken upstream (`%(model)s`, `%(date)s`).
UPSTREAM_SENTENCES = {
    ModelStatus.RESTRICTED: N_("Upstream model %(model)s was restricted on %(date)s."),
    ModelStatus.SUSPENDED: N_("Upstream model %(model)s was suspended on %(date)s."),
    ModelStatus.DECOMMISSIONED: N_("Upstream model %(model)s was decommissioned on %(date)s."),
}
# The same, of an upstream model that is not listed (in review or returned): it is not named (`%(date)s`).
UNNAMED_UPSTREAM_SENTENCES = {
    ModelStatus.RESTRICTED: N_("A model it derives from was restricted on %(date)s."),
    ModelStatus.SUSPENDED: N_("A model it derives from was suspended on %(date)s."),
    ModelStatus.DECOMMISSIONED: N_("A model it derives from was decommissioned on %(date)s."),
}

# A model's listing on the staff pages.
LISTINGS = {
    Listing.LISTED: N_("Listed"),
    Listing.IN_REVIEW: N_("In review"),
    Listing.RETURNED: N_("Returned"),
}
