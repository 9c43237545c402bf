"""The fields of an incident's public summary, as staff enter them."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates

from core import clock
from core.schemas import N_
from incidents.fields import URL, Versioned, length, split_lines


class IncidentSchema(Schema):
    """An incident's public summary fields (they may later feed public exports, after scrubbing)."""

    title = fields.String(required=True, validate=length(500, 6))
    description = fields.String(load_default="", validate=length(50000))
    occurred_on = fields.Date(load_default=None, error_messages={"invalid": N_("Enter a date like 2026-03-31.")})
    deployers = fields.List(fields.String(validate=length(200)), load_default=list)
    developers = fields.List(fields.String(validate=length(200)), load_default=list)
    harmed_parties = fields.List(fields.String(validate=length(200)), load_default=list)
    implicated_systems = fields.List(fields.String(validate=length(200)), load_default=list)

    @pre_load
    def _split_lines(self, data, **_kwargs):
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for name in ("deployers", "developers", "harmed_parties", "implicated_systems"):
            value = data.get(name)
            if isinstance(value, list) and len(value) == 1:
                value = value[0]
            if value is not None:
                data[name] = split_lines(value)
        return data

    @validates("occurred_on")
    def _not_future(self, value, **_kwargs):
        if value and value > clock.today():
            raise ValidationError(N_("The date cannot be in the future."))


class IncidentEditSchema(IncidentSchema, Versioned):
    pass


# The languages a source can be in: ISO 639-1, as AIID's `language` field holds them.
LANGUAGE = validate.Regexp(r"[a-z]{2}\Z", error=N_("Enter a two-letter language code, like en or es."))


class SourceSchema(Versioned):
    """A public article about the incident, with what the AI Incident Database shows of it."""

    url = fields.String(required=True, validate=[length(500), URL])
    title = fields.String(load_default="", validate=length(500))
    publication = fields.String(load_default="", validate=length(200))
    authors = fields.List(fields.String(validate=length(200)), load_default=list)
    published_on = fields.Date(load_default=None, error_messages={"invalid": N_("Enter a date like 2026-03-31.")})
    retrieved_on = fields.Date(load_default=None, error_messages={"invalid": N_("Enter a date like 2026-03-31.")})
    excerpt = fields.String(load_default="", validate=length(50000))
    language = fields.String(load_default="en", validate=LANGUAGE)

    @pre_load
    def _authors(self, data, **_kwargs):
        if isinstance(data, dict) and data.get("authors") is not None:
            value = data["authors"]
            data = {**data, "authors": split_lines(value[0] if isinstance(value, list) and len(value) == 1 else value)}
        return data

    @validates("published_on", "retrieved_on")
    def _not_future(self, value, **_kwargs):
        if value and value > clock.today():
            raise ValidationError(N_("The date cannot be in the future."))
