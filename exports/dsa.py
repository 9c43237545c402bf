"""Statements of reasons in the DSA Transparency Database's API format, as pure functions.

The allowed values are the API's own, as app/Models/Statement.php of the Commission's repository
digital-services-act/transparency-database holds them (main at 69e80a0b, 2026-06-24; every list but the
categories was already the same). How our enforcement actions map onto its decision_* fields is
data, in exports.dsa_mapping, and every statement is checked against the allowed values before it is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from exports.aiid import Problem
from exports.dsa_mapping import (
    ANY_TARGET,
    CATEGORIES,
    CONTENT_TYPES,
    DECISION,
    DECISIONS,
    DETECTION,
    NO_CATEGORY,
    NOT_A_RESTRICTION,
    SOURCES,
)
from incidents.vocabulary import GroundType, TargetKind

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
DECISION_MONETARY = frozenset(
    {"DECISION_MONETARY_SUSPENSION", "DECISION_MONETARY_TERMINATION", "DECISION_MONETARY_OTHER"}
)
DECISION_PROVISION = frozenset(
    {
        "DECISION_PROVISION_PARTIAL_SUSPENSION",
        "DECISION_PROVISION_TOTAL_SUSPENSION",
        "DECISION_PROVISION_PARTIAL_TERMINATION",
        "DECISION_PROVISION_TOTAL_TERMINATION",
    }
)
DECISION_ACCOUNT = frozenset({"DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED"})
DECISION_GROUND = frozenset({"DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT"})
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
# The categories the API accepts since 1 July 2025: Statement::STATEMENT_CATEGORIES in app/Models/Statement.php of
# digital-services-act/transparency-database, main at 69e80a0bc8eb3cbfbe8246e898194c3bdf490a4b (2026-06-24).
# Retired then, and refused with 422 "The selected category is invalid": NON_CONSENSUAL_BEHAVIOUR,
# PORNOGRAPHY_OR_SEXUALIZED_CONTENT, SCOPE_OF_PLATFORM_SERVICE (now OTHER_VIOLATION_TC) and
# UNSAFE_AND_ILLEGAL_PRODUCTS (now UNSAFE_AND_PROHIBITED_PRODUCTS).
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
SOURCE_TYPE = frozenset(
    {"SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER", "SOURCE_TYPE_OTHER_NOTIFICATION", "SOURCE_VOLUNTARY"}
)
AUTOMATED_DETECTION = frozenset({"Yes", "No"})
AUTOMATED_DECISION = frozenset(
    {"AUTOMATED_DECISION_FULLY", "AUTOMATED_DECISION_PARTIALLY", "AUTOMATED_DECISION_NOT_AUTOMATED"}
)
# The territorial scope must be EU/EEA member states (Greece is GR, as in ISO 3166).
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
# The API's character limits.
LIMITS = {
    "decision_facts": 5000,
    "illegal_content_legal_ground": 500,
    "illegal_content_explanation": 2000,
    "incompatible_content_ground": 500,
    "incompatible_content_explanation": 2000,
    "decision_visibility_other": 500,
    "decision_monetary_other": 500,
    "content_type_other": 500,
    "puid": 500,
}
EARLIEST = {"content_date": date(2000, 1, 1), "application_date": date(2020, 1, 1)}

FIELD_ORDER = (
    "decision_visibility",
    "decision_visibility_other",
    "decision_monetary",
    "decision_monetary_other",
    "decision_provision",
    "decision_account",
    "decision_ground",
    "illegal_content_legal_ground",
    "illegal_content_explanation",
    "incompatible_content_ground",
    "incompatible_content_explanation",
    "content_type",
    "content_type_other",
    "category",
    "territorial_scope",
    "content_date",
    "application_date",
    "decision_facts",
    "source_type",
    "automated_detection",
    "automated_decision",
    "puid",
)


@dataclass(frozen=True)
class ActionFacts:
    """An enforcement action as the export reads it; free text is already scrubbed."""

    id: int
    action_type: str
    target_kind: str
    ground_type: str
    ground_reference: str
    explanation: str
    detection: str
    decision: str
    territorial_scope: tuple[str, ...]
    decided_on: date
    applied_on: date | None
    content_on: date | None
    source_channel: str | None
    category: str | None


@dataclass
class Outcome:
    action_id: int
    statement: dict | None
    problems: list[Problem]
    skipped: str | None = None


def territorial_scope(scope) -> list[str] | None:
    """The decision's EEA countries; an empty scope means everywhere, so all of them. None: outside the EEA."""
    if not scope:
        return list(EEA)
    inside = sorted({code.upper() for code in scope} & set(EEA))
    return inside or None


