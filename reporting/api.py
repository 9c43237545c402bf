"""The public read API for transparency reports: every published quarter and its figures, as JSON."""

from __future__ import annotations

import json

from flask import Blueprint, Flask, abort, jsonify, url_for

from core.db import get_session
from core.openapi import from_json_schema, spec_for
from reporting import pages
from reporting.models import Publication

PERIOD_PATTERN = r"^\d{4}Q[1-4]$"


def _summary(p: Publication) -> dict:
    return {
        "period": p.period,
        "revision": p.revision,
        "starts_on": p.starts_at.date().isoformat(),
        "ends_before": p.ends_at.date().isoformat(),
        "published_at": p.published_at.isoformat(),
        "epsilon": p.epsilon,
        "chain_hash": p.chain_hash,
        "signature": p.signature,
        "audit_checkpoint": {"seq": p.audit_seq, "hash": p.audit_hash} if p.audit_seq is not None else None,
        "links": {
            "self": url_for("reporting.api_report", period=p.period),
            "json": url_for("reporting.report_json", period=p.period),
            "csv": url_for("reporting.report_csv", period=p.period),
            "html": url_for("reporting.report", period=p.period),
        },
    }


def api_reports():
    """Every published quarter (its newest revision), newest first."""
    return jsonify({"reports": [_summary(p) for p in pages.published_latest(get_session())]})


def api_report(period: str):
    """One quarter's published report: the stored report.json with its hash, and where the files are."""
    found = pages.published_report(get_session(), period)
    if found is None:
        abort(404)
    publication, stored = found
    return jsonify({**_summary(publication), "sha256": stored.sha256, "report": json.loads(stored.content)})


def register(bp: Blueprint) -> None:
    """Add the transparency read API to the reporting blueprint."""
    bp.add_url_rule("/api/v1/transparency-reports", view_func=api_reports, methods=["GET"])
    bp.add_url_rule("/api/v1/transparency-reports/<string:period>", view_func=api_report, methods=["GET"])


# The OpenAPI entries as data: describe() hands them to apispec, which deep-copies what it is given,
# so one set of tables serves every app.
LINKS_SCHEMA = {
    "type": "object",
    "required": ["self", "json", "csv", "html"],
    "properties": {name: {"type": "string"} for name in ("self", "json", "csv", "html")},
}
SUMMARY_SCHEMA = {
    "type": "object",
    "required": [
        "period",
        "revision",
        "starts_on",
        "ends_before",
        "published_at",
        "epsilon",
        "chain_hash",
        "signature",
        "audit_checkpoint",
        "links",
    ],
    "properties": {
        "period": {"type": "string", "pattern": PERIOD_PATTERN},
        "revision": {"type": "integer", "minimum": 1, "description": "Revisions after 1 are corrections."},
        "starts_on": {"type": "string", "format": "date"},
        "ends_before": {"type": "string", "format": "date"},
        "published_at": {"type": "string", "format": "date-time"},
        "epsilon": {"type": "string", "description": "The privacy budget this revision spent."},
        "chain_hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "signature": {"type": "string", "nullable": True, "description": "Ed25519 over chain_hash, when signed."},
        "audit_checkpoint": {
            "type": "object",
            "nullable": True,
            "required": ["seq", "hash"],
            "properties": {
                "seq": {"type": "integer", "minimum": 1},
                "hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            },
            "description": "The audit log's head when this revision was published, part of what chain_hash covers. "
            "`flask --app wsgi audit verify --checkpoint SEQ:HASH` fails if the log was later cut back or altered.",
        },
        "links": LINKS_SCHEMA,
    },
}
LIST_SCHEMA = {
    "type": "object",
    "required": ["reports"],
    "properties": {"reports": {"type": "array", "items": {"$ref": "#/components/schemas/TransparencyReportSummary"}}},
}
REPORT_SCHEMA = {
    "allOf": [
        {"$ref": "#/components/schemas/TransparencyReportSummary"},
        {
            "type": "object",
            "required": ["sha256", "report"],
            "properties": {
                "sha256": {
                    "type": "string",
                    "pattern": "^[0-9a-f]{64}$",
                    "description": "SHA-256 of the published report.json file.",
                },
                "report": {"$ref": "#/components/schemas/TransparencyReportFile"},
            },
        },
    ]
}
# Registered in this order: the document lists components in the order they were added.
SCHEMAS = {
    "TransparencyReportSummary": SUMMARY_SCHEMA,
    "TransparencyReportList": LIST_SCHEMA,
    "TransparencyReport": REPORT_SCHEMA,
}
LIST_OPERATIONS = {
    "get": {
        "operationId": "listTransparencyReports",
        "tags": ["Transparency"],
        "summary": "List published transparency reports",
        "responses": {
            "200": {
                "description": "Newest quarter first",
                "content": {"application/json": {"schema": "TransparencyReportList"}},
            }
        },
    }
}
REPORT_OPERATIONS = {
    "get": {
        "operationId": "getTransparencyReport",
        "tags": ["Transparency"],
        "summary": "One quarter's transparency report and its figures",
        "parameters": [
            {
                "name": "period",
                "in": "path",
                "required": True,
                "schema": {"type": "string", "pattern": PERIOD_PATTERN},
                "example": "2026Q3",
            }
        ],
        "responses": {
            "200": {
                "description": "The report",
                "content": {"application/json": {"schema": "TransparencyReport"}},
            },
            "404": {"description": "Not published", "content": {"application/json": {"schema": "HttpError"}}},
        },
    }
}
PATHS = {
    "/api/v1/transparency-reports": LIST_OPERATIONS,
    "/api/v1/transparency-reports/{period}": REPORT_OPERATIONS,
}


def report_file_schema() -> dict:
    """The published report.json as an OpenAPI 3.0 schema, made from its JSON Schema (reporting.schema)."""
    from reporting.schema import SCHEMA

    schema = from_json_schema(SCHEMA)
    schema["description"] = (
        "The published report.json, as /transparency/schema.json describes it (that JSON Schema is the full "
        "rule: a suppressed figure has a null value, any other one a value of at least the display threshold). "
        + schema.get("description", "")
    )
    return schema


def describe(app: Flask) -> None:
    """Describe the transparency endpoints in the OpenAPI document."""
    spec = spec_for(app)
    spec.tag({"name": "Transparency", "description": "The published quarterly transparency reports."})
    for name, schema in SCHEMAS.items():
        spec.components.schema(name, schema)
    spec.components.schema("TransparencyReportFile", report_file_schema())
    for path, operations in PATHS.items():
        spec.path(path=path, operations=operations)
