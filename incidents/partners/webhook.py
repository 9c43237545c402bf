"""POST /api/v1/hub/webhook/<partner_id>: a model hub's webhook (Hugging Face's format) files discussions as reports.

The partner's id is in the path, so the secret is checked against that one partner's hash only (in
constant time); the hub sends the secret verbatim in `X-Webhook-Secret`, as Hugging Face does.
Answers: 201 filed, 200 filed before (the same discussion URL; `Idempotent-Replayed: true`) or an event
that files nothing (`"status": "ignored"`), 400 not JSON or a field missing or refused (named), 401 a missing or
wrong secret or a revoked partner, 404 no hub partner with that id, 413 too large, 429 over PARTNER_LIMIT.
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, jsonify, request

from core.db import get_session
from core.jsonbody import BadJSON, read_json
from core.openapi import spec_for
from core.security import csrf, spend_keyed_limit, spend_rate_limit
from incidents import web
from incidents.partners import hub
from incidents.partners import service as partners
from incidents.partners.models import Partner
from incidents.vocabulary import PartnerKind


def _refused(field: str, message: str, status: int):
    return jsonify({"errors": {field: [message]}}), status


@csrf.exempt
def hub_webhook(partner_id: int):
    """File a new discussion on a model repo as a public report from the hub."""
    session = get_session()
    partner = session.get(Partner, partner_id)
    # An unknown id, a partner that is no hub and a wrong secret get the same answer, so the answer does not say
    # which ids are hubs; each guess costs what filing a report does.
    secret = request.headers.get("X-Webhook-Secret")
    if partner is None or partner.kind != PartnerKind.HUB or not partners.webhook_secret_matches(partner, secret):
        spend_rate_limit("intake", current_app.config["INTAKE_LIMIT"])
        return _refused("X-Webhook-Secret", "The webhook secret is missing or wrong, or the partner is revoked.", 401)
    try:
        payload = read_json(current_app.config["API_JSON_MAX_BYTES"])
    except BadJSON as err:
        return _refused("_schema", str(err), 400)
    if not isinstance(payload, dict):
        return _refused("_schema", "Send the event as a JSON object.", 400)
    try:
        reason = hub.ignored_because(payload)
        if reason is not None:  # before the limit: a busy hub's comments and edits must not crowd out its reports
            return jsonify({"status": "ignored", "reason": reason}), 200
        discussion = hub.read_discussion(payload)
    except hub.BadPayload as err:
        return _refused(err.field, str(err), 400)
    spend_keyed_limit("partner", current_app.config["PARTNER_LIMIT"], f"p{partner.id}")
    try:
        result = hub.file_discussion(session, partner, discussion, web.current_keys())
    except hub.BadPayload as err:  # the report it makes fails the rules every report meets
        return _refused(err.field, str(err), 400)
    response = jsonify({"status": result.status})
    if result.duplicate:
        response.headers["Idempotent-Replayed"] = "true"
        return response, 200
    return response, 201


def register(bp: Blueprint) -> None:
    """Add the hub webhook to the incidents blueprint."""
    bp.add_url_rule("/api/v1/hub/webhook/<int:partner_id>", view_func=hub_webhook, methods=["POST"])


def _answer(description: str, errors: bool = True) -> dict:
    return {"description": description, **({"content": {"application/json": {"schema": "Errors"}}} if errors else {})}


def describe(app: Flask) -> None:
    """Describe POST /api/v1/hub/webhook/{partner_id} in the OpenAPI document."""
    spec_for(app).tag({"name": "Partners", "description": "What partner systems send: model hubs' webhooks."})
    spec_for(app).path(
        path="/api/v1/hub/webhook/{partner_id}",
        operations={
            "post": {
                "operationId": "receiveHubWebhook",
                "tags": ["Partners"],
                "summary": "A model hub's webhook (Hugging Face's format)",
                "description": "A new discussion on a model repo (event.scope 'discussion', event.action 'create', "
                "not a pull request) is filed as a public report from the hub (the general kind), linked to the "
                "registry record whose hub URL names repo.name. Other events are answered 200 and ignored.",
                "parameters": [
                    {"name": "partner_id", "in": "path", "required": True, "schema": {"type": "integer"}},
                    {
                        "name": "X-Webhook-Secret",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string"},
                        "description": "The secret `partners add NAME --kind hub` printed",
                    },
                ],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}},
                "responses": {
                    "201": _answer("Filed", errors=False),
                    "200": _answer("Filed before (Idempotent-Replayed: true), or an event that files nothing", False),
                    "400": _answer(
                        "Not JSON, a field missing or malformed, or one that makes a report break the rules every "
                        "report meets; the error names the event's field (dotted)"
                    ),
                    "401": _answer("The secret is missing or wrong, or the partner is revoked"),
                    "404": _answer(
                        "No hub partner has this id (JSON errors, or for an id out of range the 404 page)", False
                    ),
                    "413": _answer("The body is larger than API_JSON_MAX_BYTES", errors=False),
                    "429": _answer("Over the partner's PARTNER_LIMIT", errors=False),
                },
            }
        },
    )
