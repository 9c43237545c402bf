"""The incidents package's panels on the staff home: what waits for each role, and where to act on it.

Counts come from plain columns (status, deadlines, duties, assignee, sharing), narrowed to what the
viewer may see by the same rule as the queue (incidents.access), so a recipient counts only the
whistleblower reports sealed to them.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, url_for
from flask_babel import gettext as _
from sqlalchemy import exists
from sqlmodel import Session, col, func, select

from core import clock
from core.auth import Role, StaffUser
from core.home import Figure, Panel, add_home_panel
from incidents import access
from incidents.models import Incident, Report, ReportStatus
from incidents.partners.models import Partner
from incidents.triage import deadlines
from incidents.triage.queue import status_counts
from incidents.triage.workflow import OPEN_STATUSES

OPEN = [status.value for status in OPEN_STATUSES]


def _count(session: Session, *where: Any) -> int:
    return int(session.exec(select(func.count()).select_from(Report).where(*where)).one())


def reports_panel(session: Session, user: StaffUser) -> Panel | None:
    """Queue counts, overdue deadlines and duties, and the viewer's own open reports, for the channel they work."""
    channel = access.channel_of_role(Role(user.role))
    if channel is None:
        return None
    dialect = session.get_bind().dialect.name
    visible = access.narrowing(user, dialect)
    seen = [Report.channel == channel] + ([] if visible is None else [visible])
    counts = status_counts(session, channel, visible)
    now = clock.now()
    overdue = _count(session, *seen, col(Report.due_at) < now)
    due_soon = _count(session, *seen, col(Report.due_at) >= now, col(Report.due_at) <= now + deadlines.AT_RISK_WITHIN)
    duties_overdue = _count(session, *seen, col(Report.duty_due_at) < now)
    mine = _count(session, *seen, Report.assignee_id == user.id, col(Report.status).in_(OPEN))
    queue = "incidents.staff_queue"
    whistleblower = channel != "public"
    return Panel(
        title=_("Whistleblower reports sealed for you") if whistleblower else _("Public-channel reports"),
        figures=[
            Figure(
                _("new, not yet acknowledged"),
                counts.get(ReportStatus.RECEIVED.value, 0),
                url_for(queue, status="received"),
            ),
            Figure(_("open in all"), sum(counts.get(s, 0) for s in OPEN), url_for(queue, open=1)),
            Figure(_("assigned to you, open"), mine, url_for(queue, assignee="me", open=1)),
            Figure(_("regulatory reports overdue"), overdue, url_for(queue, overdue=1, sort="due"), alert=overdue > 0),
            Figure(_("regulatory reports due within two days"), due_soon, url_for(queue, sort="due")),
            Figure(
                _("duties to reporters overdue"),
                duties_overdue,
                url_for(queue, duty_overdue=1, sort="duty"),
                alert=duties_overdue > 0,
            ),
        ],
        next_steps=[
            (_("Acknowledge the new reports, oldest first"), url_for(queue, status="received", sort="oldest")),
            (_("File the overdue regulatory reports"), url_for(queue, overdue=1, sort="due")),
            (_("See intake, backlog and deadlines on the dashboard"), url_for("incidents.staff_dashboard")),
        ],
        order=10,
    )


def sharing_panel(session: Session, user: StaffUser) -> Panel | None:
    """The publisher's panel: incidents with reports that are not shared yet, and those shared."""
    if user.role != Role.PUBLISHER.value:
        return None
    has_reports = exists().where(Report.incident_id == Incident.id)
    waiting = session.exec(
        select(func.count()).select_from(Incident).where(col(Incident.shared_at).is_(None), has_reports)
    ).one()
    shared = session.exec(select(func.count()).select_from(Incident).where(col(Incident.shared_at).is_not(None))).one()
    incidents = url_for("incidents.staff_incidents")
    return Panel(
        title=_("Incidents to share"),
        figures=[
            Figure(_("awaiting your sharing decision"), int(waiting), incidents),
            Figure(_("shared"), int(shared)),
        ],
        next_steps=[(_("Review incidents and approve their public summaries"), incidents)],
        order=20,
    )


def partners_panel(session: Session, user: StaffUser) -> Panel | None:
    """The admin's partners: how many hold a live token, and the way to the partner page."""
    if user.role != Role.ADMIN.value:
        return None
    live = session.exec(select(func.count()).select_from(Partner).where(col(Partner.revoked_at).is_(None))).one()
    revoked = session.exec(select(func.count()).select_from(Partner).where(col(Partner.revoked_at).is_not(None))).one()
    partners = url_for("incidents.staff_partners")
    return Panel(
        title=_("Partners"),
        figures=[Figure(_("with a live token"), int(live), partners), Figure(_("revoked"), int(revoked))],
        next_steps=[(_("Add a partner or revoke a token"), partners)],
        order=85,
    )


def init_app(app: Flask) -> None:
    """Add the incidents panels to the staff home."""
    for builder in (reports_panel, sharing_panel, partners_panel):
        add_home_panel(app, builder)
