"""The platform's own decisions in a period, exact, from one GROUP BY over its enforcement actions.

Each action is counted with the notice that prompted it, found as the DSA export finds it
(exports/dsa_files.actions_query): the report it was taken on, or the first report of its incident.
An action with no such report was taken on our own initiative. The DSA template's tables (actions by
restriction, category and detection; own-initiative actions; suspensions) and the report's older
ones (by type, ground and decision) are all sums of these rows.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from core.periods import Period
from incidents.enforcement.statement import RESTRICTING, notice_of_action
from incidents.models import Channel, EnforcementAction, Report
from incidents.vocabulary import ActionType, Automation, GroundType, TargetKind

# The category column of an action's row: a public notice's category, or one of these.
WHISTLEBLOWER = "whistleblower"  # a whistleblower report's category is published only in coarse groups
OWN_INITIATIVE = "own_initiative"  # no notice prompted it
RESTRICTIONS = tuple(t.value for t in ActionType if t in RESTRICTING)


def _rows(session: Session, period: Period) -> list:
    """(action type, ground, decision, detection, target kind, notice channel, notice category, count) rows."""
    notice = Report.__table__.alias("notice")
    columns = (
        EnforcementAction.action_type,
        EnforcementAction.ground_type,
        EnforcementAction.decision,
        EnforcementAction.detection,
        EnforcementAction.target_kind,
        notice.c.channel,
        notice.c.category,
    )
    return list(
        session.execute(
            select(*columns, func.count())
            .select_from(EnforcementAction)
            .outerjoin(notice, notice.c.id == notice_of_action())
            .where(EnforcementAction.decided_at >= period.starts_at, EnforcementAction.decided_at < period.ends_at)
            .group_by(*columns)
        ).all()
    )


def _category(channel: str | None, category: str | None) -> str:
    if channel is None:
        return OWN_INITIATIVE
    if channel == Channel.WHISTLEBLOWER.value:
        return WHISTLEBLOWER
    return category or "other"


def _sum(rows, key, keys=None) -> dict[str, int]:
    found: dict[str, int] = {}
    for row in rows:
        name = key(row)
        if name is not None:
            found[name] = found.get(name, 0) + int(row[-1])
    if keys is None:
        return dict(sorted(found.items()))
    return {str(k): found.get(str(k), 0) for k in keys}


def action_figures(session: Session, period: Period) -> dict[str, dict[str, int]]:
    """The period's exact action tables, keyed as RawFigures names them."""
    rows = _rows(session, period)
    return {
        "actions_by_type": _sum(rows, lambda r: r[0], list(ActionType)),
        "actions_by_ground": _sum(rows, lambda r: r[1], list(GroundType)),
        "actions_by_decision": _sum(rows, lambda r: r[2], list(Automation)),
        # Only the combinations that happened: these are exact, so a missing row says only "none".
        "actions_by_restriction": _sum(
            rows, lambda r: f"{r[0]}/{_category(r[5], r[6])}/{r[3]}" if r[0] in RESTRICTIONS else None
        ),
        "own_initiative_by_type": _sum(rows, lambda r: r[0] if r[5] is None else None, list(ActionType)),
        "suspensions_by_target": _sum(
            rows, lambda r: r[4] if r[0] == ActionType.SUSPENSION.value else None, list(TargetKind)
        ),
    }
