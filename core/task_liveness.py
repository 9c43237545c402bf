"""Whether a job's worker is still at it: heartbeats, stale jobs, and recovery when a worker starts.

A worker names itself host:pid:instance, the instance random for each process, so a restarted
container whose worker has the same host name and pid is not taken for the one before. While it
runs, a worker's heartbeat thread touches its running jobs' rows every HEARTBEAT seconds (besides
the progress they write). A running job untouched for STALE is taken for lost: its worker was
killed, or lost its database. A queued job no worker took within UNCLAIMED is taken for lost too:
no worker runs, or the queue lost its message. Either way the job fails with words staff can act
on, which frees its period for a new start; if the old worker comes back, it can no longer claim
or finish the job, and the work itself is exactly-once where it matters (a publication, a charge).
"""

from __future__ import annotations

import os
import socket
import threading
from datetime import timedelta

from flask import Flask
from sqlalchemy import update
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from core import clock
from core.db import get_engine
from core.tasks import ACTIVE, AGAIN, INTERRUPTED, Job, JobState, enqueue, finish, worker_name

HEARTBEAT = timedelta(seconds=30)
STALE = timedelta(minutes=5)
UNCLAIMED = timedelta(minutes=30)
LOST = "The task worker stopped answering while running this job (nothing heard since {since:%H:%M} UTC). " + AGAIN
NOT_TAKEN = (
    "No task worker took this job within 30 minutes: is `flask --app wsgi tasks run` running? Start the job again."
)
CANCELLED = "Marked failed by an operator (flask --app wsgi tasks fail)."


def beat(app: Flask) -> int:
    """Touch the rows of the jobs this process runs; returns how many. A busy database only skips a beat."""
    try:
        with Session(get_engine(app)) as session:
            touched = session.execute(
                update(Job)
                .where(col(Job.worker) == worker_name(), col(Job.state) == JobState.RUNNING.value)
                .values(updated_at=clock.now())
            )
            session.commit()
            return int(getattr(touched, "rowcount", 0) or 0)
    except DBAPIError as err:
        app.logger.warning("task worker heartbeat skipped (%s)", type(err).__name__)
        return 0


def start_heartbeat(app: Flask, every: timedelta = HEARTBEAT) -> threading.Event:
    """Beat in a daemon thread until the returned event is set."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(every.total_seconds()):
            beat(app)

    threading.Thread(target=loop, name="task-heartbeat", daemon=True).start()
    return stop


def lost_reason(job: Job, *, worker_busy: bool = False) -> str | None:
    """Why an active job is taken for lost, or None while it may still be under way.

    A queued job waits as long as a worker is heard from (`worker_busy`: it runs a long job ahead of this one).
    """
    now = clock.now()
    if job.state == JobState.RUNNING.value:
        heard = job.updated_at or job.started_at or job.created_at
        return LOST.format(since=heard) if now - heard > STALE else None
    if job.state == JobState.QUEUED.value and now - job.created_at > UNCLAIMED and not worker_busy:
        return NOT_TAKEN
    return None


def _worker_heard(app: Flask) -> bool:
    """Whether some worker was heard from lately: a running job whose row it touched within STALE."""
    with Session(get_engine(app)) as session:
        fresh = select(Job.id).where(Job.state == JobState.RUNNING.value, col(Job.updated_at) > clock.now() - STALE)
        return session.exec(fresh.limit(1)).first() is not None


def _fail_unchanged(app: Flask, job: Job, reason: str) -> bool:
    """Fail a job only if its row is as it was read: a heartbeat or a claim in between keeps it alive."""
    now = clock.now()
    same = col(Job.updated_at).is_(None) if job.updated_at is None else col(Job.updated_at) == job.updated_at
    with Session(get_engine(app)) as session:
        failed = session.execute(
            update(Job)
            .where(col(Job.id) == job.id, col(Job.state) == job.state, same)
            .values(state=JobState.FAILED.value, message=reason[:500], finished_at=now, updated_at=now)
        )
        session.commit()
        return int(getattr(failed, "rowcount", 0) or 0) == 1


def fail_lost(app: Flask, jobs: list[Job]) -> list[Job]:
    """Fail the jobs taken for lost, and return the others (still active)."""
    alive = []
    busy = any(job.state == JobState.QUEUED.value for job in jobs) and _worker_heard(app)
    for job in jobs:
        reason = lost_reason(job, worker_busy=busy)
        if reason is None or job.id is None or not _fail_unchanged(app, job, reason):
            alive.append(job)
    return alive


def recover(app: Flask) -> tuple[int, int]:
    """At a worker's start: fail the jobs a dead process on this host, or a silent one, left running; queue the
    queued again.

    Queuing again is safe: a job runs only once its row is claimed, so a second message is skipped.
    Returns (failed, queued).
    """
    host = socket.gethostname()
    failed = queued = 0
    with Session(get_engine(app)) as session:
        for job in session.exec(select(Job).where(col(Job.state).in_(ACTIVE))).all():
            if job.state == JobState.RUNNING.value:
                name, pid = ((job.worker or "").split(":") + ["", ""])[:2]
                dead_here = name == host and pid.isdigit() and not _alive(int(pid))
                reason = INTERRUPTED if dead_here else lost_reason(job)
                if reason is not None:
                    finish(app, job.id or 0, JobState.FAILED, reason)
                    failed += 1
            else:
                enqueue(app, job)
                queued += 1
    return failed, queued


def fail_job(app: Flask, job_id: int) -> bool:
    """Fail one active job by hand (an operator's way out); False when it is not active."""
    with Session(get_engine(app)) as session:
        job = session.get(Job, job_id)
        if job is None or not job.active:
            return False
    finish(app, job_id, JobState.FAILED, CANCELLED)
    return True


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
