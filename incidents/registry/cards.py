"""Reading a model card, Hugging Face's format (a YAML header, then Markdown), with huggingface_hub and no network.

`decode_card` turns uploaded bytes into text (size, UTF-8, no NUL); `parse_card` reads the text with
`huggingface_hub.ModelCard(text)`, never `ModelCard.load`, so no repository is fetched. Both raise
`CardError`, whose message is marked for translation and shown on the form or printed by the CLI.
What a card says is cut to plain strings and lists here, so odd YAML (dates, nested maps, aliases)
never reaches the database.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from core.schemas import N_

# Offline, before anything imports huggingface_hub: it reads these once, when it loads its constants, so
# setting them later (or only by default, where an operator's environment says otherwise) does nothing.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"

MAX_CARD_BYTES = 200 * 1024
MAX_BASE_MODELS = 20
MAX_NAME = 200
MAX_LIST = 50

HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$")  # ATX, indented by up to three spaces
SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")  # the line under a Setext heading: "===" level 1, "---" level 2
FENCE = re.compile(r"^\s*(```|~~~)")


class CardError(ValueError):
    """A card that cannot be read: `message` is a msgid, `params` its placeholders."""

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


@dataclass(frozen=True)
class Section:
    heading: str
    level: int
    # The section's own text first (heading ""), then each sub-section's own text under its heading, down to the
    # next heading of this level or above; headings themselves are left out.
    parts: tuple[tuple[str, str], ...] = ()

    @property
    def text(self) -> str:
        """Everything under the heading, sub-sections included."""
        return "\n".join(text for _heading, text in self.parts)


@dataclass(frozen=True)
class ParsedCard:
    licence: str = ""
    licence_name: str = ""
    licence_link: str = ""
    base_models: list[str] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)
    eval_results: list[dict[str, str]] = field(default_factory=list)
    sections: tuple[Section, ...] = ()

    def section(self, aliases: tuple[str, ...]) -> Section | None:
        """The first of `aliases` (most specific first) that the card has as a heading."""
        by_name = {normal_heading(s.heading): s for s in reversed(self.sections)}
        for alias in aliases:
            found = by_name.get(normal_heading(alias))
            if found is not None:
                return found
        return None

    def as_data(self) -> dict:
        """What was read, for `ModelRecord.card_data` (JSON)."""
        return {
            "license": self.licence,
            "license_name": self.licence_name,
            "license_link": self.licence_link,
            "base_model": list(self.base_models),
            "datasets": list(self.datasets),
            "eval_results": [dict(r) for r in self.eval_results],
            "headings": [s.heading for s in self.sections][:200],
        }


def normal_heading(text: str) -> str:
    """'### 3.1 Out-of-Scope Use [optional]:' -> 'out-of-scope use'; '📚 2) Training Data' -> 'training data'.

    Leading numbering, emoji and marks go (anything before the first letter), and trailing marks."""
    text = re.sub(r"\[optional\]", "", text, flags=re.IGNORECASE)
    text = re.sub(r"^[\W\d_]+", "", text.strip())
    return " ".join(text.strip(" :*_`.").lower().split())


def decode_card(raw: bytes) -> str:
    if len(raw) > MAX_CARD_BYTES:
        raise CardError(N_("The card is too large: at most %(limit)s KB."), limit=MAX_CARD_BYTES // 1024)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CardError(N_("The card is not UTF-8 text. Save it as UTF-8 Markdown and try again.")) from None
    return check_text(text)


def check_text(text: str) -> str:
    if len(text.encode("utf-8")) > MAX_CARD_BYTES:
        raise CardError(N_("The card is too large: at most %(limit)s KB."), limit=MAX_CARD_BYTES // 1024)
    if "\x00" in text:
        raise CardError(N_("The card holds a NUL character, so it is not a text file."))
    if not text.strip():
        raise CardError(N_("The card is empty."))
    return text.replace("\r\n", "\n")


def _model_card_class():
    from huggingface_hub import ModelCard  # offline: see the top of this module

    return ModelCard


def parse_card(text: str) -> ParsedCard:
    """Read a card's metadata and sections; refuse one without a YAML header or with a broken one."""
    import yaml
    from huggingface_hub.repocard import REGEX_YAML_BLOCK

    text = check_text(text)
    if not REGEX_YAML_BLOCK.search(text):
        raise CardError(
            N_("The card has no YAML header. A model card starts with a line '---', its metadata, and another '---'.")
        )
    try:
        card = _model_card_class()(text, ignore_metadata_errors=True)
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 2 if error.problem_mark else "?"
        raise CardError(N_("The card's YAML header is broken near line %(line)s."), line=line) from None
    except (yaml.YAMLError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
        raise CardError(N_("The card's YAML header is broken: it must be a list of keys and values.")) from None
    data = card.data
    return ParsedCard(
        licence=_text(data.license, 100),
        licence_name=_text(getattr(data, "license_name", None), 200),
        licence_link=_text(getattr(data, "license_link", None), 500),
        base_models=_names(data.base_model)[:MAX_BASE_MODELS],
        datasets=_names(data.datasets)[:MAX_LIST],
        eval_results=_eval_results(data.eval_results),
        sections=tuple(sections_of(card.text)),
    )


# C0 controls but tab and newline, and DEL: YAML's escapes ("\0") can put them in a value; no column takes them.
CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _text(value: object, limit: int) -> str:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return CONTROLS.sub("", str(value)).strip()[:limit]
    return ""


def _names(value: object) -> list[str]:
    items = value if isinstance(value, list) else [value]
    names = [_text(item, MAX_NAME) for item in items[:MAX_LIST]]
    return list(dict.fromkeys(name for name in names if name))


def _eval_results(results: object) -> list[dict[str, str]]:
    if not isinstance(results, list):
        return []
    rows = []
    for result in results[:100]:
        rows.append(
            {
                "task": _text(getattr(result, "task_name", None) or getattr(result, "task_type", None), 200),
                "dataset": _text(getattr(result, "dataset_name", None) or getattr(result, "dataset_type", None), 200),
                "metric": _text(getattr(result, "metric_name", None) or getattr(result, "metric_type", None), 200),
                "value": _text(getattr(result, "metric_value", None), 100),
            }
        )
    return rows


def _headings(lines: list[str]) -> list[tuple[int, int, str, int]]:
    """(first line, level, title, lines it takes) of each ATX or Setext heading outside fenced code."""
    found: list[tuple[int, int, str, int]] = []
    fenced = False
    for index, line in enumerate(lines):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        if match := HEADING.match(line):
            found.append((index, len(match.group(1)), match.group(2).strip(), 1))
        elif (
            line.strip()
            and index + 1 < len(lines)
            and (under := SETEXT.match(lines[index + 1]))
            and not (found and found[-1][0] + found[-1][3] > index)
            and (index == 0 or not lines[index - 1].strip() or HEADING.match(lines[index - 1]))
        ):
            found.append((index, 1 if under.group(1)[0] == "=" else 2, line.strip(), 2))
    return found


def sections_of(markdown: str) -> list[Section]:
    """Each heading with the text under it (outside fenced code): its own, then each sub-section's.

    Linear in the card's lines however many headings: one pass finds them, a stack finds where each ends,
    and each line lies in at most six nested sections.
    """
    lines = markdown.splitlines()
    headings = _headings(lines)
    starts = [index for index, *_ in headings] + [len(lines)]
    own = ["\n".join(lines[index + taken : starts[p + 1]]) for p, (index, _lvl, _t, taken) in enumerate(headings)]
    ends = [len(headings)] * len(headings)  # the position of the first heading after each section
    open_: list[int] = []
    for position, (_index, level, _title, _taken) in enumerate(headings):
        while open_ and headings[open_[-1]][1] >= level:
            ends[open_.pop()] = position
        open_.append(position)
    return [
        Section(
            title[:200],
            level,
            (("", own[p]), *((headings[d][2][:200], own[d]) for d in range(p + 1, ends[p]))),
        )
        for p, (_index, level, title, _taken) in enumerate(headings)
    ]
