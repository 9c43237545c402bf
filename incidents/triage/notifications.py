"""Staff e-mail: new assignments and regulatory deadlines at risk. Messages carry no report content.

Only the report number, the kind of deadline, the date and a link go out: report text never
leaves the platform by e-mail. With no MAIL_SERVER configured, nothing is sent.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

from sqlalchemy import UniqueConstraint
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, select

from core import clock
from core.auth import Role, StaffUser
from core.db import UTCDateTime
from core.permissions import Permission, roles_for
from incidents.access import may_see
from incidents.models import Channel, Report
from incidents.triage import deadlines

log = logging.getLogger(__name__)


class _Notice(SQLModel):
    """The columns of a warning sent: which due moment it was about, of what kind, and when it went."""

    id: int | None = Field(default=None, primary_key=True)
    due_at: datetime = Field(sa_type=UTCDateTime)
    kind: str = Field(max_length=10)
    sent_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class DeadlineNotice(_Notice, table=True):
    """One row per deadline or duty warning sent, so each warning goes out once across runs and processes."""

    __tablename__ = "deadline_notice"
    __table_args__ = (UniqueConstraint("report_id", "due_at", "kind", name="uq_deadline_notice"),)

    report_id: int = Field(foreign_key="report.id", ondelete="CASCADE")


@dataclass(frozen=True)
class Mailer:
    server: str | None
    port: int
    sender: str
    base_url: str
    starttls: bool = False
    username: str | None = None
    password: str | None = None

    @classmethod
    def from_config(cls, config) -> Mailer:
        return cls(
            server=config.get("MAIL_SERVER"),
            port=int(config.get("MAIL_PORT") or 25),
            sender=config.get("MAIL_FROM") or "incidents@localhost",
            base_url=(config.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000").rstrip("/"),
            starttls=bool(config.get("MAIL_STARTTLS")),
            username=config.get("MAIL_USERNAME"),
            password=config.get("MAIL_PASSWORD"),
        )

    @property
    def enabled(self) -> bool:
        return bool(self.server)

    def send(self, to: list[str], subject: str, body: str) -> bool:
        """Send one plain-text message; return False (and log without addresses) when it fails."""
        if not self.enabled or not to:
            return False
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = ", ".join(to)
        # One line whatever a name in it holds: a CR or LF would make EmailMessage refuse the header.
        message["Subject"] = " ".join(subject.split())
        message.set_content(body)
        try:
            with smtplib.SMTP(self.server, self.port, timeout=10) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as err:
            log.warning("staff notification not sent: %s", type(err).__name__)
            return False
        return True


def notify_assignment(mailer: Mailer, assignee: StaffUser, report_id: int) -> bool:
    return mailer.send(
        [assignee.email],
        f"Report #{report_id} is assigned to you",
        f"Report #{report_id} was assigned to you.\n\n"
        f"Open it: {mailer.base_url}/staff/reports/{report_id}\n\n"
        "This message carries no report content; sign in to read it.\n",
    )


STAFF_FOOTER = "\nThis message carries no report content; sign in to read it.\n"


def claim_and_send(
    session: Session, mailer: Mailer, notice: SQLModel, to: list[str], subject: str, body: str, *, footer: str
) -> bool:
    """Claim one notice by its unique row, send it, and commit; a claimed or unsent notice is rolled back.

    The unique constraint makes the claim: of two runs at once, the second's flush fails and it skips.
    A notice that could not be sent is rolled back too, so the next run tries again. `footer` ends the body.
    """
    session.add(notice)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return False
    if mailer.send(to, subject, body + footer):
        session.commit()
        return True
    session.rollback()
    return False


def _claim_and_send(session: Session, mailer: Mailer, notice: SQLModel, to: list[str], subject: str, body: str) -> bool:
    """Claim, send and commit one warning to staff (`claim_and_send` with the staff footer)."""
    return claim_and_send(session, mailer, notice, to, subject, body, footer=STAFF_FOOTER)


def _active_staff(session: Session) -> dict[int, StaffUser]:
    return {user.id: user for user in session.exec(select(StaffUser).where(StaffUser.active.is_(True)))}


def _to(staff: dict[int, StaffUser], report: Report) -> list[str]:
    """The assignee, or, for an unassigned report, everyone who may see it."""
    assignee = staff.get(report.assignee_id) if report.assignee_id else None
    return [assignee.email] if assignee is not None else [u.email for u in staff.values() if may_see(u, report)]


def _due_reports(session: Session, column, channel: str, now: datetime, limit: int) -> list[Report]:
    return list(
        session.exec(
            select(Report)
            .where(Report.channel == channel, column.is_not(None), column <= now + deadlines.AT_RISK_WITHIN)
            .order_by(column, Report.id)
            .limit(limit)
        )
    )


def notify_deadlines(session: Session, mailer: Mailer, *, now: datetime | None = None, limit: int = 500) -> int:
    """Warn about filings due within two days or overdue, once per deadline and kind; return how many sent."""
    if not mailer.enabled:
        return 0
    now = now or clock.now()
    sent = 0
    staff = _active_staff(session)
    for channel in (Channel.PUBLIC.value, Channel.WHISTLEBLOWER.value):
        for report in _due_reports(session, Report.due_at, channel, now, limit):
            kind = "overdue" if report.due_at < now else "at_risk"
            when = report.due_at.strftime("%Y-%m-%d %H:%M UTC")
            state = "is overdue since" if kind == "overdue" else "is due on"
            sent += _claim_and_send(
                session,
                mailer,
                DeadlineNotice(report_id=report.id, due_at=report.due_at, kind=kind, sent_at=now),
                _to(staff, report),
                f"Report #{report.id}: {report.due_kind} regulatory report {kind.replace('_', ' ')}",
                f"The {report.due_kind} regulatory report for report #{report.id} {state} {when}.\n\n"
                f"Open it: {mailer.base_url}/staff/reports/{report.id}\n",
            )
    return sent


# A duty's name in an e-mail subject, and the DeadlineNotice kinds of its warnings (apart from the filings').
DUTY_NAMES = {
    "acknowledge": "acknowledgement",
    "feedback": "feedback",
    "outcome": "final outcome message",
    "decision": "decision (service level)",
    "receipt": "receipt confirmation",
}
DUTY_NOTICE_KINDS = {"overdue": "duty_late", "at_risk": "duty_soon"}


def notify_duties(session: Session, mailer: Mailer, *, now: datetime | None = None, limit: int = 500) -> int:
    """Warn about duties to reporters due within two days or overdue, once per due date and state; return how many."""
    if not mailer.enabled:
        return 0
    now = now or clock.now()
    sent = 0
    staff = _active_staff(session)
    for channel in (Channel.PUBLIC.value, Channel.WHISTLEBLOWER.value):
        for report in _due_reports(session, Report.duty_due_at, channel, now, limit):
            state = "overdue" if report.duty_due_at < now else "at_risk"
            duty = DUTY_NAMES.get(report.duty_kind or "", "duty")
            when = report.duty_due_at.strftime("%Y-%m-%d %H:%M UTC")
            verb = "is overdue since" if state == "overdue" else "is due on"
            notice = DeadlineNotice(
                report_id=report.id, due_at=report.duty_due_at, kind=DUTY_NOTICE_KINDS[state], sent_at=now
            )
            sent += _claim_and_send(
                session,
                mailer,
                notice,
                _to(staff, report),
                f"Report #{report.id}: {duty} to the reporter {state.replace('_', ' ')}",
                f"The {duty} owed to the reporter of report #{report.id} {verb} {when}.\n\n"
                f"Open it: {mailer.base_url}/staff/reports/{report.id}\n",
            )
    return sent


class AppealNotice(_Notice, table=True):
    """One row per appeal warning sent, so each goes out once across runs and processes."""

    __tablename__ = "appeal_notice"
    __table_args__ = (UniqueConstraint("appeal_id", "due_at", "kind", name="uq_appeal_notice"),)

    appeal_id: int = Field(foreign_key="appeal.id", ondelete="CASCADE")


def notify_appeals(session: Session, mailer: Mailer, *, now: datetime | None = None, limit: int = 500) -> int:
    """Warn about undecided appeals due within two days or overdue, once per due date and state.

    The warning goes to the staff who may decide the appeal: those who work reports, may see what it
    concerns, and took no part in the decision under appeal.
    """
    from incidents.enforcement import appeal_decisions, appeals  # enforcement builds on triage

    if not mailer.enabled:
        return 0
    now = now or clock.now()
    sent = 0
    workers = {
        user_id: user
        for user_id, user in _active_staff(session).items()
        if Role(user.role) in roles_for(Permission.WORK_REPORTS)
    }
    for appeal in appeal_decisions.appeals_due(session, now + deadlines.AT_RISK_WITHIN, limit=limit):
        excluded = appeal_decisions.original_deciders(session, appeal)
        to = [u.email for u in workers.values() if u.id not in excluded and appeals.may_see_appeal(session, u, appeal)]
        state = "overdue" if appeal.due_at < now else "at_risk"
        when = appeal.due_at.strftime("%Y-%m-%d %H:%M UTC")
        verb = "is overdue since" if state == "overdue" else "is due on"
        sent += _claim_and_send(
            session,
            mailer,
            AppealNotice(appeal_id=appeal.id, due_at=appeal.due_at, kind=state, sent_at=now),
            to,
            f"Appeal #{appeal.id}: decision {state.replace('_', ' ')}",
            f"The decision on appeal #{appeal.id} {verb} {when}. It must be decided by someone who took no part "
            f"in the decision under appeal.\n\nOpen it: {mailer.base_url}/staff/appeals/{appeal.id}\n",
        )
    return sent
