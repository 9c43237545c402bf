"""The licence registry: the built-in licences, their SPDX ids and clauses, and an operator's file."""

from __future__ import annotations

import pytest

from core.settings import ConfigError
from incidents.registry import licences
from incidents.registry.licence_data import BUILT_IN


def test_the_seed_holds_the_identifiers_cards_use_with_spdx_ids_where_spdx_has_them():
    spdx = {licence.id: licence.spdx for licence in BUILT_IN}
    assert spdx == {
        "apache-2.0": "Apache-2.0",
        "mit": "MIT",
        "openrail": None,
        "creativeml-openrail-m": None,
        "llama2": None,
        "llama3": None,
        "gemma": None,
        "other": None,
    }


def test_vague_licences_are_not_actionable_and_say_why():
    registry = licences.load()
    assert [lid for lid, licence in registry.items() if not licence.actionable] == ["openrail", "other"]
    assert "family" in registry["openrail"].vague
    assert licences.citation_problem("other", None).startswith("'other' names no licence")


def test_clauses_have_unique_ids_within_each_licence():
    for licence in BUILT_IN:
        ids = [clause.id for clause in licence.clauses]
        assert len(ids) == len(set(ids)), licence.id


def test_clause_ids_of_the_licences_with_use_restrictions():
    registry = licences.load()
    assert [c.id for c in registry["llama3"].clauses] == [
        "1.b.i", "1.b.iii", "1.b.v", "2", "aup-1", "aup-2", "aup-3", "aup-4",
    ]  # fmt: skip
    assert [c.id for c in registry["creativeml-openrail-m"].clauses][:4] == ["4a", "4b", "4c", "4d"]
    assert registry["creativeml-openrail-m"].clause("A2").summary == "Exploiting or harming minors, or trying to."
    assert registry["apache-2.0"].clause("4d").reference == "§4(d)"


def test_find_ignores_case_and_spaces():
    assert licences.find(" Apache-2.0 ").id == "apache-2.0"
    assert licences.find("gpl-3.0") is None
    assert licences.find("") is None


def test_citation_problems():
    assert licences.citation_problem("llama2", "aup-3") is None
    assert licences.citation_problem("llama2", "9.z") == "Choose a clause of this licence from the list."
    assert licences.citation_problem("llama2", None) == "Choose a clause of this licence from the list."
    assert licences.citation_problem("gpl-3.0", "1").startswith("We do not act on this licence")
    assert licences.citation_problem("openrail", "A1") == licences.find("openrail").vague


def test_an_operator_file_adds_and_replaces_licences(tmp_path):
    path = tmp_path / "licences.toml"
    path.write_text(
        """
[[licence]]
id = "Falcon-LLM"
name = "TII Falcon LLM License"
url = "https://example.org/falcon"
  [[licence.clause]]
  id = "9.1"
  reference = "§9.1"
  summary = "Attribution missing."

[[licence]]
id = "other"
name = "Other"
vague = "Tell us which licence."
""",
        encoding="utf-8",
    )
    registry = licences.load(path)
    assert registry["falcon-llm"].clause("9.1").summary == "Attribution missing."
    assert registry["falcon-llm"].actionable
    assert registry["other"].vague == "Tell us which licence."
    assert list(registry)[:2] == ["apache-2.0", "mit"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[licence]]\nname = 'x'\nvague = 'y'\n", "'id' must be text"),
        ("[[licence]]\nid = 'x'\nname = 'x'\n", "give its clauses"),
        ("[[licence]]\nid = 'x'\nname = 'x'\n[[licence.clause]]\nid = '1'\nreference = 'r'\n", "'summary'"),
        (
            "[[licence]]\nid = 'x'\nname = 'x'\n"
            "[[licence.clause]]\nid = '1'\nreference = 'r'\nsummary = 's'\n"
            "[[licence.clause]]\nid = '1'\nreference = 'r'\nsummary = 's'\n",
            "two clauses share an id",
        ),
        ("licence = 3\n", "[[licence]] table"),
        ("[[licence]\n", "LICENCE_REGISTRY_FILE"),
    ],
)
def test_a_broken_operator_file_is_a_config_error_naming_the_entry(tmp_path, text, message):
    path = tmp_path / "licences.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("'", "'")):
        licences.load(path)


def test_a_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="LICENCE_REGISTRY_FILE"):
        licences.load(tmp_path / "absent.toml")
