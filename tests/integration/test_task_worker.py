"""A real worker process, `flask --app wsgi tasks run`, works off what the staff pages queue: on SQLite and Redis.

The test's app (the web side) and the worker share the database and the queue's storage, as a web
server and its worker do; the staff pages show the worker's progress from the job rows.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import select

from core import clock, tasks
from core.audit import AuditEvent
from core.tasks import Job
from exports.models import ExportRun
from incidents.models import Report
from reporting.aggregate import Period
from reporting.models import Publication
from tests.conftest import csrf_from, signed_in_client
from tests.factories.exports import approved_incident
from tests.factories.triage import stored_report

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/15"


class Worker:
    """`flask --app wsgi tasks run` in a child process, with the test app's database and queue."""

    def __init__(self, app, tmp_path: Path, **settings: str):
        env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_") and k != "REDIS_URL"}
        env.update(
            {
                "DATABASE_URL": app.config["DATABASE_URL"],
                "SECRET_KEY": app.config["SECRET_KEY"],
                "PLATFORM_SECRET": app.config["PLATFORM_SECRET"],
                "FLASK_EXPORT_DIR": str(Path(app.instance_path) / "exports"),
                **{f"FLASK_{name}": value for name, value in settings.items()},
            }
        )
        self.log = tmp_path / "worker.log"
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(
                [str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "tasks", "run", "--workers", "2"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # graceful: the running jobs finish first
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.log.read_text()


def wait_until(check, what: str, timeout: float = 120):
    """Poll until `check()` is true (the worker is another process); fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.25)
    pytest.fail(f"timed out waiting for {what}")


def jobs_done(session, count: int) -> bool:
    session.expire_all()
    jobs = session.exec(select(Job)).all()
    return len(jobs) == count and all(not job.active for job in jobs)


@pytest.mark.real_clock  # libfaketime breaks the child's waits
def test_a_worker_process_publishes_from_the_page_and_then_refreshes_the_exports(app, session, make_staff, tmp_path):
    period = Period.containing(clock.now()).previous()
    ids = [stored_report(app, session).id for _ in range(5)]
    session.execute(update(Report).where(Report.id.in_(ids)).values(created_at=period.starts_at + timedelta(days=2)))
    session.commit()
    worker = Worker(app, tmp_path, TASKS_BACKEND="sqlite", TASKS_SQLITE_PATH=str(tasks.sqlite_path(app)))
    try:
        publisher = signed_in_client(app, make_staff("publisher"))
        token = csrf_from(publisher.get("/staff/transparency").get_data(as_text=True))
        form = {"csrf_token": token, "period": str(period)}
        assert publisher.post("/staff/transparency/publish", data=form).status_code == 302
        wait_until(lambda: jobs_done(session, 2), "the publication and the exports' refresh")
    finally:
        log = worker.stop()
    assert worker.process.returncode == 0, log
    assert "task worker: sqlite queue" in log and "task worker stopped" in log
    publish, refresh = session.exec(select(Job).order_by(Job.id)).all()
    assert (publish.kind, publish.state, publish.message) == (
        "publish-period",
        "done",
        f"{period} revision 1 is published.",
    )
    assert (refresh.kind, refresh.state) == ("export-refresh", "done"), refresh.message
    assert publish.worker.split(":")[1] == str(worker.process.pid)  # the worker did it, not the web side
    # The exports were written after the publication was committed: their events follow it in the audit chain.
    events = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.seq))]
    assert events[-4:] == ["publication.created", "privacy.released", "export.created", "export.created"]
    assert session.exec(select(Publication)).one().period == str(period)
    runs = session.exec(select(ExportRun).order_by(ExportRun.id)).all()
    assert [(r.kind, r.trigger) for r in runs] == [("aiid", "publication"), ("dsa", "publication")]
    html = publisher.get("/staff/transparency").get_data(as_text=True)
    assert f"{period} revision 1 is published." in html and "data-refresh-seconds" not in html


def redis_reachable() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


@pytest.mark.redis
@pytest.mark.real_clock  # libfaketime breaks the child's waits
def test_a_worker_process_exports_now_through_a_redis_queue(app_config, session, make_staff, tmp_path):
    if not redis_reachable():
        if os.environ.get("REQUIRE_ALL_TESTS") == "1":
            pytest.fail(f"required but unavailable: Redis at {REDIS_URL}")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    from wsgi import create_app

    settings = {"TASKS_BACKEND": "redis", "TASKS_REDIS_URL": REDIS_URL, "TASKS_QUEUE_NAME": f"test-{uuid.uuid4().hex}"}
    app = create_app({**app_config, **settings})
    approved_incident(app, session)
    publisher = signed_in_client(app, make_staff("publisher"))
    token = csrf_from(publisher.get("/staff/exports").get_data(as_text=True))
    assert publisher.post("/staff/exports", data={"csrf_token": token, "kind": "aiid"}).status_code == 302
    assert tasks.queue(app).huey.pending_count() == 1  # waiting in Redis until a worker takes it
    worker = Worker(app, tmp_path, **settings)
    try:
        wait_until(lambda: jobs_done(session, 1), "the export job")
    finally:
        log = worker.stop()
        tasks.queue(app).huey.flush()
    assert worker.process.returncode == 0, log
    assert "task worker: redis queue" in log
    job = session.exec(select(Job)).one()
    assert (job.kind, job.state, job.message) == ("export", "done", "AI Incident Database export: new files written.")
    assert (job.step, job.done, job.total) == ("Writing the AI Incident Database files", 1, 1)
    run = session.exec(select(ExportRun)).one()
    assert (run.kind, run.trigger, run.counts["exported"]) == ("aiid", "staff", 1)
    html = publisher.get("/staff/exports").get_data(as_text=True)
    assert "AI Incident Database export: new files written." in html
    assert f"/staff/exports/{run.id}/incidents.csv" in html
