"""Composition root: builds the app from every package. Nothing imports this module."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

import anonymize  # noqa: F401  (pure functions; imported so the composition is complete)
import core
import exports
import incidents
import reporting
from core import tasks
from core.settings import load_settings

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
    tasks.add_tasks(app, task_functions())
    app.cli.add_command(scheduler_cli)
    return app


def task_functions() -> dict:
    """Every package's queued work: name -> function(app, job, **params). The worker: `flask --app wsgi tasks run`."""
    from exports.jobs import TASKS as export_tasks
    from reporting.tasks import TASKS as reporting_tasks

    return {**reporting_tasks, **export_tasks}


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
    try:
        outcome = jobs[name][0](current_app._get_current_object())
    except Exception as err:  # one line for the operator; the message may quote data, so only its kind
        current_app.logger.error("job %s failed: %s", name, type(err).__name__)
        raise click.ClickException(f"{name} failed ({type(err).__name__})") from err
    click.echo(outcome)
