"""One OpenAPI 3 document for the whole API, built from the marshmallow schemas each package registers."""

from __future__ import annotations

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Flask, Response, current_app, jsonify

SPEC_KEY = "core.openapi"
bp = Blueprint("openapi", __name__)


def spec_for(app: Flask) -> APISpec:
    """Return the app's API description, creating it on first use."""
    spec = app.extensions.get(SPEC_KEY)
    if spec is None:
        spec = APISpec(
            title="AI incident reporting platform API",
            version="1.0.0",
            openapi_version="3.0.3",
            plugins=[MarshmallowPlugin()],
            info={"description": "Anonymous report intake and the public read API. No endpoint records who calls it."},
            servers=[{"url": "/"}],
        )
        spec.components.schema(
            "Errors",
            {
                "type": "object",
                "properties": {
                    "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}
                },
                "required": ["errors"],
            },
        )
        spec.components.schema(
            "HttpError",
            {
                "type": "object",
                "properties": {
                    "error": {
                        "type": "object",
                        "properties": {
                            "code": {"type": "integer"},
                            "message": {"type": "string"},
                            "detail": {"type": "string"},
                        },
                        "required": ["code", "message", "detail"],
                    }
                },
                "required": ["error"],
            },
        )
        app.extensions[SPEC_KEY] = spec
    return spec


@bp.get("/api/v1/openapi.json")
def openapi_json() -> Response:
    """Serve the OpenAPI 3 description."""
    return jsonify(spec_for(current_app).to_dict())


def init_app(app: Flask) -> None:
    """Create the spec and serve it."""
    spec_for(app)
    app.register_blueprint(bp)
