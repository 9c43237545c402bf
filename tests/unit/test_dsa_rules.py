"""The DSA mapping stays inside the API's rules for every combination of our terms; each rule holds back its case.

The expected decisions, keywords and end-date fields are written out here by hand, not read from the tables
they check.
"""

from dataclasses import replace
from datetime import date
from itertools import product

import pytest

from exports import dsa, dsa_mapping, dsa_rules
from incidents.models import Category, Channel
from incidents.vocabulary import ActionType, Automation, GroundType, TargetKind

FACTS = dsa.ActionFacts(
    id=12,
    action_type="takedown",
    target_kind="model",
    ground_type="policy",
    ground_reference="Acceptable use policy 3.2",
    explanation="Weights shared to give self-harm instructions.",
    detection="manual",
    decision="manual",
    territorial_scope=(),
    decided_on=date(2026, 8, 20),
    applied_on=date(2026, 8, 21),
    content_on=date(2026, 5, 2),
    source_channel="public",
    category="safety_failure",
)

# What the export reads from the licence registry for an action on the licence ground (llama2, clause aup-3).
LICENCE_FACTS = {
    "ground_reference": "Llama 2 Community License Agreement, Acceptable Use Policy §3",
    "licence_summary": "Deceiving or misleading others: fraud, disinformation, impersonation, spam.",
    "licence_url": "https://ai.meta.com/llama/license/",
}

V, P, A = "decision_visibility", "decision_provision", "decision_account"
# action type -> target kind -> (field, value), pinned by hand (see the reasons in exports/dsa_mapping.py).
EXPECTED_DECISIONS = {
    "takedown": {
        "model": (V, "DECISION_VISIBILITY_CONTENT_REMOVED"),
        "content": (V, "DECISION_VISIBILITY_CONTENT_REMOVED"),
        "application": (V, "DECISION_VISIBILITY_CONTENT_REMOVED"),
        "account": (A, "DECISION_ACCOUNT_TERMINATED"),
    },
    "suspension": {
        "model": (V, "DECISION_VISIBILITY_CONTENT_DISABLED"),
        "content": (V, "DECISION_VISIBILITY_CONTENT_DISABLED"),
        "application": (P, "DECISION_PROVISION_PARTIAL_SUSPENSION"),
        "account": (A, "DECISION_ACCOUNT_SUSPENDED"),
    },
    "termination": {
        "model": (V, "DECISION_VISIBILITY_CONTENT_DISABLED"),
        "content": (V, "DECISION_VISIBILITY_CONTENT_DISABLED"),
        "application": (P, "DECISION_PROVISION_PARTIAL_TERMINATION"),
        "account": (A, "DECISION_ACCOUNT_TERMINATED"),
    },
    "delisting": {
        kind: (V, "DECISION_VISIBILITY_CONTENT_DEMOTED") for kind in ("model", "content", "application", "account")
    },
    "licence_change": {
        kind: (V, "DECISION_VISIBILITY_OTHER") for kind in ("model", "content", "application", "account")
    },
}
END_FIELD = {
    V: "end_date_visibility_restriction",
    P: "end_date_service_restriction",
    A: "end_date_account_restriction",
}
EXPECTED_KEYWORDS = {
    "ncii": ["KEYWORD_NON_CONSENSUAL_IMAGE_SHARING"],
    "bias_discrimination": ["KEYWORD_DISCRIMINATION"],
    "safety_failure": ["KEYWORD_UNSAFE_PRODUCTS"],
}


def statement_values(statement: dict) -> list[tuple[str, str]]:
    """Every enumerated value of a statement, with its field."""
    single = ("decision_monetary", "decision_provision", "decision_account", "decision_ground", "category")
    single += ("source_type", "automated_detection", "automated_decision")
    multi = ("decision_visibility", "content_type", "category_specification", "territorial_scope")
    values = [(name, statement[name]) for name in single if name in statement]
    return values + [(name, value) for name in multi for value in statement.get(name, ())]


ALLOWED = {
    "decision_visibility": dsa_rules.DECISION_VISIBILITY,
    "decision_monetary": dsa_rules.DECISION_MONETARY,
    "decision_provision": dsa_rules.DECISION_PROVISION,
    "decision_account": dsa_rules.DECISION_ACCOUNT,
    "decision_ground": dsa_rules.DECISION_GROUND,
    "category": dsa_rules.CATEGORY,
    "category_specification": dsa_rules.KEYWORDS,
    "content_type": dsa_rules.CONTENT_TYPE,
    "territorial_scope": set(dsa_rules.EEA),
    "source_type": dsa_rules.SOURCE_TYPE,
    "automated_detection": dsa_rules.AUTOMATED_DETECTION,
    "automated_decision": dsa_rules.AUTOMATED_DECISION,
}


