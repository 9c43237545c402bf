"""Raw figures for one period, from plain columns only (nothing is decrypted).

Counts come from SQL GROUP BY queries; pandas shapes the duration samples. The output is the
input of reporting.figures, which protects what comes from reporters' data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Integer, func
from sqlmodel import Session, select

from core.periods import BadPeriod, Period  # noqa: F401  (re-exported for reporting's callers)
from incidents.models import (
    Actor,
    Category,
    Channel,
    EnforcementAction,
    Incident,
    Listing,
    ModelRecord,
    ModelStatus,
    Report,
    Severity,
)
from incidents.triage import deadlines
from incidents.vocabulary import ActionType, Automation, GroundType, ReportKind

# Whistleblower reports are published only as a total and in these coarse groups.
COARSE_GROUPS = {
    "harmful content": (Category.CHILD_SAFETY, Category.NCII, Category.HATE_HARASSMENT, Category.VIOLENT_EXTREMISM),
    "safety and security": (Category.DANGEROUS_CAPABILITY, Category.SAFETY_FAILURE, Category.SECURITY_VULNERABILITY),
    "rights, privacy and fraud": (
        Category.PRIVACY,
        Category.INTELLECTUAL_PROPERTY,
        Category.FRAUD_DECEPTION,
        Category.BIAS_DISCRIMINATION,
    ),
    "other": (Category.ACCEPTABLE_USE, Category.OTHER),
}
DEADLINE_OUTCOMES = ("on time", "late")


@dataclass
class RawFigures:
    """Exact figures of a period. Only reporting.figures may turn them into something published."""

    received_by_channel: dict[str, int]
    public_by_category: dict[str, int]
    public_by_actor: dict[str, int]
    public_by_severity: dict[str, int]
    whistleblower_by_group: dict[str, int]
    hours_to_first_response: dict[int, int]
    hours_to_action: dict[int, int]
    deadlines_met: dict[str, int]
    # The same serious incidents by channel: the release measures them inside each channel's tables.
    deadlines_by_channel: dict[str, dict[str, int]]
    incidents: dict[str, int]
    actions_by_type: dict[str, int]
    actions_by_ground: dict[str, int]
    actions_by_decision: dict[str, int]
    referrals: int
    models: list[dict] = field(default_factory=list)
    # Appeals (DSA Art. 20; counted as Art. 15(1)(d) asks): received, decided, reversed (fully or partly),
    # and the median days to decide. Kept here for the transparency report; not yet published.
    appeals: dict = field(default_factory=dict)
    # Public reports by kind (notices by their type, as DSA Art. 15(1)(b) counts them), every kind listed.
    # Kept here for the transparency report; not yet published (reporting.figures leaves it out).
    public_by_kind: dict[str, int] = field(default_factory=dict)


def _grouped(session: Session, column, *where) -> dict[str, int]:
    rows = session.execute(select(column, func.count()).where(*where).group_by(column)).all()
    return {("unspecified" if key is None else str(key)): int(n) for key, n in rows}


def _complete(found: dict[str, int], keys) -> dict[str, int]:
    """Every category is listed, zeros included: leaving a cell out would itself tell something."""
    return {str(key): int(found.get(str(key), 0)) for key in keys}


def _elapsed_hours(session: Session, later):
    """Whole hours from a report's arrival to `later`, in SQL (the databases spell it differently)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.floor(func.extract("epoch", later - Report.created_at) / 3600)
    return func.cast((func.julianday(later) - func.julianday(Report.created_at)) * 24, Integer)


def _hours(session: Session, later, period: Period) -> dict[int, int]:
    """A histogram of whole hours from arrival to `later`: {hours: reports}, grouped in the database."""
    hours = _elapsed_hours(session, later).label("hours")
    rows = session.execute(
        select(hours, func.count())
        .where(Report.created_at >= period.starts_at, Report.created_at < period.ends_at, later.is_not(None))
        .group_by(hours)
    ).all()
    histogram: dict[int, int] = {}
    for value, n in rows:
        key = max(0, int(value))
        histogram[key] = histogram.get(key, 0) + int(n)
    return histogram


