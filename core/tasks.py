"""The task queue: long work (publishing, exporting) runs outside the request, and its progress is a row.

Packages expose plain functions, and the composition root registers them by name (`add_tasks`); no
package imports another to queue its work. A view or a signal receiver submits a job by name
(`submit`): the job's row is committed first, then its id goes on huey's queue, so a worker always
finds the row it is handed. The queue is huey's (`queue`): SQLite storage in the instance folder by
default, Redis when REDIS_URL is set or TASKS_BACKEND says so, or `immediate` (the job runs at once,
in the caller: for development without a worker, never in production). The worker is its own process,
`flask --app wsgi tasks run` (core/task_cli.py), beside the scheduler.

A job's row holds its state, its progress (a step, done of total) and its outcome, or a failure in
words staff can act on; pages read it, so it survives restarts and shows across processes. A job
function raises `JobFailed` to fail with such words. Any other error fails the job naming only its
kind: the log, too, names the kind and never the message, which may quote data.
"""

from __future__ import annotations

import functools
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from flask import Flask, current_app
from sqlalchemy import Column, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.types import JSON
from sqlmodel import Field, Session, SQLModel, col, select

from core import clock
from core.db import UTCDateTime, get_engine
from core.errors import storage_unavailable
from core.settings import ConfigError

FUNCTIONS_KEY = "core.task_functions"
QUEUE_KEY = "core.task_queue"
BACKENDS = ("sqlite", "redis", "immediate")
TASK_NAME = "run-job"
_building = threading.Lock()


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


ACTIVE = (JobState.QUEUED.value, JobState.RUNNING.value)


