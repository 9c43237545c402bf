"""Export runs: write an export into a run directory of its own, record it, and keep the last few.

A run is what the staff download page offers. The files themselves are written by exports.writers (AIID)
and exports.dsa_files (DSA); the CLI, the views, the jobs and the tests reach the writers through this
module, so their public names are re-exported here.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from flask import Flask
from sqlmodel import Session, select

from core import clock
from core.audit import append_event
from core.periods import Period
from exports.dsa_files import actions_query, batch_name, count_actions, statements_name, write_dsa
from exports.models import ExportRun
from exports.writers import (
    BATCH,
    HELD_BACK,
    HELD_BACK_COLUMNS,
    KEEP_PROBLEMS,
    Written,
    count_shared,
    export_settings,
    shared_incidents_query,
    write_aiid,
)

__all__ = [
    "BATCH",
    "HELD_BACK",
    "HELD_BACK_COLUMNS",
    "KEEP_PROBLEMS",
    "KINDS",
    "RunOutcome",
    "Written",
    "actions_query",
    "batch_name",
    "count_actions",
    "count_shared",
    "export_root",
    "export_settings",
    "latest_dsa_runs",
    "latest_run",
    "run_export",
    "run_path",
    "shared_incidents_query",
    "statements_name",
    "write_aiid",
    "write_dsa",
]

KINDS = ("aiid", "dsa")


def export_root(app: Flask) -> Path:
    """Return the directory that holds every run."""
    return Path(app.config["EXPORT_DIR"] or Path(app.instance_path) / "exports")


def latest_run(session: Session, kind: str, period: str | None = None) -> ExportRun | None:
    """Return the newest run of one export, of one quarter when a period is given."""
    query = select(ExportRun).where(ExportRun.kind == kind)
    if period is not None:
        query = query.where(ExportRun.period == period)
    return session.exec(query.order_by(ExportRun.id.desc())).first()


def latest_dsa_runs(session: Session, limit: int = 12) -> list[ExportRun]:
    """Return the newest DSA run of each quarter, newest quarter first, at most `limit` quarters."""
    runs = session.exec(
        select(ExportRun).where(ExportRun.kind == "dsa").order_by(ExportRun.period.desc(), ExportRun.id.desc())
    ).all()
    latest, seen = [], set()
    for run in runs:
        if run.period not in seen:
            seen.add(run.period)
            latest.append(run)
    return latest[:limit]


def run_path(app: Flask, run: ExportRun) -> Path:
    """Return the directory of one run's files."""
    return export_root(app) / run.directory


@dataclass
class RunOutcome:
    run: ExportRun
    created: bool  # False: the data had not changed, the latest run is returned as it is


def run_name(kind: str, quarter: Period | None, now: datetime) -> str:
    """Name a new run's directory: the export, its quarter, the time and a random suffix."""
    return f"{kind}{'-' + str(quarter) if quarter else ''}-{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def write_files(
    session: Session,
    out: Path,
    *,
    quarter: Period | None,
    settings: dict,
    today: date,
    progress: Callable[[int], None] | None,
) -> Written:
    """Write one export's files: a quarter's DSA statements, or the AIID files when there is no quarter."""
    if quarter:
        return write_dsa(session, out, period=quarter, settings=settings, progress=progress)
    return write_aiid(session, out, settings=settings, today=today, progress=progress)


def unchanged(app: Flask, previous: ExportRun | None, written: Written) -> bool:
    """Tell whether the latest run holds the very same files and still has them on disk."""
    return previous is not None and previous.files == written.files and run_path(app, previous).is_dir()


def new_run(
    *,
    kind: str,
    period: str | None,
    now: datetime,
    trigger: str,
    actor_id: int | None,
    directory: str,
    written: Written,
) -> ExportRun:
    """Build the row of a run whose files are in place."""
    return ExportRun(
        kind=kind,
        period=period,
        created_at=now,
        trigger=trigger,
        created_by=actor_id,
        directory=directory,
        files=written.files,
        counts=dict(written.counts),
        problems=written.problems,
        problem_total=written.problem_total,
    )


def record_run(session: Session, run: ExportRun, written: Written) -> None:
    """Store the run's row with its audit event, naming each file's hash."""
    session.add(run)
    session.flush()
    append_event(
        session,
        action="export.created",
        actor_id=run.created_by,
        target_type="export_run",
        target_id=str(run.id),
        details={
            "kind": run.kind,
            "period": run.period,
            "trigger": run.trigger,
            "files": {k: v["sha256"] for k, v in written.files.items()},
        },
    )
    session.commit()


def run_export(
    app: Flask,
    session: Session,
    kind: str,
    *,
    period: str | None = None,
    trigger: str,
    actor_id: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> RunOutcome:
    """Write an export into a new run directory, record it, and keep the last few; unchanged data adds nothing."""
    if kind not in KINDS:
        raise ValueError(f"unknown export {kind!r}")
    quarter = Period.parse(period) if kind == "dsa" else None
    quarter_name = str(quarter) if quarter else None
    root = export_root(app)
    now = clock.now()
    name = run_name(kind, quarter, now)
    scratch = root / ".partial" / name
    settings = export_settings(app)
    try:
        written = write_files(session, scratch, quarter=quarter, settings=settings, today=now.date(), progress=progress)
        session.rollback()  # end the long read before writing
        previous = latest_run(session, kind, quarter_name)
        if unchanged(app, previous, written):
            shutil.rmtree(scratch)
            return RunOutcome(previous, created=False)
        os.replace(scratch, root / name)  # complete files only ever appear under their final name
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    run = new_run(
        kind=kind, period=quarter_name, now=now, trigger=trigger, actor_id=actor_id, directory=name, written=written
    )
    try:
        record_run(session, run, written)
    except BaseException:
        session.rollback()
        shutil.rmtree(root / name, ignore_errors=True)  # no row points at it, so nothing would ever prune it
        raise
    _prune(app, session, kind, run.period, keep=app.config["EXPORT_KEEP_RUNS"])
    session.refresh(run)
    return RunOutcome(run, created=True)


def _prune(app: Flask, session: Session, kind: str, period: str | None, *, keep: int) -> None:
    """Delete all but the newest `keep` runs of one export (rows first, so no page links to missing files)."""
    query = (
        select(ExportRun)
        .where(ExportRun.kind == kind, ExportRun.period == period if period else ExportRun.period.is_(None))
        .order_by(ExportRun.id.desc())
        .offset(keep)
    )
    old = session.exec(query).all()
    directories = [run_path(app, run) for run in old]
    for run in old:
        session.delete(run)
    session.commit()
    for directory in directories:
        shutil.rmtree(directory, ignore_errors=True)
