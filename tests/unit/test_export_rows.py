"""DSA statements are built by pure functions: checked here without Flask or a database (AIID: test_aiid_export)."""

from dataclasses import replace
from datetime import date

import pytest

from exports import dsa, dsa_mapping

# The rules take "today" as an argument and never read the clock, so a fixed day needs no freezing here.
AS_OF = date(2026, 11, 28)
FACTS = dsa.ActionFacts(
    id=12,
    action_type="takedown",
    target_kind="model",
    ground_type="policy",
    ground_reference="Acceptable use policy 3.2",
    explanation="Weights shared to give self-harm instructions.",
    detection="manual",
    decision="automated",
    territorial_scope=("DE", "US", "FR"),
    decided_on=date(2026, 8, 20),
    applied_on=date(2026, 8, 21),
    content_on=date(2026, 5, 2),
    source_channel="public",
    category="safety_failure",
)


def test_a_takedown_becomes_a_valid_statement_of_reasons():
    outcome = dsa.build_statement(FACTS, puid_prefix="p-")
    assert outcome.problems == [] and outcome.skipped is None
    s = outcome.statement
    assert s["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_REMOVED"]
    assert s["decision_ground"] == "DECISION_GROUND_INCOMPATIBLE_CONTENT"
    assert s["incompatible_content_ground"] == "Acceptable use policy 3.2"
    assert s["content_type"] == ["CONTENT_TYPE_OTHER"] and s["content_type_other"] == "AI model"
    assert s["territorial_scope"] == ["DE", "FR"]  # outside the EEA is not the database's business
    assert s["category"] == "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS"
    assert s["source_type"] == "SOURCE_ARTICLE_16"
    assert (s["automated_detection"], s["automated_decision"]) == ("No", "AUTOMATED_DECISION_FULLY")
    assert (s["content_date"], s["application_date"], s["puid"]) == ("2026-05-02", "2026-08-21", "p-12")
    assert list(s) == [name for name in dsa.FIELD_ORDER if name in s]


def test_the_mapping_covers_every_action_type_and_yields_allowed_values():
    from incidents.enforcement.schemas import ACTION_TYPES, TARGET_KINDS

    assert set(dsa.DECISIONS) == set(ACTION_TYPES)
    for action_type in ACTION_TYPES:
        for kind in TARGET_KINDS:
            for ground in ("law", "policy"):
                outcome = dsa.build_statement(
                    replace(FACTS, action_type=action_type, target_kind=kind, ground_type=ground), puid_prefix="p-"
                )
                if dsa.DECISIONS[action_type] is None:
                    assert outcome.statement is None and outcome.skipped
                else:
                    assert outcome.problems == [], (action_type, kind, ground, outcome.problems)


def keys_of(table):
    """A table's keys with their exact types: a StrEnum member equals its word, so == alone cannot tell them apart."""
    return {(type(key), key) for key in table}


def test_the_dsa_tables_are_keyed_by_the_vocabulary_enums():
    from incidents.models import Category, Channel
    from incidents.vocabulary import ActionType, Automation, TargetKind

    def members(enum):
        return {(enum, member) for member in enum}

    assert keys_of(dsa_mapping.DECISIONS) == members(ActionType)
    restricting = [by_target for by_target in dsa_mapping.DECISIONS.values() if by_target is not None]
    assert all(keys_of(by_target) == members(TargetKind) for by_target in restricting)  # every target written out
    assert keys_of(dsa_mapping.NOT_A_RESTRICTION) == {
        (ActionType, a) for a, by_target in dsa_mapping.DECISIONS.items() if by_target is None
    }
    assert keys_of(dsa_mapping.CONTENT_TYPES) == members(TargetKind)
    assert keys_of(dsa_mapping.CATEGORIES) == members(Category)
    assert keys_of(dsa_mapping.CATEGORY_SPECIFICATIONS) == members(Category)
    assert keys_of(dsa_mapping.SOURCES) == members(Channel) | {(type(None), None)}
    assert keys_of(dsa_mapping.DETECTION) == keys_of(dsa_mapping.DECISION) == members(Automation)


