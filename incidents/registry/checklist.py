"""The documentation checklist for model cards, as data, and its automatic check.

The items follow the Partnership on AI's documentation list (ABOUT ML) and the sections of Hugging
Face's model card template (huggingface_hub's `modelcard_template.md`). Each names where it is found:
a YAML key, Markdown headings (most specific first), or both, and how much real text it needs. Real
text is what is left once HTML comments, headings, Markdown marks and the template's own filler
("[More Information Needed]" and its stock sentences) are taken out. Pure: no Flask, no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from core.schemas import N_
from incidents.registry.cards import ParsedCard, Section, normal_heading


class Reason(StrEnum):
    FOUND = "found"
    METADATA = "metadata"  # found in the YAML header (model-index results, the licence)
    MISSING = "missing"
    EMPTY = "empty"
    PLACEHOLDER = "placeholder"
    TOO_SHORT = "too_short"
    UNNAMED = "unnamed"  # license: other, without license_name or license_link


REASONS = {
    Reason.FOUND: N_("Found, with enough text."),
    Reason.METADATA: N_("Found in the card's metadata."),
    Reason.MISSING: N_("Not in the card."),
    Reason.EMPTY: N_("The section is there but empty."),
    Reason.PLACEHOLDER: N_("Only the template's placeholder text."),
    Reason.TOO_SHORT: N_("Too short: at least %(minimum)s characters of real text are needed."),
    Reason.UNNAMED: N_("The licence is 'other' without a name or a link."),
}

PASS, FAIL = "pass", "fail"


@dataclass(frozen=True)
class CheckItem:
    id: str
    label: str
    explanation: str
    required: bool
    min_length: int
    headings: tuple[str, ...] = ()
    yaml_key: str | None = None


CHECKLIST: tuple[CheckItem, ...] = (
    CheckItem(
        "intended_uses",
        N_("Intended uses"),
        N_("What the model is for, and who is expected to use it or be affected by it."),
        required=True,
        min_length=40,
        headings=(
            "Direct Use",
            "Intended Uses",
            "Intended Use",
            "Intended Usage",
            "Intended uses & limitations",
            "Uses",
        ),  # fmt: skip
    ),
    CheckItem(
        "out_of_scope",
        N_("Out-of-scope uses"),
        N_("Uses the model is not meant for or will not work well for, including misuse."),
        required=True,
        min_length=40,
        headings=("Out-of-Scope Use", "Out-of-Scope Uses", "Out of Scope Use", "Misuse and Out-of-scope Use"),
    ),
    CheckItem(
        "training_data",
        N_("Training data"),
        N_("What the model was trained on, ideally with a link to the data set's own card."),
        required=True,
        min_length=40,
        headings=(
            "Training Data",
            "Training Dataset",
            "Training Datasets",
            "Training and evaluation data",
            "Training Details",
        ),  # fmt: skip
    ),
    CheckItem(
        "evaluation",
        N_("Evaluation and metrics"),
        N_("How the model was evaluated, on what data, with which metrics, and the results."),
        required=True,
        min_length=40,
        headings=("Evaluation", "Evaluation Results", "Benchmark Results", "Results", "Metrics"),
        yaml_key="model-index",
    ),
    CheckItem(
        "bias_risks",
        N_("Bias, risks and limitations"),
        N_("Known technical and social limitations, biases and risks."),
        required=True,
        min_length=40,
        headings=(
            "Bias, Risks, and Limitations",
            "Bias, Risks and Limitations",
            "Limitations and bias",
            "Limitations and Biases",
            "Ethical Considerations and Limitations",
            "Limitations",
            "Risks",
            "Bias",
        ),  # fmt: skip
    ),
    CheckItem(
        "recommendations",
        N_("Recommendations for downstream use"),
        N_("Advice for those who build on the model: what to guard against and how."),
        required=False,
        min_length=40,
        headings=("Recommendations", "Downstream Use", "Downstream Use [optional]"),
    ),
    CheckItem(
        "licence",
        N_("Licence"),
        N_("The licence the model is released under, from the card's metadata (license)."),
        required=True,
        min_length=2,
        yaml_key="license",
    ),
    CheckItem(
        "contact",
        N_("Contact"),
        N_("Where to send questions and reports about the model."),
        required=True,
        min_length=5,
        headings=("Model Card Contact", "Contact", "Contact Information", "Contact us"),
    ),
)
BY_ID = {item.id: item for item in CHECKLIST}

# The template's filler: a section holding only these says nothing. The bracketed markers, with or without a
# link after them (the template's own), come out first.
MARKERS = re.compile(r"\[(?:More Information Needed|Needs More Information)\](?:\([^)\s]*\))?", re.IGNORECASE)
PLACEHOLDERS = (
    "More information needed for further recommendations.",
    "More information needed",
    "Users (both direct and downstream) should be made aware of the risks, biases and limitations of the model.",
    "Use the code below to get started with the model.",
)
# An unclosed comment runs to the end, as CommonMark reads it; and the match stays linear (no rescans).
COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
MARKS = re.compile(r"[#*_`>|\-:=\[\]]+")


@dataclass(frozen=True)
class Result:
    item: CheckItem
    passed: bool
    reason: Reason

    @property
    def result(self) -> str:
        return PASS if self.passed else FAIL


def real_text(text: str) -> str:
    """The words of a section without comments, template filler and Markdown marks."""
    text = MARKERS.sub(" ", COMMENT.sub(" ", text))
    for filler in PLACEHOLDERS:
        text = re.sub(re.escape(filler), " ", text, flags=re.IGNORECASE)
    return " ".join(MARKS.sub(" ", text).split())


def _judge(item: CheckItem, text: str) -> Result:
    if not text.strip():
        return Result(item, False, Reason.EMPTY)
    words = real_text(text)
    if not words:
        return Result(item, False, Reason.PLACEHOLDER)
    if len(words) < item.min_length:
        return Result(item, False, Reason.TOO_SHORT)
    return Result(item, True, Reason.FOUND)


def check_item(item: CheckItem, card: ParsedCard) -> Result:
    if item.yaml_key == "license":
        if not card.licence:
            return Result(item, False, Reason.MISSING)
        if card.licence.lower() == "other" and not (card.licence_name or card.licence_link):
            return Result(item, False, Reason.UNNAMED)
        return Result(item, True, Reason.METADATA)
    if item.yaml_key == "model-index" and card.eval_results:
        return Result(item, True, Reason.METADATA)
    section = card.section(item.headings)
    if section is None:
        return Result(item, False, Reason.MISSING)
    return _judge(item, own_text(item, section))


def own_text(item: CheckItem, section: Section) -> str:
    """A section's text for this item: its own and its sub-sections', but not those another item checks
    (an empty "Bias, Risks, and Limitations" does not pass on its "Recommendations")."""
    others = {normal_heading(alias) for other in CHECKLIST if other is not item for alias in other.headings}
    return "\n".join(text for heading, text in section.parts if not heading or normal_heading(heading) not in others)


def check_card(card: ParsedCard) -> list[Result]:
    """Every checklist item's automatic result, in the checklist's order."""
    return [check_item(item, card) for item in CHECKLIST]


def required_failures(results: list[Result]) -> list[Result]:
    return [r for r in results if r.item.required and not r.passed]
