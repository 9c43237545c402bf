"""One clear, translated message per broken rule of a form field: required, too short, too long, bad format.

Marshmallow's own wording ("Missing data for required field.", "Longer than maximum length 200.") and a
format message shown for an empty field ("Enter a date like…" when nothing was typed) mislead people, so
validate_data rewrites what a schema said about each field here, knowing the field and what was typed.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from marshmallow import Schema, ValidationError, fields, validate


def N_(message: str) -> str:
    """Mark a message for translation without translating it yet."""
    return message


MARSHMALLOW_REQUIRED = fields.Field.default_error_messages["required"]

# What to ask for when a required field was left empty, by the kind of field (first match wins).
REQUIRED_BY_FIELD: tuple[tuple[type[fields.Field[Any]], str], ...] = (
    (fields.Date, N_("Enter a date: this field is required.")),
    (fields.DateTime, N_("Enter a date: this field is required.")),
    (fields.Email, N_("Enter an email address: this field is required.")),
    (fields.Number, N_("Enter a number: this field is required.")),
    (fields.Boolean, N_("Choose an answer: this field is required.")),
    (fields.List, N_("Choose at least one answer: this field is required.")),
)
REQUIRED_TEXT = N_("Enter an answer: this field is required.")
REQUIRED_CHOICE = N_("Choose an answer: this field is required.")
TOO_SHORT = N_("Too short: write at least %(min)d characters (you wrote %(n)d).")
TOO_LONG = N_("Too long: write at most %(max)d characters (you wrote %(n)d).")


def field_for(schema: Schema, key: str) -> fields.Field[Any] | None:
    """Return the schema field that reads `key` from the input (its data_key, or its name)."""
    for name, field in schema.fields.items():
        if (field.data_key or name) == key:
            return field
    return None


def is_blank(value: Any) -> bool:
    """Whether nothing was given: absent, empty, only spaces, or an empty list."""
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def required_message(field: fields.Field[Any]) -> str:
    """The translated message for a required field left empty (a schema's own wording wins over ours)."""
    own = field.error_messages.get("required")
    if own and own != MARSHMALLOW_REQUIRED:
        return str(gettext(own))
    if any(isinstance(v, validate.OneOf) for v in field.validators):
        return str(gettext(REQUIRED_CHOICE))
    for kind, message in REQUIRED_BY_FIELD:
        if isinstance(field, kind):
            return str(gettext(message))
    return str(gettext(REQUIRED_TEXT))


def _texts(field: fields.Field[Any], value: Any) -> tuple[list[Any], list[str]]:
    """The length rules that apply to what was typed, and the typed texts they apply to (a list's: each line)."""
    if isinstance(field, fields.List):
        items = value if isinstance(value, list) else [value]
        lines = [line for item in items if isinstance(item, str) for line in item.splitlines()]
        return list(field.inner.validators), lines
    return list(field.validators), [value] if isinstance(value, str) else []


def _length_messages(field: fields.Field[Any], value: Any, messages: list[str]) -> tuple[set[str], list[str]]:
    """What the field's length rules said about what was typed, and the messages that replace them."""
    said: set[str] = set()
    ours: list[str] = []
    rules, texts = _texts(field, value)
    for rule in rules:
        if not isinstance(rule, validate.Length) or rule.equal is not None:
            continue
        for text in texts:
            for candidate in (text, text.strip()):  # what was typed, or what a schema that trims it saw
                try:
                    rule(candidate)
                except ValidationError as err:
                    told = {str(m) for m in err.messages} & set(messages)
                    if not told:
                        continue
                    said |= told
                    if rule.min is not None and len(candidate) < rule.min:
                        ours.append(gettext(TOO_SHORT, min=rule.min, n=len(candidate)))
                    elif rule.max is not None:
                        ours.append(gettext(TOO_LONG, max=rule.max, n=len(candidate)))
                    break
    return said, ours


def field_messages(schema: Schema, key: str, messages: list[str], raw: dict[str, Any]) -> list[str]:
    """Rewrite what the schema said about one input field into one clear, translated message per rule."""
    field = field_for(schema, key)
    if field is None:
        return [gettext(m) for m in messages]
    value = raw.get(key)
    if (field.required or MARSHMALLOW_REQUIRED in messages) and is_blank(value):
        return [required_message(field)]
    said, ours = _length_messages(field, value, messages)
    return list(dict.fromkeys(ours + [gettext(m) for m in messages if m not in said]))
