"""The intake endpoint's entry in the OpenAPI document."""

from __future__ import annotations

from flask import Flask

from core.openapi import spec_for
from incidents.intake.kinds import KINDS, KindForm
from incidents.intake.schemas import ApiReportSchema
from incidents.vocabulary import ReportKind

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
KINDS_TEXT = (
    "`kind` says what the report is about (default `general`, the incident report) and decides which questions "
    "it answers: `general` needs category and severity; `abuse` needs abuse_type and asks severity; "
    "`private_information` needs information_type, reporter_role and risk and asks severity; "
    "`intellectual_property` needs work, rights_holder, reporter_role, notice_type (Lumen's notice types) and "
    "good_faith true; `licence_violation` needs licence and licence_clause from the licence registry; "
    "`acceptable_use` needs use_rule and asks severity. A kind other than general implies its category, and where "
    "it does not ask the severity, the lowest. A field a kind does not ask is refused. The kinds' questions and "
    "words are at /report?kind=KIND."
)
# One of the kinds' reports; the Report component lists every field any kind takes.
REQUEST = {"oneOf": [{"$ref": f"#/components/schemas/Report_{kind.value}"} for kind in ReportKind]}
NOT_A_REPORT = {
    "description": "Not a report: under _schema, a body that is not a JSON object, or objects and lists nested "
    "more than 20 deep; under Idempotency-Key, a key too short",
    "content": {"application/json": {"schema": "Errors"}},
}
REFUSED_FIELDS = {
    "description": "A report whose fields break their rules, with the messages by field: a missing or malformed "
    "answer, a question its kind does not ask, a licence we cannot act on (under licence, with the licence's own "
    "reason), a refused attachment",
    "content": {"application/json": {"schema": "Errors"}},
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


# What every kind of report asks, besides the kind's own questions and the shared ones it chooses.
EVERY_KIND = (
    "title",
    "description",
    "model_name",
    "model_version",
    "model_provider",
    "model_url",
    "evidence_links",
    "contact",
    "share_consent",
    "channel",
    "attachments",
)


# The API reads blank text as no answer (ReportSchema trims text and drops what is left empty).
BLANK = {"type": "string", "pattern": r"^\s*$"}


def _answered(prop: dict) -> dict:
    """A property that must be answered: not null, not blank."""
    answer = {key: value for key, value in prop.items() if key not in ("nullable", "default")}
    if "enum" in answer:
        answer["enum"] = [value for value in answer["enum"] if value is not None]
    elif answer.get("type") == "string" and "minLength" not in answer:
        answer["minLength"] = 1
    return answer


def _optional(prop: dict) -> dict:
    """An optional property: its own rules, or null, or blank text (which counts as no answer)."""
    if prop.get("type") != "string":
        return prop
    own = _answered({key: value for key, value in prop.items() if key != "description"})
    nullable = {"nullable": True} if prop.get("nullable") else {}
    return {"description": prop.get("description", ""), **nullable, "anyOf": [own, BLANK]}


def _unasked(prop: dict) -> dict:
    """A field the kind does not ask: only its empty forms, which are no answer."""
    leave_out = "Not asked by this kind of report: leave it out."
    if prop.get("type") == "boolean":
        return {"type": "boolean", "enum": [False], "description": leave_out}
    if prop.get("type") == "array":
        return {"type": "array", "maxItems": 0, "description": leave_out}
    return {**BLANK, "nullable": True, "description": leave_out}


def kind_schema(full: dict, form: KindForm) -> dict:
    """One kind's report, cut from the schema of every field: the fields it takes, those it needs, and the empty
    forms of the others (the API reads them as no answer)."""
    asked = {*EVERY_KIND, *form.asks, *(q.name for q in form.questions)}
    needed = ["title", "description", *(n for n in ("category", "severity") if n in form.asks)]
    needed += [q.name for q in form.questions if q.required]
    properties = {}
    for name, prop in full["properties"].items():
        if name not in asked:
            properties[name] = _unasked(prop)
        else:
            properties[name] = _answered(prop) if name in needed else _optional(prop)
    if "good_faith" in asked:
        properties["good_faith"] = {"type": "boolean", "enum": [True], "description": "The good-faith statement"}
    properties["kind"] = {"type": "string", "enum": [form.kind.value]}
    if form.kind is ReportKind.GENERAL:
        properties["kind"] = _optional(properties["kind"])  # without a kind, a report is a general one
    else:
        needed.append("kind")
    return {
        "type": "object",
        "description": f"A report of the kind `{form.kind.value}`.",
        "properties": properties,
        "required": needed,
        "additionalProperties": False,
    }


def schema_name(kind: ReportKind) -> str:
    return "Report_" + kind.value


def describe(app: Flask) -> None:
    """Describe POST /api/v1/reports."""
    spec = spec_for(app)
    spec.tag({"name": "Reports", "description": "Anonymous report intake, the same as the web forms."})
    spec.components.security_scheme("partnerToken", PARTNER_TOKEN)
    spec.components.schema("Report", schema=ApiReportSchema)
    for kind, form in KINDS.items():
        spec.components.schema(schema_name(kind), kind_schema(spec.components.schemas["Report"], form))
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
                "operationId": "submitReport",
                "tags": ["Reports"],
                "summary": "Submit a report",
                "description": "Accepts the same fields as the web forms. Without a token nothing about the "
                "caller is recorded; with a partner's token the report records that partner (public channel only). "
                + KINDS_TEXT,
                "parameters": [IDEMPOTENCY_KEY],
                "security": [{}, {"partnerToken": []}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": REQUEST}}},
                "responses": {
                    "201": CREATED,
                    "400": NOT_A_REPORT,
                    "422": REFUSED_FIELDS,
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
