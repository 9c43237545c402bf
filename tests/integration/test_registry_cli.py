"""flask --app wsgi registry check-card: its output and its three exit statuses."""

from __future__ import annotations

from pathlib import Path

CARDS = Path(__file__).resolve().parents[1] / "fixtures" / "cards"


def test_a_complete_card_passes_with_exit_0(runner):
    result = runner.invoke(args=["registry", "check-card", str(CARDS / "complete.md")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "PASS  Intended uses: Found, with enough text."
    assert "PASS  Evaluation and metrics: Found in the card's metadata." in lines
    assert "PASS  Recommendations for downstream use (optional): Found, with enough text." in lines
    assert lines[-1] == "Every required item passes."


def test_the_template_card_fails_required_items_with_exit_1(runner):
    result = runner.invoke(args=["registry", "check-card", str(CARDS / "template.md")])
    assert result.exit_code == 1, result.output
    assert "FAIL  Out-of-scope uses: Only the template's placeholder text." in result.output
    assert "PASS  Licence: Found in the card's metadata." in result.output
    assert result.output.splitlines()[-1] == "6 required item(s) fail."


def test_a_short_section_names_the_minimum(runner, tmp_path):
    path = tmp_path / "README.md"
    path.write_text("---\nlicense: mit\n---\n## Direct Use\nChat.\n", encoding="utf-8")
    result = runner.invoke(args=["registry", "check-card", str(path)])
    assert result.exit_code == 1
    assert "FAIL  Intended uses: Too short: at least 40 characters of real text are needed." in result.output


def test_unreadable_files_and_cards_without_a_good_header_exit_2(runner, tmp_path):
    missing = runner.invoke(args=["registry", "check-card", str(tmp_path / "nope.md")])
    assert missing.exit_code == 2 and "Cannot read" in missing.output and "No such file" in missing.output
    folder = runner.invoke(args=["registry", "check-card", str(tmp_path)])
    assert folder.exit_code == 2 and "Cannot read" in folder.output
    no_yaml = runner.invoke(args=["registry", "check-card", str(CARDS / "no_yaml.md")])
    assert no_yaml.exit_code == 2 and "has no YAML header" in no_yaml.output
    broken = runner.invoke(args=["registry", "check-card", str(CARDS / "broken_yaml.md")])
    assert broken.exit_code == 2 and "broken near line 4" in broken.output
    binary = tmp_path / "card.md"
    binary.write_bytes(b"\xff\xfe\x00")
    assert runner.invoke(args=["registry", "check-card", str(binary)]).exit_code == 2
