"""The fields of an incident's public summary, as staff enter them."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, pre_load, validates

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
    source_urls = fields.List(fields.String(validate=[length(500), URL]), load_default=list)

    @pre_load
    def _split_lines(self, data, **_kwargs):
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for name in ("deployers", "developers", "harmed_parties", "implicated_systems", "source_urls"):
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
