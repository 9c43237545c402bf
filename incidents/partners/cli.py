"""`flask --app wsgi partners add|list|revoke`: partners' API tokens and hubs' webhook secrets."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlmodel import Session

from core.db import get_engine
from incidents.partners import service
from incidents.vocabulary import PartnerKind

partners_cli = AppGroup("partners", help="Partners that file reports through the API: tokens and webhook secrets.")


def _refuse(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(2)


@partners_cli.command("add")
@click.argument("name")
@click.option("--kind", required=True, help=f"One of: {', '.join(PartnerKind)}.")
def partners_add(name: str, kind: str) -> None:
    """Add a partner and print its API token (and a hub's webhook secret) once; only their hashes are kept."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            issued = service.add_partner(session, name, kind)
        except service.PartnerError as err:
            _refuse(str(err))
            return
    click.echo(f"Partner:  {issued.partner.name} ({issued.partner.kind}), id {issued.partner.id}")
    click.echo("API token (shown once; send it as 'Authorization: Bearer <token>'):")
    click.echo(f"  {issued.token}")
    if issued.webhook_secret:
        click.echo(f"Webhook URL: /api/v1/hub/webhook/{issued.partner.id}")
        click.echo("Webhook secret (shown once; the hub sends it in the X-Webhook-Secret header):")
        click.echo(f"  {issued.webhook_secret}")


@partners_cli.command("list")
def partners_list() -> None:
    """List the partners, their kind and state (no secrets)."""
    with Session(get_engine(), expire_on_commit=False) as session:
        partners = service.all_partners(session)
    if not partners:
        click.echo("No partners.")
    for partner in partners:
        state = f"revoked {partner.revoked_at:%Y-%m-%d %H:%M}" if partner.revoked_at else "active"
        click.echo(f"{partner.id}\t{partner.name}\t{partner.kind}\t{state}\tadded {partner.created_at:%Y-%m-%d}")


@partners_cli.command("revoke")
@click.argument("name")
def partners_revoke(name: str) -> None:
    """Revoke a partner's token and webhook secret; they stop working at once."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            partner = service.revoke_partner(session, name)
        except service.PartnerError as err:
            _refuse(str(err))
            return
    click.echo(f"{partner.name} is revoked; its token and webhook secret no longer work.")