def test_every_combination_of_our_terms_gives_a_statement_inside_the_allowed_values():
    """Action type x target kind x category x channel x detection x decision x ground, with and without an end."""
    count = 0
    for action, kind, category, channel, detected, decided, ground, ends_on in product(
        ActionType,
        TargetKind,
        [*Category, None],
        [*Channel, None],
        Automation,
        Automation,
        GroundType,
        (None, date(2026, 12, 31)),
    ):
        facts = replace(
            FACTS,
            action_type=str(action),
            target_kind=str(kind),
            category=str(category) if category else None,
            source_channel=str(channel) if channel else None,
            detection=str(detected),
            decision=str(decided),
            ground_type=str(ground),
            ends_on=ends_on,
            **(LICENCE_FACTS if ground is GroundType.LICENCE else {}),
        )
        outcome = dsa.build_statement(facts, puid_prefix="p-")
        if action in (ActionType.WARNING, ActionType.REFERRAL, ActionType.REINSTATEMENT):
            assert outcome.statement is None and outcome.skipped, action
            continue
        assert outcome.problems == [], (facts, outcome.problems)
        for name, value in statement_values(outcome.statement):
            assert value in ALLOWED[name], (facts, name, value)
        count += 1
    assert count == 5 * 4 * 14 * 3 * 2 * 2 * 3 * 2


@pytest.mark.parametrize("action, kind", [(a, k) for a, by in EXPECTED_DECISIONS.items() for k in by])
def test_each_action_and_target_gets_its_decision_and_its_end_date_field(action, kind):
    field, value = EXPECTED_DECISIONS[action][kind]
    s = dsa.build_statement(replace(FACTS, action_type=action, target_kind=kind), puid_prefix="p-").statement
    decisions = {name: s[name] for name in (V, "decision_monetary", P, A) if name in s}
    assert decisions == {field: [value] if field == V else value}
    assert not any(name.startswith("end_date_") for name in s)  # no end date: indefinite, the field is left out
    ended = dsa.build_statement(
        replace(FACTS, action_type=action, target_kind=kind, ends_on=date(2026, 12, 31)), puid_prefix="p-"
    )
    assert ended.problems == []
    assert {name: v for name, v in ended.statement.items() if name.startswith("end_date_")} == {
        END_FIELD[field]: "2026-12-31"
    }


def test_termination_of_content_or_a_model_is_no_longer_a_service_restriction():
    for kind in ("content", "model"):
        s = dsa.build_statement(replace(FACTS, action_type="termination", target_kind=kind), puid_prefix="").statement
        assert "decision_provision" not in s and s[V] == ["DECISION_VISIBILITY_CONTENT_DISABLED"]


def test_category_specification_is_sent_only_where_a_keyword_fits():
    for category in Category:
        s = dsa.build_statement(replace(FACTS, category=str(category)), puid_prefix="").statement
        assert s.get("category_specification") == EXPECTED_KEYWORDS.get(category), category
    assert "category_specification" not in dsa.build_statement(replace(FACTS, category=None), puid_prefix="").statement


def test_each_keyword_we_send_is_listed_under_the_category_we_send():
    """The API's documentation lists each keyword under one category (additional-explanation...md:413-497)."""
    for category, keywords in dsa_mapping.CATEGORY_SPECIFICATIONS.items():
        listed = dsa_rules.KEYWORDS_BY_CATEGORY[dsa_mapping.CATEGORIES[category]]
        assert set(keywords) <= set(listed), category


def test_the_keyword_list_is_the_apis():
    """Statement::KEYWORDS (Statement.php:429-499) has 69 keys; a few pinned by hand."""
    assert len(dsa_rules.KEYWORDS) == 69
    assert {
        "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING",
        "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE",
        "KEYWORD_UNSAFE_PRODUCTS",
        "KEYWORD_DISCRIMINATION",
        "KEYWORD_STALKING",
        "KEYWORD_OTHER",
    } <= dsa_rules.KEYWORDS
    assert set(dsa_rules.KEYWORDS_BY_CATEGORY) - {None} == dsa_rules.CATEGORY


def test_every_decision_field_has_its_end_date_field():
    assert dsa_rules.END_DATE_OF == {
        "decision_visibility": "end_date_visibility_restriction",
        "decision_monetary": "end_date_monetary_restriction",
        "decision_provision": "end_date_service_restriction",
        "decision_account": "end_date_account_restriction",
    }


