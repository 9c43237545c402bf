"""The licence ground of an enforcement action: the form cites a clause the licence registry acts on, or nothing."""

import pytest
from marshmallow import ValidationError

from incidents.enforcement import licence_ground
from incidents.enforcement.schemas import EnforcementSchema

FORM = {
    "action_type": "takedown",
    "target_kind": "model",
    "target": "quill-diffusion-xl",
    "detection": "manual",
    "decision": "manual",
    "decided_on": "2020-06-01",
}


def load(**fields) -> dict:
    return EnforcementSchema().load({**FORM, **fields})


def errors(**fields) -> dict:
    with pytest.raises(ValidationError) as refused:
        load(**fields)
    return refused.value.normalized_messages()


def test_a_licence_ground_reads_the_licence_and_clause_and_may_leave_the_reference_empty():
    data = load(ground_type="licence", licence_citation="llama2:aup-3")
    assert (data["licence_id"], data["licence_clause"], data["ground_reference"]) == ("llama2", "aup-3", "")
    assert "licence_citation" not in data


def test_a_licence_ground_needs_a_clause():
    assert errors(ground_type="licence") == {
        "licence_citation": ["Choose the clause of the licence that the action enforces."]
    }
    assert errors(ground_type="licence", licence_citation="llama2:") == {
        "licence_citation": ["Choose a clause of this licence from the list."]
    }


def test_a_vague_licence_is_refused_with_its_reason():
    message = errors(ground_type="licence", licence_citation="openrail:")["licence_citation"][0]
    assert message.startswith("'openrail' names the family of Open RAIL licences, not one licence.")
    other = errors(ground_type="licence", licence_citation="other:A1")["licence_citation"][0]
    assert other.startswith("'other' names no licence")


def test_an_unknown_clause_or_licence_is_refused():
    assert errors(ground_type="licence", licence_citation="llama2:9.z") == {
        "licence_citation": ["Choose a clause of this licence from the list."]
    }
    assert errors(ground_type="licence", licence_citation="gpl-3.0:1") == {
        "licence_citation": ["We do not act on this licence: choose one from our list of licences."]
    }
    assert "licence_citation" in errors(ground_type="licence", licence_citation="x" * 201)


def test_other_grounds_cite_no_licence_and_name_their_law_or_policy():
    only = "Only an action on the licence ground cites a licence clause: choose that ground, or leave the clause empty."
    assert errors(ground_type="policy", ground_reference="AUP §3.2", licence_citation="llama2:aup-3") == {
        "licence_citation": [only]
    }
    assert errors(ground_type="law") == {"ground_reference": ["Name the law or the policy, with the clause."]}
    data = load(ground_type="law", ground_reference="DSA Art. 16")
    assert (data["licence_id"], data["licence_clause"]) == (None, None)
    assert errors(ground_type="treaty", ground_reference="x y") == {"ground_type": ["Choose law, policy or licence."]}


def test_form_values_split_at_the_registry_id():
    assert licence_ground.split("creativeml-openrail-m:A1") == ("creativeml-openrail-m", "A1")
    assert licence_ground.split("apache-2.0:4a") == ("apache-2.0", "4a")
    assert licence_ground.split("no-such:1:2") == ("no-such", "1:2")
    assert licence_ground.split("nothing") == ("nothing", "")


def test_a_citation_names_the_licence_and_the_clause_reference():
    cited = licence_ground.citation("llama2", "aup-3")
    assert cited.reference == "Llama 2 Community License Agreement, Acceptable Use Policy §3"
    assert cited.value == "llama2:aup-3"
    assert licence_ground.citation("gemma", "3.2").reference == "Gemma Terms of Use, §3.2"
    assert licence_ground.citation("llama2", "9.z") is None and licence_ground.citation("gpl-3.0", "1") is None


def test_the_form_offers_the_actionable_licences_and_shows_the_vague_apart():
    choices = licence_ground.choices()
    assert [licence.id for licence, _ in choices.actionable] == [
        "apache-2.0", "mit", "creativeml-openrail-m", "llama2", "llama3", "gemma",
    ]  # fmt: skip
    assert [licence.id for licence in choices.vague] == ["openrail", "other"]
    apache, citations = choices.actionable[0]
    assert apache.id == "apache-2.0"
    assert [c.value for c in citations] == ["apache-2.0:4a", "apache-2.0:4b", "apache-2.0:4c", "apache-2.0:4d"]
