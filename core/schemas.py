"""Marshmallow schemas for what staff type into the core forms.

Messages are plain English marked with N_ for extraction; load_form translates them
per request, because marshmallow 4 accepts only real strings as messages.
"""

from __future__ import annotations

import functools
from typing import Any

from flask_babel import gettext
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from werkzeug.datastructures import MultiDict

from core.form_messages import N_ as N_
from core.form_messages import field_messages

# Marshmallow's own messages, so the catalogue translates them too.
BUILTIN_MESSAGES = [
    N_("Missing data for required field."),
    N_("Not a valid string."),
    N_("Field may not be null."),
    N_("Unknown field."),
    N_("Not a valid date."),
    N_("Not a valid boolean."),
    N_("Not a valid list."),
    N_("Not a valid mapping type."),
    N_("Invalid input type."),
    N_("Not a valid email address."),
    N_("Must be one of: {choices}."),
]

CODE = validate.Regexp(r"^\s*\d{3}\s*\d{3}\s*$", error=N_("Enter the 6-digit code from your authenticator app."))


PASSWORD_MIN = 12


def password_field() -> fields.String:
    """Return a new-password field with the length rules spelled out."""
    return fields.String(
        required=True,
        validate=validate.Length(
            min=PASSWORD_MIN,
            max=1024,
            error=N_("Use at least 12 characters (a passphrase of several words is easiest)."),
        ),
    )


class LoginSchema(Schema):
    email = fields.Email(
        required=True,
        validate=validate.Length(max=254),
        error_messages={"invalid": N_("Enter an email address like name@example.org.")},
    )
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024))
    code = fields.String(required=True, validate=CODE)
    next = fields.String(load_default=None, validate=validate.Length(max=500))


class NewPasswordSchema(Schema):
    password = password_field()
    password_confirm = fields.String(required=True)
    code = fields.String(required=True, validate=CODE)

    @validates_schema
    def _passwords_match(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("password") != data.get("password_confirm"):
            raise ValidationError(N_("The two passwords are not the same."), "password_confirm")


class SetupSchema(NewPasswordSchema):
    token = fields.String(required=True, validate=validate.Length(min=10, max=200))


class PasswordChangeSchema(NewPasswordSchema):
    current_password = fields.String(required=True, validate=validate.Length(min=1, max=1024))


@functools.cache
def schema(schema_class: type[Schema]) -> Schema:
    """Return a shared instance of a schema class (schemas hold no per-request state)."""
    return schema_class()


def _flatten(messages: object) -> list[str]:
    if isinstance(messages, dict):
        return [m for value in messages.values() for m in _flatten(value)]
    if isinstance(messages, (list, tuple)):
        return [m for value in messages for m in _flatten(value)]
    return [str(messages)]


def validate_data(schema: Schema, raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Load raw input with a schema; return (data, errors) with translated messages keyed by field."""
    try:
        return schema.load(raw), {}
    except ValidationError as err:
        messages = err.normalized_messages()  # type: ignore[no-untyped-call]  # unannotated in marshmallow
        if not isinstance(messages, dict):
            messages = {"_schema": messages}
        return {}, {key: _messages(schema, key, msgs, raw) for key, msgs in messages.items()}


def _messages(schema: Schema, key: str, messages: object, raw: dict[str, Any]) -> list[str]:
    said = list(dict.fromkeys(_flatten(messages)))
    if key == "_schema":  # a form-wide message names no field
        return [gettext(m) for m in said]
    return field_messages(schema, key, said, raw)


def form_to_raw(schema: Schema, form: MultiDict[str, str]) -> dict[str, Any]:
    """Turn a submitted form into the dict a schema loads: list fields from repeated keys, blanks left out."""
    raw: dict[str, Any] = {}
    for name, field in schema.fields.items():
        key = field.data_key or name
        if isinstance(field, fields.List):
            values = [v for v in form.getlist(key) if v.strip()]
            if values:
                raw[key] = values
        elif isinstance(field, fields.Boolean):
            raw[key] = form.get(key) in ("on", "yes", "true", "1")
        else:
            value = form.get(key)
            if value is not None and (value.strip() or field.required):
                raw[key] = value
    return raw


def load_form(schema: Schema, form: MultiDict[str, str]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Validate a submitted form; return (data, errors) with errors keyed by field."""
    return validate_data(schema, form_to_raw(schema, form))
