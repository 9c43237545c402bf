"""The DSA Transparency Database's own rules for a statement of reasons, as data.

Every list and limit here is copied from the Commission's repository digital-services-act/transparency-database,
main at commit 69e80a0bc8eb3cbfbe8246e898194c3bdf490a4b (2026-06-24); each one names the file and lines it
came from. exports.dsa checks every statement against them before it is written or sent; exports.dsa_mapping
says how our vocabulary becomes these values. A rule the API's documentation states but its code does not
enforce is marked "documented, not enforced": we keep it anyway, so nothing the API would store wrongly leaves.
"""

from __future__ import annotations

import re
from datetime import date

REPOSITORY = "digital-services-act/transparency-database"
COMMIT = "69e80a0bc8eb3cbfbe8246e898194c3bdf490a4b"

# app/Models/Statement.php:176-184 (DECISION_VISIBILITIES).
DECISION_VISIBILITY = frozenset(
    {
        "DECISION_VISIBILITY_CONTENT_REMOVED",
        "DECISION_VISIBILITY_CONTENT_DISABLED",
        "DECISION_VISIBILITY_CONTENT_DEMOTED",
        "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
        "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",
        "DECISION_VISIBILITY_CONTENT_LABELLED",
        "DECISION_VISIBILITY_OTHER",
    }
)
# app/Models/Statement.php:194-198 (DECISION_MONETARIES).
DECISION_MONETARY = frozenset(
    {"DECISION_MONETARY_SUSPENSION", "DECISION_MONETARY_TERMINATION", "DECISION_MONETARY_OTHER"}
)
# app/Models/Statement.php:210-215 (DECISION_PROVISIONS).
DECISION_PROVISION = frozenset(
    {
        "DECISION_PROVISION_PARTIAL_SUSPENSION",
        "DECISION_PROVISION_TOTAL_SUSPENSION",
        "DECISION_PROVISION_PARTIAL_TERMINATION",
        "DECISION_PROVISION_TOTAL_TERMINATION",
    }
)
# app/Models/Statement.php:223-226 (DECISION_ACCOUNTS).
DECISION_ACCOUNT = frozenset({"DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED"})
# app/Models/Statement.php:125-128 (DECISION_GROUNDS).
DECISION_GROUND = frozenset({"DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT"})
# app/Models/Statement.php:81-90 (CONTENT_TYPES).
CONTENT_TYPE = frozenset(
    {
        "CONTENT_TYPE_APP",
        "CONTENT_TYPE_AUDIO",
        "CONTENT_TYPE_IMAGE",
        "CONTENT_TYPE_PRODUCT",
        "CONTENT_TYPE_SYNTHETIC_MEDIA",
        "CONTENT_TYPE_TEXT",
        "CONTENT_TYPE_VIDEO",
        "CONTENT_TYPE_OTHER",
    }
)
# app/Models/Statement.php:266-283 (STATEMENT_CATEGORIES), the list since 1 July 2025. Retired then, and
# refused with 422 "The selected category is invalid": NON_CONSENSUAL_BEHAVIOUR, PORNOGRAPHY_OR_SEXUALIZED_CONTENT,
# SCOPE_OF_PLATFORM_SERVICE (now OTHER_VIOLATION_TC) and UNSAFE_AND_ILLEGAL_PRODUCTS (now
# UNSAFE_AND_PROHIBITED_PRODUCTS).
CATEGORY = frozenset(
    {
        "STATEMENT_CATEGORY_ANIMAL_WELFARE",
        "STATEMENT_CATEGORY_CONSUMER_INFORMATION",
        "STATEMENT_CATEGORY_CYBER_VIOLENCE",
        "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN",
        "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
        "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
        "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
        "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
        "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE",
        "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
        "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
        "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
        "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
        "STATEMENT_CATEGORY_SELF_HARM",
        "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
        "STATEMENT_CATEGORY_VIOLENCE",
    }
)
# The keywords of category_specification, by the category the API's documentation lists them under:
# the values are app/Models/Statement.php:429-499 (KEYWORDS), the grouping is
# resources/markdown/additional-explanation-for-statement-attributes.md:413-497. The grouping is documented,
# not enforced (StatementStoreRequest.php:48 checks only that each keyword is one of KEYWORDS). Under None:
# KEYWORD_OTHER, which the documentation lists under "Not captured by any high-level category" (no category
# value), and KEYWORD_STALKING, which is in KEYWORDS (Statement.php:487) but under no category of the list.
KEYWORDS_BY_CATEGORY: dict[str | None, tuple[str, ...]] = {
    "STATEMENT_CATEGORY_ANIMAL_WELFARE": ("KEYWORD_ANIMAL_HARM", "KEYWORD_UNLAWFUL_SALE_ANIMALS"),
    "STATEMENT_CATEGORY_CONSUMER_INFORMATION": (
        "KEYWORD_HIDDEN_ADVERTISEMENT",
        "KEYWORD_INSUFFICIENT_INFORMATION_ON_TRADERS",
        "KEYWORD_MISLEADING_INFO_GOODS_SERVICES",
        "KEYWORD_MISLEADING_INFO_CONSUMER_RIGHTS",
        "KEYWORD_NONCOMPLIANCE_PRICING",
    ),
    "STATEMENT_CATEGORY_CYBER_VIOLENCE": (
        "KEYWORD_CYBER_BULLYING_INTIMIDATION",
        "KEYWORD_CYBER_HARASSMENT",
        "KEYWORD_CYBER_INCITEMENT",
        "KEYWORD_CYBER_STALKING",
        "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING",
        "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE",
    ),
    "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN": (
        "KEYWORD_BULLYING_AGAINST_GIRLS",
        "KEYWORD_CYBER_HARASSMENT_AGAINST_WOMEN",
        "KEYWORD_CYBER_STALKING_AGAINST_WOMEN",
        "KEYWORD_FEMALE_GENDERED_DISINFORMATION",
        "KEYWORD_INCITEMENT_AGAINST_WOMEN",
        "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING_AGAINST_WOMEN",
        "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN",
    ),
    "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS": (
        "KEYWORD_BIOMETRIC_DATA_BREACH",
        "KEYWORD_DATA_FALSIFICATION",
        "KEYWORD_MISSING_PROCESSING_GROUND",
        "KEYWORD_RIGHT_TO_BE_FORGOTTEN",
    ),
    "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH": (
        "KEYWORD_DEFAMATION",
        "KEYWORD_DISCRIMINATION",
        "KEYWORD_HATE_SPEECH",
    ),
    "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS": (
        "KEYWORD_COPYRIGHT_INFRINGEMENT",
        "KEYWORD_DESIGN_INFRINGEMENT",
        "KEYWORD_GEOGRAPHIC_INDICATIONS_INFRINGEMENT",
        "KEYWORD_PATENT_INFRINGEMENT",
        "KEYWORD_TRADE_SECRET_INFRINGEMENT",
        "KEYWORD_TRADEMARK_INFRINGEMENT",
    ),
    "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS": (
        "KEYWORD_MISINFORMATION_DISINFORMATION",
        "KEYWORD_VIOLATION_EU_LAW",
        "KEYWORD_VIOLATION_NATIONAL_LAW",
    ),
    "STATEMENT_CATEGORY_OTHER_VIOLATION_TC": (
        "KEYWORD_ADULT_SEXUAL_MATERIAL",
        "KEYWORD_AGE_SPECIFIC_RESTRICTIONS",
        "KEYWORD_GEOGRAPHICAL_REQUIREMENTS",
        "KEYWORD_GOODS_SERVICES_NOT_PERMITTED",
        "KEYWORD_LANGUAGE_REQUIREMENTS",
        "KEYWORD_NUDITY",
    ),
    "STATEMENT_CATEGORY_PROTECTION_OF_MINORS": (
        "KEYWORD_AGE_SPECIFIC_RESTRICTIONS_MINORS",
        "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL",
        "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE",
        "KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS",
        "KEYWORD_UNSAFE_CHALLENGES",
    ),
    "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY": (
        "KEYWORD_ILLEGAL_ORGANIZATIONS",
        "KEYWORD_RISK_ENVIRONMENTAL_DAMAGE",
        "KEYWORD_RISK_PUBLIC_HEALTH",
        "KEYWORD_TERRORIST_CONTENT",
    ),
    "STATEMENT_CATEGORY_SCAMS_AND_FRAUD": (
        "KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING",
        "KEYWORD_INAUTHENTIC_ACCOUNTS",
        "KEYWORD_INAUTHENTIC_LISTINGS",
        "KEYWORD_INAUTHENTIC_USER_REVIEWS",
        "KEYWORD_PHISHING",
        "KEYWORD_PYRAMID_SCHEMES",
    ),
    "STATEMENT_CATEGORY_SELF_HARM": (
        "KEYWORD_CONTENT_PROMOTING_EATING_DISORDERS",
        "KEYWORD_SELF_MUTILATION",
        "KEYWORD_SUICIDE",
    ),
    "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE": (),
    "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS": ("KEYWORD_PROHIBITED_PRODUCTS", "KEYWORD_UNSAFE_PRODUCTS"),
    "STATEMENT_CATEGORY_VIOLENCE": (
        "KEYWORD_COORDINATED_HARM",
        "KEYWORD_INCITEMENT_VIOLENCE_HATRED",
        "KEYWORD_HUMAN_EXPLOITATION",
        "KEYWORD_HUMAN_TRAFFICKING",
        "KEYWORD_TRAFFICKING_WOMEN_GIRLS",
    ),
    None: ("KEYWORD_OTHER", "KEYWORD_STALKING"),
}
# app/Models/Statement.php:429-499 (KEYWORDS): the values category_specification accepts (StatementStoreRequest.php:48).
KEYWORDS = frozenset(keyword for group in KEYWORDS_BY_CATEGORY.values() for keyword in group)
# app/Models/Statement.php:56-61 (SOURCE_TYPES).
SOURCE_TYPE = frozenset(
    {"SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER", "SOURCE_TYPE_OTHER_NOTIFICATION", "SOURCE_VOLUNTARY"}
)
# app/Models/Statement.php:98-101 (AUTOMATED_DETECTIONS): the words themselves, not keys.
AUTOMATED_DETECTION = frozenset({"Yes", "No"})
# app/Models/Statement.php:111-115 (AUTOMATED_DECISIONS).
AUTOMATED_DECISION = frozenset(
    {"AUTOMATED_DECISION_FULLY", "AUTOMATED_DECISION_PARTIALLY", "AUTOMATED_DECISION_NOT_AUTOMATED"}
)
# app/Services/EuropeanCountriesService.php:9-40 (EUROPEAN_COUNTRY_CODES; Greece is GR, as in ISO 3166),
# the territorial_scope rule of StatementStoreRequest.php:70.
EEA = (
    "AT",
    "BE",
    "BG",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "ES",
    "FI",
    "FR",
    "GR",
    "HR",
    "HU",
    "IE",
    "IS",
    "IT",
    "LI",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "NO",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
)
EEA_CODES = frozenset(EEA)
# Character limits: the max: rules of app/Http/Requests/StatementStoreRequest.php:36-89 (the batch endpoint's
# app/Services/GroupedSubmissionsService.php:252-362 has the same).
LIMITS = {
    "decision_facts": 5000,
    "illegal_content_legal_ground": 500,
    "illegal_content_explanation": 2000,
    "incompatible_content_ground": 500,
    "incompatible_content_explanation": 2000,
    "decision_visibility_other": 500,
    "decision_monetary_other": 500,
    "content_type_other": 500,
    "category_specification_other": 500,
    "puid": 500,
    "decision_ground_reference_url": 500,
}
# decision_ground_reference_url: 'url', 'nullable', 'max:500' (StatementStoreRequest.php:36-89 and
# GroupedSubmissionsService.php:252-362). Laravel's url rule is Illuminate\Support\Str::isUrl, a pattern that takes
# many protocols, IP hosts and Unicode; we send only what this narrower pattern takes (http or https, a dotted host
# name, a port, and its own path, query and fragment character classes, in ASCII), so all we send it accepts.
WEB_ADDRESS = re.compile(
    r"https?://[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+(?::[0-9]+)?"
    r"(?:/(?:[\w\-.~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})*)*"
    r"(?:\?(?:[\w\-.~!$&'\[\]()*+,;=:@/?]|%[0-9A-Fa-f]{2})*)?"
    r"(?:#(?:[\w\-.~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*)?",
    re.ASCII,
)
# Dates: date_format:Y-m-d, after_or_equal and before_or_equal, StatementStoreRequest.php:74-79.
EARLIEST = {"content_date": date(2000, 1, 1), "application_date": date(2020, 1, 1)}
LATEST = date(2038, 1, 1)  # before_or_equal:2038-01-01 on every date field
# Each decision_* field's end date (StatementStoreRequest.php:76-79; the labels are Statement.php:513-519).
# Absent means the restriction is indefinite, and an end date must be on or after application_date:
# documented, not enforced (resources/markdown/api-documentation.md:1223-1269).
END_DATE_OF = {
    "decision_visibility": "end_date_visibility_restriction",
    "decision_monetary": "end_date_monetary_restriction",
    "decision_provision": "end_date_service_restriction",
    "decision_account": "end_date_account_restriction",
}
DATE_FIELDS = ("content_date", "application_date", *END_DATE_OF.values())
# StatementStoreRequest.php:89: 'regex:/^[a-zA-Z0-9-_]+$/D' (D: no newline before the end).
PUID = re.compile(r"[A-Za-z0-9_-]+")
# The batch endpoint takes 1 to 100 statements: 'statements' => 'required|array|between:1,100',
# app/Http/Controllers/Api/v1/StatementMultipleAPIController.php:48.
BATCH_MAX = 100
