"""AIID's taxonomies as data, the rules a value meets, and the staff form's reading, without app or database."""

import json

import pytest
from werkzeug.datastructures import MultiDict

from incidents.cases.classification_form import read_form, shown_values
from incidents.cases.taxonomy import TAXONOMY_DIR, Kind, problems_of, taxonomies, value_problem

CSET, GMF, MIT = (taxonomies()[name] for name in ("CSETv1", "GMF", "MIT"))
AIID_COMMIT = "638678f2a065b264df21b5003a9bdd6c04b11f56"


def test_each_data_file_names_the_repository_commit_and_files_it_came_from():
    for path in sorted(TAXONOMY_DIR.glob("*.json")):
        source = json.loads(path.read_text(encoding="utf-8"))["source"]
        assert source["repository"] == "responsible-ai-collaborative/aiid"
        assert source["commit"] == AIID_COMMIT
        assert "site/gatsby-site/playwright/seeds/aiidprod/taxa.ts" in source["files"]
        assert source["license"] == "Apache-2.0"
    assert list(taxonomies()) == ["CSETv1", "GMF", "MIT"]


def test_the_vocabulary_is_aiids_written_out_by_hand():
    """A few fields pinned by hand from taxa.ts at the commit above, so a slip in the data files shows."""
    harm = CSET.by_name["AI Harm Level"]
    assert (harm.kind, harm.field_number, harm.section) == (Kind.ENUM, "3.5", "AI Tangible Harm Assessment")
    assert harm.permitted == (
        "AI tangible harm event",
        "AI tangible harm near-miss",
        "AI tangible harm issue",
        "none",
        "unclear",
    )
    assert CSET.by_name["Autonomy Level"].permitted == ("Autonomy1", "Autonomy2", "Autonomy3", "unclear")
    assert CSET.by_name["Lives Lost"].kind is Kind.INT and CSET.by_name["Injuries"].kind is Kind.INT
    assert CSET.by_name["Harmed Class of Entities"].kind is Kind.BOOL
    assert CSET.by_name["Sector of Deployment"].kind is Kind.MULTI
    assert len(CSET.by_name["Sector of Deployment"].permitted) == 25
    assert "nuclear  " in CSET.by_name["Infrastructure Sectors"].permitted  # AIID's own spelling, spaces and all
    assert CSET.by_name["Intentional Harm"].permitted[2] == "No. Not intentionally designed to perform harm"
    assert "Annotator’s AI special interest intangible harm assessment" in CSET.by_name
    assert {"Annotator", "Annotation Status", "Entities", "Location City"}.isdisjoint(CSET.by_name)
    assert [a.short_name for a in GMF.attributes] == [
        "Known AI Goal",
        "Potential AI Goal",
        "Known AI Technology",
        "Potential AI Technology",
        "Known AI Technical Failure",
        "Potential AI Technical Failure",
    ]
    assert {a.kind for a in GMF.attributes} == {Kind.LIST}
    assert [a.short_name for a in MIT.attributes] == ["Risk Domain", "Risk Subdomain", "Entity", "Timing", "Intent"]
    assert MIT.by_name["Entity"].permitted == ("Human", "AI", "Other")
    assert MIT.by_name["Intent"].permitted == ("Intentional", "Unintentional", "Other")
    assert MIT.by_name["Timing"].permitted == ("Pre-deployment", "Post-deployment", "Other")
    assert MIT.by_name["Risk Domain"].permitted[0] == "1. Discrimination and Toxicity"
    assert len(MIT.by_name["Risk Domain"].permitted) == 7 and len(MIT.by_name["Risk Subdomain"].permitted) == 23
    assert MIT.by_name["Risk Subdomain"].permitted[-1] == "7.5. AI welfare and rights"


def test_form_keys_are_unique_on_the_page():
    keys = [a.key for t in taxonomies().values() for a in t.attributes]
    assert len(keys) == len(set(keys))
    # 3.3 and 5.3 differ only in a capital letter; their keys still differ.
    assert CSET.by_name["Clear link to technology"].key != CSET.by_name["Clear link to Technology"].key


@pytest.mark.parametrize(
    "name, value",
    [
        ("AI Harm Level", "AI tangible harm event"),
        ("Sector of Deployment", ["manufacturing", "Education"]),
        ("Sector of Deployment", []),
        ("Harmed Class of Entities", False),
        ("Lives Lost", 0),
        ("Injuries", 2**31 - 1),
    ],
)
def test_good_values_pass(name, value):
    assert value_problem(CSET.by_name[name], value) is None


