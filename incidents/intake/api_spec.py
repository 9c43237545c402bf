"""The intake endpoint's entry in the OpenAPI document."""

from __future__ import annotations

from flask import Flask

from core.openapi import spec_for
from incidents.intake.schemas import ApiReportSchema

IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{32,200}$"},
    "description": "Send the same report again with the same key after a time-out and get the same receipt, with "
    "no second report stored. Make it random (32 bytes in URL-safe base64); the receipt is bound to the key and "
    "the report, so the key with another report stores that report.",
}
PARTNER_TOKEN = {
    "type": "http",
    "scheme": "bearer",
    "description": "A partner's API token, from `flask --app wsgi partners add`: the report is filed as the "
    "partner's (a trusted flagger's, an authority's or a hub's) and counts against PARTNER_LIMIT.",
}
CREATED = {
    "description": "Stored and sealed. A repeat of the same report with the same Idempotency-Key answers the same, "
    "with the header Idempotent-Replayed: true",
    "headers": {
        "Idempotent-Replayed": {
            "schema": {"type": "string", "enum": ["true"]},
            "description": "Present when the report was stored by an earlier request with the key",
        }
    },
    "content": {"application/json": {"schema": "Receipt"}},
}


def describe(app: Flask) -> None:
    """Describe POST /api/v1/reports."""
    spec = spec_for(app)
    spec.components.security_scheme("partnerToken", PARTNER_TOKEN)
    spec.components.schema("Report", schema=ApiReportSchema)
    spec.components.schema(
        "Receipt",
        {
            "type": "object",
            "properties": {
                "receipt": {
                    "type": "string",
                    "pattern": "^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$",
                    "description": "Shown once; the reporter needs it to follow up.",
                },
                "status": {"type": "string"},
                "followup_url": {"type": "string"},
            },
            "required": ["receipt", "status", "followup_url"],
        },
    )
    spec.path(
        path="/api/v1/reports",
        operations={
            "post": {
                "summary": "Submit a report",
                "description": "Accepts the same fields as the web forms. Without a token nothing about the "
                "caller is recorded; with a partner's token the report records that partner (public channel only).",
                "parameters": [IDEMPOTENCY_KEY],
                "security": [{}, {"partnerToken": []}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": "Report"}}},
                "responses": {
                    "201": CREATED,
                    "400": {
                        "description": "Invalid input, with a message per field (or under _schema: not JSON, "
                        "or objects and lists nested more than 20 deep; under Idempotency-Key: a key too short)",
                        "content": {"application/json": {"schema": "Errors"}},
                    },
                    "401": {
                        "description": "An Authorization header that is not a partner's valid, unrevoked token; "
                        "nothing is stored",
                        "content": {"application/json": {"schema": "Errors"}},
                    },
                    "413": {
                        "description": "The body is larger than the API_JSON_MAX_BYTES setting (1 MiB by default); "
                        "it is refused before it is read"
                    },
                    "429": {"description": "Too many submissions (INTAKE_LIMIT, or a partner's PARTNER_LIMIT)"},
                    "503": {
                        "description": "The whistleblower channel has no recipients yet",
                        "content": {"application/json": {"schema": "Errors"}},
                    },
                },
            }
        },
    )
