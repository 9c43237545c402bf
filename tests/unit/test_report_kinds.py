"""The fields of each kind of report, and the rules that hold a report to its kind (no app, no database)."""

from __future__ import annotations

import pytest
from marshmallow import ValidationError

from incidents.intake import kind_rules, kinds
from incidents.intake.schemas import ApiReportSchema, ReportSchema
from incidents.registry import licence_data
from incidents.vocabulary import NoticeType, ReportKind

# Each kind's own questions, pinned by hand: (name, widget, storage, required).
QUESTIONS = {
    ReportKind.GENERAL: [],
    ReportKind.ABUSE: [("abuse_type", "radios", "column", True)],
    ReportKind.PRIVATE_INFORMATION: [
        ("information_type", "radios", "column", True),
        ("reporter_role", "radios", "column", True),
        ("risk", "textarea", "sealed", True),
    ],
    ReportKind.INTELLECTUAL_PROPERTY: [
        ("work", "textarea", "sealed", True),
        ("rights_holder", "text", "sealed", True),
        ("reporter_role", "radios", "column", True),
        ("notice_type", "radios", "column", True),
        ("good_faith", "checkbox", "column", True),
    ],
    ReportKind.LICENCE_VIOLATION: [
        ("licence", "licence", "column", True),
        ("licence_clause", "clause", "column", True),
    ],
    ReportKind.ACCEPTABLE_USE: [("use_rule", "radios", "column", True), ("rule_reference", "text", "sealed", False)],
}
# The shared questions each kind asks beyond those every kind asks.
ASKS = {
    ReportKind.GENERAL: {
        "category",
        "actor",
        "severity",
        "serious_flags",
        "occurred_from",
        "occurred_to",
        "country",
        "affected",
        "steps",
    },
    ReportKind.ABUSE: {"severity", "serious_flags", "occurred_from", "occurred_to", "country", "affected", "steps"},
    ReportKind.PRIVATE_INFORMATION: {"severity", "serious_flags", "occurred_from", "occurred_to", "country"},
    ReportKind.INTELLECTUAL_PROPERTY: set(),
    ReportKind.LICENCE_VIOLATION: set(),
    ReportKind.ACCEPTABLE_USE: {
        "actor",
        "severity",
        "serious_flags",
        "occurred_from",
        "occurred_to",
        "country",
        "steps",
    },
}

BASE = {"title": "A model does something wrong", "description": "A description that is long enough to pass."}
ANSWERS = {
    ReportKind.GENERAL: {"category": "safety_failure", "severity": "incident"},
    ReportKind.ABUSE: {"abuse_type": "impersonation", "severity": "hazard"},
    ReportKind.PRIVATE_INFORMATION: {
        "information_type": "location",
        "reporter_role": "representative",
        "risk": "Someone could find my client at home.",
        "severity": "incident",
    },
    ReportKind.INTELLECTUAL_PROPERTY: {
        "work": "My song, at https://music.example.org/song",
        "rights_holder": "Example Records",
        "reporter_role": "self",
        "notice_type": "DMCA",
        "good_faith": True,
    },
    ReportKind.LICENCE_VIOLATION: {"licence": "llama2", "licence_clause": "aup-3"},
    ReportKind.ACCEPTABLE_USE: {"use_rule": "deception", "severity": "hazard"},
}


def load(report_kind: ReportKind, **changes):
    data = {**BASE, "kind": report_kind.value, **ANSWERS[report_kind], **changes}
    return ReportSchema().load({key: value for key, value in data.items() if value is not None})


def refusal(report_kind: ReportKind, **changes) -> dict:
    with pytest.raises(ValidationError) as caught:
        load(report_kind, **changes)
    return caught.value.messages


@pytest.mark.parametrize("kind", list(ReportKind))
def test_the_fields_of_each_kind(kind):
    form = kinds.KINDS[kind]
    assert [(q.name, q.widget.value, q.storage.value, q.required) for q in form.questions] == QUESTIONS[kind]
    assert set(form.asks) == ASKS[kind]