def _deadlines_by_channel(session: Session, period: Period) -> dict[str, dict[str, int]]:
    """Serious incidents received in the period whose initial filing was due by its end: on time or late, by channel.

    Only a serious incident has a deadline tier (`deadlines.tier_for`); the severity is checked too, so
    that these counts always sit inside the period's serious incidents, which the release relies on.
    """
    rows = session.execute(
        select(Report.channel, Report.created_at, Report.deadline_tier, Report.initial_filed_at).where(
            Report.created_at >= period.starts_at,
            Report.created_at < period.ends_at,
            Report.deadline_tier.is_not(None),
            Report.severity == Severity.SERIOUS_INCIDENT.value,
        )
    ).all()
    outcomes = {channel.value: {outcome: 0 for outcome in DEADLINE_OUTCOMES} for channel in Channel}
    for channel, created, tier_name, filed in rows:
        tier = deadlines.TIERS_BY_NAME.get(tier_name)
        if tier is None or channel not in outcomes:
            continue
        due = created + timedelta(days=tier.days)
        if due >= period.ends_at:
            continue  # not yet due when the period closed
        outcomes[channel]["on time" if filed is not None and filed <= due else "late"] += 1
    return outcomes


def appeal_figures(session: Session, period: Period) -> dict:
    """Return the period's appeal counts, from plain columns (incidents.enforcement.appeal_decisions)."""
    from incidents.enforcement.appeal_decisions import appeal_counts

    counts = appeal_counts(session, period.starts_at, period.ends_at)
    return {
        "received": counts.received,
        "decided": counts.decided,
        "reversed": counts.reversed,
        "median_days_to_decide": counts.median_days_to_decide,
    }


def raw_figures(session: Session, period: Period) -> RawFigures:
    in_period = (Report.created_at >= period.starts_at, Report.created_at < period.ends_at)
    public = (*in_period, Report.channel == Channel.PUBLIC.value)
    whistle = (*in_period, Report.channel == Channel.WHISTLEBLOWER.value)
    by_category = _grouped(session, Report.category, *whistle)
    groups = {name: sum(by_category.get(c.value, 0) for c in members) for name, members in COARSE_GROUPS.items()}
    decided = (EnforcementAction.decided_at >= period.starts_at, EnforcementAction.decided_at < period.ends_at)
    incidents = {
        "opened": session.execute(
            select(func.count())
            .select_from(Incident)
            .where(Incident.created_at >= period.starts_at, Incident.created_at < period.ends_at)
        ).scalar_one(),
        "closed": session.execute(
            select(func.count())
            .select_from(Incident)
            .where(Incident.closed_at >= period.starts_at, Incident.closed_at < period.ends_at)
        ).scalar_one(),
    }
    models = session.exec(
        select(ModelRecord)
        .where(
            ModelRecord.status.in_([ModelStatus.SUSPENDED.value, ModelStatus.DECOMMISSIONED.value]),
            ModelRecord.status_changed_at >= period.starts_at,
            ModelRecord.status_changed_at < period.ends_at,
            ModelRecord.listing == Listing.LISTED.value,  # a model not listed is named on no public page
        )
        .order_by(ModelRecord.name, ModelRecord.version)
    ).all()
    by_type = _complete(_grouped(session, EnforcementAction.action_type, *decided), list(ActionType))
    by_channel = _deadlines_by_channel(session, period)
    return RawFigures(
        received_by_channel=_complete(_grouped(session, Report.channel, *in_period), [c.value for c in Channel]),
        public_by_category=_complete(_grouped(session, Report.category, *public), [c.value for c in Category]),
        public_by_actor=_complete(_grouped(session, Report.actor, *public), [a.value for a in Actor] + ["unspecified"]),
        public_by_severity=_complete(_grouped(session, Report.severity, *public), [s.value for s in Severity]),
        whistleblower_by_group=groups,
        hours_to_first_response=_hours(session, Report.first_response_at, period),
        hours_to_action=_hours(session, Report.actioned_at, period),
        deadlines_met={outcome: sum(by[outcome] for by in by_channel.values()) for outcome in DEADLINE_OUTCOMES},
        deadlines_by_channel=by_channel,
        incidents={k: int(v) for k, v in incidents.items()},
        actions_by_type=by_type,
        actions_by_ground=_complete(_grouped(session, EnforcementAction.ground_type, *decided), list(GroundType)),
        actions_by_decision=_complete(_grouped(session, EnforcementAction.decision, *decided), list(Automation)),
        referrals=by_type.get("referral", 0),
        appeals=appeal_figures(session, period),
        public_by_kind=_complete(_grouped(session, Report.kind, *public), [k.value for k in ReportKind]),
        models=[
            {
                "name": m.name,
                "version": m.version,
                "provider": m.provider,
                "status": m.status,
                "effective_on": m.effective_on.isoformat() if m.effective_on else None,
                "reason": m.public_reason,
            }
            for m in models
        ],
    )
