"""The staff page that lists the latest exports, serves their files, and regenerates them."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from core import clock, tasks
from core.db import get_session
from core.periods import BadPeriod, Period
from core.permissions import Permission, roles_for
from core.security import current_staff, roles
from exports import jobs, service
from exports.models import ExportRun

bp = Blueprint("exports", __name__)
MEDIA_TYPES = {".csv": "text/csv", ".json": "application/json", ".jsonl": "application/jsonl"}


def _recent_quarters(count: int = 6) -> list[str]:
    period = Period.containing(clock.now())
    quarters = []
    for _step in range(count):
        quarters.append(str(period))
        period = period.previous()
    return quarters


@bp.get("/staff/exports")
@roles(*roles_for(Permission.SEE_PUBLICATIONS))
def staff_exports():
    """The latest exports (AIID, and DSA by quarter) with what was held back, and the export jobs' progress."""
    session = get_session()
    aiid = service.latest_run(session, "aiid")
    export_jobs = tasks.recent_jobs(session, jobs.KINDS)
    return render_template(
        "exports/staff/index.html",
        aiid=aiid,
        dsa_runs=service.latest_dsa_runs(session, limit=12),
        user=current_staff(),
        quarters=_recent_quarters(),
        jobs=export_jobs,
        refresh=any(job.active for job in export_jobs),
    )


@bp.post("/staff/exports")
@roles(*roles_for(Permission.SEE_PUBLICATIONS))
def staff_exports_run():
    """Queue one export now; the page shows the job's progress."""
    kind = request.form.get("kind")
    params = {"kind": kind}
    if kind == "dsa":
        try:
            params["period"] = str(Period.parse(request.form.get("period", "")))
        except BadPeriod:
            flash(_("Choose a quarter such as 2026Q3."), "error")
            return redirect(url_for("exports.staff_exports"))
    elif kind != "aiid":
        abort(400)
    job = tasks.submit(get_session(), jobs.EXPORT, params, actor_id=current_staff().id)
    if job.active:
        flash(_("The export is queued as job %(id)d; this page shows its progress.", id=job.id), "success")
    else:  # an unreachable queue fails it at once; the immediate queue (development) has run it already
        flash(job.message or "", "error" if job.state == tasks.JobState.FAILED else "success")
    return redirect(url_for("exports.staff_exports", _anchor=f"job-{job.id}"))


@bp.get("/staff/exports/<int:run_id>/<name>")
@roles(*roles_for(Permission.SEE_PUBLICATIONS))
def staff_export_file(run_id: int, name: str):
    """Download one file of a run; only names the run recorded are served."""
    run = get_session().get(ExportRun, run_id)
    if run is None or name not in run.files:
        abort(404)
    path = service.run_path(current_app, run) / name
    if not path.is_file():
        abort(404)
    suffix = "." + name.rsplit(".", 1)[-1]
    response = send_file(
        path,
        mimetype=MEDIA_TYPES.get(suffix, "application/octet-stream"),
        as_attachment=True,
        download_name=name,
        max_age=0,
        etag=run.files[name]["sha256"],
    )
    response.headers["X-Content-SHA256"] = run.files[name]["sha256"]
    return response
