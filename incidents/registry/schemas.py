"""The model registry's forms: a model, a lifecycle step, a decommissioning proposal and its decision."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validates

from core.schemas import N_
from incidents.fields import URL, length, one_of, row_id


class ModelSchema(Schema):
    name = fields.String(required=True, validate=length(200, 1))
    version = fields.String(load_default="", validate=length(100))
    provider = fields.String(load_default="", validate=length(200))
    url = fields.String(load_default=None, validate=[length(500), URL])


class ModelTransitionSchema(Schema):
    row_version = row_id(required=True)
    public_reason = fields.String(load_default="", validate=length(1000))


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
    criteria_notes = fields.String(load_default="", validate=length(5000))
    effective_on = fields.Date(required=True, error_messages={"invalid": N_("Enter a date like 2026-03-31.")})
    notice = fields.String(required=True, validate=length(10000, 20))
    public_reason = fields.String(required=True, validate=length(1000, 10))

    @validates("criteria")
    def _complete_checklist(self, value, **_kwargs):
        missing = [name for name in CRITERIA if name not in value]
        wrong = [name for name, answer in value.items() if name not in CRITERIA or answer not in CRITERIA[name][1]]
        if missing or wrong:
            raise ValidationError(N_("Answer every question of the checklist."))


class DecisionSchema(Schema):
    decision = fields.String(required=True, validate=one_of(("approve", "reject"), N_("Approve or reject.")))
    note = fields.String(load_default="", validate=length(2000))