def test_the_kinds_in_the_pickers_order_and_the_stored_spellings():
    assert [k.value for k in kinds.KINDS] == [
        "general",
        "abuse",
        "private_information",
        "intellectual_property",
        "licence_violation",
        "acceptable_use",
    ]
    # Lumen's own names (berkmancenter/lumendatabase, config/initializers/lumen_settings.rb).
    assert [t.value for t in NoticeType] == ["DMCA", "Trademark", "Counterfeit", "CourtOrder", "Other"]
    assert kinds.COLUMN_QUESTIONS == (
        "abuse_type",
        "information_type",
        "reporter_role",
        "notice_type",
        "good_faith",
        "licence",
        "licence_clause",
        "use_rule",
    )
    assert kinds.SEALED_QUESTIONS == ("risk", "work", "rights_holder", "rule_reference")


def test_the_schemas_load_every_question_and_a_shared_name_means_the_same():
    for schema in (ReportSchema(), ApiReportSchema()):
        assert set(kinds.QUESTIONS) <= set(schema.fields)
    roles = [q for form in kinds.KINDS.values() for q in form.questions if q.name == "reporter_role"]
    assert len(roles) == 2 and roles[0].choices.keys() == roles[1].choices.keys() == {"self", "representative"}
    assert all(q.storage is roles[0].storage and q.widget is roles[0].widget for q in roles)


@pytest.mark.parametrize("kind", list(ReportKind))
def test_each_kind_loads_with_its_answers_and_implies_what_it_does_not_ask(kind):
    data = load(kind)
    implied = {
        ReportKind.GENERAL: ("safety_failure", "incident"),
        ReportKind.ABUSE: ("fraud_deception", "hazard"),  # impersonation counts under fraud and deception
        ReportKind.PRIVATE_INFORMATION: ("privacy", "incident"),
        ReportKind.INTELLECTUAL_PROPERTY: ("intellectual_property", "hazard"),
        ReportKind.LICENCE_VIOLATION: ("acceptable_use", "hazard"),
        ReportKind.ACCEPTABLE_USE: ("acceptable_use", "hazard"),  # asked, and answered so
    }
    assert (data["kind"], data["category"], data["severity"]) == (kind.value, *implied[kind])


@pytest.mark.parametrize("kind", [k for k in ReportKind if QUESTIONS[k]])
def test_required_answers_are_enforced(kind):
    required = {name for name, _w, _s, needed in QUESTIONS[kind] if needed}
    blank = dict.fromkeys(ANSWERS[kind])
    messages = refusal(kind, **blank)
    assert required <= set(messages)
    for question in kinds.KINDS[kind].questions:
        if question.required:
            assert messages[question.name] == [question.missing]


def test_the_general_kind_still_needs_its_category_and_severity():
    messages = refusal(ReportKind.GENERAL, category=None, severity=None)
    assert messages == {"category": ["Choose a category from the list."], "severity": ["Choose how serious it is."]}
    # A kind that asks how serious it is needs the answer too.
    for kind in (ReportKind.ABUSE, ReportKind.PRIVATE_INFORMATION, ReportKind.ACCEPTABLE_USE):
        assert refusal(kind, severity=None) == {"severity": ["Choose how serious it is."]}
    assert refusal(ReportKind.ABUSE, severity="serious_incident") == {
        "serious_flags": ["Tick at least one serious harm, or choose another level."]
    }
    # No kind at all is the general kind, as before kinds.
    assert ReportSchema().load({**BASE, **ANSWERS[ReportKind.GENERAL]})["kind"] == "general"


def test_choices_are_validated_and_not_also_reported_missing():
    assert refusal(ReportKind.ABUSE, abuse_type="trolling") == {"abuse_type": ["Choose one of the listed answers."]}
    assert refusal(ReportKind.INTELLECTUAL_PROPERTY, notice_type="dmca") == {
        "notice_type": ["Choose one of the listed answers."]
    }
    assert refusal(ReportKind.PRIVATE_INFORMATION, reporter_role="friend") == {
        "reporter_role": ["Choose one of the listed answers."]
    }
    assert refusal(ReportKind.GENERAL, kind="complaint") == {"kind": ["Choose a kind of report from the list."]}


def test_the_good_faith_statement_must_be_ticked():
    assert refusal(ReportKind.INTELLECTUAL_PROPERTY, good_faith=False) == {
        "good_faith": ["Confirm this statement to send the notice."]
    }


