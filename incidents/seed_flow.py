"""The demo's reports, filed and triaged through the same services as real ones, so each has its history.

Each synthetic report is submitted through intake (sealed, with a receipt and its `report.received`
event) and then worked through triage (acknowledged, classified, filed, resolved, ...), every step
under `clock.as_of` the moment it happened in the story, so the history and the audit log read as
months of work. Whistleblower reports are sealed to the demo recipients and worked by one of them.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from core import clock
from core.auth import StaffUser
from incidents.intake import receipts
from incidents.intake import service as intake
from incidents.models import Actor, Channel, Report, ReportStatus, Severity
from incidents.seed import (
    CATEGORY_WEIGHTS,
    COUNTRIES,
    MODELS,
    SEVERITY_WEIGHTS,
    STATUS_WEIGHTS,
    STORIES,
    pick,
)
from incidents.triage import service as triage
from incidents.triage.schemas import DISMISS_REASONS
from incidents.triage.workflow import TriageAction
from incidents.vocabulary import REPORTER_FLAGS

A = TriageAction
# The steps after acknowledging and classifying that leave a report in each status.
ENDINGS: dict[ReportStatus, tuple[TriageAction, ...]] = {
    ReportStatus.ACKNOWLEDGED: (),
    ReportStatus.NEEDS_INFO: (A.REQUEST_INFO,),
    ReportStatus.IN_PROGRESS: (A.ASSIGN, A.LINK_INCIDENT),
    ReportStatus.ESCALATED: (A.ESCALATE,),
    ReportStatus.DUPLICATE: (A.MARK_DUPLICATE,),
    ReportStatus.DISMISSED: (A.DISMISS,),
    ReportStatus.RESOLVED: (A.ASSIGN, A.RESOLVE),
}
QUESTION = "Thank you. Could you tell us which version you used and roughly when this happened?"


@dataclass(frozen=True)
class Story:
    """One synthetic report: what the reporter sends, and how far triage takes it."""

    created: datetime
    channel: str
    language: str
    form: dict
    status: ReportStatus
    severity: Severity
    flags: tuple[str, ...]


@dataclass
class Workers:
    """Who works each channel in the demo, and the platform keys intake and triage need."""

    public: StaffUser
    whistleblower: StaffUser
    keys: intake.PlatformKeys

    def of(self, channel: str) -> StaffUser:
        return self.whistleblower if channel == Channel.WHISTLEBLOWER.value else self.public


def stories(count: int, rng: random.Random, now: datetime, days: int = 400) -> Iterator[Story]:
    """Yield synthetic reports, oldest first, spread over the last `days` days."""
    moments = sorted(now - timedelta(seconds=rng.randrange(days * 86400)) for _ in range(count))
    for created in moments:
        name, versions, provider = rng.choice(MODELS)
        category = pick(rng, CATEGORY_WEIGHTS)
        severity = pick(rng, SEVERITY_WEIGHTS)
        headline, story = STORIES[category]
        flags = (rng.choice(REPORTER_FLAGS).value,) if severity is Severity.SERIOUS_INCIDENT else ()
        form = {
            "title": f"{name} {headline}",
            "description": f"{story} Seen with version {versions[0]}.",
            "evidence_links": [],
            "category": category.value,
            "severity": severity.value,
            "actor": rng.choice(list(Actor)).value,
            "model_name": name,
            "model_version": rng.choice(versions),
            "model_provider": provider,
            "country": rng.choice(COUNTRIES),
            "occurred_from": (created - timedelta(days=rng.randrange(0, 20))).date(),
            "share_consent": rng.random() < 0.6,
            "serious_flags": list(flags),
        }
        young = (now - created) < timedelta(days=2)
        yield Story(
            created=created,
            channel=(Channel.WHISTLEBLOWER if rng.random() < 0.12 else Channel.PUBLIC).value,
            language="es" if rng.random() < 0.15 else "en",
            form=form,
            status=ReportStatus.RECEIVED if young else pick(rng, STATUS_WEIGHTS),
            severity=severity,
            flags=flags,
        )


class Replay:
    """Files and works the stories in order, remembering what later steps point to."""

    def __init__(self, session: Session, workers: Workers, rng: random.Random, now: datetime) -> None:
        self.session, self.workers, self.rng, self.now = session, workers, rng, now
        self.originals: dict[str, int] = {}  # the latest report of each channel a duplicate may point to
        self.incidents: dict[tuple[str, str], int] = {}  # (channel, category) -> the incident its reports join

    def file(self, story: Story) -> None:
        """Submit one story through intake and take it through triage to its status."""
        with clock.as_of(story.created):
            result = intake.submit_report(
                session=self.session,
                data=story.form,
                uploads=[],
                channel=story.channel,
                receipt=receipts.new_receipt(),
                keys=self.workers.keys,
                language=story.language,
                fresh_receipt=True,
            )
        report = self.session.get(Report, result.report_id)
        assert report is not None  # intake just committed it
        if story.status is not ReportStatus.RECEIVED:
            self._work(report, story)
        if report.status != ReportStatus.DUPLICATE.value:
            self.originals[story.channel] = result.report_id

    def _work(self, report: Report, story: Story) -> None:
        at = story.created + timedelta(hours=self.rng.randrange(1, 96))
        self._act(report, at, A.ACKNOWLEDGE, {})
        if story.status in (ReportStatus.DUPLICATE, ReportStatus.DISMISSED):
            at = self._act(report, at, ENDINGS[story.status][0], self._ending_data(report, story))
            return
        classified = {"category": story.form["category"], "severity": story.severity.value, "flags": story.flags}
        at = self._act(report, at + timedelta(hours=1), A.CLASSIFY, {**classified, "actor": story.form["actor"]})
        if report.due_at is not None and self.rng.random() < 0.9:
            self._act(report, min(report.due_at - timedelta(hours=self.rng.randrange(1, 24)), at), A.FILE_REPORT, {})
        for step in ENDINGS[story.status]:
            at = at + timedelta(days=self.rng.randrange(1, 20))
            at = self._act(report, at, step, self._ending_data(report, story, step))
            if step is A.LINK_INCIDENT and report.incident_id is not None:
                self.incidents.setdefault((story.channel, story.form["category"]), report.incident_id)

    def _ending_data(self, report: Report, story: Story, step: TriageAction | None = None) -> dict:
        step = step or ENDINGS[story.status][0]
        worker = self.workers.of(story.channel)
        if step is A.ASSIGN:
            return {"assignee_id": worker.id}
        if step is A.REQUEST_INFO:
            return {"question": QUESTION}
        if step is A.DISMISS:
            return {"reason": self.rng.choice(list(DISMISS_REASONS))}
        if step is A.MARK_DUPLICATE:
            return {"duplicate_of": self.originals.get(story.channel)}
        if step is A.LINK_INCIDENT:
            known = self.incidents.get((story.channel, story.form["category"]))
            # Named from plain columns only: a title copied from the sealed report would unseal its words.
            title = f"{story.form['model_name']}: {story.form['category'].replace('_', ' ')} reports"
            return {"incident_id": known} if known else {"new_title": title}
        return {}

    def _act(self, report: Report, at: datetime, action: TriageAction, data: dict) -> datetime:
        """Apply one triage action as of `at` (never later than now); return when it happened."""
        at = max(min(at, self.now), report.updated_at)
        if action is A.MARK_DUPLICATE and data["duplicate_of"] is None:
            action, data = A.DISMISS, {"reason": "spam"}  # the channel's first report has nothing to duplicate
        with clock.as_of(at):
            triage.apply(
                self.session,
                report,
                action,
                actor=self.workers.of(report.channel),
                data={**data, "version": report.version},
                keys=self.workers.keys,
            )
        return at


def replay(
    session: Session,
    workers: Workers,
    *,
    count: int,
    rng: random.Random,
    now: datetime,
    progress: Callable[[int], None] | None = None,
) -> int:
    """File and work `count` synthetic reports through the real services; return how many."""
    run = Replay(session, workers, rng, now)
    done = 0
    for story in stories(count, rng, now):
        run.file(story)
        done += 1
        if progress:
            progress(1)
    return done
