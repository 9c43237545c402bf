"""flask --app wsgi export aiid|dsa [--submit]: write the exports, with a progress bar, and send the DSA ones."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlmodel import Session

from core import clock
from core.db import get_engine
from core.periods import BadPeriod, Period
from exports import dsa_submit, service
from exports.models import ExportRun

export_cli = AppGroup("export", help="Exports: AI Incident Database files, DSA statements of reasons.")


def _report(written: service.Written, out: Path) -> None:
    for name, meta in written.files.items():
        click.echo(f"  {out / name}  {meta['rows']} rows  sha256 {meta['sha256']}")
    for key, value in sorted(written.counts.items()):
        click.echo(f"  {key}: {value}")
    if written.problem_total:
        click.echo(
            f"{written.problem_total} rule(s) failed; those records were held back "
            f"(all listed in {out / service.HELD_BACK}):",
            err=True,
        )
        for p in written.problems[:20]:
            click.echo(f"  {p['record']} {p['id']}: {p['field']} {p['reason']}", err=True)


def _stored(kind: str, period: str | None, total: int, label: str) -> ExportRun:
    app = current_app._get_current_object()
    with Session(get_engine()) as session, click.progressbar(length=total, label=label) as bar:
        outcome = service.run_export(app, session, kind, period=period, trigger="cli", progress=bar.update)
    run = outcome.run
    click.echo(f"{'Wrote' if outcome.created else 'Unchanged since'} run {run.id}: {service.run_path(app, run)}")
    for key, value in sorted(run.counts.items()):
        click.echo(f"  {key}: {value}")
    for p in run.problems[:20]:
        click.echo(f"  held back {p['record']} {p['id']}: {p['field']} {p['reason']}", err=True)
    return run


@export_cli.command("aiid")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write the files into this folder. Without it, a new run is stored for the staff download page.",
)
def export_aiid(out: Path | None) -> None:
    """Approved incidents in the AI Incident Database's formats: incidents.csv, reports.csv, submissions.json."""
    with Session(get_engine()) as session:
        total = service.count_shared(session)
    if out is None:
        _stored("aiid", None, total, "Exporting incidents")
        return
    settings = service.export_settings(current_app)
    with Session(get_engine()) as session, click.progressbar(length=total, label="Exporting incidents") as bar:
        written = service.write_aiid(session, out, settings=settings, today=clock.now().date(), progress=bar.update)
    _report(written, out)


def _submit(period: str) -> bool:
    """Send the quarter's latest run to the DSA Transparency Database and say what became of each statement.

    True when every statement sent is in the database now."""
    app = current_app._get_current_object()
    try:
        with Session(get_engine()) as session:
            submission = dsa_submit.open_submission(app, session, period)
            with click.progressbar(length=len(submission.items), label="Submitting statements") as bar:
                report = submission.run(progress=bar.update)
    except dsa_submit.SubmitError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"Submitted {report.period} (run {report.run_id}, {report.statements} statements):")
    click.echo(f"  sent: {len(report.sent)}")
    click.echo(f"  accepted: {report.accepted}")
    click.echo(f"  already in the database: {report.already_there}")
    click.echo(f"  skipped, accepted before: {report.skipped}")
    click.echo(f"  rejected: {len(report.rejected)}")
    click.echo(f"  skipped, rejected before and unchanged: {len(report.unchanged_rejections)}")
    click.echo(f"  held back by our own checks: {report.held_back}")
    click.echo(f"  left pending, asked again next run: {len(report.unsettled)}")
    for puid, errors in {**report.unchanged_rejections, **report.rejected}.items():
        for name, messages in errors.items():
            click.echo(f"  rejected {puid}: {name}: {' '.join(map(str, messages))}", err=True)
    return not (report.rejected or report.unchanged_rejections or report.held_back or report.unsettled)


@export_cli.command("dsa")
@click.option("--period", required=True, help="A calendar quarter, like 2026Q3.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write the files into this folder. Without it, a new run is stored for the staff download page.",
)
@click.option(
    "--submit",
    is_flag=True,
    help="Bring the quarter's run up to date, then send it to the DSA Transparency Database at DSA_TDB_URL "
    "with the token DSA_TDB_TOKEN; statements already accepted are not sent again. Exits 1 if any is rejected.",
)
def export_dsa(period: str, out: Path | None, submit: bool) -> None:
    """The quarter's enforcement actions as DSA statements of reasons (JSON lines and the API's batches)."""
    try:
        quarter = Period.parse(period)
    except BadPeriod as err:
        raise click.BadParameter(str(err), param_hint="--period") from err
    if submit and out is not None:
        raise click.BadParameter("--submit sends a stored run; leave out --out.", param_hint="--out")
    with Session(get_engine()) as session:
        total = service.count_actions(session, quarter)
    if submit:
        # Bring the quarter's run up to date first (nothing is written when nothing changed), then send it.
        run = _stored("dsa", str(quarter), total, "Exporting actions")
        delivered = _submit(str(quarter))
        if not delivered or run.problem_total:
            raise click.exceptions.Exit(1)  # a statement owed is not in the database yet: someone must act
        return
    if out is None:
        _stored("dsa", str(quarter), total, "Exporting actions")
        return
    settings = service.export_settings(current_app)
    with Session(get_engine()) as session, click.progressbar(length=total, label="Exporting actions") as bar:
        written = service.write_dsa(session, out, period=quarter, settings=settings, progress=bar.update)
    _report(written, out)
