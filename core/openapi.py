"""One OpenAPI 3 document for the whole API, built from the marshmallow schemas each package registers."""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Flask, Response, current_app, jsonify, render_template

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


METHODS = ("get", "post", "put", "patch", "delete")
# JSON Schema 2020-12 words that OpenAPI 3.0's schema object does not have.
_DROPPED = {"$schema", "$id", "$comment", "if", "then", "else"}


def from_json_schema(schema: Any) -> Any:
    """Rewrite a JSON Schema 2020-12 document as an OpenAPI 3.0 schema object.

    `const` becomes a one-value `enum`, a `[type, "null"]` pair a `nullable` type, and the conditional
    (`if`/`then`/`else`), which 3.0 cannot say, is left out: say its rule in a description instead.
    """
    if isinstance(schema, list):
        return [from_json_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _DROPPED:
            continue
        if key == "const":
            out["enum"] = [value]
        elif key == "type" and isinstance(value, list):
            kinds = [kind for kind in value if kind != "null"]
            if len(kinds) == 1:
                out["type"] = kinds[0]
            if "null" in value:
                out["nullable"] = True
        elif key in ("properties", "patternProperties"):
            out[key] = {name: from_json_schema(prop) for name, prop in value.items()}
        else:
            out[key] = from_json_schema(value)
    return out


def type_text(schema: Any) -> str:
    """Say in a few words what a schema is: its type, the component it names, or what an array holds."""
    if not isinstance(schema, dict):
        return str(schema)
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    for combiner in ("allOf", "oneOf", "anyOf"):
        if combiner in schema:
            joiner = " + " if combiner == "allOf" else " | "
            return joiner.join(type_text(part) for part in schema[combiner])
    kind = str(schema.get("type", "object" if "properties" in schema else "any"))
    if kind == "array":
        kind = f"array of {type_text(schema.get('items', {}))}"
    if schema.get("format"):
        kind += f" ({schema['format']})"
    if schema.get("enum"):
        kind += ": " + ", ".join(str(v) for v in schema["enum"])
    return kind + (" or null" if schema.get("nullable") else "")


def operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    """List the document's operations in path order: method, path and the operation itself."""
    return [
        {"method": method, "path": path, **operation}
        for path, item in document.get("paths", {}).items()
        for method, operation in item.items()
        if method in METHODS
    ]


def properties(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The named properties of a component schema (and of the parts of an allOf), with their types."""
    parts = schema.get("allOf", [schema])
    required = {name for part in parts for name in part.get("required", [])}
    return [
        {"name": name, "type": type_text(prop), "required": name in required, "description": prop.get("description")}
        for part in parts
        for name, prop in part.get("properties", {}).items()
    ]


@bp.get("/api/docs")
def api_docs() -> str:
    """The API reference as a page: the OpenAPI document rendered here, with no script at all."""
    document = spec_for(current_app).to_dict()
    return render_template(
        "core/api_docs.html",
        document=document,
        operations=operations(document),
        schemas={name: (schema, properties(schema)) for name, schema in document["components"]["schemas"].items()},
        type_text=type_text,
    )


def init_app(app: Flask) -> None:
    """Create the spec and serve it."""
    spec_for(app)
    app.register_blueprint(bp)
