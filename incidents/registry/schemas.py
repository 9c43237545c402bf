"""The model registry's forms: a model, a lifecycle step, a decommissioning proposal and its decision."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, pre_load, validates, validates_schema

from core.schemas import N_
from incidents.fields import ONE_LINE, URL, length, one_of, row_id, split_lines
from incidents.registry.cards import MAX_BASE_MODELS, MAX_NAME
from incidents.vocabulary import ReleaseType


class ModelSchema(Schema):
    name = fields.String(required=True, validate=[length(200, 1), ONE_LINE])
    version = fields.String(load_default="", validate=[length(100), ONE_LINE])
    provider = fields.String(load_default="", validate=[length(200), ONE_LINE])
    url = fields.String(load_default=None, validate=[length(500), URL])


class ModelDetailsSchema(Schema):
    """What staff edit on a model's page: its provider and link, and what its card says of it."""

    row_version = row_id(required=True)
    provider = fields.String(load_default="", validate=[length(200), ONE_LINE])
    url = fields.String(load_default=None, validate=[length(500), URL])
    hub_url = fields.String(load_default=None, validate=[length(500), URL])
    licence = fields.String(load_default="", validate=[length(100), ONE_LINE])
    release_type = fields.String(
        load_default=None,
        validate=one_of([t.value for t in ReleaseType], N_("Choose a release type from the list.")),
    )
    base_models = fields.List(fields.String(validate=length(MAX_NAME, 1)), load_default=list)
    owner_contact = fields.Email(
        load_default=None,
        validate=length(254),
        error_messages={"invalid": N_("Enter an email address like name@example.org.")},
    )

    @pre_load
    def _lines(self, data, **_kwargs):
        data = dict(data)
        chunks = data.get("base_models", [])
        chunks = [chunks] if isinstance(chunks, str) else chunks
        data["base_models"] = list(dict.fromkeys(line for chunk in chunks for line in split_lines(str(chunk))))
        return data

    @validates("base_models")
    def _few_bases(self, value, **_kwargs):
        if len(value) > MAX_BASE_MODELS:
            raise ValidationError(N_("At most 20 base models, one a line."))


class CardImportSchema(Schema):
    row_version = row_id(required=True)


class CardReviewSchema(Schema):
    """A reviewer's decision on one checklist item: pass or fail, with a note when it overrides the check."""

    row_version = row_id(required=True)
    result = fields.String(required=True, validate=one_of(("pass", "fail"), N_("Choose pass or fail.")))
    note = fields.String(load_default="", validate=length(1000))
    automatic = fields.String(load_default="")

    @validates_schema
    def _note_on_override(self, data, **_kwargs):
        if data.get("automatic") and data.get("result") != data["automatic"] and len(data["note"].strip()) < 5:
            raise ValidationError(N_("Say in a note why you override the automatic check."), "note")


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


class ListingProposalSchema(Schema):
    """A reviewer's proposal on a model in review: approve it for listing, or return it with reasons."""

    outcome = fields.String(
        required=True, validate=one_of(("approve", "return"), N_("Choose to approve it or to return it."))
    )
    reasons = fields.String(load_default="", validate=length(2000))

    @validates_schema
    def _reasons_to_return(self, data, **_kwargs):
        if data.get("outcome") == "return" and len(data["reasons"].strip()) < 10:
            raise ValidationError(N_("Give the reasons for returning it (at least 10 characters)."), "reasons")


class ListingDecisionSchema(Schema):
    decision = fields.String(
        required=True, validate=one_of(("confirm", "reject", "withdraw"), N_("Confirm or reject."))
    )
    note = fields.String(load_default="", validate=length(2000))


class FlagClearSchema(Schema):
    """Clearing a derived model's upstream flag takes a note: what was looked at, and why it may stay as it is."""

    note = fields.String(required=True, validate=length(1000, 5))
