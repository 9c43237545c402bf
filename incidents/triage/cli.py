"""flask --app wsgi triage refresh-duties: store every report's next duty afresh."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlmodel import Session

from core.db import get_engine
from incidents.triage import duty_service

triage_cli = AppGroup("triage", help="Triage upkeep.")


@triage_cli.command("refresh-duties")
def refresh_duties() -> None:
    """Compute each report's next unmet duty again: after an upgrade past 0010, or a change of duty settings."""
    with Session(get_engine()) as session:
        changed = duty_service.recompute_duties(session)
    click.echo(f"Next duty stored afresh on {changed} report(s).")
