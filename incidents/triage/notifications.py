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
from core.auth import StaffUser
from core.db import UTCDateTime
from incidents.access import may_see
from incidents.models import Channel, Report
from incidents.triage import deadlines

log = logging.getLogger(__name__)


class DeadlineNotice(SQLModel, table=True):
    """One row per deadline warning sent, so each warning goes out once across runs and processes."""

    __tablename__ = "deadline_notice"
    __table_args__ = (UniqueConstraint("report_id", "due_at", "kind", name="uq_deadline_notice"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", ondelete="CASCADE")
    due_at: datetime = Field(sa_type=UTCDateTime)
    kind: str = Field(max_length=10)
    sent_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


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
        message["Subject"] = subject
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


def notify_deadlines(session: Session, mailer: Mailer, *, now: datetime | None = None, limit: int = 500) -> int:
    """Warn about filings due within two days or overdue, once per deadline and kind; return how many sent."""
    if not mailer.enabled:
        return 0
    now = now or clock.now()
    sent = 0
    staff = {user.id: user for user in session.exec(select(StaffUser).where(StaffUser.active.is_(True)))}
    for channel in (Channel.PUBLIC.value, Channel.WHISTLEBLOWER.value):
        rows = session.exec(
            select(Report)
            .where(
                Report.channel == channel, Report.due_at.is_not(None), Report.due_at <= now + deadlines.AT_RISK_WITHIN
            )
            .order_by(Report.due_at, Report.id)
            .limit(limit)
        ).all()
        for report in rows:
            kind = "overdue" if report.due_at < now else "at_risk"
            assignee = staff.get(report.assignee_id)
            # An unassigned report's warning goes to everyone who may see it.
            to = [assignee.email] if assignee is not None else [u.email for u in staff.values() if may_see(u, report)]
            notice = DeadlineNotice(report_id=report.id, due_at=report.due_at, kind=kind, sent_at=now)
            session.add(notice)
            try:
                session.flush()  # the unique constraint claims this warning before it is sent
            except IntegrityError:
                session.rollback()
                continue
            when = report.due_at.strftime("%Y-%m-%d %H:%M UTC")
            state = "is overdue since" if kind == "overdue" else "is due on"
            if mailer.send(
                to,
                f"Report #{report.id}: {report.due_kind} regulatory report {kind.replace('_', ' ')}",
                f"The {report.due_kind} regulatory report for report #{report.id} {state} {when}.\n\n"
                f"Open it: {mailer.base_url}/staff/reports/{report.id}\n\n"
                "This message carries no report content; sign in to read it.\n",
            ):
                session.commit()
                sent += 1
            else:
                session.rollback()  # try again on the next run
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
    staff = {user.id: user for user in session.exec(select(StaffUser).where(StaffUser.active.is_(True)))}
    for channel in (Channel.PUBLIC.value, Channel.WHISTLEBLOWER.value):
        rows = session.exec(
            select(Report)
            .where(
                Report.channel == channel,
                Report.duty_due_at.is_not(None),
                Report.duty_due_at <= now + deadlines.AT_RISK_WITHIN,
            )
            .order_by(Report.duty_due_at, Report.id)
            .limit(limit)
        ).all()
        for report in rows:
            state = "overdue" if report.duty_due_at < now else "at_risk"
            assignee = staff.get(report.assignee_id)
            to = [assignee.email] if assignee is not None else [u.email for u in staff.values() if may_see(u, report)]
            notice_kind = DUTY_NOTICE_KINDS[state]
            session.add(DeadlineNotice(report_id=report.id, due_at=report.duty_due_at, kind=notice_kind, sent_at=now))
            try:
                session.flush()  # the unique constraint claims this warning before it is sent
            except IntegrityError:
                session.rollback()
                continue
            duty = DUTY_NAMES.get(report.duty_kind or "", "duty")
            when = report.duty_due_at.strftime("%Y-%m-%d %H:%M UTC")
            verb = "is overdue since" if state == "overdue" else "is due on"
            if mailer.send(
                to,
                f"Report #{report.id}: {duty} to the reporter {state.replace('_', ' ')}",
                f"The {duty} owed to the reporter of report #{report.id} {verb} {when}.\n\n"
                f"Open it: {mailer.base_url}/staff/reports/{report.id}\n\n"
                "This message carries no report content; sign in to read it.\n",
            ):
                session.commit()
                sent += 1
            else:
                session.rollback()  # try again on the next run
    return sent
