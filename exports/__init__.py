"""Exports of approved incidents and enforcement decisions in other systems' formats."""

from __future__ import annotations

from flask import Flask

from core.signals import publication_published
from exports import cli, jobs, models, views  # noqa: F401  (models register their tables)


def init_app(app: Flask) -> None:
    """Register the staff export page and the export CLI; refresh the exports after each publication."""
    app.register_blueprint(views.bp)
    app.cli.add_command(cli.export_cli)
    publication_published.connect(jobs.after_publication, sender=app)
