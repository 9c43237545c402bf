"""flask --app wsgi tasks run|run-pending|list: the worker that runs queued jobs, and a look at them."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import AppGroup
from sqlmodel import Session, col, select

from core import task_liveness, tasks
from core.db import get_engine

tasks_cli = AppGroup("tasks", help="The task queue: run the worker, run what is queued, list jobs.")


@tasks_cli.command("run")
@click.option("--workers", type=click.IntRange(1, 16), default=1, show_default=True, help="Worker threads.")
def tasks_run(workers: int) -> None:
    """Run the worker in the foreground, as its own process (never inside the web workers).

    At start it fails the jobs a dead worker on this host, or a silent one anywhere, left running, and queues
    the queued ones again (a job runs once, whatever the messages). SIGTERM lets the running jobs finish, then stops;
    Ctrl-C (SIGINT), or a second SIGTERM, stops at once, and the jobs cut off are marked failed.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if tasks.backend_of(app) == "immediate":
        raise click.ClickException("TASKS_BACKEND is 'immediate': jobs run where they are submitted, not here.")
    huey_log = logging.getLogger("huey")
    if not huey_log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        huey_log.addHandler(handler)
        huey_log.setLevel(logging.INFO)
    failed, queued = task_liveness.recover(app)
    click.echo(f"task worker: {tasks.backend_of(app)} queue; {failed} interrupted job(s) failed, {queued} queued again")
    consumer = tasks.queue(app).huey.create_consumer(
        workers=workers, worker_type="thread", periodic=False, graceful_signal="TERM"
    )
    heartbeat = task_liveness.start_heartbeat(app)
    try:
        consumer.run()
    finally:
        heartbeat.set()
    click.echo("task worker stopped")


@tasks_cli.command("run-pending")
def tasks_run_pending() -> None:
    """Run the jobs queued now, one by one in the foreground, then exit (for operators and tests)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    click.echo(f"ran {tasks.work_off(app)} job(s)")


@tasks_cli.command("list")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
def tasks_list(limit: int) -> None:
    """List the newest jobs with their state, progress and outcome."""
    with Session(get_engine()) as session:
        jobs = session.exec(select(tasks.Job).order_by(col(tasks.Job.id).desc()).limit(limit)).all()
    for job in jobs:
        progress = f"{job.done}/{job.total}" if job.total else str(job.done)
        click.echo(f"{job.id:6} {job.kind:20} {job.state:8} {progress:>12}  {job.message or job.step or ''}")


@tasks_cli.command("fail")
@click.argument("job_id", type=click.IntRange(1))
def tasks_fail(job_id: int) -> None:
    """Mark a queued or running job failed, so its work can be started again (a stuck job's way out)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not task_liveness.fail_job(app, job_id):
        raise click.ClickException(f"job {job_id} is not queued or running")
    click.echo(f"job {job_id} marked failed")