class Job(SQLModel, table=True):
    """One piece of queued work: what to run, who asked, how far it got, and how it ended."""

    __tablename__ = "job"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40, index=True)  # the registered task's name
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Travels with the id on the queue: a message meant for another database's job N is refused.
    token: str = Field(default_factory=lambda: secrets.token_hex(8), max_length=16)
    state: str = Field(default=JobState.QUEUED.value, max_length=10, index=True)
    step: str | None = Field(default=None, max_length=120)  # the step under way (an English msgid)
    done: int = Field(default=0)
    total: int | None = Field(default=None)
    message: str | None = Field(default=None, max_length=500)  # the outcome, or why it failed
    worker: str | None = Field(default=None, max_length=120)  # host:pid of the process that ran it
    created_by: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime, index=True)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    @property
    def percent(self) -> int | None:
        """How far the job is, in whole percent, when its total is known."""
        if not self.total:
            return None
        return min(100, self.done * 100 // self.total)


class JobFailed(Exception):
    """Fail the job with this message for staff: a state someone must act on, not a crash."""


class TaskFunction(Protocol):
    def __call__(self, app: Flask, job: Running, /, **params: Any) -> str: ...


class Running:
    """What a job's function is handed: who asked for the job, and a way to report its progress.

    Each report is a short write of the job's row in its own transaction, so call it only where the
    caller holds no write lock (on SQLite the two would wait on each other).
    """

    def __init__(self, app: Flask, job_id: int, actor_id: int | None, *, interval: float = 0.5) -> None:
        self.app = app
        self.job_id = job_id
        self.actor_id = actor_id
        self.done = 0
        self.total: int | None = None
        self._interval = interval
        self._written = 0.0

    def step(self, label: str, done: int = 0, total: int | None = None) -> None:
        """Start a step (its label an English msgid the pages translate): written at once."""
        self.done, self.total = done, total
        self._write(step=label, done=done, total=total)

    def advance(self, count: int = 1) -> None:
        """Count work done within the step; written at most every `interval` seconds, and at its end."""
        self.done += count
        if time.monotonic() - self._written >= self._interval or self.done == self.total:
            self._write(done=self.done)

    def _write(self, **values: Any) -> None:
        self._written = time.monotonic()
        try:
            with Session(get_engine(self.app)) as session:
                session.execute(update(Job).where(col(Job.id) == self.job_id).values(updated_at=clock.now(), **values))
                session.commit()
        except DBAPIError as err:  # progress is a courtesy: a busy database must not fail the job
            self.app.logger.warning("job %s: progress not recorded (%s)", self.job_id, type(err).__name__)


# --- wiring ----------------------------------------------------------------------------------------


def init_app(app: Flask) -> None:
    """Check the queue's settings and add the `tasks` CLI group; the composition root adds the functions."""
    from core.task_cli import tasks_cli

    backend_of(app)
    app.extensions.setdefault(FUNCTIONS_KEY, {})
    app.cli.add_command(tasks_cli)


def add_tasks(app: Flask, functions: Mapping[str, TaskFunction]) -> None:
    """Register job functions by name (the composition root merges each package's TASKS table)."""
    app.extensions.setdefault(FUNCTIONS_KEY, {}).update(functions)


def backend_of(app: Flask) -> str:
    """Name the queue's storage: TASKS_BACKEND, else Redis when REDIS_URL is set, else SQLite."""
    backend = app.config.get("TASKS_BACKEND") or ("redis" if app.config.get("REDIS_URL") else "sqlite")
    if backend not in BACKENDS:
        raise ConfigError(f"TASKS_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}.")
    if backend == "redis" and not (app.config.get("TASKS_REDIS_URL") or app.config.get("REDIS_URL")):
        raise ConfigError("TASKS_BACKEND is 'redis' but neither TASKS_REDIS_URL nor REDIS_URL is set.")
    return str(backend)


def sqlite_path(app: Flask) -> Path:
    """Return the SQLite file that holds the queue: TASKS_SQLITE_PATH, or tasks.db in the instance folder."""
    return Path(app.config.get("TASKS_SQLITE_PATH") or Path(app.instance_path) / "tasks.db")


@dataclass(frozen=True)
class TaskQueue:
    """The app's huey instance and its one task, which runs a job by id."""

    huey: Any
    run: Any  # huey's TaskWrapper: run.s(job_id, token) is the message


def queue(app: Flask) -> TaskQueue:
    """Return the app's queue, built on first use."""
    built: TaskQueue | None = app.extensions.get(QUEUE_KEY)
    if built is not None:
        return built
    with _building:
        if QUEUE_KEY not in app.extensions:
            app.extensions[QUEUE_KEY] = _build(app)
    built = app.extensions[QUEUE_KEY]
    assert built is not None
    return built


def _build(app: Flask) -> TaskQueue:
    from huey import MemoryHuey, RedisHuey, SqliteHuey
    from huey.signals import SIGNAL_INTERRUPTED

    name = app.config.get("TASKS_QUEUE_NAME") or "platform"
    backend = backend_of(app)
    if backend == "redis":
        from redis import ConnectionPool

        # Timeouts: an unreachable Redis (a dropped packet, not a refusal) fails the job in seconds, not minutes;
        # reads outlast huey's one-second blocking pop.
        url = app.config.get("TASKS_REDIS_URL") or app.config["REDIS_URL"]
        pool = ConnectionPool.from_url(url, socket_connect_timeout=3, socket_timeout=10)
        huey = RedisHuey(name, results=False, connection_pool=pool)
    elif backend == "immediate":
        huey = MemoryHuey(name, results=False, immediate=True)
    else:
        path = sqlite_path(app)
        path.parent.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey(name, results=False, filename=str(path))

    def run(job_id: int, token: str) -> None:
        run_job(app, job_id, token)

    def interrupted(_signal: str, task: Any, *_args: Any, **_kwargs: Any) -> None:
        job_id = task.args[0] if task.args else None
        if isinstance(job_id, int):
            finish(app, job_id, JobState.FAILED, INTERRUPTED)

    huey.signal(SIGNAL_INTERRUPTED)(interrupted)
    return TaskQueue(huey=huey, run=huey.task(name=TASK_NAME)(run))


# --- submitting ------------------------------------------------------------------------------------

UNREACHABLE = "The task queue could not be reached ({kind}), so the job was not started. Try again once it is back."
AGAIN = "It may have finished before it stopped; starting it again is safe, as finished work is not done twice."
INTERRUPTED = "The task worker stopped while running this job. " + AGAIN
UNAVAILABLE = "The storage was unavailable ({kind}): the database or the disk could not take the work. Try again."
UNEXPECTED = "The job stopped on an unexpected error ({kind}). The server log names where; nothing was retried."


def submit(
    session: Session,
    kind: str,
    params: dict[str, Any] | None = None,
    *,
    actor_id: int | None = None,
    app: Flask | None = None,
) -> Job:
    """Record a job and put it on the queue; an unreachable queue fails the job with a message.

    The row is committed before the id is queued (a worker must find it). An unreachable queue
    is a second commit, which marks the job failed rather than leaving it queued forever.
    """
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    if kind not in app.extensions.get(FUNCTIONS_KEY, {}):
        raise ValueError(f"no task named {kind!r}")
    job = Job(kind=kind, params=dict(params or {}), created_by=actor_id)
    session.add(job)
    session.commit()
    assert job.id is not None
    try:
        enqueue(app, job)
    except Exception as err:  # Redis down, a locked or unwritable queue file: say so on the page
        app.logger.error("job %s (%s) not queued: %s", job.id, kind, type(err).__name__)
        finish(app, job.id, JobState.FAILED, UNREACHABLE.format(kind=type(err).__name__))
    session.refresh(job)
    return job


def enqueue(app: Flask, job: Job) -> None:
    """Put a recorded job's id (and token) on the queue."""
    tasks = queue(app)
    tasks.huey.enqueue(tasks.run.s(job.id, job.token))


def recent_jobs(session: Session, kinds: Iterable[str], limit: int = 10, app: Flask | None = None) -> list[Job]:
    """Return the newest jobs of some kinds, newest first; those taken for lost are failed first (as active_job)."""
    from core.task_liveness import fail_lost

    query = select(Job).where(col(Job.kind).in_(list(kinds))).order_by(col(Job.id).desc()).limit(limit)
    jobs = list(session.exec(query).all())
    active = [job for job in jobs if job.active]
    if active and len(fail_lost(app or current_app._get_current_object(), active)) != len(active):  # type: ignore[attr-defined]
        for job in active:
            session.refresh(job)
    return jobs


def active_job(session: Session, kind: str, app: Flask | None = None, **params: Any) -> Job | None:
    """Return a queued or running job of this kind with these parameters, if there is one.

    A job taken for lost (core.task_liveness: its worker went silent, or none took it) is failed on
    the way, so it never holds its work up for good.
    """
    from core.task_liveness import fail_lost

    jobs = session.exec(select(Job).where(Job.kind == kind, col(Job.state).in_(ACTIVE))).all()
    mine = [job for job in jobs if all(job.params.get(k) == v for k, v in params.items())]
    alive = fail_lost(app or current_app._get_current_object(), mine)  # type: ignore[attr-defined]
    for job in mine:
        if job not in alive:
            session.refresh(job)
    return alive[0] if alive else None


# --- running ---------------------------------------------------------------------------------------


@functools.cache
def _instance() -> str:
    return secrets.token_hex(4)


def worker_name() -> str:
    """Name this process for the job rows it runs: host, pid, and a random instance (a pid may come again)."""
    return f"{socket.gethostname()}:{os.getpid()}:{_instance()}"[-120:]


def claim(app: Flask, job_id: int, token: str) -> Job | None:
    """Mark a queued job running and return it; None when it is gone, another's, or already taken."""
    now = clock.now()
    with Session(get_engine(app), expire_on_commit=False) as session:
        taken = session.execute(
            update(Job)
            .where(col(Job.id) == job_id, col(Job.token) == token, col(Job.state) == JobState.QUEUED.value)
            .values(state=JobState.RUNNING.value, started_at=now, updated_at=now, worker=worker_name())
        )
        session.commit()
        if getattr(taken, "rowcount", 0) != 1:
            return None
        return session.get(Job, job_id)


def finish(app: Flask, job_id: int, state: JobState, message: str) -> None:
    """Record how a job ended; a job that already ended keeps its first outcome."""
    now = clock.now()
    with Session(get_engine(app)) as session:
        session.execute(
            update(Job)
            .where(col(Job.id) == job_id, col(Job.state).in_(ACTIVE))
            .values(state=state.value, message=message[:500], finished_at=now, updated_at=now)
        )
        session.commit()


def failure_message(err: Exception) -> str:
    """Words for staff about an error no job function expected: its kind, never its text."""
    kind = type(getattr(err, "orig", None) or err).__name__
    return (UNAVAILABLE if storage_unavailable(err) else UNEXPECTED).format(kind=kind)


def run_job(app: Flask, job_id: int, token: str) -> None:
    """Run one queued job in this process: claim its row, call its function, record the outcome."""
    with app.app_context():
        job = claim(app, job_id, token)
        if job is None:
            app.logger.info("job %s: not queued here (gone, another database's, or already taken)", job_id)
            return
        function: Callable[..., str] | None = app.extensions.get(FUNCTIONS_KEY, {}).get(job.kind)
        try:
            if function is None:
                raise JobFailed(f"No task named {job.kind} is registered in this worker.")
            outcome = function(app, Running(app, job_id, job.created_by), **job.params)
        except JobFailed as err:
            finish(app, job_id, JobState.FAILED, str(err))
        except Exception as err:  # a bug or an outage: the job fails, the worker lives on
            app.logger.error("job %s (%s) failed: %s", job_id, job.kind, type(err).__name__)
            finish(app, job_id, JobState.FAILED, failure_message(err))
        else:
            finish(app, job_id, JobState.DONE, outcome)
            app.logger.info("job %s (%s) done", job_id, job.kind)


def work_off(app: Flask, limit: int | None = None) -> int:
    """Run the jobs queued now, one after another in this process, and return how many ran."""
    huey = queue(app).huey
    count = 0
    while limit is None or count < limit:
        task = huey.dequeue()
        if task is None:
            break
        huey.execute(task)
        count += 1
    return count
