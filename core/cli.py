"""CLI groups of the core package: db, staff, audit, and the demo group (its staff commands)."""

from __future__ import annotations

from pathlib import Path

import click
import pyotp
from alembic import command
from alembic.config import Config
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlmodel import Session, select

from core import auth, demo
from core.audit import audit_checks, checkpoint_problems, verify_chain
from core.auth import Role, StaffUser
from core.db import get_engine

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

db_cli = AppGroup("db", help="Database schema migrations (Alembic).")
staff_cli = AppGroup("staff", help="Staff accounts.")
audit_cli = AppGroup("audit", help="The hash-chained audit log.")
# Other packages add their demo commands to this group in their init_app (incidents: `seed`).
demo_cli = AppGroup("demo", help="Demo data and a demo admin, for trying the platform out.")
DEMO_ADMIN = "admin@example.org"


def alembic_config(app: Flask | None = None) -> Config:
    """Return an Alembic config bound to the app's database."""
    app = app or current_app
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", app.config["DATABASE_URL"].replace("%", "%%"))
    config.attributes["engine"] = get_engine(app)
    return config


def upgrade_database(app: Flask | None = None, revision: str = "head") -> None:
    """Apply migrations up to a revision."""
    command.upgrade(alembic_config(app), revision)


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply migrations (default: all of them)."""
    upgrade_database(revision=revision)
    click.echo(f"Database at {revision}.")


@db_cli.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Revert migrations down to a revision (for example -1 or base)."""
    command.downgrade(alembic_config(), revision)


@db_cli.command("current")
def db_current() -> None:
    """Show the applied revision."""
    command.current(alembic_config(), verbose=True)


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--autogenerate/--empty", default=True)
def db_revision(message: str, autogenerate: bool) -> None:
    """Write a new migration, compared against the models by default."""
    command.revision(alembic_config(), message=message, autogenerate=autogenerate)


def _setup_link(token: str) -> str:
    base = (current_app.config.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000").rstrip("/")
    return f"{base}/staff/setup?token={token}"


def print_new_account(account: auth.NewAccount) -> None:
    """Print how a new account signs in: a setup link or a password, and the TOTP URI."""
    click.echo(f"Account:  {account.user.email} ({account.user.role})")
    if account.setup_token:
        click.echo(f"Setup link (one use, expires in {current_app.config['SETUP_LINK_HOURS']} hours):")
        click.echo(f"  {_setup_link(account.setup_token)}")
    if account.password:
        click.echo(f"Password: {account.password}")
    click.echo("Authenticator (TOTP) URI, also shown as a QR code on the setup page:")
    click.echo(f"  {account.totp_uri}")


@staff_cli.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
def staff_add(email: str, role: str) -> None:
    """Create a staff account and print its one-time setup link and TOTP URI."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            account = auth.create_staff(
                session=session, email=email, role=Role(role), setup_hours=current_app.config["SETUP_LINK_HOURS"]
            )
        except auth.AuthError as err:
            raise click.ClickException(str(err)) from err
    print_new_account(account)


@staff_cli.command("reset")
@click.argument("email")
def staff_reset(email: str) -> None:
    """Issue a new setup link and authenticator secret (for a lost phone or password)."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            account = auth.reissue_setup(
                session=session, email=email, setup_hours=current_app.config["SETUP_LINK_HOURS"]
            )
        except auth.AuthError as err:
            raise click.ClickException(str(err)) from err
    print_new_account(account)


