"""Marshmallow schemas for what staff type on the transparency page: a quarter's qualitative text, an erratum."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.schemas import N_

TEXT_MAX = 5000
ERRATUM_MAX = 2000


def _text(maximum: int, *, required: bool) -> fields.String:
    length = validate.Length(min=1 if required else 0, max=maximum, error=N_("Write at most {max} characters."))
    if required:
        written = validate.Regexp(r"(?s).*\S", error=N_("Write it in words; it cannot be left blank."))
        return fields.String(required=True, validate=[length, written])
    return fields.String(load_default="", validate=length)


class StatementSchema(Schema):
    automated_means = _text(TEXT_MAX, required=False)
    staff_and_training = _text(TEXT_MAX, required=False)
    safeguards = _text(TEXT_MAX, required=False)


class ErratumSchema(Schema):
    wrong = _text(ERRATUM_MAX, required=True)
    corrected = _text(ERRATUM_MAX, required=True)