def test_plain_strings_from_the_database_find_the_enum_keyed_entries():
    """Rows carry plain str; the statement is the same whether the facts hold words or members."""
    from incidents.models import Category, Channel
    from incidents.vocabulary import ActionType, Automation, GroundType, TargetKind

    as_members = replace(
        FACTS,
        action_type=ActionType.TAKEDOWN,
        target_kind=TargetKind.MODEL,
        ground_type=GroundType.POLICY,
        detection=Automation.MANUAL,
        decision=Automation.AUTOMATED,
        source_channel=Channel.PUBLIC,
        category=Category.SAFETY_FAILURE,
    )
    for field in ("action_type", "target_kind", "ground_type", "detection", "decision", "source_channel", "category"):
        assert type(getattr(FACTS, field)) is str
    assert dsa.build_statement(FACTS, puid_prefix="p-") == dsa.build_statement(as_members, puid_prefix="p-")
    assert dsa_mapping.DECISIONS["suspension"]["application"] == {
        "decision_provision": "DECISION_PROVISION_PARTIAL_SUSPENSION"
    }
    assert dsa_mapping.CATEGORIES["ncii"] == "STATEMENT_CATEGORY_CYBER_VIOLENCE"
    assert (dsa_mapping.SOURCES["whistleblower"], dsa_mapping.SOURCES[None]) == (
        "SOURCE_TYPE_OTHER_NOTIFICATION",
        "SOURCE_VOLUNTARY",
    )
    assert (dsa_mapping.DETECTION["automated"], dsa_mapping.DECISION["manual"]) == (
        "Yes",
        "AUTOMATED_DECISION_NOT_AUTOMATED",
    )
    law = dsa.build_statement(replace(FACTS, ground_type="law"), puid_prefix="").statement
    assert law["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT"


def test_a_law_ground_fills_the_illegal_content_fields():
    s = dsa.build_statement(replace(FACTS, ground_type="law", ground_reference="StGB §130"), puid_prefix="").statement
    assert s["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT"
    assert s["illegal_content_legal_ground"] == "StGB §130" and "incompatible_content_ground" not in s


def test_scope_outside_the_eea_owes_no_statement_and_empty_scope_means_all_of_it():
    assert dsa.build_statement(replace(FACTS, territorial_scope=("US",)), puid_prefix="").skipped
    assert dsa.build_statement(replace(FACTS, territorial_scope=()), puid_prefix="").statement[
        "territorial_scope"
    ] == list(dsa.EEA)


VALID = dsa.build_statement(FACTS, puid_prefix="p-").statement


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"decision_visibility": None}, "decision_visibility"),
        ({"decision_visibility": ["DECISION_VISIBILITY_GONE"]}, "decision_visibility"),
        ({"decision_visibility": ["DECISION_VISIBILITY_OTHER"]}, "decision_visibility_other"),
        ({"decision_account": "DECISION_ACCOUNT_BANNED"}, "decision_account"),
        ({"decision_ground": "DECISION_GROUND_BECAUSE"}, "decision_ground"),
        ({"incompatible_content_explanation": " "}, "incompatible_content_explanation"),
        ({"category": "STATEMENT_CATEGORY_SPAM"}, "category"),
        # Retired on 1 July 2025: the API answers 422 "The selected category is invalid".
        ({"category": "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS"}, "category"),
        ({"category": "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE"}, "category"),
        ({"category": "STATEMENT_CATEGORY_NON_CONSENSUAL_BEHAVIOUR"}, "category"),
        ({"category": "STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT"}, "category"),
        ({"content_type": []}, "content_type"),
        ({"content_type": ["CONTENT_TYPE_MODEL"]}, "content_type"),
        ({"content_type_other": None}, "content_type_other"),
        ({"territorial_scope": ["US"]}, "territorial_scope"),
        ({"territorial_scope": []}, "territorial_scope"),
        ({"decision_facts": ""}, "decision_facts"),
        ({"decision_facts": "x" * 5001}, "decision_facts"),
        ({"source_type": "SOURCE_RUMOUR"}, "source_type"),
        ({"automated_detection": "Maybe"}, "automated_detection"),
        ({"automated_decision": "AUTOMATED_DECISION_SOMEWHAT"}, "automated_decision"),
        ({"content_date": "1999-12-31"}, "content_date"),
        ({"application_date": "21/08/2026"}, "application_date"),
        ({"puid": ""}, "puid"),
        ({"puid": "x" * 501}, "puid"),
        # StatementStoreRequest.php:74-79: every date on or before 2038-01-01, written YYYY-MM-DD, a real day.
        ({"content_date": "2038-01-02"}, "content_date"),
        ({"application_date": "2038-01-02"}, "application_date"),
        ({"application_date": "2026-02-30"}, "application_date"),
        ({"application_date": "2026-8-21"}, "application_date"),
        ({"end_date_visibility_restriction": "2038-01-02"}, "end_date_visibility_restriction"),
        ({"end_date_visibility_restriction": "2026-12-1"}, "end_date_visibility_restriction"),
        # Documented (api-documentation.md:1223-1269): an end date is on or after the application date.
        ({"end_date_visibility_restriction": "2026-08-20"}, "end_date_visibility_restriction"),
        # Ours: an end date only for a restriction the statement imposes.
        ({"end_date_account_restriction": "2026-12-01"}, "end_date_account_restriction"),
        # StatementStoreRequest.php:89: regex /^[a-zA-Z0-9-_]+$/D.
        ({"puid": "p 12"}, "puid"),
        ({"puid": "p/12"}, "puid"),
        ({"puid": "p.12"}, "puid"),
        ({"puid": "p-12\n"}, "puid"),
        ({"puid": "pé12"}, "puid"),
        # StatementStoreRequest.php:48: each keyword one of Statement::KEYWORDS.
        ({"category_specification": ["KEYWORD_DEEPFAKES"]}, "category_specification"),
        ({"category_specification": "KEYWORD_NUDITY"}, "category_specification"),
    ],
)
def test_each_dsa_rule_rejects_with_its_field(changes, field):
    assert dsa.check_statement(VALID) == []
    problems = dsa.check_statement({**VALID, **changes})
    assert field in {p.field for p in problems}, problems


