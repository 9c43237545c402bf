"""Statements of reasons in the DSA Transparency Database's API format, as pure functions.

The API's allowed values and limits are data in exports.dsa_rules, copied from the Commission's repository
digital-services-act/transparency-database (main at 69e80a0b, 2026-06-24), each with the file and lines it came
from. How our enforcement actions map onto its decision_* fields is data, in exports.dsa_mapping, and every
statement is checked against the API's rules before it is written or sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from exports.aiid_rules import Problem
from exports.dsa_mapping import (
    CATEGORIES,
    CATEGORY_SPECIFICATIONS,
    CONTENT_TYPES,
    DECISION,
    DECISIONS,
    DETECTION,
    GROUNDS,
    NO_CATEGORY,
    NOT_A_RESTRICTION,
    SOURCES,
    SOURCES_BY_PARTNER,
)
from exports.dsa_rules import (
    AUTOMATED_DECISION,
    AUTOMATED_DETECTION,
    CATEGORY,
    CONTENT_TYPE,
    DATE_FIELDS,
    DECISION_ACCOUNT,
    DECISION_GROUND,
    DECISION_MONETARY,
    DECISION_PROVISION,
    DECISION_VISIBILITY,
    EARLIEST,
    EEA,
    EEA_CODES,
    END_DATE_OF,
    KEYWORDS,
    LATEST,
    LIMITS,
    PUID,
    SOURCE_TYPE,
    WEB_ADDRESS,
)
from incidents.vocabulary import ActionType, GroundType, TargetKind

__all__ = [
    "AUTOMATED_DECISION",
    "AUTOMATED_DETECTION",
    "CATEGORY",
    "CONTENT_TYPE",
    "DECISIONS",
    "DECISION_ACCOUNT",
    "DECISION_GROUND",
    "DECISION_MONETARY",
    "DECISION_PROVISION",
    "DECISION_VISIBILITY",
    "EEA",
    "FIELD_ORDER",
    "KEYWORDS",
    "LIMITS",
    "SOURCE_TYPE",
    "ActionFacts",
    "Outcome",
    "build_statement",
    "check_statement",
    "territorial_scope",
]

FIELD_ORDER = (
    "decision_visibility",
    "decision_visibility_other",
    "decision_monetary",
    "decision_monetary_other",
    "decision_provision",
    "decision_account",
    "decision_ground",
    "decision_ground_reference_url",
    "illegal_content_legal_ground",
    "illegal_content_explanation",
    "incompatible_content_ground",
    "incompatible_content_explanation",
    "content_type",
    "content_type_other",
    "category",
    "category_specification",
    "territorial_scope",
    "content_date",
    "application_date",
    "end_date_visibility_restriction",
    "end_date_monetary_restriction",
    "end_date_service_restriction",
    "end_date_account_restriction",
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
    ends_on: date | None = None  # a time-limited restriction's last day; None: indefinite
    source_type: str | None = None  # the notice's vocabulary.SourceType: who filed it
    # On the licence ground: the clause's summary and the licence text's address, from the licence registry.
    licence_summary: str | None = None
    licence_url: str | None = None


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
    inside = sorted({code.upper() for code in scope} & EEA_CODES)
    return inside or None


def skip_reason(facts: ActionFacts) -> str | None:
    """Say why an action owes no statement of reasons, or None when it owes one."""
    by_target = DECISIONS.get(facts.action_type)
    if by_target is None:
        return NOT_A_RESTRICTION.get(facts.action_type, f"unknown action type {facts.action_type!r}")
    if facts.target_kind not in by_target:
        return f"unknown target kind {facts.target_kind!r}"
    if territorial_scope(facts.territorial_scope) is None:
        return "the decision applies only outside the EU/EEA"
    return None


def ground_fields(facts: ActionFacts) -> dict[str, str]:
    """The decision ground with its legal or contractual reference and explanation; a licence clause's summary.

    A licence ground's explanation is the clause's summary, then the action's own explanation when both fit the
    API's limit (the explanation is the decision_facts in any case); the licence's text is the reference URL.
    """
    ground, named, explained = GROUNDS.get(facts.ground_type, GROUNDS[GroundType.POLICY])
    fields = {"decision_ground": ground, named: facts.ground_reference, explained: facts.explanation}
    if facts.ground_type == GroundType.LICENCE and facts.licence_summary:
        both = f"{facts.licence_summary}\n\n{facts.explanation}".strip()
        fields[explained] = both if len(both) <= LIMITS[explained] else facts.licence_summary
    if facts.ground_type == GroundType.LICENCE and facts.licence_url and WEB_ADDRESS.fullmatch(facts.licence_url):
        fields["decision_ground_reference_url"] = facts.licence_url
    return fields


def end_dates(decision: dict, ends_on: date | None) -> dict[str, str]:
    """The end date of each restriction the decision imposes; none when it is indefinite."""
    if ends_on is None:
        return {}
    return {END_DATE_OF[name]: ends_on.isoformat() for name in decision if name in END_DATE_OF}


def build_statement(facts: ActionFacts, *, puid_prefix: str) -> Outcome:
    """Turn one enforcement action into a statement of reasons, or say why it has none."""
    reason = skip_reason(facts)
    if reason is not None:
        return Outcome(facts.id, None, [], skipped=reason)
    by_target = DECISIONS[ActionType(facts.action_type)]
    assert by_target is not None  # skip_reason let only restrictions of known targets through
    kind = TargetKind(facts.target_kind)
    decision = by_target[kind]
    applied = facts.applied_on or facts.decided_on
    content_on = min(facts.content_on or applied, applied)
    category = CATEGORIES.get(facts.category or "", NO_CATEGORY)
    keywords = CATEGORY_SPECIFICATIONS.get(facts.category or "", ())
    statement: dict[str, object] = {
        **decision,
        **CONTENT_TYPES[kind],
        "category": category,
        "territorial_scope": territorial_scope(facts.territorial_scope),
        "content_date": content_on.isoformat(),
        "application_date": applied.isoformat(),
        **end_dates(decision, facts.ends_on),
        "decision_facts": facts.explanation,
        "source_type": source_type(facts),
        "automated_detection": DETECTION.get(facts.detection, facts.detection),
        "automated_decision": DECISION.get(facts.decision, facts.decision),
        "puid": f"{puid_prefix}{facts.id}",
        **ground_fields(facts),
    }
    if keywords:
        statement["category_specification"] = list(keywords)
    statement = {name: statement[name] for name in FIELD_ORDER if name in statement}
    return Outcome(facts.id, statement, check_statement(statement))


def source_type(facts: ActionFacts) -> str:
    """SOURCE_TRUSTED_FLAGGER for a trusted flagger's notice; otherwise the notice's channel decides."""
    if facts.source_channel is not None and facts.source_type in SOURCES_BY_PARTNER:
        return SOURCES_BY_PARTNER[facts.source_type]
    return SOURCES.get(facts.source_channel, "SOURCE_VOLUNTARY")


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
    outside = [code for code in scope or [] if code not in EEA_CODES]
    problems += [Problem("territorial_scope", f"{code!r} is not an EU/EEA country") for code in outside]
    if not (statement.get("decision_facts") or "").strip():
        problems.append(Problem("decision_facts", "is required; record the facts the decision relied on"))
    return problems


def check_limits(statement: dict) -> list[Problem]:
    """Check the API's character limits."""
    problems: list[Problem] = []
    for name, limit in LIMITS.items():
        value = statement.get(name)
        if isinstance(value, str) and len(value) > limit:
            problems.append(Problem(name, f"is limited to {limit:,} characters, is {len(value):,}"))
    return problems


