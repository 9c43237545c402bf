"""Form helpers shared by the rooms' schemas: lengths, choices, versions, web addresses, countries."""

from __future__ import annotations

from babel import Locale
from marshmallow import Schema, fields, validate

from core.ids import MAX_ID
from core.schemas import N_

COUNTRY_CODES = sorted(
    str(code)
    for code in Locale("en").territories
    if len(code) == 2 and code.isalpha() and code not in ("ZZ", "QO", "EU", "EZ", "UN", "XA", "XB", "XK")
)


MAX_LINKS = 20


def row_id(*, minimum: int = 0, **kwargs) -> fields.Integer:
    """A form field that names a row or a version: a whole number up to MAX_ID, as the database holds.

    A larger number cannot name anything, and the database would fail on it (a 500) instead of saying so.
    """
    return fields.Integer(strict=False, validate=validate.Range(minimum, MAX_ID), **kwargs)


URL = validate.URL(schemes={"http", "https"}, require_tld=True, error=N_("Enter a web address starting with https://"))


def length(maximum: int, minimum: int = 0) -> validate.Length:
    """A text length rule; core.form_messages words what it refuses ("Too long: write at most 200 characters")."""
    return validate.Length(min=minimum or None, max=maximum)


# A name shown in page titles, e-mail subjects and exports: one line, no control characters.
ONE_LINE = validate.Regexp(r"\A[^\x00-\x1f\x7f]*\Z", error=N_("Write this on one line, without control characters."))


def one_of(values, message: str) -> validate.OneOf:
    return validate.OneOf(list(values), error=message)


class Versioned(Schema):
    """Every change carries the version the person saw, so a concurrent change is not overwritten."""

    version = row_id(
        required=True,
        error_messages={
            "required": N_("The form is incomplete; reload the page."),
            "invalid": N_("The form is incomplete; reload the page."),
        },
    )


def split_lines(value) -> list[str]:
    if isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip()]
    return value
