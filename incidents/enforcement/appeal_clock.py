"""The appeal decision's clock, as the dashboard and the e-mail warnings read it.

An appeal is due `APPEAL_DECISION_DAYS` after it arrives (its `due_at`); `appeals_due` finds the undecided
ones due by a moment. Who may see one is `appeals.may_see_appeal` (re-exported here for the clock's readers).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from incidents.enforcement.appeals import may_see_appeal
from incidents.enforcement.models import Appeal, AppealStatus

__all__ = ["appeals_due", "may_see_appeal"]


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
