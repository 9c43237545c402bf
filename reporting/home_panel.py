"""Reporting's panel on the staff home: the last closed quarter's state, drafts to approve, the next period."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlmodel import Session, col, func, select

from core import clock
from core.auth import StaffUser
from core.home import Figure, Panel
from core.periods import Period
from core.permissions import Permission, can
from reporting.models import Publication


def transparency_panel(session: Session, user: StaffUser) -> Panel | None:
    """For those who see publications: is the last quarter out, what waits for approval, when the next closes."""
    if not can(user, Permission.SEE_PUBLICATIONS):
        return None
    current = Period.containing(clock.now())
    last = current.previous()
    out = session.exec(
        select(func.count()).where(Publication.period == str(last), Publication.status == "published")
    ).one()
    drafts = int(session.exec(select(func.count()).where(col(Publication.status) == "draft")).one())
    page = url_for("reporting.admin")
    closes = current.ends_at.date().isoformat()
    steps = []
    if not out:
        steps.append((_("Publish %(period)s, the quarter that ended last", period=str(last)), page))
    if drafts and can(user, Permission.APPROVE_PUBLICATIONS):
        steps.append((_("Approve the drafts waiting for you"), page))
    steps.append((_("Next period: %(period)s, publishable from %(day)s", period=str(current), day=closes), page))
    return Panel(
        title=_("Transparency reports"),
        figures=[
            Figure(_("published") if out else _("not published yet"), str(last), page, alert=not out),
            Figure(_("drafts awaiting approval"), drafts, page, alert=drafts > 0),
        ],
        next_steps=steps,
        order=30,
    )
