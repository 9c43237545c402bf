"""Our enforcement vocabulary in the DSA Transparency Database's terms, as data.

Which decision_* fields, content type, category, source type and automation values each of our terms
becomes. The tables are keyed by the StrEnums of incidents.vocabulary and incidents.models; a member
equals and hashes as its word, so the plain strings read from the database find their entries.
exports.dsa builds the statements from these tables and checks every value against the API's own
(exports.dsa_rules).
"""

from __future__ import annotations

from incidents.models import Category, Channel
from incidents.vocabulary import ActionType, Automation, GroundType, SourceType, TargetKind

# action type -> {target kind: the decision_* fields}; None: the action restricts nothing, so it owes no
# statement of reasons (the reason is what the export reports). The field meanings are the API's labels and
# documentation (app/Models/Statement.php:160-226; resources/markdown/additional-explanation-for-statement-
# attributes.md:113-152): decision_visibility restricts an item of information (content removed, access to it
# disabled, demoted, ...), decision_provision restricts the service provided to a recipient, decision_account the
# recipient's account. A model, content and an application are information a recipient put on the platform; an
# application's access to our models is the service we provide to its developer.
DECISIONS: dict[ActionType, dict[TargetKind, dict] | None] = {
    ActionType.TAKEDOWN: {
        # Taking down a model or content removes that information from the platform.
        TargetKind.MODEL: {"decision_visibility": ["DECISION_VISIBILITY_CONTENT_REMOVED"]},
        TargetKind.CONTENT: {"decision_visibility": ["DECISION_VISIBILITY_CONTENT_REMOVED"]},
        # Taking down an application removes its listing and files, as an app store removes an app.
        TargetKind.APPLICATION: {"decision_visibility": ["DECISION_VISIBILITY_CONTENT_REMOVED"]},
        # Taking down an account ends the account: its termination.
        TargetKind.ACCOUNT: {"decision_account": "DECISION_ACCOUNT_TERMINATED"},
    },
    ActionType.SUSPENSION: {
        # Suspending access to a model or content disables access to it for a time; it stays stored.
        TargetKind.MODEL: {"decision_visibility": ["DECISION_VISIBILITY_CONTENT_DISABLED"]},
        TargetKind.CONTENT: {"decision_visibility": ["DECISION_VISIBILITY_CONTENT_DISABLED"]},
        # Suspending an application's access suspends part of the service its developer gets from us.
        TargetKind.APPLICATION: {"decision_provision": "DECISION_PROVISION_PARTIAL_SUSPENSION"},
        # Suspending an account is the API's own term.
        TargetKind.ACCOUNT: {"decision_account": "DECISION_ACCOUNT_SUSPENDED"},
    },
    ActionType.TERMINATION: {
        # Ending access to a model or content for good disables access to it, indefinitely (a takedown removes it).
        TargetKind.MODEL: {"decision_visibility": ["DECISION_VISIBILITY_CONTENT_DISABLED"]},
        TargetKind.CONTENT: {"decision_visibility": ["DECISION_VISIBILITY_CONTENT_DISABLED"]},
        # Ending an application's access ends part of the service its developer gets; the account goes on.
        TargetKind.APPLICATION: {"decision_provision": "DECISION_PROVISION_PARTIAL_TERMINATION"},
        # Terminating an account is the API's own term.
        TargetKind.ACCOUNT: {"decision_account": "DECISION_ACCOUNT_TERMINATED"},
    },
    # Delisting from search and recommendations demotes what is delisted, whatever it is; it stays reachable.
    ActionType.DELISTING: {
        kind: {"decision_visibility": ["DECISION_VISIBILITY_CONTENT_DEMOTED"]} for kind in TargetKind
    },
    # A licence change restricts how the information may be used, which no specific visibility value names.
    ActionType.LICENCE_CHANGE: {
        kind: {
            "decision_visibility": ["DECISION_VISIBILITY_OTHER"],
            "decision_visibility_other": "The licence was changed to restrict permitted uses.",
        }
        for kind in TargetKind
    },
    ActionType.WARNING: None,
    ActionType.REFERRAL: None,
    ActionType.REINSTATEMENT: None,
}
# ground type -> (decision_ground, the field that names the ground, the field that explains it). A law makes the
# information illegal (DSA Art. 17(3)(d)). Our policy and a model's licence are contractual grounds (Art. 17(3)(e)),
# terms the uploader is bound by: the information is incompatible with them. A licence clause's summary explains
# why (exports.dsa.ground_fields).
INCOMPATIBLE = (
    "DECISION_GROUND_INCOMPATIBLE_CONTENT",
    "incompatible_content_ground",
    "incompatible_content_explanation",
)
GROUNDS: dict[GroundType, tuple[str, str, str]] = {
    GroundType.LAW: ("DECISION_GROUND_ILLEGAL_CONTENT", "illegal_content_legal_ground", "illegal_content_explanation"),
    GroundType.POLICY: INCOMPATIBLE,
    GroundType.LICENCE: INCOMPATIBLE,
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
# category -> the category_specification keywords that hold for every case of it (the field is optional; an
# empty tuple sends none). Each keyword is one the API's documentation lists under the category CATEGORIES gives
# (exports.dsa_rules.KEYWORDS_BY_CATEGORY); tests/unit/test_export_rows.py holds the two tables to each other.
CATEGORY_SPECIFICATIONS: dict[Category, tuple[str, ...]] = {
    # Ours joins child sexual abuse material with other child-safety harms: a CSAM keyword would mislabel the rest.
    Category.CHILD_SAFETY: (),
    Category.NCII: ("KEYWORD_NON_CONSENSUAL_IMAGE_SHARING",),  # non-consensual intimate material, the same thing
    # Hate speech and harassment have a keyword each, under different categories; neither holds for both.
    Category.HATE_HARASSMENT: (),
    # Extremism is not always terrorist content (RISK_FOR_PUBLIC_SECURITY) nor incitement to violence.
    Category.VIOLENT_EXTREMISM: (),
    # A model exposing personal data is none of breach of biometric data, falsification, missing ground, forgetting.
    Category.PRIVACY: (),
    # Copyright, trademark, patent, ... are each one kind of infringement; ours is any of them.
    Category.INTELLECTUAL_PROPERTY: (),
    Category.DANGEROUS_CAPABILITY: (),  # chemical, biological, nuclear or cyber: no keyword covers them all
    Category.FRAUD_DECEPTION: (),  # impersonation is one keyword; fraud and deception in general have none
    Category.BIAS_DISCRIMINATION: ("KEYWORD_DISCRIMINATION",),  # the same thing
    Category.SAFETY_FAILURE: ("KEYWORD_UNSAFE_PRODUCTS",),  # a model that fails unsafely is an unsafe product
    Category.SECURITY_VULNERABILITY: (),  # jailbreaks and weight exfiltration have no keyword
    Category.ACCEPTABLE_USE: (),  # a breach of our terms; which term it breaks varies
    Category.OTHER: (),
}
# None: no notice came in; the action was taken on our own initiative.
SOURCES = {
    Channel.PUBLIC: "SOURCE_ARTICLE_16",
    Channel.WHISTLEBLOWER: "SOURCE_TYPE_OTHER_NOTIFICATION",
    None: "SOURCE_VOLUNTARY",
}
# A notice a trusted flagger filed with its partner token (DSA Art. 22) is theirs, whatever the channel. An
# authority's is an order (Art. 9), not an Art. 16 notice: the database's "other notification". A hub forwards
# its users' notices, which are Art. 16 notices sourced by their channel as any other.
SOURCES_BY_PARTNER: dict[str, str] = {
    SourceType.TRUSTED_FLAGGER: "SOURCE_TRUSTED_FLAGGER",
    SourceType.AUTHORITY: "SOURCE_TYPE_OTHER_NOTIFICATION",
}
DETECTION = {Automation.AUTOMATED: "Yes", Automation.MANUAL: "No"}
DECISION = {Automation.AUTOMATED: "AUTOMATED_DECISION_FULLY", Automation.MANUAL: "AUTOMATED_DECISION_NOT_AUTOMATED"}
