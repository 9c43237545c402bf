"""Schemas for the staff side: triage action parameters, incidents, enforcement, models, decommissioning."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates, validates_schema

from core import clock
from core.schemas import N_
from incidents.labels import SERIOUS_FLAG_LABELS
from incidents.models import Actor, Category, Severity
from incidents.schemas import COUNTRY_CODES, URL, _length

# The reporter's serious-incident flags, plus two that only staff set when classifying.
STAFF_FLAGS = (*SERIOUS_FLAG_LABELS, "widespread_infringement", "weight_exfiltration")

DISMISS_REASONS = {
    "out_of_scope": N_("Out of scope: not about an AI model or system we are responsible for"),
    "not_reproducible": N_("Could not be reproduced"),
    "insufficient_information": N_("Not enough information, and the reporter did not answer"),
    "already_addressed": N_("Already addressed by an earlier fix"),
    "no_violation": N_("Assessed: no harm or policy violation found"),
    "spam": N_("Spam or abuse of the reporting channel"),
}


def _one_of(values, message: str) -> validate.OneOf:
    return validate.OneOf(list(values), error=message)


class _Version(Schema):
    """Every change carries the version the person saw, so a concurrent change is not overwritten."""

    version = fields.Integer(
        required=True,
        strict=False,
        error_messages={
            "required": N_("The form is incomplete; reload the page."),
            "invalid": N_("The form is incomplete; reload the page."),
        },
    )


class ClassifySchema(_Version):
    category = fields.String(required=True, validate=_one_of([c.value for c in Category], N_("Choose a category.")))
    severity = fields.String(required=True, validate=_one_of([s.value for s in Severity], N_("Choose a severity.")))
    actor = fields.String(load_default=None, validate=_one_of([a.value for a in Actor], N_("Choose a party.")))
    flags = fields.List(fields.String(validate=_one_of(STAFF_FLAGS, N_("Unknown flag."))), load_default=list)

    @validates_schema
    def _flags_need_serious(self, data, **_kwargs):
        if data.get("flags") and data.get("severity") != Severity.SERIOUS_INCIDENT.value:
            raise ValidationError(N_("Serious-incident flags need the severity 'serious incident'."), "flags")


class AssignSchema(_Version):
    assignee_id = fields.Integer(load_default=None, strict=False)


class NoteSchema(_Version):
    """Actions with nothing to choose: acknowledge, escalate, resolve, reopen, file a report."""


class RequestInfoSchema(_Version):
    question = fields.String(
        required=True,
        validate=_length(20000, 1),
        error_messages={"required": N_("Write your question to the reporter.")},
    )


class LinkIncidentSchema(_Version):
    incident_id = fields.Integer(load_default=None, strict=False)
    new_title = fields.String(load_default=None, validate=_length(500, 6))

    @validates_schema
    def _one_target(self, data, **_kwargs):
        if bool(data.get("incident_id")) == bool(data.get("new_title")):
            raise ValidationError(
                N_("Choose an existing incident, or give a title for a new one (not both)."), "incident_id"
            )


class DuplicateSchema(_Version):
    duplicate_of = fields.Integer(
        required=True,
        strict=False,
        validate=validate.Range(min=1),
        error_messages={
            "required": N_("Give the number of the original report."),
            "invalid": N_("Give the number of the original report."),
        },
    )


class DismissSchema(_Version):
    reason = fields.String(
        required=True,
        validate=_one_of(DISMISS_REASONS, N_("Choose a reason for dismissing.")),
        error_messages={"required": N_("Choose a reason for dismissing.")},
    )


def _lines(value) -> list[str]:
    if isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip()]
    return value


class IncidentSchema(Schema):
    """An incident's public summary fields (they may later feed public exports, after scrubbing)."""

    title = fields.String(required=True, validate=_length(500, 6))
    description = fields.String(load_default="", validate=_length(50000))
    occurred_on = fields.Date(load_default=None, error_messages={"invalid": N_("Enter a date like 2026-03-31.")})
    deployers = fields.List(fields.String(validate=_length(200)), load_default=list)
    developers = fields.List(fields.String(validate=_length(200)), load_default=list)
    harmed_parties = fields.List(fields.String(validate=_length(200)), load_default=list)
    implicated_systems = fields.List(fields.String(validate=_length(200)), load_default=list)
    source_urls = fields.List(fields.String(validate=[_length(500), URL]), load_default=list)

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
                data[name] = _lines(value)
        return data

    @validates("occurred_on")
    def _not_future(self, value, **_kwargs):
        if value and value > clock.today():
            raise ValidationError(N_("The date cannot be in the future."))


class IncidentEditSchema(IncidentSchema, _Version):
    pass


