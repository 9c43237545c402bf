"""Quarterly transparency reports built from aggregated, privacy-protected counts."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlmodel import Session

from core.audit import add_audit_check
from core.db import get_engine
from core.demo import add_demo_step
from core.home import add_home_panel
from reporting import api, home_panel, models, views  # noqa: F401  (models register their tables)

# reporting.publish (OpenDP, pandas, Altair) is imported by the commands that need it, so web
# workers do not load it at start.

reports_cli = AppGroup("reports", help="Transparency reports: publish, list, verify.")


@reports_cli.command("publish")
@click.option("--period", required=True, help="A calendar quarter, like 2026Q3.")
@click.option("--correction", is_flag=True, help="Publish a corrected revision (charged to the budget again).")
def publish_command(period: str, correction: bool) -> None:
    """Publish a quarter's report (or return it as already published)."""
    from reporting import publish as publishing

    with Session(get_engine()) as session:
        try:
            outcome = publishing.publish(current_app._get_current_object(), session, period, correction=correction)
        except (publishing.PublicationRefused, ValueError) as err:
            raise click.ClickException(str(err)) from err
        p = outcome.publication
        verb = (
            "published"
            if outcome.created and p.status == "published"
            else (
                "drafted (a publisher approves it at /staff/transparency)" if outcome.created else "was already there"
            )
        )
        click.echo(f"{p.period} revision {p.revision} {verb}; chain {p.chain_hash}")


@reports_cli.command("list")
def list_command() -> None:
    """List publications, drafts included."""
    from sqlmodel import select

    from reporting.models import Publication

    with Session(get_engine()) as session:
        for p in session.exec(select(Publication).order_by(Publication.id)):
            click.echo(
                f"{p.period} r{p.revision} {p.status:9} generated {p.generated_at:%Y-%m-%d %H:%M} "
                f"epsilon {p.epsilon} chain {p.chain_hash[:16]}…"
            )


@reports_cli.command("verify")
def verify_command() -> None:
    """Recompute the files, chain and checkpoints of every publication and cross-check the ledger; exit 1 if broken."""
    from reporting.verify import verify

    with Session(get_engine()) as session:
        result = verify(current_app._get_current_object(), session)
    for problem in result.problems:
        click.echo(f"BROKEN: {problem}", err=True)
    if not result.ok:
        raise SystemExit(1)
    click.echo(f"All {result.checked} publications verify.")


def init_app(app: Flask) -> None:
    """Register the transparency pages and the reports CLI."""
    app.register_blueprint(views.blueprint())
    api.describe(app)
    app.cli.add_command(reports_cli)
    add_audit_check(app, _ledger_against_the_log)
    add_demo_step(app, _demo_publish)
    add_home_panel(app, home_panel.transparency_panel)


def _ledger_against_the_log(session: Session) -> list[str]:
    """What `audit verify` asks of reporting: publication checkpoints, and releases against the ledger."""
    from reporting import ledger

    return ledger.checkpoint_problems(session) + ledger.cross_check(session)


def _demo_publish(app: Flask, session: Session) -> str:
    """What `demo seed` asks of reporting: the last quarter published, once (a re-run finds it there)."""
    from core import clock
    from core.auth import Role
    from core.demo import demo_user
    from core.periods import Period
    from reporting import publish as publishing

    period = str(Period.containing(clock.now()).previous())
    try:
        outcome = publishing.publish(app, session, period)
    except publishing.PublicationRefused as refusal:
        return f"Transparency report {period}: refused: {refusal}"
    publication = outcome.publication
    if publication.status == "draft":  # TRANSPARENCY_MODE=draft: the demo publisher approves it
        publishing.approve(session, publication, actor_id=demo_user(app, session, Role.PUBLISHER).id, app=app)
    state = "published" if outcome.created else "was published already"
    return f"Transparency report {period} {state}: see /transparency/ and /staff/transparency."
