"""A job whose worker died or went silent, or that no worker took, never holds its work up for good.

Also: one draft is approved once, whatever the workers do, and queued work runs only while the
publisher who asked still may publish.
"""

from __future__ import annotations

import os
import socket
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from core import clock, task_liveness, tasks
from core.audit import AuditEvent
from core.auth import StaffUser
from core.db import get_engine
from core.tasks import Job, work_off
from reporting import publish as publishing
from reporting import releases
from reporting.aggregate import Period
from tests.integration.test_publishing_page import PERIOD, reports_in


def counting(app, job, /, *, to: int) -> str:
    return f"counted to {to}"


@pytest.fixture
def queue_app(app):
    tasks.add_tasks(app, {"count": counting})
    return app


def running(worker: str, quiet_for: timedelta, **params) -> Job:
    heard = clock.now() - quiet_for
    return Job(
        kind="count", params={"to": 1, **params}, state="running", worker=worker, started_at=heard, updated_at=heard
    )


def test_a_worker_whose_pid_came_again_does_not_keep_the_old_ones_job_alive(queue_app, session):
    # A restarted container: the same host name and pid (alive: it is us), another instance, and silence.
    same_pid = f"{socket.gethostname()}:{os.getpid()}:0ld1nst4"
    silent = running(same_pid, timedelta(minutes=6))
    talking = running(same_pid, timedelta(minutes=4))  # a long step, but heard from within five minutes
    session.add_all([silent, talking])
    session.commit()
    assert task_liveness.recover(queue_app) == (1, 0)
    session.expire_all()
    assert silent.state == "failed" and silent.message.startswith("The task worker stopped answering")
    assert talking.state == "running"


def test_a_silent_job_frees_its_period_and_the_page_stops_waiting_on_it(app, session, make_staff):
    reports_in(app, session, PERIOD, 3)
    publisher = make_staff("publisher")
    stuck = Job(kind="publish-period", params={"period": "2026Q3"}, state="running", worker="gone-host:1:abcd")
    stuck.started_at = stuck.updated_at = clock.now() - timedelta(minutes=10)
    session.add(stuck)
    session.commit()
    with app.test_request_context():
        job = releases.start_publication(app, session, PERIOD, now=clock.now(), actor_id=publisher.id)
    session.refresh(stuck)
    assert stuck.state == "failed" and "stopped answering" in stuck.message
    assert job.id != stuck.id and job.state == "queued"


def test_a_job_no_worker_took_in_half_an_hour_is_failed_with_a_hint(queue_app, session):
    forgotten = Job(kind="count", params={"to": 2}, created_at=clock.now() - timedelta(minutes=31))
    recent = Job(kind="count", params={"to": 3}, created_at=clock.now() - timedelta(minutes=29))
    session.add_all([forgotten, recent])
    session.commit()
    with queue_app.app_context():
        assert tasks.active_job(session, "count", queue_app, to=2) is None
        assert tasks.active_job(session, "count", queue_app, to=3).id == recent.id
    assert forgotten.state == "failed" and "is `flask --app wsgi tasks run` running?" in forgotten.message


def test_the_heartbeat_touches_only_this_processs_running_jobs(queue_app, session):
    mine = running(tasks.worker_name(), timedelta(minutes=4))
    theirs = running("other-host:7:beef", timedelta(minutes=4))
    session.add_all([mine, theirs])
    session.commit()
    assert task_liveness.beat(queue_app) == 1
    session.expire_all()
    assert clock.now() - mine.updated_at < timedelta(seconds=5)
    assert clock.now() - theirs.updated_at > timedelta(minutes=3)


def test_an_operator_fails_a_stuck_job_from_the_command_line(queue_app, session, runner):
    job = running("other-host:7:beef", timedelta(seconds=1))
    session.add(job)
    session.commit()
    result = runner.invoke(args=["tasks", "fail", str(job.id)])
    assert (result.exit_code, result.output) == (0, f"job {job.id} marked failed\n")
    session.refresh(job)
    assert (job.state, job.message) == ("failed", task_liveness.CANCELLED)
    again = runner.invoke(args=["tasks", "fail", str(job.id)])
    assert again.exit_code == 1 and f"job {job.id} is not queued or running" in again.output


def test_one_draft_is_approved_once_even_when_two_workers_hold_it(app, session, make_staff):
    app.config["TRANSPARENCY_MODE"] = "draft"
    reports_in(app, session, PERIOD, 3)
    draft_id = publishing.publish(app, session, "2026Q3").publication.id
    first, second = make_staff("publisher"), make_staff("publisher")
    engine = get_engine(app)
    with Session(engine) as one, Session(engine) as two:
        mine, yours = one.get(publishing.Publication, draft_id), two.get(publishing.Publication, draft_id)
        assert mine.status == yours.status == "draft"  # both loaded before either approved
        publishing.approve(one, mine, actor_id=first.id, app=app)
        with pytest.raises(publishing.PublicationRefused, match="approved meanwhile"):
            publishing.approve(two, yours, actor_id=second.id, app=app)
    session.expire_all()
    assert session.get(publishing.Publication, draft_id).approved_by == first.id
    approvals = session.exec(select(AuditEvent).where(AuditEvent.action == "publication.approved")).all()
    assert [event.actor_id for event in approvals] == [first.id]
    assert [job.kind for job in session.exec(select(Job))] == ["export-refresh"]


def test_queued_publishing_runs_only_while_its_publisher_may_publish(app, session, make_staff):
    reports_in(app, session, PERIOD, 3)
    publisher = make_staff("publisher")
    with app.test_request_context():
        job = releases.start_publication(app, session, PERIOD, now=clock.now(), actor_id=publisher.id)
    session.get(StaffUser, publisher.id).role = "triager"  # demoted while the job waited
    session.commit()
    assert work_off(app) == 1
    session.refresh(job)
    assert (job.state, job.message) == (
        "failed",
        "The staff member who asked for this job may no longer publish, so it was not run.",
    )
    assert publishing.latest(session, str(Period.parse("2026Q3"))) is None


def test_a_job_waiting_behind_a_long_one_is_not_taken_for_lost(queue_app, session):
    long_one = running("worker-host:7:beef", timedelta(minutes=1), to=9)  # heard from a minute ago
    waiting = Job(kind="count", params={"to": 2}, created_at=clock.now() - timedelta(minutes=45))
    session.add_all([long_one, waiting])
    session.commit()
    with queue_app.app_context():
        assert tasks.active_job(session, "count", queue_app, to=2).id == waiting.id
    assert waiting.state == "queued"


def test_a_heartbeat_between_the_look_and_the_write_keeps_the_job(queue_app, session):
    job = running("other-host:7:beef", timedelta(minutes=6))
    session.add(job)
    session.commit()
    seen = session.get(Job, job.id)
    stale_copy = Job(**{**seen.model_dump(), "updated_at": seen.updated_at})
    session.execute(
        Job.__table__.update().where(Job.__table__.c.id == job.id).values(updated_at=clock.now())
    )  # the worker's heartbeat lands after the look
    session.commit()
    assert task_liveness.fail_lost(queue_app, [stale_copy]) == [stale_copy]
    session.refresh(job)
    assert job.state == "running"
