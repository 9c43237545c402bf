"""Duties to the reporter: keep each report's next duty current, and record every duty met.

A duty is met only by a real event: the acknowledge action (or a counted automatic
acknowledgement), a staff message that staff mark as the feedback or the final outcome, or a
closing status for the public channel's decision. The clocks themselves are data in
incidents.triage.duties.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app, has_app_context
from nacl.public import PrivateKey
from sqlalchemy import update
from sqlmodel import Session, col, select

from core import clock, sealing
from core.audit import append_event
from core.auth import StaffUser
from core.schemas import N_
from incidents.access import may_see
from incidents.errors import DomainError, Forbidden
from incidents.intake.service import PlatformKeys, add_message, readers_of
from incidents.models import Author, Message, Report
from incidents.triage import duties
from incidents.triage.duties import DutyKind

# A duty's short name, for the queue and the dashboard.
DUTY_LABELS = {rule.kind: rule.label for rules in duties.CHANNEL_DUTIES.values() for rule in rules}
# What a staff message may be marked as, and the column the mark stamps.
MESSAGE_MARKS = {DutyKind.FEEDBACK: "feedback_at", DutyKind.OUTCOME: "outcome_sent_at"}


def current_policy() -> duties.Policy:
    """Return the duty settings of the running app (the defaults outside one)."""
    return duties.Policy.from_config(current_app.config) if has_app_context() else duties.Policy()


def _values(report: Report, changes: dict) -> dict:
    return {column: changes.get(column, getattr(report, column)) for column in duties.STAMPS}


def refresh(report: Report, changes: dict, *, policy: duties.Policy | None = None) -> list[dict]:
    """Add the next-duty columns to `changes`; return the `duty.met` details of each duty the changes meet.

    The caller writes the report row first and then appends these (`audit_met`): every writer takes the
    report's row lock before the audit head's, so two transactions never wait on each other in a circle.
    """
    policy = policy or current_policy()
    before = {c.kind: c for c in duties.clocks(_values(report, {}), policy)}
    after = _values(report, changes)
    changes.update(duties.next_duty(after, policy))
    met = []
    for clock_after in duties.clocks(after, policy):
        clock_before = before.get(clock_after.kind)
        if clock_after.met_at is None or (clock_before is not None and clock_before.met_at is not None):
            continue
        met.append(duties.met_details(clock_after))
    return met


def audit_met(session: Session, report: Report, met: list[dict], *, actor_id: int | None) -> None:
    """Append a `duty.met` event for each duty met (after the report row is written; see refresh)."""
    for details in met:
        append_event(
            session,
            action="duty.met",
            actor_id=actor_id,
            target_type="report",
            target_id=str(report.id),
            details=details,
        )


def allowed_marks(report: Report, policy: duties.Policy | None = None) -> list[DutyKind]:
    """Return what a staff message on this report may be marked as (the feedback, the final outcome)."""
    owed = {rule.kind for rule in (policy or current_policy()).rules(report.channel)}
    return [kind for kind in MESSAGE_MARKS if kind in owed]


def send_staff_message(
    *,
    session: Session,
    report: Report,
    actor: StaffUser,
    body: str,
    keys: PlatformKeys,
    marks: str | None = None,
    dedupe_token: str | None = None,
    policy: duties.Policy | None = None,
) -> Message | None:
    """Seal a staff message to the reporter; marked as feedback or outcome, it meets that duty. Commit once."""
    policy = policy or current_policy()
    if not may_see(actor, report):
        raise Forbidden(N_("You cannot see this report, so you cannot write to its reporter."))
    mark = DutyKind(marks) if marks else None
    if mark is not None and mark not in allowed_marks(report, policy):
        raise DomainError(N_("This channel owes no such duty; send the message unmarked."))
    message = add_message(
        session=session,
        report=report,
        author=Author.STAFF,
        body=body,
        uploads=[],
        keys=keys,
        staff_id=actor.id,
        dedupe_token=dedupe_token,
        commit=False,
    )
    if message is None:
        return None  # this form was already sent
    if mark is not None:
        column = MESSAGE_MARKS[mark]
        changes: dict = {column: getattr(report, column) or message.created_at}
        if mark is DutyKind.OUTCOME:  # the final outcome is feedback too, when none was given before
            changes["feedback_at"] = report.feedback_at or message.created_at
        met = refresh(report, changes, policy=policy)
        # The report row first, then the audit head (see refresh). The version moves, so a triage form
        # opened before this message no longer matches and is refused instead of writing stale duty columns.
        session.execute(update(Report).where(col(Report.id) == report.id).values(**changes, version=Report.version + 1))
        audit_met(session, report, met, actor_id=actor.id)
        session.expire(report)
    session.commit()
    return message


def extend_feedback(
    *,
    session: Session,
    report: Report,
    actor: StaffUser,
    justification: str,
    keys: PlatformKeys,
    now: datetime | None = None,
    policy: duties.Policy | None = None,
) -> Report:
    """Extend the feedback period once, to six months, before it ends, with a justification sealed for staff.

    The justification is staff's words about the case, so it is sealed for the report's staff readers
    (for a whistleblower report, its recipients; never the reporter); the audit log keeps its length.
    """
    policy = policy or current_policy()
    now = now or clock.now()
    _check_extension(report, actor, policy, now)
    justification = " ".join(justification.split())[:2000]
    if len(justification) < 10:
        raise DomainError(N_("Give the justification for the extension."))
    readers = {name: key for name, key in readers_of(session, report, keys).items() if name != sealing.REPORTER}
    sealed = sealing.seal_json({"justification": justification}, readers)
    changes: dict = {
        "feedback_extended_at": now,
        "feedback_extension_sealed": sealed.ciphertext,
        "feedback_extension_keys": sealed.wrapped_keys,
    }
    met = refresh(report, changes, policy=policy)
    # Conditional on no extension and no feedback yet: two people extending at once extend once, and feedback
    # marked at the same moment wins over the extension.
    result = session.execute(
        update(Report)
        .where(
            col(Report.id) == report.id, col(Report.feedback_extended_at).is_(None), col(Report.feedback_at).is_(None)
        )
        .values(**changes, updated_at=now, version=Report.version + 1)
    )
    if result.rowcount != 1:
        raise DomainError(N_("The feedback period was already extended, or feedback was given meanwhile."))
    audit_met(session, report, met, actor_id=actor.id)
    session.expire(report)
    feedback = _feedback_clock(report, policy)
    append_event(
        session,
        action="duty.extended",
        actor_id=actor.id,
        target_type="report",
        target_id=str(report.id),
        details={
            "duty": "feedback",
            "due_at": feedback.due_at.isoformat() if feedback.due_at else None,
            "justification_length": len(justification),
        },
    )
    session.commit()
    session.refresh(report)
    return report


def _check_extension(report: Report, actor: StaffUser, policy: duties.Policy, now: datetime) -> None:
    """Refuse an extension that is not allowed: once only, on an external channel, before feedback and its end."""
    if not may_see(actor, report):
        raise Forbidden(N_("You cannot see this report, so you cannot extend its feedback period."))
    if not policy.may_extend(report.channel, DutyKind.FEEDBACK):
        raise DomainError(N_("Only an external whistleblower channel may extend the feedback period."))
    if report.feedback_extended_at is not None:
        raise DomainError(N_("The feedback period was already extended; the law allows one extension."))
    if report.feedback_at is not None:
        raise DomainError(N_("Feedback was already given; there is nothing to extend."))
    due = _feedback_clock(report, policy).due_at
    if due is not None and due < now:
        raise DomainError(
            N_("The three months for feedback have already run out: an extension must be decided before they end.")
        )


def _feedback_clock(report: Report, policy: duties.Policy) -> duties.Clock:
    return next(c for c in duties.clocks(_values(report, {}), policy) if c.kind is DutyKind.FEEDBACK)


def extension_justification(report: Report, reader: str, private_key: PrivateKey) -> str | None:
    """Open the extension's justification for a staff reader; an older, clear one is returned as it was."""
    if report.feedback_extension_sealed is not None:
        if reader not in (report.feedback_extension_keys or {}):
            return None  # sealed for the readers of its day; a later grant of access brings it along
        opened = sealing.unseal_json(
            report.feedback_extension_sealed, report.feedback_extension_keys or {}, reader, private_key
        )
        return opened["justification"]
    return report.feedback_extension_reason


