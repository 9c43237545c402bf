"""What reporters send: the report form and its JSON twin, follow-up and messages."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, post_load, pre_load, validate, validates, validates_schema

from core import clock
from core.schemas import N_
from incidents.fields import COUNTRY_CODES, MAX_LINKS, URL, length
from incidents.intake import kind_rules, kinds
from incidents.labels import SERIOUS_FLAG_LABELS
from incidents.models import Actor, Category, Channel, Severity
from incidents.vocabulary import ReportKind


class ReportSchema(Schema):
    """What a reporter tells us. Free text is sealed; the rest stays countable.

    Each kind of report (`kind`, general by default) adds its own questions (incidents.intake.kinds, included
    below from that data) and decides which shared ones it asks; `kind_rules` holds a report to its kind.
    """

    kind = fields.String(
        load_default=ReportKind.GENERAL.value,
        validate=validate.OneOf([k.value for k in ReportKind], error=N_("Choose a kind of report from the list.")),
        metadata={"description": "What the report is about; each kind asks its own questions. Default: general"},
    )
    title = fields.String(
        required=True, validate=length(200, 5), metadata={"description": "A short title, 5-200 characters"}
    )
    description = fields.String(
        required=True, validate=length(20000, 20), metadata={"description": "What happened, 20-20,000 characters"}
    )
    category = fields.String(
        load_default=None,
        validate=validate.OneOf([c.value for c in Category], error=N_("Choose a category from the list.")),
        metadata={"description": "Required for the general kind; the other kinds imply it (leave it out)"},
    )
    model_name = fields.String(load_default=None, validate=length(200))
    model_version = fields.String(load_default=None, validate=length(100))
    model_provider = fields.String(load_default=None, validate=length(200))
    model_url = fields.String(load_default=None, validate=[length(500), URL])
    actor = fields.String(
        load_default=None,
        validate=validate.OneOf([a.value for a in Actor], error=N_("Choose one of the listed parties.")),
    )
    severity = fields.String(
        load_default=None,
        validate=validate.OneOf([s.value for s in Severity], error=N_("Choose how serious it is.")),
        metadata={
            "description": "Required for the general kind; asked by abuse, private information and "
            "acceptable use; the others leave it out"
        },
    )
    serious_flags = fields.List(fields.String(validate=validate.OneOf(list(SERIOUS_FLAG_LABELS))), load_default=list)
    occurred_from = fields.Date(load_default=None, error_messages={"invalid": N_("Enter a date like 2026-03-31.")})
    occurred_to = fields.Date(load_default=None, error_messages={"invalid": N_("Enter a date like 2026-03-31.")})
    country = fields.String(
        load_default=None, validate=validate.OneOf(COUNTRY_CODES, error=N_("Choose a country from the list."))
    )
    affected = fields.String(load_default=None, validate=length(5000))
    steps = fields.String(load_default=None, validate=length(20000))
    evidence_links = fields.List(fields.String(validate=[length(500), URL]), load_default=list)
    contact = fields.String(load_default=None, validate=length(500))
    share_consent = fields.Boolean(load_default=False)

    class Meta:
        ordered = True
        include = kinds.schema_fields()

    @pre_load
    def _tidy(self, data, **_kwargs):
        """Trim text, drop blanks, and accept evidence links one per line from a textarea."""
        if not isinstance(data, dict):
            raise ValidationError(N_("Send the report as a JSON object."), "_schema")
        tidy = {}
        for key, value in data.items():
            if key == "evidence_links":
                lines = [value] if isinstance(value, str) else value
                if isinstance(lines, list) and all(isinstance(item, str) for item in lines):
                    value = [line.strip() for item in lines for line in item.splitlines() if line.strip()]
            elif isinstance(value, str):
                value = value.strip()
                if not value and key in self.fields and not self.fields[key].required:
                    continue
            tidy[key] = value
        if isinstance(tidy.get("country"), str):
            tidy["country"] = tidy["country"].upper()
        return tidy

    @validates("evidence_links")
    def _few_links(self, value, **_kwargs):
        if len(value) > MAX_LINKS:
            raise ValidationError(N_("Give at most 20 links."))

    @validates("occurred_from")
    def _from_not_future(self, value, **_kwargs):
        if value and value > clock.today():
            raise ValidationError(N_("This date is in the future."))

    @validates("occurred_to")
    def _to_not_future(self, value, **_kwargs):
        if value and value > clock.today():
            raise ValidationError(N_("This date is in the future."))

    @validates_schema(skip_on_field_errors=False)
    def _consistent(self, data, **_kwargs):
        start, end = data.get("occurred_from"), data.get("occurred_to")
        if start and end and end < start:
            raise ValidationError(N_("The end date is before the start date."), "occurred_to")
        if data.get("severity") == Severity.SERIOUS_INCIDENT and not data.get("serious_flags"):
            raise ValidationError(N_("Tick at least one serious harm, or choose another level."), "serious_flags")

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _fits_its_kind(self, data, original_data, **_kwargs):
        errors = kind_rules.problems(data, original_data if isinstance(original_data, dict) else {})
        if errors:
            raise ValidationError(errors)

    @post_load
    def _implied_by_kind(self, data, **_kwargs):
        return kind_rules.complete(data)


class ApiReportSchema(ReportSchema):
    """The JSON API adds the channel and optional base64 attachments."""

    channel = fields.String(load_default=Channel.PUBLIC.value, validate=validate.OneOf([c.value for c in Channel]))
    attachments = fields.List(
        fields.Dict(keys=fields.String(), values=fields.String()),
        load_default=list,
        metadata={"description": 'Files as {"filename": ..., "content_base64": ...}'},
    )

    @validates_schema
    def _general_on_the_whistleblower_channel(self, data, **_kwargs):
        """The whistleblower channel takes the general report only, as its form does."""
        if data.get("channel") == Channel.WHISTLEBLOWER and data.get("kind", ReportKind.GENERAL) != ReportKind.GENERAL:
            raise ValidationError(N_("The whistleblower channel takes general reports only."), "kind")


class FollowupSchema(Schema):
    receipt = fields.String(required=True, validate=validate.Length(min=1, max=64))


class MessageSchema(Schema):
    body = fields.String(required=True, validate=length(20000, 1))

    @pre_load
    def _trim(self, data, **_kwargs):
        """A message of only spaces is no message."""
        if isinstance(data, dict) and isinstance(data.get("body"), str):
            return {**data, "body": data["body"].strip()}
        return data
