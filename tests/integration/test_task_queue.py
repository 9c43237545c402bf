"""The task queue (core/tasks.py) on its real storage: a job runs once, reports progress, fails in words."""

from __future__ import annotations

import os
import socket

import pytest
from sqlmodel import select

from core import task_liveness, tasks
from core.settings import ConfigError
from core.tasks import Job, JobFailed, submit, work_off


def counting(app, job, /, *, to: int) -> str:
    job.step("Counting", 0, to)
    for _ in range(to):
        job.advance()
    return f"counted to {to}"


def refusing(app, job, /) -> str:
    raise JobFailed("Nothing to count: add something first.")


@pytest.fixture
def queue_app(app):
    tasks.add_tasks(app, {"count": counting, "refuse": refusing})
    return app


def test_a_submitted_job_waits_on_the_sqlite_queue_then_runs_once(queue_app, session, runner):
    job = submit(session, "count", {"to": 4}, app=queue_app)
    assert (job.id, job.state, job.done, job.total, job.message) == (1, "queued", 0, None, None)
    assert (tasks.sqlite_path(queue_app)).is_file()  # huey's SQLite file in the instance folder
    tasks.enqueue(queue_app, job)  # a second message for the same job (a redelivery): claimed once only
    assert runner.invoke(args=["tasks", "run-pending"]).output == "ran 2 job(s)\n"
    session.refresh(job)
    assert (job.state, job.step, job.done, job.total, job.message) == ("done", "Counting", 4, 4, "counted to 4")
    assert job.worker == tasks.worker_name() and job.worker.startswith(f"{socket.gethostname()}:{os.getpid()}:")
    assert job.started_at is not None and job.finished_at >= job.started_at
    listing = runner.invoke(args=["tasks", "list"]).output
    assert "count" in listing and "done" in listing and "counted to 4" in listing


def test_a_message_for_another_databases_job_is_refused(queue_app, session):
    job = submit(session, "count", {"to": 1}, app=queue_app)
    stranger = Job(id=job.id, kind="count", token="0" * 16)  # the same id, another database's token
    tasks.enqueue(queue_app, stranger)
    tasks.run_job(queue_app, job.id, "0" * 16)
    assert session.get(Job, job.id).state == "queued"
    assert work_off(queue_app) == 2  # the stranger's message is skipped; the job's own runs
    session.expire_all()
    assert session.get(Job, job.id).state == "done"


def test_a_job_fails_in_its_own_words_and_an_unknown_task_is_refused(queue_app, session):
    job = submit(session, "refuse", app=queue_app)
    work_off(queue_app)
    session.refresh(job)
    assert (job.state, job.message) == ("failed", "Nothing to count: add something first.")
    with pytest.raises(ValueError, match="no task named 'nope'"):
        submit(session, "nope", app=queue_app)
    assert len(session.exec(select(Job)).all()) == 1


def test_an_unreachable_redis_queue_fails_the_job_at_once(app_config, session, caplog):
    from wsgi import create_app

    # Nothing listens on port 1: the queue cannot take the job.
    app = create_app({**app_config, "TASKS_BACKEND": "redis", "TASKS_REDIS_URL": "redis://127.0.0.1:1/0"})
    tasks.add_tasks(app, {"count": counting})
    job = submit(session, "count", {"to": 1}, app=app)
    assert job.state == "failed"
    assert job.message == (
        "The task queue could not be reached (ConnectionError), so the job was not started. Try again once it is back."
    )
    assert f"job {job.id} (count) not queued: ConnectionError" in caplog.text


def test_the_immediate_queue_runs_the_job_where_it_is_submitted(app_config, session):
    from wsgi import create_app

    app = create_app({**app_config, "TASKS_BACKEND": "immediate"})
    tasks.add_tasks(app, {"count": counting})
    job = submit(session, "count", {"to": 2}, app=app)
    assert (job.state, job.message) == ("done", "counted to 2")
    assert not tasks.sqlite_path(app).exists()
    assert app.test_cli_runner().invoke(args=["tasks", "run"]).exit_code == 1  # no worker for an immediate queue


def test_a_worker_starting_fails_what_a_dead_worker_left_and_queues_the_queued_again(queue_app, session):
    orphan = Job(kind="count", params={"to": 1}, state="running", worker=f"{socket.gethostname()}:999999999")
    elsewhere = Job(kind="count", params={"to": 1}, state="running", worker="another-host:1")
    waiting = Job(kind="count", params={"to": 3})  # queued in the database, its message lost with the queue file
    session.add_all([orphan, elsewhere, waiting])
    session.commit()
    assert task_liveness.recover(queue_app) == (1, 1)
    session.expire_all()
    assert (orphan.state, orphan.message) == ("failed", tasks.INTERRUPTED)
    assert elsewhere.state == "running"  # another host's worker may still be at it
    assert work_off(queue_app) == 1
    session.expire_all()
    assert (waiting.state, waiting.message) == ("done", "counted to 3")


@pytest.mark.parametrize("backend", ["celery", "redis"])
def test_a_wrong_queue_setting_stops_the_start(app_config, backend):
    from wsgi import create_app

    with pytest.raises(ConfigError):
        create_app({**app_config, "TASKS_BACKEND": backend, "REDIS_URL": None})