def build_statement(facts: ActionFacts, *, puid_prefix: str) -> Outcome:
    """Turn one enforcement action into a statement of reasons, or say why it has none."""
    by_target = DECISIONS.get(facts.action_type)
    if by_target is None:
        reason = NOT_A_RESTRICTION.get(facts.action_type, f"unknown action type {facts.action_type!r}")
        return Outcome(facts.id, None, [], skipped=reason)
    scope = territorial_scope(facts.territorial_scope)
    if scope is None:
        return Outcome(facts.id, None, [], skipped="the decision applies only outside the EU/EEA")
    applied = facts.applied_on or facts.decided_on
    content_on = min(facts.content_on or applied, applied)
    statement: dict[str, object] = {
        **by_target.get(facts.target_kind, by_target[ANY_TARGET]),
        **CONTENT_TYPES.get(facts.target_kind, CONTENT_TYPES[TargetKind.CONTENT]),
        "category": CATEGORIES.get(facts.category or "", NO_CATEGORY),
        "territorial_scope": scope,
        "content_date": content_on.isoformat(),
        "application_date": applied.isoformat(),
        "decision_facts": facts.explanation,
        "source_type": SOURCES.get(facts.source_channel, "SOURCE_VOLUNTARY"),
        "automated_detection": DETECTION.get(facts.detection, facts.detection),
        "automated_decision": DECISION.get(facts.decision, facts.decision),
        "puid": f"{puid_prefix}{facts.id}",
    }
    if facts.ground_type == GroundType.LAW:
        statement.update(
            decision_ground="DECISION_GROUND_ILLEGAL_CONTENT",
            illegal_content_legal_ground=facts.ground_reference,
            illegal_content_explanation=facts.explanation,
        )
    else:
        statement.update(
            decision_ground="DECISION_GROUND_INCOMPATIBLE_CONTENT",
            incompatible_content_ground=facts.ground_reference,
            incompatible_content_explanation=facts.explanation,
        )
    statement = {name: statement[name] for name in FIELD_ORDER if name in statement}
    return Outcome(facts.id, statement, check_statement(statement))


_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _one_of(statement: dict, name: str, allowed: frozenset) -> list[Problem]:
    value = statement.get(name)
    if value is not None and value not in allowed:
        return [Problem(name, f"{value!r} is not an allowed value")]
    return []


DECISION_FIELDS = ("decision_visibility", "decision_monetary", "decision_provision", "decision_account")
ALLOWED_VALUES = (
    ("decision_monetary", DECISION_MONETARY),
    ("decision_provision", DECISION_PROVISION),
    ("decision_account", DECISION_ACCOUNT),
    ("decision_ground", DECISION_GROUND),
    ("category", CATEGORY),
    ("source_type", SOURCE_TYPE),
    ("automated_detection", AUTOMATED_DETECTION),
    ("automated_decision", AUTOMATED_DECISION),
)
REQUIRED = ("decision_ground", "category", "source_type", "automated_detection", "automated_decision", "puid")
GROUND_NEEDS = {
    "DECISION_GROUND_ILLEGAL_CONTENT": ("illegal_content_legal_ground", "illegal_content_explanation"),
    "DECISION_GROUND_INCOMPATIBLE_CONTENT": ("incompatible_content_ground", "incompatible_content_explanation"),
}


