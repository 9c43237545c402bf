"""Composition root: builds the app from every package. Nothing imports this module."""

from __future__ import annotations

import random
import secrets
from pathlib import Path

import click
import pyotp
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlmodel import Session

import anonymize  # noqa: F401  (pure functions; imported so the composition is complete)
import core
import exports
import incidents
import reporting
from core import auth, clock
from core.cli import print_new_account
from core.db import get_engine
from core.settings import is_production, load_settings
from incidents import intake
from incidents.models import Channel
from incidents.seed import seed_reports

ROOT = Path(__file__).resolve().parent


def create_app(config: dict | None = None) -> Flask:
    """Build the Flask app: settings from the environment, then each package's init_app."""
    app = Flask(
        __name__,
        root_path=str(ROOT),
        instance_path=str(ROOT / "instance"),
        template_folder="templates",
        static_folder="static",
    )
    instance = (config or {}).get("INSTANCE_PATH")
    if instance:
        app.instance_path = str(instance)
    load_settings(app, config)
    core.init_app(app)
    incidents.init_app(app)
    reporting.init_app(app)
    exports.init_app(app)
    app.cli.add_command(demo_cli)
    app.cli.add_command(scheduler_cli)
    return app


# --- scheduled work ------------------------------------------------------------------------------


def scheduled_jobs() -> dict:
    """Every package's scheduled jobs: name -> (function of the app, cron fields in UTC)."""
    from exports.jobs import JOBS as export_jobs
    from incidents.jobs import JOBS as incident_jobs
    from reporting.jobs import JOBS as reporting_jobs

    return {**incident_jobs, **reporting_jobs, **export_jobs}


scheduler_cli = AppGroup("scheduler", help="Scheduled jobs: retention purge, deadline warnings, publication, exports.")


@scheduler_cli.command("run")
def scheduler_run() -> None:
    """Run the scheduler in the foreground, as its own process (never inside the web workers).

    Every job is idempotent, so each runs once at start: a run missed while the process was down
    is caught up. SIGTERM or Ctrl-C stops it cleanly, whenever it arrives.
    """
    import signal
    import threading

    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.cron import CronTrigger

    app = current_app._get_current_object()
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda _signum, _frame: stopping.set())
    scheduler = BackgroundScheduler(timezone="UTC")
    for name, (function, cron) in scheduled_jobs().items():
        scheduler.add_job(
            _job_runner(app, name, function),
            CronTrigger(timezone="UTC", **cron),
            id=name,
            name=name,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=3600,
        )
        click.echo(f"scheduled {name}: {cron} UTC")
    for name, (function, _cron) in scheduled_jobs().items():
        if not stopping.is_set():
            click.echo(f"catch-up {name}: {_job_runner(app, name, function)()}")
    scheduler.start()
    click.echo("scheduler running")
    while not stopping.wait(1):  # wake up now and then so signals are handled promptly
        pass
    scheduler.shutdown(wait=False)
    click.echo("scheduler stopped")


def _job_runner(app: Flask, name: str, function):
    def run() -> str:
        with app.app_context():
            try:
                outcome = function(app)
            except Exception as err:  # a failed run is retried at the next tick; keep the scheduler alive
                app.logger.error("job %s failed: %s", name, type(err).__name__)
                return f"failed ({type(err).__name__})"
            app.logger.info("job %s: %s", name, outcome)
            return outcome

    return run


@scheduler_cli.command("list")
def scheduler_list() -> None:
    """List the scheduled jobs and when they run."""
    for name, (function, cron) in scheduled_jobs().items():
        click.echo(f"{name:28} {cron} UTC  {function.__doc__.strip().splitlines()[0]}")


@scheduler_cli.command("run-job")
@click.argument("name")
def scheduler_run_job(name: str) -> None:
    """Run one job now, in the foreground (for operators and tests)."""
    jobs = scheduled_jobs()
    if name not in jobs:
        raise click.ClickException(f"no job named {name!r}; see: flask --app wsgi scheduler list")
    click.echo(jobs[name][0](current_app._get_current_object()))


demo_cli = AppGroup("demo", help="Demo data and a demo admin, for trying the platform out.")
DEMO_ADMIN = "admin@example.org"


def _refuse_in_production() -> None:
    if is_production(current_app):
        raise click.ClickException("demo commands are for development; APP_ENV is production")


@demo_cli.command("admin")
@click.option("--email", default=DEMO_ADMIN, show_default=True)
def demo_admin(email: str) -> None:
    """Create the demo admin (or give it a new password) and print how to sign in."""
    _refuse_in_production()
    with Session(get_engine(), expire_on_commit=False) as session:
        user = auth.find_staff(session, email)
        if user is None:
            account = auth.create_staff(session=session, email=email, role=auth.Role.ADMIN, with_password=True)
        else:
            password = secrets.token_urlsafe(15)
            auth.set_password(session=session, user=user, password=password)
            account = auth.NewAccount(user=user, setup_token=None, password=password)
    click.echo("\n=== Demo staff account: sign in at http://127.0.0.1:5000/staff/login ===")
    print_new_account(account)
    click.echo(f"No authenticator app at hand? Print the current code with:\n  flask --app wsgi demo totp {email}\n")


@demo_cli.command("totp")
@click.argument("email")
def demo_totp(email: str) -> None:
    """Print the current TOTP code of an account (development only)."""
    _refuse_in_production()
    with Session(get_engine()) as session:
        user = auth.find_staff(session, email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    click.echo(pyotp.TOTP(user.totp_secret, interval=auth.TOTP_STEP).now())


@demo_cli.command("seed")
@click.option("--reports", "report_count", default=500, show_default=True, help="How many synthetic reports.")
@click.option("--seed", "random_seed", default=2026, show_default=True, help="Random seed, for repeatable data.")
def demo_seed(report_count: int, random_seed: int) -> None:
    """Fill the database with synthetic staff and reports for demos and benchmarks."""
    _refuse_in_production()
    rng = random.Random(random_seed)
    with Session(get_engine(), expire_on_commit=False) as session:
        for role in auth.Role:
            email = f"{role.value}@example.org"
            if auth.find_staff(session, email) is None:
                auth.create_staff(session=session, email=email, role=role, with_password=True)
        keys = intake.platform_keys(current_app)
        readers = {channel: intake.channel_readers(session, channel, keys) for channel in Channel}
        with click.progressbar(length=report_count, label="Seeding reports") as bar:
            written = seed_reports(
                session=session, count=report_count, rng=rng, now=clock.now(), readers=readers, progress=bar.update
            )
    click.echo(f"Seeded {written} reports. Staff accounts: " + ", ".join(f"{r.value}@example.org" for r in auth.Role))
    click.echo("Give any of them a password and print its TOTP URI with: flask --app wsgi demo admin --email EMAIL")
