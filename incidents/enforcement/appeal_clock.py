"""The appeal decision's clock, as the staff pages and the e-mail warnings read it.

An appeal is due `APPEAL_DECISION_DAYS` after it arrives (its `due_at`); these helpers find the undecided
ones due by a moment, and tell who may see one: whoever may see the report it concerns (the dismissed
report, or the report the contested action was taken on), and anyone when it concerns none.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from core.auth import StaffUser
from incidents.access import may_see
from incidents.enforcement.models import Appeal, AppealKind, AppealStatus
from incidents.models import EnforcementAction, Report


def concerned_report(session: Session, appeal: Appeal) -> Report | None:
    """Return the report an appeal concerns, if any: the dismissed one, or the contested action's."""
    report_id = appeal.report_id
    if appeal.kind == AppealKind.ACTION and appeal.action_id:
        action = session.get(EnforcementAction, appeal.action_id)
        report_id = action.report_id if action else None
    return session.get(Report, report_id) if report_id else None


def may_see_appeal(session: Session, user: StaffUser, appeal: Appeal) -> bool:
    """Tell whether a staff member may see an appeal: they may see the report it concerns, if it concerns one."""
    report = concerned_report(session, appeal)
    return report is None or may_see(user, report)


def appeals_due(session: Session, by: datetime, *, limit: int = 500) -> list[Appeal]:
    """Return the undecided appeals due by this moment, the soonest first."""
    return list(
        session.exec(
            select(Appeal)
            .where(Appeal.status == AppealStatus.OPEN.value, col(Appeal.due_at) <= by)
            .order_by(col(Appeal.due_at), col(Appeal.id))
            .limit(limit)
        )
    )
