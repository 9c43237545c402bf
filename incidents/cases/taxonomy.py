"""The AI Incident Database's taxonomies as data, and the rules a value must meet to be one of theirs.

The vocabulary lives in taxonomies/*.json, copied from AIID's own definitions (each file names the
repository, commit and paths it came from). This module only reads it: no Flask, no database, so the
staff form, the service and the AIID export all check values by the same rules.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from core.schemas import N_

TAXONOMY_DIR = Path(__file__).parent / "taxonomies"
FILES = ("csetv1.json", "gmf.json", "mit.json")  # the order the staff page shows them in

# Our limits, not AIID's: AIID keeps `int` as a MongoDB int (32 bits) and sets no length on labels.
MAX_INT = 2**31 - 1
MAX_ITEMS = 30
MAX_ITEM_LENGTH = 200


class Kind(StrEnum):
    """AIID's display types that our taxonomies use."""

    ENUM = "enum"  # one of the permitted values
    MULTI = "multi"  # any of the permitted values, each once
    BOOL = "bool"
    INT = "int"
    LIST = "list"  # free labels (AIID sets no permitted values)


@dataclass(frozen=True)
class Attribute:
    short_name: str  # AIID's name for the field, and what its pages show as the field's name
    kind: Kind
    key: str  # our form field name and HTML id, unique on the page: namespace, field number and short_name as a slug
    hint: str  # AIID's question for the field (its long_name, or short_description when that says more)
    field_number: str | None = None
    section: str | None = None
    permitted: tuple[str, ...] = ()


@dataclass(frozen=True)
class Taxonomy:
    namespace: str
    slug: str  # in URLs and HTML ids
    attributes: tuple[Attribute, ...]
    source: dict = field(compare=False, hash=False)
    by_name: dict[str, Attribute] = field(compare=False, hash=False, repr=False)

    def sections(self) -> list[tuple[str | None, list[Attribute]]]:
        """Group the attributes by AIID's section headings, in order."""
        groups: list[tuple[str | None, list[Attribute]]] = []
        for attribute in self.attributes:
            if not groups or groups[-1][0] != attribute.section:
                groups.append((attribute.section, []))
            groups[-1][1].append(attribute)
        return groups


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def build_taxonomy(data: dict) -> Taxonomy:
    """Turn one data file's content into a Taxonomy, refusing a file that names a field twice."""
    prefix = slug(data["namespace"])
    attributes = tuple(
        Attribute(
            short_name=item["short_name"],
            kind=Kind(item["type"]),
            key=slug(f"{prefix} {item.get('field_number', '')} {item['short_name']}"),
            hint=item.get("hint", ""),
            field_number=item.get("field_number"),
            section=item.get("section"),
            permitted=tuple(item.get("permitted_values", ())),
        )
        for item in data["attributes"]
    )
    by_name = {a.short_name: a for a in attributes}
    if len(by_name) != len(attributes) or len({a.key for a in attributes}) != len(attributes):
        raise ValueError(f"{data['namespace']}: a short_name (or its slug) appears twice")
    return Taxonomy(data["namespace"], prefix, attributes, data.get("source", {}), by_name)


@functools.cache
def taxonomies() -> dict[str, Taxonomy]:
    """Return the taxonomies staff classify in, by namespace, read once from the data files."""
    loaded = [build_taxonomy(json.loads((TAXONOMY_DIR / name).read_text(encoding="utf-8"))) for name in FILES]
    return {t.namespace: t for t in loaded}


def by_slug(text: str) -> Taxonomy | None:
    return next((t for t in taxonomies().values() if t.slug == text), None)


# --- the rules a value meets -------------------------------------------------------------------

NOT_PERMITTED = N_("Choose one of the listed values.")
NOT_SUBSET = N_("Choose only listed values, each once.")
NOT_BOOL = N_("Choose yes or no.")
NOT_COUNT = N_("Enter a whole number from 0 to 2147483647.")
TOO_MANY = N_("Enter at most 30 labels.")
BAD_LABEL = N_("Each label is one line of at most 200 characters, and appears once.")


def _enum_problem(attribute: Attribute, value: Any) -> str | None:
    return None if isinstance(value, str) and value in attribute.permitted else NOT_PERMITTED


def _multi_problem(attribute: Attribute, value: Any) -> str | None:
    if not isinstance(value, list) or not all(isinstance(v, str) and v in attribute.permitted for v in value):
        return NOT_SUBSET
    return None if len(set(value)) == len(value) else NOT_SUBSET


def _bool_problem(_attribute: Attribute, value: Any) -> str | None:
    return None if isinstance(value, bool) else NOT_BOOL


def _int_problem(_attribute: Attribute, value: Any) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_INT
    return None if ok else NOT_COUNT


def _list_problem(_attribute: Attribute, value: Any) -> str | None:
    if not isinstance(value, list):
        return BAD_LABEL
    if len(value) > MAX_ITEMS:
        return TOO_MANY
    for item in value:
        if not isinstance(item, str) or not 0 < len(item) <= MAX_ITEM_LENGTH or item != " ".join(item.split()):
            return BAD_LABEL
    return None if len(set(value)) == len(value) else BAD_LABEL


VALUE_RULES = {
    Kind.ENUM: _enum_problem,
    Kind.MULTI: _multi_problem,
    Kind.BOOL: _bool_problem,
    Kind.INT: _int_problem,
    Kind.LIST: _list_problem,
}


def value_problem(attribute: Attribute, value: Any) -> str | None:
    """Say what is wrong with a value for an attribute (an untranslated message), or None when it is fine."""
    return VALUE_RULES[attribute.kind](attribute, value)


def problems_of(taxonomy: Taxonomy, values: dict[str, Any]) -> dict[str, str]:
    """Check stored values {short_name: value}: unknown short_names and bad values, by short_name."""
    problems = {}
    for name, value in values.items():
        attribute = taxonomy.by_name.get(name)
        problem = value_problem(attribute, value) if attribute else N_("This field is not in the taxonomy.")
        if problem:
            problems[name] = problem
    return problems