@pytest.mark.parametrize(
    "name, value",
    [
        ("AI Harm Level", "catastrophic"),  # not a permitted value
        ("AI Harm Level", "none "),
        ("AI Harm Level", ["none"]),  # wrong type
        ("Sector of Deployment", ["manufacturing", "piracy"]),  # not a subset
        ("Sector of Deployment", ["manufacturing", "manufacturing"]),
        ("Sector of Deployment", "manufacturing"),  # wrong type
        ("Harmed Class of Entities", "yes"),
        ("Harmed Class of Entities", 1),
        ("Lives Lost", True),
        ("Lives Lost", "3"),
        ("Lives Lost", -1),
        ("Lives Lost", 2**31),
        ("Lives Lost", 1.5),
    ],
)
def test_bad_values_are_refused(name, value):
    assert value_problem(CSET.by_name[name], value)


@pytest.mark.parametrize(
    "value, ok",
    [
        (["Question Answering", "Chatbot"], True),
        (["x" * 200], True),
        (["x" * 201], False),
        ([""], False),
        (["two  spaces"], False),
        (["Chatbot", "Chatbot"], False),
        ([f"goal {n}" for n in range(31)], False),
        ("Chatbot", False),
        ([3], False),
    ],
)
def test_gmf_labels(value, ok):
    assert (value_problem(GMF.by_name["Known AI Goal"], value) is None) is ok


def test_stored_values_with_an_unknown_field_are_refused():
    assert problems_of(MIT, {"Entity": "AI", "Severity": "high"}) == {"Severity": "This field is not in the taxonomy."}


def form(taxonomy, **fields) -> MultiDict:
    by_name = {a.short_name: a.key for a in taxonomy.attributes}
    data = MultiDict()
    for name, value in fields.items():
        key = by_name.get(name.replace("_", " "), name)
        for item in value if isinstance(value, list) else [value]:
            data.add(key, item)
    return data


def test_read_form_turns_fields_into_values_and_leaves_blanks_unset():
    sent = form(
        CSET,
        version="3",
        notes="  checked  ",
        publish="1",
        **{
            "AI Harm Level": "none",
            "Lives Lost": " 12 ",
            "Injuries": "",
            "Harmed Class of Entities": "no",
            "Estimated Harm Quantities": "",
            "Infrastructure Sectors": ["nuclear  ", "energy", ""],
            "Location Region": "",
        },
    )
    result = read_form(CSET, sent)
    assert result.errors == {}
    assert result.values == {
        "AI Harm Level": "none",
        "Lives Lost": 12,
        "Harmed Class of Entities": False,
        "Infrastructure Sectors": ["nuclear  ", "energy"],
    }
    assert (result.version, result.notes, result.publish) == (3, "  checked  ", True)
    again = shown_values(CSET, result.values, notes=result.notes, publish=True, version=3)
    assert read_form(CSET, MultiDict(_flatten(again))).values == result.values


def _flatten(shown: dict) -> list[tuple[str, str]]:
    pairs = []
    for key, value in shown.items():
        name = key.split("--")[1] if "--" in key else key
        pairs += [(name, v) for v in value] if isinstance(value, list) else [(name, value)]
    return pairs


def test_read_form_keeps_what_was_typed_and_says_what_is_wrong():
    sent = form(MIT, version="0", **{"Entity": "Robot", "Timing": "Other"})
    sent.add("mit-intent", "x" * 100_000)
    result = read_form(MIT, sent)
    assert result.values == {"Timing": "Other"}
    assert result.errors == {
        "mit-entity": ["Choose one of the listed values."],
        "mit-intent": ["Choose one of the listed values."],
    }
    assert result.shown["mit-entity"] == "Robot"


@pytest.mark.parametrize("version", [None, "", "-1", "1.5", "99999999999999999999", "one"])
def test_read_form_needs_a_sensible_version(version):
    sent = MultiDict({"mit-entity": "AI"} | ({} if version is None else {"version": version}))
    assert "mit--version" in read_form(MIT, sent).errors


def test_gmf_labels_are_one_per_line_with_spaces_tidied():
    result = read_form(
        GMF, form(GMF, version="0", **{"Known AI Technology": " Transformer \r\n\r\nLanguage  Modeling"})
    )
    assert result.values == {"Known AI Technology": ["Transformer", "Language Modeling"]}
