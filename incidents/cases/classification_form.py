"""The staff form of one taxonomy: read what was sent into values, and write values back into the form.

The attribute fields come from the taxonomy's data, so they are read here by kind; the fields every
taxonomy's form has (version, notes, publish) go through a marshmallow schema like the other forms.
Messages come back translated, as `validate_data` gives them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext
from marshmallow import fields
from werkzeug.datastructures import MultiDict

from core.schemas import schema, validate_data
from incidents.cases.taxonomy import Attribute, Kind, Taxonomy, value_problem
from incidents.fields import Versioned, length

MAX_NOTES = 5000
NUMBER = re.compile(r"^[0-9]{1,10}$")
YES_NO = {"yes": True, "no": False}

FormValue = str | list[str]


class ClassificationSchema(Versioned):
    """The fields of every taxonomy's form besides its attributes."""

    notes = fields.String(load_default="", validate=length(MAX_NOTES))
    publish = fields.Boolean(load_default=False)


@dataclass
class ClassificationForm:
    """One taxonomy's form as sent: the values read from it, what to show again, and what is wrong."""

    taxonomy: Taxonomy
    values: dict[str, Any] = field(default_factory=dict)  # {short_name: value}, the unset left out
    shown: dict[str, FormValue] = field(default_factory=dict)  # {form key: what the field showed}
    errors: dict[str, list[str]] = field(default_factory=dict)  # {form key: translated messages}
    notes: str = ""
    publish: bool = False
    version: int = 0


def _enum(attribute: Attribute, form: MultiDict[str, str]) -> tuple[Any, FormValue]:
    raw = form.get(attribute.key, "")
    return (raw or None), raw


def _multi(attribute: Attribute, form: MultiDict[str, str]) -> tuple[Any, FormValue]:
    raw = [v for v in form.getlist(attribute.key) if v]
    return (raw or None), raw


def _bool(attribute: Attribute, form: MultiDict[str, str]) -> tuple[Any, FormValue]:
    raw = form.get(attribute.key, "")
    return YES_NO.get(raw, raw or None), raw


def _int(attribute: Attribute, form: MultiDict[str, str]) -> tuple[Any, FormValue]:
    raw = form.get(attribute.key, "").strip()
    if not raw:
        return None, raw
    return (int(raw) if NUMBER.match(raw) else raw), raw


def _list(attribute: Attribute, form: MultiDict[str, str]) -> tuple[Any, FormValue]:
    raw = form.get(attribute.key, "")
    labels = [" ".join(line.split()) for line in raw.splitlines()]
    labels = [label for label in labels if label]
    return (labels or None), raw


READERS: dict[Kind, Callable[[Attribute, MultiDict[str, str]], tuple[Any, FormValue]]] = {
    Kind.ENUM: _enum,
    Kind.MULTI: _multi,
    Kind.BOOL: _bool,
    Kind.INT: _int,
    Kind.LIST: _list,
}


def read_form(taxonomy: Taxonomy, form: MultiDict[str, str]) -> ClassificationForm:
    """Read a taxonomy's form: a blank field leaves its attribute unset, a bad one gets a message."""
    result = ClassificationForm(taxonomy)
    for attribute in taxonomy.attributes:
        value, shown = READERS[attribute.kind](attribute, form)
        result.shown[attribute.key] = shown
        if value is None:
            continue
        problem = value_problem(attribute, value)
        if problem:
            result.errors[attribute.key] = [gettext(problem)]
        else:
            result.values[attribute.short_name] = value
    _read_own_fields(result, form)
    return result


def _read_own_fields(result: ClassificationForm, form: MultiDict[str, str]) -> None:
    """Read the version, notes and publish fields through their schema."""
    taxonomy = result.taxonomy
    raw: dict[str, Any] = {name: form[name] for name in ("version", "notes") if form.get(name)}
    raw["publish"] = form.get("publish") == "1"
    data, errors = validate_data(schema(ClassificationSchema), raw)
    result.shown[meta_key(taxonomy, "notes")] = form.get("notes", "")
    result.shown[meta_key(taxonomy, "publish")] = "1" if raw["publish"] else ""
    result.shown[meta_key(taxonomy, "version")] = form.get("version", "")
    for name, messages in errors.items():
        result.errors[meta_key(taxonomy, name)] = messages
    if not errors:
        result.notes, result.publish, result.version = data["notes"], data["publish"], data["version"]


def meta_key(taxonomy: Taxonomy, name: str) -> str:
    """Key a form's own field (version, notes, publish) in `shown` and `errors`: its HTML id on the page."""
    return f"{taxonomy.slug}--{name}"


def shown_values(
    taxonomy: Taxonomy, values: dict[str, Any], *, notes: str, publish: bool, version: int
) -> dict[str, FormValue]:
    """Write stored values as the form shows them (the inverse of read_form)."""
    shown: dict[str, FormValue] = {}
    for attribute in taxonomy.attributes:
        value = values.get(attribute.short_name)
        if value is None:
            shown[attribute.key] = [] if attribute.kind is Kind.MULTI else ""
        elif attribute.kind is Kind.BOOL:
            shown[attribute.key] = "yes" if value else "no"
        elif attribute.kind is Kind.LIST:
            shown[attribute.key] = "\n".join(value)
        elif attribute.kind is Kind.MULTI:
            shown[attribute.key] = list(value)
        else:
            shown[attribute.key] = str(value)
    shown[meta_key(taxonomy, "notes")] = notes
    shown[meta_key(taxonomy, "publish")] = "1" if publish else ""
    shown[meta_key(taxonomy, "version")] = str(version)
    return shown