@staff_cli.command("role")
@click.argument("email")
@click.argument("role", type=click.Choice([r.value for r in Role]))
def staff_role(email: str, role: str) -> None:
    """Give an account another role; its sign-ins end at once."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            user = auth.change_role(session=session, email=email, role=Role(role))
        except auth.AuthError as err:
            raise click.ClickException(str(err)) from err
    click.echo(f"{user.email} is now {user.role}; every session of the account has ended.")


@staff_cli.command("disable")
@click.argument("email")
def staff_disable(email: str) -> None:
    """Disable an account; its sign-ins end at once."""
    _set_active(email, active=False)


@staff_cli.command("enable")
@click.argument("email")
def staff_enable(email: str) -> None:
    """Enable a disabled account again."""
    _set_active(email, active=True)


def _set_active(email: str, *, active: bool) -> None:
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            user = auth.set_active(session=session, email=email, active=active)
        except auth.AuthError as err:
            raise click.ClickException(str(err)) from err
    state = "enabled" if active else "disabled; every session of the account has ended"
    click.echo(f"{user.email} is {state}.")


@staff_cli.command("list")
def staff_list() -> None:
    """List staff accounts."""
    with Session(get_engine()) as session:
        for user in session.exec(select(StaffUser).order_by(StaffUser.email)):
            state = "active" if user.active else "disabled"
            state += "" if user.enrolled else ", setup pending"
            click.echo(f"{user.email:40} {user.role:10} {state}")


@audit_cli.command("verify")
@click.option(
    "--checkpoint",
    metavar="SEQ:HASH",
    help="A checkpoint saved from a publication or the transparency feed; the log must still hold it.",
)
def audit_verify(checkpoint: str | None) -> None:
    """Recompute the audit chain and cross-check the records kept beside it; exit 1 if anything was altered or cut."""
    wanted = _parse_checkpoint(checkpoint) if checkpoint else None
    with Session(get_engine()) as session:
        report = verify_chain(session)
        problems = list(report.problems)
        if wanted:
            problems += checkpoint_problems(session, *wanted)
        for check in audit_checks(current_app):
            problems += check(session)
    if not report.ok:
        click.echo(f"BROKEN: the first bad event is seq {report.first_bad}", err=True)
    for problem in problems:
        click.echo(f"BROKEN: {problem}", err=True)
    if problems:
        raise SystemExit(1)
    click.echo(f"Audit chain intact: {report.checked} events, and the records kept beside it agree.")


def _parse_checkpoint(text: str) -> tuple[int, str]:
    seq, _, digest = text.partition(":")
    if not seq.isdigit() or len(digest) != 64 or any(ch not in "0123456789abcdef" for ch in digest):
        raise click.BadParameter("give SEQ:HASH, as a publication or the feed prints it", param_hint="--checkpoint")
    return int(seq), digest


DEMO_ENVIRONMENTS = ("development", "test", "testing")


def refuse_in_production() -> None:
    """Stop a demo command anywhere but development or test: its accounts' passwords derive from PLATFORM_SECRET.

    An allow-list, not a deny-list: a staging or "live" APP_ENV is refused too.
    """
    environment = str(current_app.config.get("APP_ENV", "")).lower()
    if environment not in DEMO_ENVIRONMENTS:
        raise click.ClickException(
            f"demo commands are for development and tests; APP_ENV is {environment or 'unset'} (not production-safe)"
        )


@demo_cli.command("admin")
def demo_admin() -> None:
    """Create the demo accounts, one or more per role (or give them their demo passwords back); print how to sign in."""
    refuse_in_production()
    with Session(get_engine(), expire_on_commit=False) as session:
        accounts = demo.ensure_accounts(current_app._get_current_object(), session)  # type: ignore[attr-defined]
    click.echo("\n=== Demo staff accounts: sign in at http://127.0.0.1:5000/staff/login ===")
    for account in accounts:
        print_demo_account(account)
    click.echo("No authenticator app at hand? Print an account's current code with:")
    click.echo(f"  flask --app wsgi demo totp {DEMO_ADMIN}\n")


def print_demo_account(account: demo.DemoAccount) -> None:
    """Print how a demo account signs in: e-mail, role, password and TOTP URI."""
    click.echo(f"\nAccount:  {account.email} ({account.role})")
    click.echo(f"Password: {account.password}")
    click.echo(f"Authenticator (TOTP) URI:\n  {account.totp_uri}")
    if account.keys_replaced:
        click.echo("  Its password was replaced, so it has a new key: another recipient must grant it access again.")


@demo_cli.command("totp")
@click.argument("email")
def demo_totp(email: str) -> None:
    """Print the current TOTP code of an account (development only)."""
    refuse_in_production()
    with Session(get_engine()) as session:
        user = auth.find_staff(session, email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    click.echo(pyotp.TOTP(user.totp_secret, interval=auth.TOTP_STEP).now())


def init_app(app: Flask) -> None:
    """Register the core CLI groups."""
    for group in (db_cli, staff_cli, audit_cli, demo_cli):
        app.cli.add_command(group)
