"""Reports and everything staff and reporters do with them."""

from __future__ import annotations

from flask import Flask

from incidents import models  # noqa: F401  (registers the tables with the metadata)


def init_app(app: Flask) -> None:
    """Register the incidents package with the app (its blueprints arrive with intake and triage)."""
    app.extensions["incidents"] = {"models": models}
