"""Send a quarter's statements of reasons to the DSA Transparency Database, each exactly once.

The statements are those of the quarter's latest DSA run (written first if there is none). Every statement
sent has a dsa_submission row, keyed by its puid (the API keeps one statement per puid, ever):
- `pending` is written and committed before the request, so a crash or a lost answer leaves it pending; the next
  run asks the API (existing-puid) and marks it accepted if it is there, or sends it again if it is not;
- `accepted` on 201, or when the API says it already holds the puid; an accepted statement is never sent again;
- `rejected` with the API's field errors; sent again only once its content (its SHA-256) has changed.
A 422 stores nothing of its batch, so the statements it did not name are sent again at once. No statement that
fails our own check_statement leaves. Each request and each outcome is an audit event, with puids, counts and
field names only: no statement text.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from sqlmodel import Session, col, select

from core import clock
from core.audit import append_event
from core.periods import Period
from exports import dsa, service
from exports.dsa_client import TdbClient, TdbError, TdbSettings
from exports.dsa_rules import BATCH_MAX
from exports.models import DsaSubmission, SubmissionStatus
from incidents.models import EnforcementAction

__all__ = ["SubmitError", "SubmitReport", "Submission", "open_submission", "submit_period", "tdb_settings"]


class SubmitError(Exception):
    """The submission cannot start or had to stop; the message says why and what to do."""


@dataclass
class SubmitReport:
    period: str
    run_id: int
    statements: int = 0  # in the run's file
    sent: set[str] = field(default_factory=set)  # puids carried by at least one request
    accepted: int = 0  # newly accepted by this submission (201)
    already_there: int = 0  # the API already held the puid (a duplicate answer, or existing-puid)
    rejected: dict[str, dict] = field(default_factory=dict)  # puid -> the API's field errors
    skipped: int = 0  # accepted before: not sent
    unchanged_rejections: dict[str, dict] = field(default_factory=dict)  # rejected before, unchanged: not sent
    held_back: int = 0  # failed our own check_statement: not sent
    # The API called the puid a duplicate but does not hold it (another request had its lock): left pending,
    # so the next run asks again.
    unsettled: list[str] = field(default_factory=list)


@dataclass
class Item:
    statement: dict
    sha256: str

    @property
    def puid(self) -> str:
        return self.statement["puid"]


def tdb_settings(app: Flask) -> TdbSettings:
    """Read the API's address and token from the settings; refuse to start without them."""
    missing = [name for name in ("DSA_TDB_URL", "DSA_TDB_TOKEN") if not app.config.get(name)]
    if missing:
        raise SubmitError(
            f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set. Set DSA_TDB_URL to the "
            "Transparency Database's address (https://transparency.dsa.ec.europa.eu) and DSA_TDB_TOKEN to the "
            "platform's API token, in the environment."
        )
    url = app.config["DSA_TDB_URL"]
    parts = urlsplit(url)
    loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if not parts.hostname or not (parts.scheme == "https" or (parts.scheme == "http" and loopback)):
        # The bearer token travels with every request: never in clear over a network.
        raise SubmitError(
            "DSA_TDB_URL must be an https:// address, like https://transparency.dsa.ec.europa.eu "
            "(plain http only to this machine, for testing)."
        )
    return TdbSettings(
        url=url,
        token=app.config["DSA_TDB_TOKEN"],
        attempts=int(app.config["DSA_TDB_ATTEMPTS"]),
        backoff=float(app.config["DSA_TDB_BACKOFF"]),
        timeout=float(app.config["DSA_TDB_TIMEOUT"]),
    )


