"""Work of the exports package: the nightly refresh, and the jobs the task queue runs for it.

After each publication (the `publication_published` signal, sent once the publication is committed)
the refresh is queued, never run inside the publication: `after_publication` only submits a job.
"""

from __future__ import annotations

from flask import Flask
from sqlmodel import Session

from core import clock
from core.db import get_engine
from core.periods import BadPeriod, Period
from core.schemas import N_
from core.tasks import JobFailed, Running, submit
from exports import service

EXPORT = "export"  # "export now" on the staff page
REFRESH = "export-refresh"  # after a publication
KINDS = (EXPORT, REFRESH)
WRITING_AIID = N_("Writing the AI Incident Database files")
WRITING_DSA = N_("Writing the DSA statements of reasons")


def _run(app: Flask, kind: str, *, period: str | None, trigger: str, job: Running | None) -> service.RunOutcome:
    """Run one export; a job hears its step and each record written."""
    with Session(get_engine(app)) as session:
        if job is not None:
            total = service.count_actions(session, Period.parse(period)) if period else service.count_shared(session)
            job.step(WRITING_DSA if period else WRITING_AIID, 0, total)
        return service.run_export(
            app,
            session,
            kind,
            period=period,
            trigger=trigger,
            actor_id=job.actor_id if job else None,
            progress=job.advance if job else None,
        )


def refresh_exports(app: Flask, period: str | None = None, job: Running | None = None) -> str:
    """Regenerate the AI Incident Database export (and a quarter's DSA statements); unchanged data adds no run."""
    trigger = "publication" if job is not None else "schedule"
    aiid = _run(app, "aiid", period=None, trigger=trigger, job=job)
    outcomes = [f"aiid run {aiid.run.id} {'written' if aiid.created else 'unchanged'}"]
    if period:
        dsa = _run(app, "dsa", period=period, trigger=trigger, job=job)
        outcomes.append(f"dsa {period} run {dsa.run.id} {'written' if dsa.created else 'unchanged'}")
    return "; ".join(outcomes)


def nightly_refresh(app: Flask) -> str:
    """The nightly run: the AIID files, and the DSA statements of the quarter that ended last.

    The quarter's refresh is normally queued after its transparency report is published; if that job
    was lost (a crash between the publication's commit and the queue, an unreachable queue), this run
    catches it up. Unchanged data adds no run, so most nights write nothing.
    """
    return refresh_exports(app, str(Period.containing(clock.now()).previous()))


def refresh_after_publication(app: Flask, job: Running, /, *, period: str) -> str:
    """The queued refresh after a publication: the AIID files and the published quarter's DSA statements."""
    return refresh_exports(app, period, job)


def export_now(app: Flask, job: Running, /, *, kind: str, period: str | None = None) -> str:
    """One export a staff member asked for; the run records them as its author."""
    if kind not in service.KINDS:
        raise JobFailed(f"There is no export called {kind}.")
    try:
        outcome = _run(app, kind, period=period if kind == "dsa" else None, trigger="staff", job=job)
    except BadPeriod as err:
        raise JobFailed(f"Choose a quarter such as 2026Q3 ({err}).") from err
    label = "AI Incident Database export" if kind == "aiid" else f"DSA statements of reasons for {period}"
    return f"{label}: {'new files written' if outcome.created else 'nothing changed since the last run'}."


def after_publication(app: Flask, *, period: str, **_extra: object) -> None:
    """Queue the exports' refresh once a transparency report is published; a failure never undoes the publication."""
    try:
        with Session(get_engine(app)) as session:
            job = submit(session, REFRESH, {"period": period}, app=app)
        app.logger.info("exports after publication of %s: job %s %s", period, job.id, job.state)
    except Exception as err:  # the publication is committed; the nightly refresh (nightly_refresh) catches up
        app.logger.error("exports after publication of %s not queued: %s", period, type(err).__name__)


# Daily, after the publication job: picks up incidents approved since the last run.
JOBS = {"refresh-exports": (nightly_refresh, {"hour": 1, "minute": 0})}
# Jobs the task queue runs (registered by the composition root).
TASKS = {EXPORT: export_now, REFRESH: refresh_after_publication}