def test_the_category_list_is_the_apis_current_one():
    """Pinned by hand from Statement::STATEMENT_CATEGORIES (transparency-database, main at 69e80a0b)."""
    assert {
        f"STATEMENT_CATEGORY_{name}"
        for name in (
            "ANIMAL_WELFARE",
            "CONSUMER_INFORMATION",
            "CYBER_VIOLENCE",
            "CYBER_VIOLENCE_AGAINST_WOMEN",
            "DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
            "ILLEGAL_OR_HARMFUL_SPEECH",
            "INTELLECTUAL_PROPERTY_INFRINGEMENTS",
            "NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
            "NOT_SPECIFIED_NOTICE",
            "OTHER_VIOLATION_TC",
            "PROTECTION_OF_MINORS",
            "RISK_FOR_PUBLIC_SECURITY",
            "SCAMS_AND_FRAUD",
            "SELF_HARM",
            "UNSAFE_AND_PROHIBITED_PRODUCTS",
            "VIOLENCE",
        )
    } == dsa.CATEGORY


def test_one_enforcement_vocabulary():
    """The StrEnums in incidents.vocabulary are the terms; the schemas' label tables cover exactly them."""
    from incidents.enforcement.schemas import ACTION_TYPES, AUTOMATION, GROUND_TYPES, TARGET_KINDS
    from incidents.vocabulary import ActionType, Automation, GroundType, TargetKind

    assert list(ACTION_TYPES) == list(ActionType) and list(TARGET_KINDS) == list(TargetKind)
    assert list(GROUND_TYPES) == list(GroundType) and list(AUTOMATION) == list(Automation)
    assert [a.value for a in ActionType] == [
        "warning",
        "takedown",
        "suspension",
        "termination",
        "delisting",
        "licence_change",
        "referral",
        "reinstatement",
    ]
    assert [t.value for t in TargetKind] == ["model", "account", "content", "application"]