def statement_sha256(statement: dict) -> str:
    """Hash a statement's content, independent of key order and spacing."""
    canonical = json.dumps(statement, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def read_items(path: Path, report: SubmitReport) -> Iterator[Item]:
    """Yield the run's statements that pass our own checks; count the others as held back."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            statement = json.loads(line)
            report.statements += 1
            if dsa.check_statement(statement):
                report.held_back += 1
                continue
            yield Item(statement, statement_sha256(statement))


def existing_rows(session: Session, puids: list[str]) -> dict[str, DsaSubmission]:
    """The submission rows of these puids, by puid."""
    rows = session.exec(select(DsaSubmission).where(col(DsaSubmission.puid).in_(puids))).all()
    return {row.puid: row for row in rows}


def audit(session: Session, action: str, period: str, actor_id: int | None, **details) -> None:
    """Append one submission event; the details hold puids, counts, statuses and field names only."""
    append_event(
        session,
        action=action,
        actor_id=actor_id,
        target_type="dsa_submission",
        target_id=period,
        details={"period": period, **details},
    )


@dataclass
class Submission:
    """One run's submission: the client, the report, and where the rows and audit events go."""

    session: Session
    client: TdbClient
    report: SubmitReport
    puid_prefix: str
    actor_id: int | None = None
    items: list[Item] = field(default_factory=list)  # the run's statements that pass our checks

    def run(self, progress: Callable[[int], None] | None = None) -> SubmitReport:
        """Send the items in batches of at most BATCH_MAX; `progress` hears how many each batch settled."""
        try:
            for start in range(0, len(self.items), BATCH_MAX):
                chunk = self.items[start : start + BATCH_MAX]
                self.send(self.to_send(chunk))
                if progress:
                    progress(len(chunk))
        except TdbError as err:
            raise SubmitError(str(err)) from err
        finally:
            self.client.close()
        return self.report

    def to_send(self, items: list[Item]) -> list[Item]:
        """Keep the items that must be sent: new, changed since rejected, or pending and not at the API."""
        rows = existing_rows(self.session, [item.puid for item in items])
        keep: list[Item] = []
        for item in items:
            row = rows.get(item.puid)
            if row is None:
                keep.append(item)
            elif row.status == SubmissionStatus.ACCEPTED:
                self.report.skipped += 1
            elif row.status == SubmissionStatus.REJECTED and row.statement_sha256 == item.sha256:
                self.report.unchanged_rejections[item.puid] = row.errors or {}
            elif row.status == SubmissionStatus.PENDING and self.found_at_api(row):
                continue
            else:
                keep.append(item)
        return keep

    def found_at_api(self, row: DsaSubmission) -> bool:
        """Ask the API about a statement whose outcome is unknown; mark it accepted if it is there."""
        answer = self.client.puid_exists(row.puid)
        if answer.status != 302:
            return False
        self.mark(row, SubmissionStatus.ACCEPTED, 302)
        self.report.already_there += 1
        audit(self.session, "dsa.submission.found", self.report.period, self.actor_id, puids=[row.puid])
        self.session.commit()
        return True

    def action_ids(self, items: list[Item]) -> dict[str, int]:
        """The enforcement action behind each puid that still exists, read back from the puid's number."""
        numbers = {}
        for item in items:
            tail = item.puid.removeprefix(self.puid_prefix)
            if item.puid.startswith(self.puid_prefix) and tail.isdigit():
                numbers[item.puid] = int(tail)
        found = set(
            self.session.exec(
                select(EnforcementAction.id).where(col(EnforcementAction.id).in_(list(numbers.values())))
            ).all()
        )
        return {puid: number for puid, number in numbers.items() if number in found}

    def mark_pending(self, items: list[Item]) -> list[DsaSubmission]:
        """Write each item's row as pending, with what is being sent, and commit before the request."""
        rows = existing_rows(self.session, [item.puid for item in items])
        actions = self.action_ids([item for item in items if item.puid not in rows])
        now = clock.now()
        out = []
        for item in items:
            row = rows.get(item.puid) or DsaSubmission(
                puid=item.puid, period=self.report.period, action_id=actions.get(item.puid), statement_sha256=""
            )
            row.status, row.statement_sha256, row.errors, row.sent_at = SubmissionStatus.PENDING, item.sha256, None, now
            row.resolved_at = None
            self.session.add(row)
            out.append(row)
            self.report.sent.add(item.puid)
        self.session.commit()
        return out

    def mark(self, row: DsaSubmission, status: str, http_status: int, errors: dict | None = None) -> None:
        row.status, row.http_status, row.errors, row.resolved_at = status, http_status, errors, clock.now()
        self.session.add(row)

    def send(self, items: list[Item]) -> None:
        """Send one batch until every statement in it is accepted or rejected."""
        while items:
            rows = self.mark_pending(items)
            try:
                answer = self.client.post_statements([item.statement for item in items])
            except TdbError as err:
                self.count_tries(rows, err.tries)
                audit(self.session, "dsa.submission.failed", self.report.period, self.actor_id, statements=len(rows))
                self.session.commit()
                raise SubmitError(str(err)) from err
            self.count_tries(rows, answer.tries)
            audit(
                self.session,
                "dsa.submission.sent",
                self.report.period,
                self.actor_id,
                statements=len(rows),
                status=answer.status,
                tries=answer.tries,
            )
            items = self.settle(items, rows, answer.status, answer.body)
            self.session.commit()

    def count_tries(self, rows: list[DsaSubmission], tries: int) -> None:
        for row in rows:
            row.attempts += tries
            self.session.add(row)

    def settle(self, items: list[Item], rows: list[DsaSubmission], status: int, body: dict) -> list[Item]:
        """Record the answer to one request; return the items to send again (the API stored none of a 422)."""
        if status == 201:
            for row in rows:
                self.mark(row, SubmissionStatus.ACCEPTED, status)
            self.report.accepted += len(rows)
            audit(
                self.session, "dsa.submission.accepted", self.report.period, self.actor_id, puids=[r.puid for r in rows]
            )
            return []
        errors = body.get("errors") if isinstance(body.get("errors"), dict) else {}
        refused = {
            int(key[10:]): value for key, value in errors.items() if key.startswith("statement_") and key[10:].isdigit()
        }
        existing = set(errors.get("existing_puids") or []) if not refused else set()
        done = {i for i in refused if i < len(items)} | {i for i, item in enumerate(items) if item.puid in existing}
        if not done:
            raise SubmitError(f"The DSA Transparency Database refused the whole batch (HTTP {status}): {errors}")
        found = []
        for i in sorted(done):
            if i in refused:
                self.mark(rows[i], SubmissionStatus.REJECTED, status, refused[i])
                self.report.rejected[items[i].puid] = refused[i]
            elif self.client.puid_exists(items[i].puid).status == 302:
                # The API answers "duplicate" also when another request holds the puid's lock: only a
                # statement it actually holds counts as accepted.
                self.mark(rows[i], SubmissionStatus.ACCEPTED, status)
                self.report.already_there += 1
                found.append(items[i].puid)
            else:
                self.report.unsettled.append(items[i].puid)
        outcome = {items[i].puid: sorted(refused[i]) for i in sorted(done) if i in refused}
        audit(
            self.session,
            "dsa.submission.refused",
            self.report.period,
            self.actor_id,
            rejected=outcome,
            already_there=found,
        )
        return [item for i, item in enumerate(items) if i not in done]


def open_submission(
    app: Flask,
    session: Session,
    period: str,
    *,
    actor_id: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
    rand: Callable[[], float] = random.random,
) -> Submission:
    """Read the quarter's latest run (written first if there is none) and get ready to send it."""
    settings = tdb_settings(app)
    quarter = str(Period.parse(period))
    run = service.latest_run(session, "dsa", quarter)
    if run is None:
        run = service.run_export(app, session, "dsa", period=quarter, trigger="cli", actor_id=actor_id).run
    report = SubmitReport(period=quarter, run_id=run.id or 0)
    items = list(read_items(service.run_path(app, run) / service.statements_name(quarter), report))
    client = TdbClient(settings, sleep=sleep, rand=rand)
    return Submission(session, client, report, app.config["EXPORT_PUID_PREFIX"], actor_id, items)


def submit_period(app: Flask, session: Session, period: str, **options) -> SubmitReport:
    """Send the quarter's latest run to the Transparency Database, each statement once; say what became of them."""
    return open_submission(app, session, period, **options).run()