@pytest.mark.parametrize(
    "facts, field, reason",
    [
        (
            replace(FACTS, action_type="suspension", ends_on=date(2026, 8, 1)),
            "end_date_visibility_restriction",
            "must be on or after the application date (the restriction's start)",
        ),
        (
            replace(FACTS, action_type="suspension", ends_on=date(2038, 6, 1)),
            "end_date_visibility_restriction",
            "must be on or before 2038-01-01",
        ),
        (replace(FACTS, applied_on=date(2039, 1, 1)), "application_date", "must be on or before 2038-01-01"),
        (
            replace(FACTS, decided_on=date(2019, 12, 31), applied_on=None),
            "application_date",
            "must be on or after 2020-01-01",
        ),
    ],
)
def test_a_broken_rule_is_reported_with_its_field_and_reason(facts, field, reason):
    problems = dsa.build_statement(facts, puid_prefix="p-").problems
    assert (field, reason) in {(p.field, p.reason) for p in problems}


def test_a_puid_prefix_with_other_characters_holds_the_statement_back():
    problems = dsa.build_statement(FACTS, puid_prefix="https://platform.example/actions/").problems
    assert [(p.field, p.reason) for p in problems] == [("puid", "may hold only letters a-z and A-Z, digits, - and _")]


def test_boundaries_the_api_accepts():
    s = dsa.build_statement(FACTS, puid_prefix="Ab9_-").statement
    assert dsa.check_statement({**s, "application_date": "2038-01-01", "content_date": "2038-01-01"}) == []
    assert dsa.check_statement({**s, "end_date_visibility_restriction": s["application_date"]}) == []
    assert dsa.check_statement({**s, "puid": "x" * 500, "category_specification": ["KEYWORD_OTHER"]}) == []


API_REFUSES = [
    ({"category": "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS"}, "category"),
    ({"decision_visibility": ["DECISION_VISIBILITY_GONE"]}, "decision_visibility"),
    ({"content_type": ["CONTENT_TYPE_MODEL"]}, "content_type"),
    ({"content_type_other": None}, "content_type_other"),
    ({"territorial_scope": ["US"]}, "territorial_scope"),
    ({"decision_facts": "x" * 5001}, "decision_facts"),
    ({"content_date": "1999-12-31"}, "content_date"),
    ({"content_date": "2038-01-02"}, "content_date"),
    ({"application_date": "2038-01-02"}, "application_date"),
    ({"application_date": "2026-8-21"}, "application_date"),
    ({"end_date_visibility_restriction": "2038-01-02"}, "end_date_visibility_restriction"),
    ({"puid": "p/12"}, "puid"),
    ({"puid": "x" * 501}, "puid"),
    ({"category_specification": ["KEYWORD_DEEPFAKES"]}, "category_specification"),
    ({"incompatible_content_explanation": "  "}, "incompatible_content_explanation"),
    ({"decision_ground_reference_url": "the licence named in the card"}, "decision_ground_reference_url"),
    ({"decision_ground_reference_url": "javascript:alert(1)"}, "decision_ground_reference_url"),
    ({"decision_ground_reference_url": "https://example.org/a b"}, "decision_ground_reference_url"),
    ({"decision_ground_reference_url": "https://example.org/" + "x" * 481}, "decision_ground_reference_url"),
]


@pytest.mark.parametrize("changes, field", API_REFUSES)
def test_our_checks_and_the_fake_api_refuse_the_same_statements(changes, field):
    """The fake (tests/fakes/dsa_tdb.py) transcribes the API's rules on its own; the two must agree."""
    from tests.fakes.dsa_tdb import Checker, clean

    valid = dsa.build_statement(replace(FACTS, ends_on=date(2026, 12, 31)), puid_prefix="p-").statement
    assert Checker(valid).run() == {} and dsa.check_statement(valid) == []
    bad = {**valid, **changes}
    assert field in Checker(clean(bad)).run()
    assert field in {p.field for p in dsa.check_statement(bad)}


def test_where_ours_is_stricter_than_the_api():
    """The API stores an end date before the application date (its documentation says it must not be)."""
    from tests.fakes.dsa_tdb import Checker

    valid = dsa.build_statement(replace(FACTS, action_type="suspension"), puid_prefix="p-").statement
    early = {**valid, "end_date_visibility_restriction": "2026-08-01"}
    assert Checker(early).run() == {}
    assert [p.field for p in dsa.check_statement(early)] == ["end_date_visibility_restriction"]


def test_a_licence_ground_statement_passes_our_checks_and_the_fake_apis():
    """A licence clause is incompatible content, with the licence text as the ground's reference URL."""
    from tests.fakes.dsa_tdb import Checker, clean

    s = dsa.build_statement(replace(FACTS, ground_type="licence", **LICENCE_FACTS), puid_prefix="p-").statement
    assert (s["decision_ground"], s["decision_ground_reference_url"]) == (
        "DECISION_GROUND_INCOMPATIBLE_CONTENT",
        "https://ai.meta.com/llama/license/",
    )
    assert dsa.check_statement(s) == [] and Checker(clean(s)).run() == {}
    assert dsa.check_statement({**s, "decision_ground_reference_url": "https://example.org/" + "x" * 480}) == []
