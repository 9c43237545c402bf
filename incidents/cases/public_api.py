"""The public read API for incidents and withdrawn models: what is already public, as JSON.

Only incidents a publisher approved are listed, and only their scrubbed public summary (the
same one exports carry). Nothing here needs a login, sets a cookie or records the caller.
"""

from __future__ import annotations

from flask import Blueprint, Flask, abort, jsonify, request, url_for
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from core.db import get_session
from core.ids import MAX_ID
from core.openapi import spec_for
from incidents.cases import public
from incidents.models import Incident
from incidents.registry import service as registry

PAGE_MAX = 100


class IncidentListArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    limit = fields.Integer(load_default=50, validate=validate.Range(1, PAGE_MAX), strict=False)
    after = fields.Integer(load_default=0, validate=validate.Range(0, MAX_ID), strict=False)


class PublicSourceSchema(Schema):
    url = fields.String(required=True)
    title = fields.String(required=True)
    publication = fields.String(required=True)
    authors = fields.List(fields.String(), required=True)
    published_on = fields.Date(required=True, allow_none=True)
    language = fields.String(required=True, allow_none=True)
    excerpt = fields.String(required=True, metadata={"description": "The passage of the article that reports it."})


class PublicIncidentSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    date = fields.Date(required=True, allow_none=True, metadata={"description": "When the incident happened."})
    deployers = fields.List(fields.String(), required=True)
    developers = fields.List(fields.String(), required=True)
    harmed_parties = fields.List(fields.String(), required=True)
    implicated_systems = fields.List(fields.String(), required=True)
    source_urls = fields.List(fields.String(), required=True)
    sources = fields.List(fields.Nested(PublicSourceSchema), required=True)
    shared_on = fields.Date(required=True, metadata={"description": "When a publisher approved it for sharing."})


class IncidentPageSchema(Schema):
    incidents = fields.List(fields.Nested(PublicIncidentSchema), required=True)
    next = fields.String(required=True, allow_none=True, metadata={"description": "The next page, or null."})


class WithdrawnModelSchema(Schema):
    name = fields.String(required=True)
    version = fields.String(required=True)
    provider = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(["suspended", "decommissioned"]))
    effective_on = fields.Date(required=True, allow_none=True)
    reason = fields.String(required=True)
    notice = fields.String(required=True)


class WithdrawnModelsSchema(Schema):
    models = fields.List(fields.Nested(WithdrawnModelSchema), required=True)


def _public(incident: Incident) -> dict:
    s = public.summary_of(get_session(), incident)
    return {
        "id": incident.id,
        "title": s["title"],
        "description": s["description"],
        "date": s["occurred_on"],
        **{name: s[name] for name in (*public.LIST_FIELDS, "source_urls")},
        "sources": public.summary_sources(s),
        "shared_on": incident.shared_at.date().isoformat(),
    }


def _bad_request(errors: dict):
    return jsonify({"errors": errors}), 400


def api_incidents():
    """Approved incidents, oldest first, a page at a time."""
    try:
        args = IncidentListArgs().load(request.args)
    except ValidationError as err:
        return _bad_request(err.messages)
    page, more = public.shared_incidents(get_session(), after=args["after"], limit=args["limit"])
    return jsonify(
        {
            "incidents": [_public(i) for i in page],
            "next": url_for("incidents.api_incidents", after=page[-1].id, limit=args["limit"]) if more else None,
        }
    )


def api_incident(incident_id: int):
    """One approved incident."""
    incident = public.shared_incident(get_session(), incident_id)
    if incident is None:
        abort(404)
    return jsonify(_public(incident))


def api_withdrawn_models():
    """Suspended and decommissioned models, newest change first."""
    models = registry.public_model_list(get_session())
    return jsonify(
        {
            "models": [
                {
                    "name": m.name,
                    "version": m.version,
                    "provider": m.provider,
                    "status": m.status,
                    "effective_on": m.effective_on.isoformat() if m.effective_on else None,
                    "reason": m.reason,
                    "notice": m.notice,
                }
                for m in models
            ]
        }
    )


NOT_FOUND = {"description": "No such record", "content": {"application/json": {"schema": "HttpError"}}}
BAD_QUERY = {
    "description": "A query parameter is out of range, with a message per parameter",
    "content": {"application/json": {"schema": "Errors"}},
}


def register(bp: Blueprint) -> None:
    """Add the public read API to the incidents blueprint."""
    bp.add_url_rule("/api/v1/incidents", view_func=api_incidents, methods=["GET"])
    bp.add_url_rule("/api/v1/incidents/<int:incident_id>", view_func=api_incident, methods=["GET"])
    bp.add_url_rule("/api/v1/models/withdrawn", view_func=api_withdrawn_models, methods=["GET"])


# The public read endpoints, as the OpenAPI document describes them.
PATHS = {
    "/api/v1/incidents": {
        "get": {
            "operationId": "listIncidents",
            "tags": ["Incidents"],
            "summary": "List approved incidents",
            "description": "Incidents a publisher approved for sharing with every reporter's consent: their public "
            "summary, scrubbed of personal data. Oldest first; follow `next` for more.",
            "parameters": [
                {
                    "name": "limit",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": PAGE_MAX, "default": 50},
                },
                {
                    "name": "after",
                    "in": "query",
                    "description": "Return incidents with a larger id than this.",
                    "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID, "default": 0},
                },
            ],
            "responses": {
                "200": {
                    "description": "A page of incidents",
                    "content": {"application/json": {"schema": "IncidentPage"}},
                },
                "400": BAD_QUERY,
            },
        }
    },
    "/api/v1/incidents/{incident_id}": {
        "get": {
            "operationId": "getIncident",
            "tags": ["Incidents"],
            "summary": "One approved incident",
            "parameters": [
                {"name": "incident_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0}}
            ],
            "responses": {
                "200": {
                    "description": "The incident",
                    "content": {"application/json": {"schema": "PublicIncident"}},
                },
                "404": NOT_FOUND,
            },
        }
    },
    "/api/v1/models/withdrawn": {
        "get": {
            "operationId": "listWithdrawnModels",
            "tags": ["Models"],
            "summary": "Suspended and decommissioned models",
            "responses": {
                "200": {
                    "description": "The models, newest change first",
                    "content": {"application/json": {"schema": "WithdrawnModels"}},
                }
            },
        }
    },
}


def describe(app: Flask) -> None:
    """Describe the public read endpoints in the OpenAPI document."""
    spec = spec_for(app)
    spec.tag({"name": "Incidents", "description": "Incidents a publisher approved for sharing, scrubbed."})
    spec.tag({"name": "Models", "description": "Models the platform suspended or decommissioned."})
    spec.components.schema("PublicIncident", schema=PublicIncidentSchema)
    spec.components.schema("IncidentPage", schema=IncidentPageSchema)
    spec.components.schema("WithdrawnModels", schema=WithdrawnModelsSchema)
    for path, operations in PATHS.items():
        spec.path(path=path, operations=operations)
