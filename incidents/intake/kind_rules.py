"""Holding a report to its kind: what it must answer and may not, what the kind implies, where each answer is
stored, and the answers in words, for the form and for staff. The kinds themselves are data, in kinds.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext

from core.schemas import N_
from incidents.intake.kinds import (
    ABUSE_CATEGORIES,
    COLUMN_QUESTIONS,
    KINDS,
    OPTIONAL_SHARED,
    QUESTIONS,
    SEALED_QUESTIONS,
    UNASKED_SEVERITY,
    Question,
    Storage,
    Widget,
    kind_of,
)
from incidents.registry import licences
from incidents.vocabulary import AbuseType, ReportKind

NOT_ASKED = N_("This kind of report does not ask this; leave it out.")
OTHER_LICENCES_CLAUSE = N_("This clause belongs to another licence: choose one under the licence you chose.")
# The shared questions a kind that asks them needs answered, with the messages the general form always gave.
REQUIRED_WHEN_ASKED = {"category": N_("Choose a category from the list."), "severity": N_("Choose how serious it is.")}


def _given(value: Any) -> bool:
    """Whether a person answered: a blank, an unticked box or an empty list is no answer."""
    if isinstance(value, str):
        return bool(value.strip())
    return value not in (None, False, [], {})


def problems(data: dict, sent: dict) -> dict[str, list[str]]:
    """What keeps a report from its kind, by field (messages to translate): `data` as loaded, `sent` as sent.

    A question the kind does not ask, or that belongs to another kind, is refused rather than dropped, so
    nothing a reporter or a client sends is silently lost. What was sent decides whether a question was
    answered, so an answer that failed its own check is not also reported missing.
    """
    kind = kind_of(data.get("kind"))
    if kind is None:
        return {}  # the kind's own error says so
    form = KINDS[kind]
    errors: dict[str, list[str]] = {}
    own = {question.name for question in form.questions}
    for name in (*OPTIONAL_SHARED, *QUESTIONS):
        if name not in form.asks and name not in own and _given(sent.get(name)):
            errors[name] = [NOT_ASKED]
    for name, text in REQUIRED_WHEN_ASKED.items():
        if name in form.asks and not _given(sent.get(name)):
            errors[name] = [text]
    for question in form.questions:
        if question.required and not _given(sent.get(question.name)):
            errors[question.name] = [question.missing]
    if kind is ReportKind.LICENCE_VIOLATION and data.get("licence"):
        errors.update(licence_problems(data["licence"], data.get("licence_clause"), errors))
    return errors


def licence_problems(licence_id: str, clause_id: str | None, errors: dict) -> dict[str, list[str]]:
    """The registry's word on a cited licence and clause: a vague or unknown licence is refused on the licence,
    with the licence's own reason, and then no clause is asked for; a clause not of the licence, on the clause."""
    found = licences.find(licence_id)
    if found is None or found.vague is not None:
        errors.pop("licence_clause", None)
        return {"licence": [str(licences.citation_problem(licence_id, clause_id))]}
    if "licence_clause" in errors or not clause_id:
        return {}
    owner, clause_id = licences.split_citation(clause_id)
    if owner is not None and owner != found.id:
        # Clause ids repeat across licences (§4(a) of Apache 2.0 is not that of CreativeML): never guess.
        return {"licence_clause": [OTHER_LICENCES_CLAUSE]}
    problem = licences.citation_problem(found.id, clause_id)
    return {} if problem is None else {"licence_clause": [problem]}


def complete(data: dict) -> dict:
    """Fill in what the kind implies: its category (an abuse report's follows its kind of abuse), the lowest
    severity where the kind does not ask, and the registry's own spelling of a cited licence."""
    form = KINDS[ReportKind(data["kind"])]
    if form.kind is ReportKind.ABUSE:
        data["category"] = ABUSE_CATEGORIES[AbuseType(data["abuse_type"])].value
    elif form.category is not None:
        data["category"] = form.category.value
    if "severity" not in form.asks:
        data["severity"] = UNASKED_SEVERITY.value
    if data.get("licence") and (found := licences.find(data["licence"])) is not None:
        data["licence"] = found.id
    if data.get("licence_clause"):
        data["licence_clause"] = licences.split_citation(data["licence_clause"])[1]
    return data


def column_answers(data: dict) -> dict:
    """The kind and its countable answers, as `report` columns (a report from before kinds is general)."""
    answers = {name: data.get(name) for name in COLUMN_QUESTIONS}
    return answers | {"kind": data.get("kind") or ReportKind.GENERAL.value, "good_faith": bool(answers["good_faith"])}


def sealed_content(data: dict, shared: tuple[str, ...]) -> dict:
    """What is sealed: the shared fields in the reporter's words, and their kind's answers in their own words."""
    return {name: data.get(name) for name in (*shared, *SEALED_QUESTIONS)}


@dataclass(frozen=True)
class Answer:
    question: str  # translated
    text: str  # translated words, or the reporter's own words as they wrote them
    own_words: bool


def _words(question: Question, value: Any, report: Any) -> str:
    """A stored answer in words, in the page's language."""
    if question.widget is Widget.CHECKBOX:
        return gettext("Confirmed") if value else gettext("Not confirmed")
    if value is None:
        return "–"
    if question.name == "notice_type":
        return f"{gettext(question.choices[value])} (Lumen: {value})" if value in question.choices else value
    if question.choices:
        return gettext(question.choices[value]) if value in question.choices else value
    licence = licences.find(report.licence)
    if question.widget is Widget.LICENCE:
        return f"{licence.name} ({licence.id})" if licence else value
    clause = licence.clause(value) if licence else None
    return f"{gettext(clause.reference)}: {gettext(clause.summary)}" if clause else value


def answers(report: Any, content: dict) -> list[Answer]:
    """The report's answers to its kind's questions, for staff: labels, never internal names.

    The sealed answers come from the opened content; a purged report has only its countable answers left.
    """
    form = KINDS[kind_of(report.kind) or ReportKind.GENERAL]
    found = []
    for question in form.questions:
        if question.storage is Storage.SEALED:
            if content.get(question.name):
                found.append(Answer(gettext(question.label), content[question.name], own_words=True))
            continue
        value = getattr(report, question.name)
        found.append(Answer(gettext(question.label), _words(question, value, report), own_words=False))
    return found


def licence_options() -> list[tuple[str, str]]:
    """The registry's licences for the form: every one, so that a vague one is refused with its reason."""
    return [(licence.id, licence.name) for licence in licences.registry().values()]


def clause_groups(licence_id: Any = None, clause_id: Any = None) -> list[tuple[str, list[tuple[str, str, bool]]]]:
    """The clauses of each licence that has them, grouped under the licence's name, in the page's language, with
    the chosen clause marked once: under the chosen licence, or else under the first licence that has it, so a
    choice is given back even when it does not fit the licence."""
    groups = [licence for licence in licences.registry().values() if licence.clauses]
    owner, clause_id = licences.split_citation(clause_id) if isinstance(clause_id, str) else (None, None)
    if owner is None:  # a bare clause id (from the API's spelling): under the chosen licence, or the first with it
        owners = [licence.id for licence in groups if clause_id and licence.clause(clause_id)]
        owner = licence_id if licence_id in owners else (owners[0] if owners else None)
    return [
        (
            licence.name,
            [
                (
                    f"{licence.id}{licences.SEPARATOR}{c.id}",
                    f"{gettext(c.reference)}: {gettext(c.summary)}",
                    licence.id == owner and c.id == clause_id,
                )
                for c in licence.clauses
            ],
        )
        for licence in groups
    ]
