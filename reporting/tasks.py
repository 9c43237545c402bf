"""Reporting's work for the task queue: publish a period, approve a draft. The staff page submits them.

Plain functions of (app, job, **params) that return their outcome in words; the composition root
registers TASKS with the queue. reporting.publish (OpenDP, pandas, Altair) loads when a job runs.
"""

from __future__ import annotations

from flask import Flask
from sqlmodel import Session

from core.auth import StaffUser
from core.db import get_engine
from core.periods import BadPeriod
from core.permissions import Permission, can
from core.tasks import JobFailed, Running
from reporting.models import Publication

PUBLISH = "publish-period"
APPROVE = "approve-draft"
KINDS = (PUBLISH, APPROVE)


def _still_a_publisher(session: Session, actor_id: int | None) -> int:
    """The publisher who asked, if they still may publish now: a job may wait in the queue past a role change."""
    actor = session.get(StaffUser, actor_id) if actor_id is not None else None
    if actor is None or not actor.active or not can(actor, Permission.APPROVE_PUBLICATIONS):
        raise JobFailed("The staff member who asked for this job may no longer publish, so it was not run.")
    assert actor.id is not None
    return actor.id


def publish_period(app: Flask, job: Running, /, *, period: str) -> str:
    """Publish (or draft) one period's report, as the publisher who asked; a refusal fails the job."""
    from reporting import publish as publishing

    def progress(label: str) -> None:
        job.step(label, publishing.STEPS.index(label), len(publishing.STEPS))

    with Session(get_engine(app), expire_on_commit=False) as session:
        actor_id = _still_a_publisher(session, job.actor_id)
        try:
            outcome = publishing.publish(app, session, period, actor_id=actor_id, progress=progress)
        except (publishing.PublicationRefused, BadPeriod) as err:
            raise JobFailed(f"{period} was not published: {err}.") from err
    p = outcome.publication
    if not outcome.created:
        return f"{p.period} was already there (revision {p.revision}, {p.status}): nothing new was drawn."
    if p.status == "draft":
        return f"{p.period} revision {p.revision} is drafted; it waits for a publisher's approval."
    return f"{p.period} revision {p.revision} is published."


def approve_draft(app: Flask, job: Running, /, *, publication_id: int, period: str | None = None) -> str:
    """Release a draft as the publisher who asked; its files were fixed when it was drafted.

    `period` only names the draft on the staff page's list of jobs.
    """
    from reporting import publish as publishing

    with Session(get_engine(app), expire_on_commit=False) as session:
        publication = session.get(Publication, publication_id)
        if publication is None:
            raise JobFailed("That draft no longer exists.")
        actor_id = _still_a_publisher(session, job.actor_id)
        try:
            publishing.approve(session, publication, actor_id=actor_id, app=app)
        except publishing.PublicationRefused as err:
            raise JobFailed(f"{publication.period} revision {publication.revision} was not approved: {err}.") from err
        return f"{publication.period} revision {publication.revision} is published."


TASKS = {PUBLISH: publish_period, APPROVE: approve_draft}
