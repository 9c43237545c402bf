"""The parameters of each triage action, and the reasons and flags staff choose from."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validates_schema

from core.schemas import N_
from incidents.fields import Versioned, length, one_of, row_id
from incidents.models import Actor, Category, Severity
from incidents.vocabulary import STAFF_FLAGS as ALL_STAFF_FLAGS

# Every serious-harm flag: the reporter's, and the two that only staff set when classifying.
STAFF_FLAGS = ALL_STAFF_FLAGS


DISMISS_REASONS = {
    "out_of_scope": N_("Out of scope: not about an AI model or system we are responsible for"),
    "not_reproducible": N_("Could not be reproduced"),
    "insufficient_information": N_("Not enough information, and the reporter did not answer"),
    "already_addressed": N_("Already addressed by an earlier fix"),
    "no_violation": N_("Assessed: no harm or policy violation found"),
    "spam": N_("Spam or abuse of the reporting channel"),
}


class ClassifySchema(Versioned):
    category = fields.String(required=True, validate=one_of([c.value for c in Category], N_("Choose a category.")))
    severity = fields.String(required=True, validate=one_of([s.value for s in Severity], N_("Choose a severity.")))
    actor = fields.String(load_default=None, validate=one_of([a.value for a in Actor], N_("Choose a party.")))
    flags = fields.List(fields.String(validate=one_of(STAFF_FLAGS, N_("Unknown flag."))), load_default=list)

    @validates_schema
    def _flags_need_serious(self, data, **_kwargs):
        if data.get("flags") and data.get("severity") != Severity.SERIOUS_INCIDENT.value:
            raise ValidationError(N_("Serious-incident flags need the severity 'serious incident'."), "flags")


class AssignSchema(Versioned):
    assignee_id = row_id(load_default=None)


class NoteSchema(Versioned):
    """Actions with nothing to choose: acknowledge, escalate, resolve, reopen, file a report."""


class RequestInfoSchema(Versioned):
    question = fields.String(
        required=True,
        validate=length(20000, 1),
        error_messages={"required": N_("Write your question to the reporter.")},
    )


class LinkIncidentSchema(Versioned):
    incident_id = row_id(load_default=None)
    new_title = fields.String(load_default=None, validate=length(500, 6))

    @validates_schema
    def _one_target(self, data, **_kwargs):
        if bool(data.get("incident_id")) == bool(data.get("new_title")):
            raise ValidationError(
                N_("Choose an existing incident, or give a title for a new one (not both)."), "incident_id"
            )


class DuplicateSchema(Versioned):
    duplicate_of = row_id(
        minimum=1,
        required=True,
        error_messages={
            "required": N_("Give the number of the original report."),
            "invalid": N_("Give the number of the original report."),
        },
    )


class DismissSchema(Versioned):
    reason = fields.String(
        required=True,
        validate=one_of(DISMISS_REASONS, N_("Choose a reason for dismissing.")),
        error_messages={"required": N_("Choose a reason for dismissing.")},
    )


class StaffMessageSchema(Schema):
    """A staff message to the reporter; `marks` says it is the feedback or the final outcome owed."""

    body = fields.String(required=True, validate=length(20000, 1))
    marks = fields.String(
        load_default=None, validate=one_of(["feedback", "outcome"], N_("Choose what this message is."))
    )


class ExtensionSchema(Schema):
    justification = fields.String(
        required=True,
        validate=length(2000, 10),
        error_messages={"required": N_("Give the justification for the extension.")},
    )