@dataclass
class DutyPanel:
    """What the staff report page shows of the duties: each clock, the message marks, and the extension."""

    clocks: list[duties.Clock]
    marks: list[DutyKind]
    may_extend: bool
    now: datetime
    justification: str | None = None


def panel(
    report: Report,
    now: datetime,
    policy: duties.Policy | None = None,
    *,
    reader: tuple[str, PrivateKey] | None = None,
) -> DutyPanel:
    """Return the duties panel of a report's staff page; `reader` opens the extension's justification."""
    policy = policy or current_policy()
    feedback_due = _feedback_clock(report, policy).due_at if report.channel == duties.WB else None
    may_extend = (
        policy.may_extend(report.channel, DutyKind.FEEDBACK)
        and report.feedback_extended_at is None
        and report.feedback_at is None
        and (feedback_due is None or feedback_due >= now)
    )
    justification = None
    if report.feedback_extended_at is not None and reader is not None:
        justification = extension_justification(report, *reader)
    return DutyPanel(
        clocks=duties.clocks(_values(report, {}), policy),
        marks=allowed_marks(report, policy),
        may_extend=may_extend,
        now=now,
        justification=justification,
    )


def recompute_duties(session: Session, policy: duties.Policy | None = None, batch: int = 1000) -> int:
    """Store every report's next unmet duty afresh (after an upgrade, or a change of the duty settings).

    Reads the stamps only, never sealed content; a batch of reports per commit, in id order. Returns how
    many reports changed.
    """
    policy = policy or current_policy()
    changed, after = 0, 0
    while True:
        rows = list(session.exec(select(Report).where(col(Report.id) > after).order_by(col(Report.id)).limit(batch)))
        if not rows:
            return changed
        for report in rows:
            wanted = duties.next_duty(_values(report, {}), policy)
            if (report.duty_due_at, report.duty_kind) != (wanted["duty_due_at"], wanted["duty_kind"]):
                session.execute(update(Report).where(col(Report.id) == report.id).values(**wanted))
                changed += 1
        session.commit()
        after = rows[-1].id or after