ACTION_TYPES = {
    "warning": N_("Warning"),
    "takedown": N_("Takedown of a model or content"),
    "suspension": N_("Suspension of access"),
    "termination": N_("Termination of access"),
    "delisting": N_("Delisting from search and recommendations"),
    "licence_change": N_("Licence change"),
    "referral": N_("Referral to an authority"),
    "reinstatement": N_("Reinstatement after an appeal"),
}
TARGET_KINDS = {
    "model": N_("A model"),
    "account": N_("An account"),
    "content": N_("Content (a file, a space, a prompt)"),
    "application": N_("An application built on a model"),
}
GROUND_TYPES = {"law": N_("Law"), "policy": N_("Our policy or terms")}
AUTOMATION = {"manual": N_("Manual"), "automated": N_("Automated")}


class EnforcementSchema(Schema):
    action_type = fields.String(required=True, validate=_one_of(ACTION_TYPES, N_("Choose an action type.")))
    target_kind = fields.String(required=True, validate=_one_of(TARGET_KINDS, N_("Choose what the action targets.")))
    target = fields.String(required=True, validate=_length(300, 1))
    model_id = fields.Integer(load_default=None, strict=False)
    ground_type = fields.String(required=True, validate=_one_of(GROUND_TYPES, N_("Choose law or policy.")))
    ground_reference = fields.String(required=True, validate=_length(300, 2))
    explanation = fields.String(load_default="", validate=_length(5000))
    detection = fields.String(required=True, validate=_one_of(AUTOMATION, N_("Choose manual or automated.")))
    decision = fields.String(required=True, validate=_one_of(AUTOMATION, N_("Choose manual or automated.")))
    authority = fields.String(load_default=None, validate=_length(200))
    territorial_scope = fields.List(
        fields.String(validate=_one_of(COUNTRY_CODES, N_("Unknown country code."))), load_default=list
    )
    decided_on = fields.Date(required=True, error_messages={"invalid": N_("Enter a date like 2026-03-31.")})
    applied_on = fields.Date(load_default=None, error_messages={"invalid": N_("Enter a date like 2026-03-31.")})

    @pre_load
    def _scope_list(self, data, **_kwargs):
        scope = data.get("territorial_scope") if isinstance(data, dict) else None
        if isinstance(scope, list) and all(isinstance(item, str) for item in scope):
            scope = " ".join(scope)
        if isinstance(scope, str):
            data = {**data, "territorial_scope": [code.upper() for code in scope.replace(",", " ").split()]}
        return data

    @validates_schema
    def _coherent(self, data, **_kwargs):
        if data.get("action_type") == "referral" and not data.get("authority"):
            raise ValidationError(N_("Name the authority the case is referred to."), "authority")
        if data.get("applied_on") and data.get("decided_on") and data["applied_on"] < data["decided_on"]:
            raise ValidationError(N_("An action cannot be applied before it was decided."), "applied_on")
        if data.get("decided_on") and data["decided_on"] > clock.today():
            raise ValidationError(N_("The decision date cannot be in the future."), "decided_on")


class ModelSchema(Schema):
    name = fields.String(required=True, validate=_length(200, 1))
    version = fields.String(load_default="", validate=_length(100))
    provider = fields.String(load_default="", validate=_length(200))
    url = fields.String(load_default=None, validate=[_length(500), URL])


class ModelTransitionSchema(Schema):
    row_version = fields.Integer(required=True, strict=False)
    public_reason = fields.String(load_default="", validate=_length(1000))


CRITERIA = {
    "severity": (N_("How severe is the harm?"), {"low": N_("Low"), "high": N_("High"), "critical": N_("Critical")}),
    "reproducibility": (
        N_("Can the harm be reproduced?"),
        {"no": N_("No"), "sometimes": N_("Sometimes"), "reliably": N_("Reliably")},
    ),
    "mitigation": (
        N_("Does a mitigation exist short of decommissioning?"),
        {"yes": N_("Yes"), "partial": N_("Partly"), "no": N_("No")},
    ),
    "downstream_usage": (
        N_("How widely is it used downstream?"),
        {"none": N_("Not at all"), "some": N_("Some use"), "wide": N_("Widely")},
    ),
    "weights_public": (N_("Are the weights already public?"), {"no": N_("No"), "yes": N_("Yes")}),
}


class DecommissionProposalSchema(Schema):
    criteria = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    criteria_notes = fields.String(load_default="", validate=_length(5000))
    effective_on = fields.Date(required=True, error_messages={"invalid": N_("Enter a date like 2026-03-31.")})
    notice = fields.String(required=True, validate=_length(10000, 20))
    public_reason = fields.String(required=True, validate=_length(1000, 10))

    @validates("criteria")
    def _complete_checklist(self, value, **_kwargs):
        missing = [name for name in CRITERIA if name not in value]
        wrong = [name for name, answer in value.items() if name not in CRITERIA or answer not in CRITERIA[name][1]]
        if missing or wrong:
            raise ValidationError(N_("Answer every question of the checklist."))


class DecisionSchema(Schema):
    decision = fields.String(required=True, validate=_one_of(("approve", "reject"), N_("Approve or reject.")))
    note = fields.String(load_default="", validate=_length(2000))
