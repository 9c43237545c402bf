"""Reading model cards and the automatic documentation check: pure code, on cards shaped like real ones."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from incidents.registry.cards import CardError, decode_card, normal_heading, parse_card, sections_of
from incidents.registry.checklist import CHECKLIST, Reason, check_card, real_text, required_failures

CARDS = Path(__file__).resolve().parents[1] / "fixtures" / "cards"


def card(name: str) -> str:
    return (CARDS / name).read_text(encoding="utf-8")


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("a model card was read over the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_a_complete_card_is_read_with_sockets_blocked(no_network):
    parsed = parse_card(card("complete.md"))
    assert parsed.licence == "apache-2.0"
    assert parsed.base_models == ["mistralai/Mistral-7B-v0.1"]
    assert parsed.datasets == ["HuggingFaceH4/ultrachat_200k", "HuggingFaceH4/ultrafeedback_binarized"]
    assert parsed.eval_results == [
        {
            "task": "Text Generation",
            "dataset": "AI2 Reasoning Challenge (25-Shot)",
            "metric": "normalized accuracy",
            "value": "62.03",
        },
        {"task": "Text Generation", "dataset": "MT-Bench", "metric": "score", "value": "7.34"},
    ]
    assert [s.heading for s in parsed.sections][:4] == [
        "Model Card for Helpdesk-7B-DPO",
        "Model Details",
        "Model Description",
        "Model Sources",
    ]
    assert {r.item.id: (r.passed, r.reason) for r in check_card(parsed)} == {
        "intended_uses": (True, Reason.FOUND),
        "out_of_scope": (True, Reason.FOUND),
        "training_data": (True, Reason.FOUND),
        "evaluation": (True, Reason.METADATA),
        "bias_risks": (True, Reason.FOUND),
        "recommendations": (True, Reason.FOUND),
        "licence": (True, Reason.METADATA),
        "contact": (True, Reason.FOUND),
    }


def test_the_template_output_is_placeholders_but_the_licence(no_network):
    results = check_card(parse_card(card("template.md")))
    assert [(r.item.id, r.result, r.reason.value) for r in results] == [
        ("intended_uses", "fail", "placeholder"),
        ("out_of_scope", "fail", "placeholder"),
        ("training_data", "fail", "placeholder"),
        ("evaluation", "fail", "placeholder"),
        ("bias_risks", "fail", "placeholder"),
        ("recommendations", "fail", "placeholder"),
        ("licence", "pass", "metadata"),
        ("contact", "fail", "placeholder"),
    ]
    assert [r.item.id for r in required_failures(results)] == [
        "intended_uses",
        "out_of_scope",
        "training_data",
        "evaluation",
        "bias_risks",
        "contact",
    ]


def test_cards_without_a_header_or_with_a_broken_one_are_refused(no_network):
    with pytest.raises(CardError, match="no YAML header"):
        parse_card(card("no_yaml.md"))
    with pytest.raises(CardError, match="broken near line 4"):
        parse_card(card("broken_yaml.md"))
    with pytest.raises(CardError, match="list of keys and values"):
        parse_card("---\n- one\n- two\n---\n# Body\n")
    with pytest.raises(CardError, match="list of keys and values"):
        parse_card("---\n1: numeric key\n---\n# Body\n")
    with pytest.raises(CardError, match="broken"):
        parse_card("---\nx: " + "[" * 5000 + "\n---\n# Deep\n")


def test_decoding_refuses_what_is_not_a_small_utf8_text():
    with pytest.raises(CardError, match="too large"):
        decode_card(b"a" * (200 * 1024 + 1))
    with pytest.raises(CardError, match="not UTF-8"):
        decode_card("licence: ñ".encode("latin-1"))
    with pytest.raises(CardError, match="NUL"):
        decode_card(b"---\na: b\n---\n\x00")
    with pytest.raises(CardError, match="empty"):
        decode_card(b"  \n ")
    assert decode_card("\ufeff---\r\nlicense: mit\r\n---\r\n".encode()) == "---\nlicense: mit\n---\n"


def test_odd_metadata_is_cut_to_plain_strings():
    parsed = parse_card(
        "---\nlicense: [mit, apache-2.0]\nbase_model:\n  - org/a\n  - org/a\n  - {nested: map}\n  - 2024-01-01\n"
        "datasets: one/set\nmodel-index: not a list\n---\n# X\n"
    )
    assert parsed.licence == ""  # a list is not a licence identifier
    assert parsed.base_models == ["org/a"]
    assert parsed.datasets == ["one/set"]
    assert parsed.eval_results == []
    assert parsed.as_data()["base_model"] == ["org/a"]


def test_licence_other_needs_a_name_or_a_link():
    by_id = {r.item.id: r for r in check_card(parse_card("---\nlicense: other\n---\n"))}
    assert (by_id["licence"].passed, by_id["licence"].reason) == (False, Reason.UNNAMED)
    named = parse_card("---\nlicense: other\nlicense_name: acme-community\n---\n")
    assert {r.item.id: r.passed for r in check_card(named)}["licence"] is True


def test_sections_skip_code_fences_and_keep_subsections_out_of_the_heading_line():
    sections = sections_of("## Uses\nIntro\n### Direct Use\nChat\n```\n# not a heading\n```\n## Evaluation\nDone\n")
    assert [(s.heading, s.level) for s in sections] == [("Uses", 2), ("Direct Use", 3), ("Evaluation", 2)]
    assert sections[0].text == "Intro\nChat\n```\n# not a heading\n```"
    assert normal_heading("3.1 Out-of-Scope Use [optional]:") == "out-of-scope use"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("## Model Card Contact\n", Reason.EMPTY),
        ("## Model Card Contact\n<!-- Who to contact -->\n[More Information Needed]\n", Reason.PLACEHOLDER),
        ("## Model Card Contact\n@me\n", Reason.TOO_SHORT),
        ("## Contact\nsafety@example.org\n", Reason.FOUND),
        ("## Authors\nsafety@example.org\n", Reason.MISSING),
    ],
)
def test_the_contact_item_reasons(body, reason):
    contact = next(r for r in check_card(parse_card("---\nlicense: mit\n---\n" + body)) if r.item.id == "contact")
    assert contact.reason == reason


def test_real_text_drops_comments_filler_and_marks():
    assert real_text("<!-- hint -->\n- **Developed by:** [More Information Needed]\n") == "Developed by"


def test_every_item_has_a_place_to_look_and_a_minimum():
    assert len({item.id for item in CHECKLIST}) == 8
    for item in CHECKLIST:
        assert (item.headings or item.yaml_key) and item.min_length >= 2


def test_yaml_escapes_cannot_put_control_characters_in_a_value():
    parsed = parse_card('---\nlicense: "mit\\0"\nbase_model: ["org/a\\x07b"]\n---\n# Card\n')
    assert parsed.licence == "mit" and parsed.base_models == ["org/ab"]


@pytest.mark.real_clock  # a fresh interpreter, waited on: libfaketime breaks such waits in the run ahead
def test_the_library_reads_its_offline_settings_from_the_first_import():
    import subprocess
    import sys

    code = (
        "import os; os.environ.pop('HF_HUB_OFFLINE', None); os.environ['HF_HUB_DISABLE_TELEMETRY'] = '0'\n"
        "from incidents.registry.cards import parse_card\n"
        "parse_card('---\\nlicense: mit\\n---\\n# Card\\n')\n"
        "from huggingface_hub import constants\n"
        "print(constants.HF_HUB_OFFLINE, constants.HF_HUB_DISABLE_TELEMETRY)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.split() == ["True", "True"]


def results_of(body: str) -> dict[str, tuple[str, str]]:
    return {r.item.id: (r.result, r.reason.value) for r in check_card(parse_card("---\nlicense: mit\n---\n" + body))}


ENOUGH = "A sentence long enough to count as real documentation for this item, and then some."


def test_headings_as_real_cards_write_them():
    # Shapes from BERT's, Gemma's and Llama 2's cards, emoji and numbering, Setext and indented headings.
    body = (  # a Setext heading follows a blank line: after a paragraph line, CommonMark makes both the heading
        f"## Intended uses & limitations\n{ENOUGH}\n### Limitations and bias\n{ENOUGH}\n"
        f"## 📚 2) Training Dataset\n{ENOUGH}\n\n"
        f"Ethical Considerations and Limitations\n======================================\n{ENOUGH}\n"
        f"   ### 3 - Out-of-Scope Use\n{ENOUGH}\n\n"
        f"Benchmark Results\n-----------------\n{ENOUGH}\n"
        "## Contact Information\nsafety@example.org\n"
    )
    assert results_of(body) == {
        "intended_uses": ("pass", "found"),
        "out_of_scope": ("pass", "found"),
        "training_data": ("pass", "found"),
        "evaluation": ("pass", "found"),
        "bias_risks": ("pass", "found"),
        "recommendations": ("fail", "missing"),
        "licence": ("pass", "metadata"),
        "contact": ("pass", "found"),
    }


def test_only_the_ethical_considerations_heading_can_carry_bias_risks():
    body = f"## Intended uses\n{ENOUGH}\n\nEthical Considerations and Limitations\n===\n{ENOUGH}\n"
    assert results_of(body)["bias_risks"] == ("pass", "found")


def test_a_section_does_not_pass_on_another_items_sub_section():
    body = (
        "## Bias, Risks, and Limitations\n[More Information Needed]\n"
        f"### Recommendations\n{ENOUGH}\n"
        "## Model Card Authors\nJane Doe, the Aurora team\n"
    )
    found = results_of(body)
    assert found["bias_risks"] == ("fail", "placeholder") and found["recommendations"] == ("pass", "found")
    assert found["contact"] == ("fail", "missing")  # the card's authors are not a contact


@pytest.mark.parametrize(
    "marker",
    [
        "[More Information Needed]",
        "[More Information Needed](https://huggingface.co/docs/hub)",
        "[Needs More Information]",
    ],
)
def test_the_templates_markers_are_placeholders_with_or_without_a_link(marker):
    assert real_text(f"{marker}\n{marker}") == ""


def test_normal_headings_lose_numbering_emoji_and_marks():
    assert normal_heading("📚 2) Training Data:") == "training data"
    assert normal_heading("3.1 Out-of-Scope Use [optional]") == "out-of-scope use"
    assert normal_heading("**Contact.**") == "contact"