def test_a_question_the_kind_does_not_ask_is_refused_not_dropped():
    messages = refusal(ReportKind.INTELLECTUAL_PROPERTY, severity="incident", licence="mit", affected="Us")
    assert messages == {name: [kind_rules.NOT_ASKED] for name in ("severity", "licence", "affected")}
    assert refusal(ReportKind.GENERAL, notice_type="DMCA", good_faith=True) == {
        "notice_type": [kind_rules.NOT_ASKED],
        "good_faith": [kind_rules.NOT_ASKED],
    }
    assert refusal(ReportKind.ABUSE, category="other") == {"category": [kind_rules.NOT_ASKED]}
    # Blank answers and unticked boxes are no answers.
    assert load(ReportKind.GENERAL, work="  ", good_faith=False)["kind"] == "general"


@pytest.mark.parametrize("licence", ["openrail", "other", "OpenRAIL"])
def test_a_vague_licence_is_refused_on_the_licence_with_its_own_reason(licence):
    reason = {"openrail": licence_data.OPENRAIL.vague, "other": licence_data.OTHER.vague}[licence.lower()]
    assert refusal(ReportKind.LICENCE_VIOLATION, licence=licence, licence_clause=None) == {"licence": [reason]}
    # A clause chosen from another licence's list changes nothing: the licence is what cannot be acted on.
    assert refusal(ReportKind.LICENCE_VIOLATION, licence=licence, licence_clause="A1") == {"licence": [reason]}


def test_an_unknown_licence_and_a_clause_of_another_licence():
    assert refusal(ReportKind.LICENCE_VIOLATION, licence="gpl-3.0") == {
        "licence": ["We do not act on this licence: choose one from our list of licences."]
    }
    assert refusal(ReportKind.LICENCE_VIOLATION, licence="mit", licence_clause="aup-3") == {
        "licence_clause": ["Choose a clause of this licence from the list."]
    }
    assert refusal(ReportKind.LICENCE_VIOLATION, licence_clause=None) == {
        "licence_clause": ["Choose the clause that is broken."]
    }


def test_the_form_names_each_clause_with_its_licence_and_a_clause_of_another_licence_is_never_guessed():
    # Apache 2.0 and CreativeML both have a §4(a), saying different things: the form's value says which.
    assert refusal(ReportKind.LICENCE_VIOLATION, licence="creativeml-openrail-m", licence_clause="apache-2.0:4a") == {
        "licence_clause": ["This clause belongs to another licence: choose one under the licence you chose."]
    }
    data = load(
        ReportKind.LICENCE_VIOLATION, licence="creativeml-openrail-m", licence_clause="creativeml-openrail-m:4a"
    )
    assert (data["licence"], data["licence_clause"]) == ("creativeml-openrail-m", "4a")
    groups = dict(kind_rules.clause_groups("apache-2.0", "apache-2.0:4a"))
    assert [(key, chosen) for key, _text, chosen in groups["Apache License 2.0"]][0] == ("apache-2.0:4a", True)
    assert not any(chosen for _key, _text, chosen in groups["CreativeML Open RAIL-M"])


def test_a_cited_licence_is_stored_as_the_registry_spells_it():
    data = load(ReportKind.LICENCE_VIOLATION, licence=" Llama2 ", licence_clause="2")
    assert (data["licence"], data["licence_clause"]) == ("llama2", "2")


def test_where_each_answer_goes():
    data = load(ReportKind.INTELLECTUAL_PROPERTY)
    assert kind_rules.column_answers(data) == {
        "kind": "intellectual_property",
        "abuse_type": None,
        "information_type": None,
        "reporter_role": "self",
        "notice_type": "DMCA",
        "good_faith": True,
        "licence": None,
        "licence_clause": None,
        "use_rule": None,
    }
    assert kind_rules.sealed_content(data, ("title",)) == {
        "title": "A model does something wrong",
        "risk": None,
        "work": "My song, at https://music.example.org/song",
        "rights_holder": "Example Records",
        "rule_reference": None,
    }
    # What a caller builds without a kind (the demo seed, an old script) is a general report.
    assert kind_rules.column_answers({})["kind"] == "general" and kind_rules.column_answers({})["good_faith"] is False
