"""The staff dashboard: intake per week, the backlog by status, and deadlines, duties and appeals at risk.

Figures come from plain columns only (no decryption). Charts are Altair specifications rendered
on the server to SVG with vl-convert, so the page loads no script and nothing from another host;
each chart has a table with the same numbers beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import altair as alt
import pandas as pd
from markupsafe import Markup
from sqlalchemy import case, func
from sqlmodel import Session, select

from core.auth import StaffUser
from core.charts import to_svg
from incidents.models import Report, ReportStatus
from incidents.triage import deadlines
from incidents.triage.queue import status_counts
from incidents.triage.workflow import OPEN_STATUSES

WEEKS = 12
AT_RISK_LIMIT = 25


@dataclass
class Dashboard:
    channel: str
    weeks: pd.DataFrame
    backlog: pd.DataFrame
    at_risk: list
    at_risk_by_tier: pd.DataFrame
    charts: dict[str, Markup]
    now: datetime
    # Duties to the reporter: those overdue or due within two days, and their counts per duty and state.
    duties_at_risk: list = field(default_factory=list)
    duty_counts: list = field(default_factory=list)


def intake_per_week(session: Session, channel: str, now: datetime, visible: Any = None) -> pd.DataFrame:
    """Reports received per ISO week over the last WEEKS weeks (weeks with none show 0)."""
    start_day = (now - timedelta(weeks=WEEKS - 1)).date()
    start = datetime.combine(start_day - timedelta(days=start_day.weekday()), datetime.min.time(), now.tzinfo)
    seen = [] if visible is None else [visible]
    stamps = session.exec(
        select(Report.created_at).where(Report.channel == channel, *seen, Report.created_at >= start)
    ).all()
    weeks = pd.period_range(start=pd.Timestamp(start).tz_localize(None), periods=WEEKS + 1, freq="W-SUN")
    frame = pd.DataFrame({"week": weeks.start_time.strftime("%Y-%m-%d")})
    if stamps:
        series = pd.Series(pd.to_datetime(stamps, utc=True)).dt.tz_localize(None).dt.to_period("W-SUN")
        counts = series.value_counts()
        frame["reports"] = [int(counts.get(week, 0)) for week in weeks]
    else:
        frame["reports"] = 0
    return frame[frame["week"] <= now.strftime("%Y-%m-%d")].tail(WEEKS).reset_index(drop=True)


def backlog(session: Session, channel: str, visible: Any = None) -> pd.DataFrame:
    """Open reports by status: the channel's counters, or a count of what a narrower viewer may see."""
    counts = status_counts(session, channel, visible)
    return pd.DataFrame(
        {
            "status": [s.value.replace("_", " ") for s in ReportStatus if s in OPEN_STATUSES],
            "reports": [counts.get(s.value, 0) for s in ReportStatus if s in OPEN_STATUSES],
        }
    )


def build(session: Session, channel: str, now: datetime, visible: Any = None) -> Dashboard:
    """Build the dashboard of a channel; `visible` narrows the list of reports to those the viewer may see."""
    weeks = intake_per_week(session, channel, now, visible)
    open_backlog = backlog(session, channel, visible)
    seen = [] if visible is None else [visible]
    at_risk = session.exec(
        select(Report)
        .where(
            Report.channel == channel,
            *seen,
            Report.due_at.is_not(None),
            Report.due_at <= now + deadlines.AT_RISK_WITHIN,
        )
        .order_by(Report.due_at, Report.id)
        .limit(AT_RISK_LIMIT)
    ).all()
    tiers = [
        deadlines.TIERS_BY_NAME[r.deadline_tier].label if r.deadline_tier in deadlines.TIERS_BY_NAME else "?"
        for r in at_risk
    ]
    states = ["overdue" if r.due_at < now else "due within 2 days" for r in at_risk]
    by_tier = (
        pd.DataFrame({"tier": tiers, "state": states}).value_counts().rename("reports").reset_index()
        if at_risk
        else pd.DataFrame({"tier": [], "state": [], "reports": []})
    )
    duties_at_risk, duty_counts = duties_due(session, channel, now, visible)
    return Dashboard(
        duties_at_risk=duties_at_risk,
        duty_counts=duty_counts,
        channel=channel,
        weeks=weeks,
        backlog=open_backlog,
        at_risk=at_risk,
        at_risk_by_tier=by_tier,
        charts=_charts(weeks, open_backlog, by_tier),
        now=now,
    )


def duties_due(session: Session, channel: str, now: datetime, visible: Any = None) -> tuple[list, list]:
    """Return the reports whose next duty is overdue or due within two days, and counts per (duty, state)."""
    seen = [] if visible is None else [visible]
    window = [Report.channel == channel, *seen, Report.duty_due_at <= now + deadlines.AT_RISK_WITHIN]
    rows = session.exec(
        select(Report).where(*window).order_by(Report.duty_due_at, Report.id).limit(AT_RISK_LIMIT)
    ).all()
    state = case((Report.duty_due_at < now, "overdue"), else_="due_soon")
    counts = session.execute(
        select(Report.duty_kind, state.label("state"), func.count())
        .where(*window)
        .group_by(Report.duty_kind, state)
        .order_by(Report.duty_kind, state)
    ).all()
    return list(rows), [(kind, st, n) for kind, st, n in counts]


def _charts(weeks: pd.DataFrame, open_backlog: pd.DataFrame, by_tier: pd.DataFrame) -> dict[str, Markup]:
    """Draw the dashboard's charts as inline SVG (no deadline chart when no deadline is at risk)."""
    charts = {
        "intake": to_svg(
            alt.Chart(weeks, title="Reports received per week")
            .mark_bar(color="#1d4f91")
            .encode(
                x=alt.X("week:O", title="Week starting", axis=alt.Axis(labelAngle=-45)),
                y=alt.Y("reports:Q", title="Reports", axis=alt.Axis(tickMinStep=1)),
            )
            .properties(width=520, height=220),
            "Reports received per week",
        ),
        "backlog": to_svg(
            alt.Chart(open_backlog, title="Open reports by status")
            .mark_bar(color="#5b3f8c")
            .encode(
                y=alt.Y("status:N", title=None, sort=None),
                x=alt.X("reports:Q", title="Reports", axis=alt.Axis(tickMinStep=1)),
            )
            .properties(width=440, height=160),
            "Open reports by status",
        ),
    }
    if not by_tier.empty:
        charts["deadlines"] = to_svg(
            alt.Chart(by_tier, title="Deadlines overdue or due within two days")
            .mark_bar()
            .encode(
                y=alt.Y("tier:N", title=None),
                x=alt.X("reports:Q", title="Reports", axis=alt.Axis(tickMinStep=1)),
                color=alt.Color(
                    "state:N",
                    title=None,
                    scale=alt.Scale(domain=["overdue", "due within 2 days"], range=["#a4161a", "#b26b00"]),
                ),
            )
            .properties(width=440, height=120),
            "Deadlines at risk by tier",
        )
    return charts


def appeals_at_risk(session: Session, viewer: StaffUser, now: datetime) -> list:
    """Return the undecided appeals overdue or due within two days that this staff member may see."""
    from incidents.enforcement import appeal_decisions, appeals  # enforcement builds on triage, not the other way

    due = appeal_decisions.appeals_due(session, now + deadlines.AT_RISK_WITHIN)
    return [appeal for appeal in due if appeals.may_see_appeal(session, viewer, appeal)][:AT_RISK_LIMIT]
