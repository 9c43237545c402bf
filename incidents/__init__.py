"""Reports and everything staff and reporters do with them."""

from __future__ import annotations

from flask import Flask

# The table modules register their tables with the metadata; the view modules add routes to views.bp.
from incidents import api_spec, models, notifications, public_api, staff_views, views  # noqa: F401


def init_app(app: Flask) -> None:
    """Register the incidents blueprint, its API description and its demo command."""
    from core.cli import demo_cli
    from incidents.seed import demo_seed

    app.register_blueprint(views.bp)
    api_spec.register(app)
    public_api.register(app)
    demo_cli.add_command(demo_seed)