@pytest.mark.parametrize(
    ("channel", "source", "expected"),
    [
        ("public", "trusted_flagger", "SOURCE_TRUSTED_FLAGGER"),
        ("public", "authority", "SOURCE_TYPE_OTHER_NOTIFICATION"),
        ("public", "hub", "SOURCE_ARTICLE_16"),
        ("public", "public", "SOURCE_ARTICLE_16"),
        ("public", None, "SOURCE_ARTICLE_16"),
        ("whistleblower", None, "SOURCE_TYPE_OTHER_NOTIFICATION"),
        (None, None, "SOURCE_VOLUNTARY"),  # no notice at all
    ],
)
def test_the_source_type_follows_who_filed_the_notice(channel, source, expected):
    facts = replace(FACTS, source_channel=channel, source_type=source)
    assert dsa.build_statement(facts, puid_prefix="p-").statement["source_type"] == expected


LICENCE = replace(
    FACTS,
    ground_type="licence",
    ground_reference="CreativeML Open RAIL-M, §4(a)",
    licence_summary="Redistributed without the use restrictions of §5 as an enforceable provision of its own terms.",
    licence_url="https://huggingface.co/spaces/CompVis/stable-diffusion-license",
)


def test_a_licence_ground_is_incompatible_content_citing_the_clause_with_its_summary():
    outcome = dsa.build_statement(LICENCE, puid_prefix="p-")
    s = outcome.statement
    assert outcome.problems == []
    assert s["decision_ground"] == "DECISION_GROUND_INCOMPATIBLE_CONTENT"
    assert s["incompatible_content_ground"] == "CreativeML Open RAIL-M, §4(a)"
    assert s["incompatible_content_explanation"] == (
        "Redistributed without the use restrictions of §5 as an enforceable provision of its own terms.\n\n"
        "Weights shared to give self-harm instructions."
    )
    assert s["decision_ground_reference_url"] == "https://huggingface.co/spaces/CompVis/stable-diffusion-license"
    assert "illegal_content_legal_ground" not in s
    assert list(s) == [name for name in dsa.FIELD_ORDER if name in s]
    # Other grounds send no reference URL.
    assert "decision_ground_reference_url" not in dsa.build_statement(FACTS, puid_prefix="p-").statement


def test_a_licence_explanation_keeps_to_the_limit_with_the_summary_alone():
    long = "x" * 1950  # the summary (94 characters), two newlines and this make 2,046: over the API's 2,000
    s = dsa.build_statement(replace(LICENCE, explanation=long), puid_prefix="p-").statement
    assert s["incompatible_content_explanation"] == LICENCE.licence_summary
    assert s["decision_facts"] == long
    assert dsa.check_statement(s) == []


def test_a_licence_text_that_is_no_web_address_is_not_sent():
    s = dsa.build_statement(replace(LICENCE, licence_url="see the model card"), puid_prefix="p-").statement
    assert "decision_ground_reference_url" not in s
    unknown = dsa.build_statement(replace(LICENCE, licence_summary=None, licence_url=None), puid_prefix="p-")
    # A clause the registry no longer holds: the stored reference, and the action's own explanation.
    assert unknown.statement["incompatible_content_explanation"] == "Weights shared to give self-harm instructions."
    assert unknown.problems == []
