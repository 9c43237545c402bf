"""flask --app wsgi registry check-card FILE.md: the automatic documentation check on a card file.

Exit status: 0 when every required item passes, 1 when one fails, 2 when the file cannot be read or
the card has no YAML header or a broken one.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from incidents.registry import cards
from incidents.registry.checklist import REASONS, check_card, required_failures

registry_cli = AppGroup("registry", help="The model registry: model cards.")


@registry_cli.command("check-card")
@click.argument("path", type=click.Path(path_type=Path))
def check_card_command(path: Path) -> None:
    """Check a model card (Markdown with a YAML header) against the documentation checklist."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(cards.MAX_CARD_BYTES + 1)
        card = cards.parse_card(cards.decode_card(raw))
    except OSError as error:
        click.echo(f"Cannot read {path}: {error.strerror or error}", err=True)
        sys.exit(2)
    except cards.CardError as error:
        click.echo(f"{path}: {error}", err=True)
        sys.exit(2)
    results = check_card(card)
    for result in results:
        reason = REASONS[result.reason] % {"minimum": result.item.min_length}
        kind = "" if result.item.required else " (optional)"
        click.echo(f"{'PASS' if result.passed else 'FAIL'}  {result.item.label}{kind}: {reason}")
    failed = required_failures(results)
    if failed:
        click.echo(f"{len(failed)} required item(s) fail.")
        sys.exit(1)
    click.echo("Every required item passes.")
