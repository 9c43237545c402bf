"""Every class a template uses has a rule in our own stylesheets, so no component is left unstyled.

The templates' class attributes are read as text: Jinja tags (`{% if %}…{% endif %}`) are dropped and the
classes they add count as used; a class built from an expression (`deadline-{{ state }}`) counts once for
each value the expression can take, listed below.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.tasks import JobState
from incidents.models import Author, ReportStatus

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
STYLESHEETS = sorted((ROOT / "static" / "css").glob("*.css"))  # site.css and the pages' own sheets

# The values a class built from an expression can take, by the literal text before the expression.
DEADLINE_STATES = ["overdue", "at_risk", "due", "met", "met_late", "waiting"]  # countdown() and Clock.state()
DYNAMIC = {
    "deadline-": DEADLINE_STATES,
    "status-": [s.value for s in ReportStatus],
    "message-": [a.value for a in Author],
    "job-": [s.value for s in JobState],
    "flash-": ["success", "error", "info"],  # the categories flash() is called with
}

CLASS_ATTRIBUTE = re.compile(r'\bclass="([^"]*)"')
JINJA_TAG = re.compile(r"{%.*?%}", re.S)
JINJA_EXPRESSION = re.compile(r"{{.*?}}", re.S)


def class_tokens(value: str) -> set[str]:
    """Return the class names a template's class attribute can produce."""
    value = JINJA_TAG.sub(" ", value)
    names: set[str] = set()
    for token in re.findall(r"(?:[^\s{]|{{.*?}})+", value):
        expression = JINJA_EXPRESSION.search(token)
        if expression is None:
            names.add(token)
            continue
        prefix = token[: expression.start()]
        if prefix in DYNAMIC and not token[expression.end() :]:
            names.update(prefix + choice for choice in DYNAMIC[prefix])
        elif not prefix:  # a whole expression: the string literals it can give
            names.update(n for s in re.findall(r"'([^']*)'", expression.group()) for n in s.split())
        else:
            raise AssertionError(f"Add the values of {token!r} to DYNAMIC in this test")
    return names


def used_classes() -> dict[str, set[str]]:
    used: dict[str, set[str]] = {}
    for path in sorted(TEMPLATES.rglob("*.html")):
        for value in CLASS_ATTRIBUTE.findall(path.read_text(encoding="utf-8")):
            for name in class_tokens(value):
                used.setdefault(name, set()).add(str(path.relative_to(TEMPLATES)))
    return used


def styled_classes() -> set[str]:
    """Return every class named in a selector of our stylesheets (comments and declarations ignored)."""
    names: set[str] = set()
    for sheet in STYLESHEETS:
        if not sheet.exists():
            continue
        css = re.sub(r"/\*.*?\*/", "", sheet.read_text(encoding="utf-8"), flags=re.S)
        for prelude in re.findall(r"([^{}]+){", css):
            names.update(re.findall(r"\.(-?[A-Za-z_][\w-]*)", prelude))
    return names


def test_the_class_reader_handles_conditions_and_expressions():
    assert class_tokens("field{% if errors %} field-error{% endif %}") == {"field", "field-error"}
    assert class_tokens("deadline deadline-{{ c[0] }}") == {"deadline"} | {f"deadline-{s}" for s in DEADLINE_STATES}
    assert class_tokens("{{ 'print-view' if print_view else '' }}") == {"print-view"}
    with pytest.raises(AssertionError, match="DYNAMIC"):
        class_tokens("colour-{{ c }}")


def test_the_selector_reader_finds_classes_and_skips_numbers_and_declarations():
    assert ".5rem" not in styled_classes() and "5rem" not in styled_classes()
    assert {"deadline-overdue", "lifecycle", "panel", "history"} <= styled_classes()


def test_every_class_used_in_a_template_has_a_rule():
    used = used_classes()
    assert len(used) > 60  # the reader found the templates' classes, not nothing
    missing = {name: sorted(paths) for name, paths in used.items() if name not in styled_classes()}
    assert missing == {}
