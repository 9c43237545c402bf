"""The licence ground: an enforcement action that cites one clause of a licence in the licence registry.

An action on GroundType.LICENCE stores the licence's id and the clause's id (`EnforcementAction.licence_id`,
`licence_clause`). What they say (the licence's name and text, the clause's reference and summary) is read from
the registry wherever the action is shown or exported, so a statement quotes the clause in the reader's language.
The staff form offers the clauses as one select whose values are `licence_id:clause_id`.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.schemas import N_
from incidents.registry import licences
from incidents.registry.licence_data import Clause, Licence
from incidents.vocabulary import GroundType

SEPARATOR = licences.SEPARATOR
REFERENCE_MAX = 300  # EnforcementAction.ground_reference


@dataclass(frozen=True)
class Citation:
    """A licence and one of its clauses, as the registry words them."""

    licence: Licence
    clause: Clause

    @property
    def value(self) -> str:
        """The form's value for this clause."""
        return f"{self.licence.id}{SEPARATOR}{self.clause.id}"

    @property
    def reference(self) -> str:
        """The ground reference an action stores when staff leave it empty, e.g. "Gemma Terms of Use, §3.2"."""
        return f"{self.licence.name}, {self.clause.reference}"[:REFERENCE_MAX]


@dataclass(frozen=True)
class Choices:
    """The licence clauses the staff form offers, by licence, and the licences it shows as not citable."""

    actionable: list[tuple[Licence, list[Citation]]]
    vague: list[Licence]


def split(value: str) -> tuple[str, str]:
    """Read a form value as (licence id, clause id); an id in the registry is matched whole, separator and all."""
    licence_id, clause_id = licences.split_citation(value)
    if licence_id is not None:
        return licence_id, clause_id
    licence_id, _, clause_id = value.partition(SEPARATOR)
    return licence_id, clause_id


def citation(licence_id: str | None, clause_id: str | None) -> Citation | None:
    """The registry's licence and clause for these ids, or None when the registry no longer holds them."""
    licence = licences.find(licence_id)
    clause = licence.clause(clause_id) if licence is not None and clause_id else None
    return Citation(licence, clause) if licence is not None and clause is not None else None


def ground_problem(
    ground_type: str | None, licence_id: str | None, clause_id: str | None, reference: str
) -> tuple[str, str] | None:
    """Say what is wrong with an action's ground, as (form field, message), or None when it can be recorded.

    A licence ground cites a clause the registry can act on (a vague licence is refused with its reason); any
    other ground names its law or policy and cites no licence.
    """
    if ground_type == GroundType.LICENCE:
        if not licence_id:
            return "licence_citation", N_("Choose the clause of the licence that the action enforces.")
        problem = licences.citation_problem(licence_id, clause_id)
        return ("licence_citation", problem) if problem else None
    if licence_id or clause_id:
        return "licence_citation", N_(
            "Only an action on the licence ground cites a licence clause: choose that ground, or leave the clause "
            "empty."
        )
    if len(reference.strip()) < 2:
        return "ground_reference", N_("Name the law or the policy, with the clause.")
    return None


def choices() -> Choices:
    """The registry's clauses by licence, for the staff form; licences that cannot be acted on apart."""
    actionable, vague = [], []
    for licence in licences.registry().values():
        if licence.actionable:
            actionable.append((licence, [Citation(licence, clause) for clause in licence.clauses]))
        else:
            vague.append(licence)
    return Choices(actionable, vague)