def check_decision(statement: dict) -> list[Problem]:
    """Require a decision_* field, and allowed visibility values with their explanation."""
    problems: list[Problem] = []
    if not any(statement.get(name) for name in DECISION_FIELDS):
        problems.append(Problem("decision_visibility", "one of the decision_* fields is required"))
    visibility = statement.get("decision_visibility") or []
    for value in visibility:
        if value not in DECISION_VISIBILITY:
            problems.append(Problem("decision_visibility", f"{value!r} is not an allowed value"))
    if "DECISION_VISIBILITY_OTHER" in visibility and not statement.get("decision_visibility_other"):
        problems.append(Problem("decision_visibility_other", "is required with DECISION_VISIBILITY_OTHER"))
    return problems


def check_allowed_values(statement: dict) -> list[Problem]:
    """Check the single-valued fields against the API's allowed values."""
    return [problem for name, allowed in ALLOWED_VALUES for problem in _one_of(statement, name, allowed)]


def check_required(statement: dict) -> list[Problem]:
    """Require the fields every statement has, and the ground's legal reference and explanation."""
    problems = [Problem(name, "is required") for name in REQUIRED if not statement.get(name)]
    ground = statement.get("decision_ground")
    for name in GROUND_NEEDS.get(ground, ()):
        if not (statement.get(name) or "").strip():
            problems.append(Problem(name, f"is required with {ground}; record the explanation of the action"))
    return problems


def check_content_type(statement: dict) -> list[Problem]:
    """Require allowed content types, with a description for CONTENT_TYPE_OTHER."""
    types = statement.get("content_type") or []
    problems = [] if types else [Problem("content_type", "at least one content type is required")]
    problems += [
        Problem("content_type", f"{value!r} is not an allowed value") for value in types if value not in CONTENT_TYPE
    ]
    if "CONTENT_TYPE_OTHER" in types and not statement.get("content_type_other"):
        problems.append(Problem("content_type_other", "is required with CONTENT_TYPE_OTHER"))
    return problems


def check_scope_and_facts(statement: dict) -> list[Problem]:
    """Require EU/EEA countries in the territorial scope, and the facts the decision relied on."""
    scope = statement.get("territorial_scope")
    problems = [] if scope else [Problem("territorial_scope", "at least one EU/EEA country is required")]
    problems += [
        Problem("territorial_scope", f"{code!r} is not an EU/EEA country") for code in scope or [] if code not in EEA
    ]
    if not (statement.get("decision_facts") or "").strip():
        problems.append(Problem("decision_facts", "is required; record the facts the decision relied on"))
    return problems


def check_limits_and_dates(statement: dict) -> list[Problem]:
    """Check the API's character limits and its earliest dates."""
    problems: list[Problem] = []
    for name, limit in LIMITS.items():
        value = statement.get(name)
        if isinstance(value, str) and len(value) > limit:
            problems.append(Problem(name, f"is limited to {limit:,} characters, is {len(value):,}"))
    for name, earliest in EARLIEST.items():
        value = statement.get(name)
        if not value or not _ISO.match(value):
            problems.append(Problem(name, "must be a date written YYYY-MM-DD"))
        elif date.fromisoformat(value) < earliest:
            problems.append(Problem(name, f"must be on or after {earliest.isoformat()}"))
    return problems


# In this order: held-back.csv lists a statement's problems as the checks find them.
STATEMENT_CHECKS = (
    check_decision,
    check_allowed_values,
    check_required,
    check_content_type,
    check_scope_and_facts,
    check_limits_and_dates,
)


def check_statement(statement: dict) -> list[Problem]:
    """Check a statement against the API's allowed values, requirements and limits."""
    return [problem for check in STATEMENT_CHECKS for problem in check(statement)]
