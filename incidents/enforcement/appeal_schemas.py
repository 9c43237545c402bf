"""The appellant's and the reporter's appeal forms, and staff's decision form."""

from __future__ import annotations

from marshmallow import Schema, fields

from core.schemas import N_
from incidents.enforcement.models import AppealOutcome
from incidents.fields import length, one_of

OUTCOMES = {
    AppealOutcome.UPHELD: N_("Upheld: the decision stands"),
    AppealOutcome.REVERSED: N_("Reversed"),
    AppealOutcome.PARTLY_REVERSED: N_("Partly reversed"),
}


class AppealSchema(Schema):
    arguments = fields.String(required=True, validate=length(20000, 10))


class StatusSchema(Schema):
    receipt = fields.String(required=True, validate=length(40, 1))


class DecisionSchema(Schema):
    outcome = fields.String(required=True, validate=one_of(OUTCOMES, N_("Choose an outcome.")))
    reasons = fields.String(required=True, validate=length(20000, 10))


class StatementSendSchema(Schema):
    address = fields.Email(required=True, validate=length(254, 3))