def _date(value) -> date | None:
    """Read a YYYY-MM-DD date as the API's date_format:Y-m-d does; None if it is not one."""
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def check_dates(statement: dict) -> list[Problem]:
    """Check every date's format and range, and that each end date follows the application date."""
    problems: list[Problem] = []
    for name in DATE_FIELDS:
        value = statement.get(name)
        if value is None and name not in EARLIEST:
            continue  # an absent end date: the restriction is indefinite
        day = _date(value)
        if day is None:
            problems.append(Problem(name, "must be a date written YYYY-MM-DD"))
        elif name in EARLIEST and day < EARLIEST[name]:
            problems.append(Problem(name, f"must be on or after {EARLIEST[name].isoformat()}"))
        elif day > LATEST:
            problems.append(Problem(name, f"must be on or before {LATEST.isoformat()}"))
    applied = _date(statement.get("application_date"))
    for decision, name in END_DATE_OF.items():
        end = _date(statement.get(name))
        if end is not None and applied is not None and end < applied:
            problems.append(Problem(name, "must be on or after the application date (the restriction's start)"))
        if statement.get(name) is not None and not statement.get(decision):
            problems.append(Problem(name, f"is given, but the statement has no {decision}"))
    return problems


def check_puid_and_keywords(statement: dict) -> list[Problem]:
    """Check the puid's characters and the category_specification keywords."""
    problems: list[Problem] = []
    puid = statement.get("puid")
    if puid and not (isinstance(puid, str) and PUID.fullmatch(puid)):
        problems.append(Problem("puid", "may hold only letters a-z and A-Z, digits, - and _"))
    keywords = statement.get("category_specification")
    if keywords is not None and not isinstance(keywords, list):
        problems.append(Problem("category_specification", "must be a list of keywords"))
    for keyword in keywords if isinstance(keywords, list) else ():
        if keyword not in KEYWORDS:
            problems.append(Problem("category_specification", f"{keyword!r} is not an allowed keyword"))
    return problems


def check_reference_url(statement: dict) -> list[Problem]:
    """Check the decision ground's reference URL against the API's url rule (dsa_rules.WEB_ADDRESS)."""
    url = statement.get("decision_ground_reference_url")
    if url is not None and not (isinstance(url, str) and WEB_ADDRESS.fullmatch(url)):
        return [Problem("decision_ground_reference_url", "must be a web address starting with http:// or https://")]
    return []


# In this order: held-back.csv lists a statement's problems as the checks find them.
STATEMENT_CHECKS = (
    check_decision,
    check_allowed_values,
    check_required,
    check_content_type,
    check_scope_and_facts,
    check_limits,
    check_reference_url,
    check_dates,
    check_puid_and_keywords,
)


def check_statement(statement: dict) -> list[Problem]:
    """Check a statement against the API's allowed values, requirements and limits."""
    return [problem for check in STATEMENT_CHECKS for problem in check(statement)]
