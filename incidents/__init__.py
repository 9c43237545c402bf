"""Reports and everything staff and reporters do with them."""

from __future__ import annotations

from flask import Flask

from incidents import api_spec, models, notifications, public_api, staff_views, views  # noqa: F401  (register the tables with the metadata)  # noqa: F401  (these add routes to views.bp)


def init_app(app: Flask) -> None:
    """Register the incidents blueprint and describe its API in the OpenAPI document."""
    app.register_blueprint(views.bp)
    api_spec.register(app)
    public_api.register(app)
