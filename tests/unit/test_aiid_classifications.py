"""AIID `classifications` documents: the shape its database keeps, pinned by hand, and the check on them."""

import copy

import pytest

from exports.aiid import Problem
from exports.aiid_classifications import build_classifications, check_classification, classification_document
from incidents.cases.classify import Classification
from incidents.cases.taxonomy import taxonomies

CSET, GMF, MIT = (taxonomies()[name] for name in ("CSETv1", "GMF", "MIT"))
TAG = "3f1c0a9e27b4d85c6e0f1a2b"  # what the writer passes: our identifier of the incident


def test_a_mit_document_matches_aiids_seed_document():
    """playwright/seeds/aiidprod/classifications.ts (638678f2) holds a MIT document with these value_json strings."""
    classification = Classification(
        namespace="MIT",
        attributes={
            "Intent": "Unintentional",
            "Risk Subdomain": "1.1. Unfair discrimination and misrepresentation",
            "Entity": "AI",
            "Risk Domain": "1. Discrimination and Toxicity",
            "Timing": "Post-deployment",
        },
        notes="staff notes stay here",
        publish=True,
    )
    assert classification_document(classification, identifier=TAG) == {
        "namespace": "MIT",
        "attributes": [
            {"short_name": "Risk Domain", "value_json": '"1. Discrimination and Toxicity"'},
            {"short_name": "Risk Subdomain", "value_json": '"1.1. Unfair discrimination and misrepresentation"'},
            {"short_name": "Entity", "value_json": '"AI"'},
            {"short_name": "Timing", "value_json": '"Post-deployment"'},
            {"short_name": "Intent", "value_json": '"Unintentional"'},
        ],
        "incidents": [],
        "reports": [],
        "notes": TAG,
        "publish": True,
    }


def test_a_cset_document_writes_each_kind_as_json_stringify_does():
    classification = Classification(
        namespace="CSETv1",
        attributes={
            "Lives Lost": 0,
            "Harm Distribution Basis": ["age", "disability"],
            "Harmed Class of Entities": False,
            "AI Harm Level": "AI tangible harm issue",
            "Infrastructure Sectors": ["nuclear  "],
        },
        notes="",
        publish=False,
    )
    assert classification_document(classification, identifier=TAG)["attributes"] == [
        {"short_name": "AI Harm Level", "value_json": '"AI tangible harm issue"'},
        {"short_name": "Harm Distribution Basis", "value_json": '["age","disability"]'},
        {"short_name": "Harmed Class of Entities", "value_json": "false"},
        {"short_name": "Infrastructure Sectors", "value_json": '["nuclear  "]'},
        {"short_name": "Lives Lost", "value_json": "0"},
    ]


def test_a_gmf_document_keeps_non_ascii_labels_as_they_are():
    classification = Classification("GMF", {"Known AI Goal": ["Question Answering", "Reconocimiento facial"]}, "", True)
    doc = classification_document(classification, identifier=TAG)
    # The seed's GMF document writes ["Question Answering"] the same way: no spaces after commas.
    assert doc["attributes"] == [
        {"short_name": "Known AI Goal", "value_json": '["Question Answering","Reconocimiento facial"]'}
    ]
    accented = Classification("GMF", {"Known AI Technology": ["Détection d’objets"]}, "", True)
    assert classification_document(accented, identifier=TAG)["attributes"][0]["value_json"] == '["Détection d’objets"]'
    assert check_classification(doc, GMF) == []


def good_doc() -> dict:
    return classification_document(
        Classification("MIT", {"Entity": "Human", "Intent": "Intentional"}, "", True), identifier=TAG
    )


def test_a_good_document_passes():
    assert check_classification(good_doc(), MIT) == []


def changed(path: str, value) -> dict:
    doc = copy.deepcopy(good_doc())
    target = doc
    *parents, last = path.split(".")
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    target[int(last) if isinstance(target, list) else last] = value
    return doc


@pytest.mark.parametrize(
    "doc, field",
    [
        (changed("incidents", [17]), "incidents"),  # AIID numbers incidents, never us
        (changed("reports", [17001]), "reports"),
        (changed("namespace", "CSETv1"), "namespace"),
        (changed("notes", ""), "notes"),
        (changed("publish", "yes"), "publish"),
        (changed("attributes", []), "attributes"),  # build_classifications leaves these out before checking
        (changed("attributes.0.short_name", "Severity"), "attributes"),
        (changed("attributes.0.value_json", '"Robot"'), "Entity"),  # not a permitted value
        (changed("attributes.0.value_json", '["Human"]'), "Entity"),  # wrong type
        (changed("attributes.0.value_json", '"Human'), "Entity"),  # not JSON
        (changed("attributes.0.value_json", '"\\u0048uman"'), "Entity"),  # JSON, but not as JSON.stringify writes it
        (changed("attributes.1.short_name", "Entity"), "Entity"),  # twice
        (changed("attributes.0", {"short_name": "Entity"}), "attributes"),
    ],
)
def test_a_bad_document_is_held_back(doc, field):
    problems = check_classification(doc, MIT)
    assert problems and field in {p.field for p in problems}, problems


def test_a_document_with_a_key_of_its_own_is_held_back():
    doc = good_doc() | {"_id": "64c27aef6bd9217f29557f14"}
    assert check_classification(doc, MIT) == [
        Problem(
            "classification", "must have exactly the keys namespace, attributes, incidents, reports, notes, publish"
        )
    ]


def test_a_multi_value_outside_the_permitted_ones_is_held_back():
    doc = classification_document(
        Classification("CSETv1", {"Sector of Deployment": ["Education", "piracy"]}, "", True), identifier=TAG
    )
    assert check_classification(doc, CSET) == [Problem("Sector of Deployment", "Choose only listed values, each once.")]


def test_build_classifications_passes_good_ones_and_names_the_bad():
    good = Classification("MIT", {"Entity": "AI"}, "", True)
    bad = Classification("CSETv1", {"Lives Lost": -2, "Annotator": "someone"}, "", True)
    empty = Classification("GMF", {}, "", True)  # every field cleared: nothing to send, nothing to hold back
    unknown = Classification("CSETv0", {"Harm Type": "x"}, "", True)
    documents, problems = build_classifications([bad, empty, good, unknown], identifier=TAG)
    assert documents == [classification_document(good, identifier=TAG)]
    assert problems == [
        Problem("CSETv1 Lives Lost", "Enter a whole number from 0 to 2147483647."),
        Problem("CSETv1 attributes", "'Annotator' is not a field of CSETv1"),  # unknown fields come last
        Problem("namespace", "'CSETv0' is not a taxonomy we export"),
    ]
