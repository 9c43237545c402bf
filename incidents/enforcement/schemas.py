"""Enforcement actions: their vocabulary (types, targets, grounds, automation) and form."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, post_load, pre_load, validates_schema

from core import clock
from core.schemas import N_
from incidents.enforcement import licence_ground
from incidents.fields import COUNTRY_CODES, length, one_of, row_id
from incidents.vocabulary import ActionType, Automation, GroundType, TargetKind

# The words for each term of the vocabulary in incidents.vocabulary (ActionType, TargetKind, ...).
ACTION_TYPES = {
    ActionType.WARNING: N_("Warning"),
    ActionType.TAKEDOWN: N_("Takedown of a model or content"),
    ActionType.SUSPENSION: N_("Suspension of access"),
    ActionType.TERMINATION: N_("Termination of access"),
    ActionType.DELISTING: N_("Delisting from search and recommendations"),
    ActionType.LICENCE_CHANGE: N_("Licence change"),
    ActionType.REFERRAL: N_("Referral to an authority"),
    ActionType.REINSTATEMENT: N_("Reinstatement after an appeal"),
}
TARGET_KINDS = {
    TargetKind.MODEL: N_("A model"),
    TargetKind.ACCOUNT: N_("An account"),
    TargetKind.CONTENT: N_("Content (a file, a space, a prompt)"),
    TargetKind.APPLICATION: N_("An application built on a model"),
}
GROUND_TYPES = {
    GroundType.LAW: N_("Law"),
    GroundType.POLICY: N_("Our policy or terms"),
    GroundType.LICENCE: N_("The model's licence"),
}
# The actions that may end on a date: they restrict for a time. A takedown or a termination is for good, and the
# others restrict nothing.
TIME_LIMITED = frozenset({ActionType.SUSPENSION, ActionType.DELISTING})
AUTOMATION = {Automation.MANUAL: N_("Manual"), Automation.AUTOMATED: N_("Automated")}


class EnforcementSchema(Schema):
    action_type = fields.String(required=True, validate=one_of(ACTION_TYPES, N_("Choose an action type.")))
    target_kind = fields.String(required=True, validate=one_of(TARGET_KINDS, N_("Choose what the action targets.")))
    target = fields.String(required=True, validate=length(300, 1))
    model_id = row_id(load_default=None)
    ground_type = fields.String(required=True, validate=one_of(GROUND_TYPES, N_("Choose law, policy or licence.")))
    # Required but on the licence ground, where an empty one is made from the clause (enforcement.service).
    ground_reference = fields.String(load_default="", validate=length(300, 2))
    # The licence ground's clause, `licence_id:clause_id` (licence_ground.split); read as licence_id, licence_clause.
    licence_citation = fields.String(load_default=None, validate=length(200))
    explanation = fields.String(load_default="", validate=length(5000))
    detection = fields.String(required=True, validate=one_of(AUTOMATION, N_("Choose manual or automated.")))
    decision = fields.String(required=True, validate=one_of(AUTOMATION, N_("Choose manual or automated.")))
    authority = fields.String(load_default=None, validate=length(200))
    territorial_scope = fields.List(
        fields.String(validate=one_of(COUNTRY_CODES, N_("Unknown country code."))), load_default=list
    )
    decided_on = fields.Date(required=True, error_messages={"invalid": N_("Enter a date like 2026-03-31.")})
    applied_on = fields.Date(load_default=None, error_messages={"invalid": N_("Enter a date like 2026-03-31.")})
    ends_on = fields.Date(load_default=None, error_messages={"invalid": N_("Enter a date like 2026-03-31.")})

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
        self._check_end(data)
        self._check_ground(data)

    @post_load
    def _licence_ids(self, data, **_kwargs):
        citation = data.pop("licence_citation", None)
        data["licence_id"], data["licence_clause"] = licence_ground.split(citation) if citation else (None, None)
        return data

    @staticmethod
    def _check_ground(data: dict) -> None:
        """A licence ground cites a clause the registry acts on; any other names its law or policy, and no clause."""
        citation = data.get("licence_citation")
        licence_id, clause_id = licence_ground.split(citation) if citation else ("", "")
        reference = data.get("ground_reference") or ""
        problem = licence_ground.ground_problem(data.get("ground_type"), licence_id, clause_id, reference)
        if problem is not None:
            raise ValidationError(problem[1], problem[0])

    @staticmethod
    def _check_end(data: dict) -> None:
        """An end date belongs to a suspension or a delisting, and falls after the day it starts."""
        ends_on = data.get("ends_on")
        if ends_on is None:
            return
        if data.get("action_type") not in TIME_LIMITED:
            raise ValidationError(
                N_("Only a suspension or a delisting can end on a date; leave the end date empty."), "ends_on"
            )
        starts_on = data.get("applied_on") or data.get("decided_on")
        if starts_on and ends_on <= starts_on:
            raise ValidationError(N_("The end date must be after the date the action applies from."), "ends_on")


def enforcement_choices() -> dict:
    return {
        "types": ACTION_TYPES,
        "targets": TARGET_KINDS,
        "grounds": GROUND_TYPES,
        "licences": licence_ground.choices(),
        "automation": AUTOMATION,
    }
