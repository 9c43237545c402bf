"""What the staff transparency page offers and starts: periods to publish, what each release spends, the jobs.

A publisher publishes a closed quarter that has no publication yet, or approves a draft; each is a
job on the task queue (reporting/tasks.py), so the work runs outside the request and the page shows
its progress. Before either, the page shows the epsilon the release will spend and what is left of
the period's budget, from the ledger (reporting/ledger.py), which has the last word when the job runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask import Flask
from sqlmodel import Session, select

from core import tasks
from core.periods import Period
from reporting import ledger
from reporting.models import Publication
from reporting.pages import all_publications
from reporting.tasks import APPROVE, KINDS, PUBLISH

RECENT_QUARTERS = 8  # how far back the page offers unpublished quarters


class Refused(Exception):
    """The job cannot be started; the message says why."""


@dataclass(frozen=True)
class BudgetLine:
    """A period's privacy budget as a release would find it: what it spends, what was spent, what is left."""

    period: str
    budget: Decimal
    spent: Decimal
    spend: Decimal  # what this release spends: nothing for a draft, which spent its share when it was drafted
    problem: str | None = None  # why the release would be refused, in words

    @property
    def left(self) -> Decimal:
        return self.budget - self.spent

    @property
    def left_after(self) -> Decimal:
        return self.left - self.spend


@dataclass(frozen=True)
class TransparencyPage:
    publications: list[Publication]
    publishable: list[BudgetLine]  # closed quarters without a publication, newest first
    drafts: dict[int, BudgetLine]  # by publication id
    jobs: list[tasks.Job]

    @property
    def refresh(self) -> bool:
        return any(job.active for job in self.jobs)


def budget_line(app: Flask, session: Session, period: str, *, releasing: bool = True) -> BudgetLine:
    """Read a period's budget from the ledger and say what a release (or a draft's approval) would spend."""
    configured, epsilon = ledger.release_epsilon(app)
    spend = epsilon if releasing else Decimal(0)
    try:
        budget = ledger.budget_of(session, period, configured)
    except ledger.BudgetChanged as err:
        return BudgetLine(period, configured, Decimal(0), spend, problem=str(err))
    problem = None
    if spend > budget.remaining:
        problem = f"the release needs epsilon {spend}, but only {budget.remaining} of {budget.total} is left"
    return BudgetLine(period, budget.total, budget.spent, spend, problem)


def publishable_periods(session: Session, now: datetime) -> list[str]:
    """Closed quarters of the last two years that have no publication, draft or published, newest first."""
    taken = set(session.exec(select(Publication.period)).all())
    period = Period.containing(now).previous()
    found = []
    for _ in range(RECENT_QUARTERS):
        if str(period) not in taken:
            found.append(str(period))
        period = period.previous()
    return found


def transparency_page(app: Flask, session: Session, now: datetime) -> TransparencyPage:
    """The staff transparency page's read model."""
    publications = all_publications(session)
    return TransparencyPage(
        publications=publications,
        publishable=[budget_line(app, session, period) for period in publishable_periods(session, now)],
        drafts={
            p.id or 0: budget_line(app, session, p.period, releasing=False) for p in publications if p.status == "draft"
        },
        jobs=tasks.recent_jobs(session, KINDS, app=app),
    )


def start_publication(app: Flask, session: Session, period: Period, *, now: datetime, actor_id: int) -> tasks.Job:
    """Queue the publication of a closed, unpublished quarter for a publisher."""
    name = str(period)
    if name not in publishable_periods(session, now):
        raise Refused(f"{name} is not a closed quarter waiting to be published.")
    if tasks.active_job(session, PUBLISH, app, period=name):
        raise Refused(f"{name} is already being published; its job is below.")
    line = budget_line(app, session, name)
    if line.problem:
        raise Refused(f"{name} cannot be published: {line.problem}.")
    return tasks.submit(session, PUBLISH, {"period": name}, actor_id=actor_id, app=app)


def start_approval(app: Flask, session: Session, publication: Publication, *, actor_id: int) -> tasks.Job:
    """Queue a publisher's approval of a draft."""
    if publication.status != "draft":
        raise Refused(f"{publication.period} revision {publication.revision} is not a draft.")
    if tasks.active_job(session, APPROVE, app, publication_id=publication.id):
        raise Refused(f"The approval of {publication.period} is already queued; its job is below.")
    params = {"publication_id": publication.id, "period": publication.period}
    return tasks.submit(session, APPROVE, params, actor_id=actor_id, app=app)
