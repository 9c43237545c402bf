"""Our enforcement vocabulary in the DSA Transparency Database's terms, as data.

Which decision_* fields, content type, category, source type and automation values each of our terms
becomes. The tables are keyed by the StrEnums of incidents.vocabulary and incidents.models; a member
equals and hashes as its word, so the plain strings read from the database find their entries.
exports.dsa builds the statements from these tables and checks every value against the API's own.
"""

from __future__ import annotations

from incidents.models import Category, Channel
from incidents.vocabulary import ActionType, Automation, TargetKind

# action type -> {target kind or "*": the decision_* fields}; None: the action restricts nothing,
# so it owes no statement of reasons (the reason is what the export reports).
ANY_TARGET = "*"
DECISIONS: dict[ActionType, dict[TargetKind | str, dict] | None] = {
    ActionType.TAKEDOWN: {
        ANY_TARGET: {"decision_visibility": ["DECISION_VISIBILITY_CONTENT_REMOVED"]},
        TargetKind.ACCOUNT: {"decision_account": "DECISION_ACCOUNT_TERMINATED"},
    },
    ActionType.SUSPENSION: {
        ANY_TARGET: {"decision_visibility": ["DECISION_VISIBILITY_CONTENT_DISABLED"]},
        TargetKind.ACCOUNT: {"decision_account": "DECISION_ACCOUNT_SUSPENDED"},
        TargetKind.APPLICATION: {"decision_provision": "DECISION_PROVISION_PARTIAL_SUSPENSION"},
    },
    ActionType.TERMINATION: {
        ANY_TARGET: {"decision_provision": "DECISION_PROVISION_PARTIAL_TERMINATION"},
        TargetKind.ACCOUNT: {"decision_account": "DECISION_ACCOUNT_TERMINATED"},
    },
    ActionType.DELISTING: {ANY_TARGET: {"decision_visibility": ["DECISION_VISIBILITY_CONTENT_DEMOTED"]}},
    ActionType.LICENCE_CHANGE: {
        ANY_TARGET: {
            "decision_visibility": ["DECISION_VISIBILITY_OTHER"],
            "decision_visibility_other": "The licence was changed to restrict permitted uses.",
        }
    },
    ActionType.WARNING: None,
    ActionType.REFERRAL: None,
    ActionType.REINSTATEMENT: None,
}
NOT_A_RESTRICTION = {
    ActionType.WARNING: "a warning restricts nothing, so it owes no statement of reasons",
    ActionType.REFERRAL: "a referral to an authority restricts nothing, so it owes no statement of reasons",
    ActionType.REINSTATEMENT: "a reinstatement lifts a restriction; it owes no statement of reasons",
}
CONTENT_TYPES: dict[TargetKind, dict[str, object]] = {
    TargetKind.MODEL: {"content_type": ["CONTENT_TYPE_OTHER"], "content_type_other": "AI model"},
    TargetKind.APPLICATION: {"content_type": ["CONTENT_TYPE_APP"]},
    TargetKind.CONTENT: {
        "content_type": ["CONTENT_TYPE_OTHER"],
        "content_type_other": "Content hosted with an AI model",
    },
    TargetKind.ACCOUNT: {"content_type": ["CONTENT_TYPE_OTHER"], "content_type_other": "Account"},
}
CATEGORIES = {
    Category.CHILD_SAFETY: "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
    Category.NCII: "STATEMENT_CATEGORY_CYBER_VIOLENCE",  # its keyword: KEYWORD_NON_CONSENSUAL_IMAGE_SHARING
    Category.HATE_HARASSMENT: "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
    Category.VIOLENT_EXTREMISM: "STATEMENT_CATEGORY_VIOLENCE",
    Category.PRIVACY: "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
    Category.INTELLECTUAL_PROPERTY: "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
    Category.DANGEROUS_CAPABILITY: "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
    Category.FRAUD_DECEPTION: "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
    Category.BIAS_DISCRIMINATION: "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
    Category.SAFETY_FAILURE: "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
    Category.SECURITY_VULNERABILITY: "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
    Category.ACCEPTABLE_USE: "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
    Category.OTHER: "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
}
NO_CATEGORY = "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"  # an action taken on our own initiative
# None: no notice came in; the action was taken on our own initiative.
SOURCES = {
    Channel.PUBLIC: "SOURCE_ARTICLE_16",
    Channel.WHISTLEBLOWER: "SOURCE_TYPE_OTHER_NOTIFICATION",
    None: "SOURCE_VOLUNTARY",
}
DETECTION = {Automation.AUTOMATED: "Yes", Automation.MANUAL: "No"}
DECISION = {Automation.AUTOMATED: "AUTOMATED_DECISION_FULLY", Automation.MANUAL: "AUTOMATED_DECISION_NOT_AUTOMATED"}
