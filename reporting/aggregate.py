"""Raw figures for one period, from plain columns only (nothing is decrypted).

Counts come from SQL GROUP BY queries; pandas shapes the duration samples. The output is the
input of reporting.figures, which protects what comes from reporters' data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Integer, case, func
from sqlmodel import Session, select

from core.periods import BadPeriod, Period  # noqa: F401  (re-exported for reporting's callers)
from incidents.models import (
    Actor,
    Category,
    Channel,
    Incident,
    Listing,
    ModelRecord,
    ModelStatus,
    Report,
    Severity,
)
from incidents.triage import deadlines
from incidents.vocabulary import ReportKind, SourceType
from reporting.action_figures import action_figures

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
# Who sent a notice, as the DSA's template counts notices: individuals (a hub forwards its users' notices, as the
# DSA export sources them), trusted flaggers, and orders from authorities (both from partner intake).
NOTICE_SOURCES = ("individual", SourceType.TRUSTED_FLAGGER.value, SourceType.AUTHORITY.value)
SOURCE_OF = {SourceType.TRUSTED_FLAGGER.value: "trusted_flagger", SourceType.AUTHORITY.value: "authority"}


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
    # The DSA template's tables of our own decisions (reporting.action_figures), exact.
    actions_by_restriction: dict[str, int] = field(default_factory=dict)
    own_initiative_by_type: dict[str, int] = field(default_factory=dict)
    suspensions_by_target: dict[str, int] = field(default_factory=dict)
    # Appeals (DSA Art. 20; counted as Art. 15(1)(d) asks): received, decided, reversed (fully or partly),
    # and the median days to decide. Published exactly.
    appeals: dict = field(default_factory=dict)
    # Public reports by kind (notices by their type, as DSA Art. 15(1)(b) counts them), every kind listed.
    public_by_kind: dict[str, int] = field(default_factory=dict)
    # Public reports by who sent them (NOTICE_SOURCES) and kind, "source/kind": measured jointly, noised.
    public_by_source_and_kind: dict[str, int] = field(default_factory=dict)

    @property
    def notices_by_source(self) -> dict[str, int]:
        """Public reports by who sent them: the joint table summed over kinds."""
        return {
            source: sum(n for cell, n in self.public_by_source_and_kind.items() if cell.split("/")[0] == source)
            for source in NOTICE_SOURCES
        }


def _complete(found: dict[str, int], keys) -> dict[str, int]:
    """Every category is listed, zeros included: leaving a cell out would itself tell something."""
    return {str(key): int(found.get(str(key), 0)) for key in keys}


def _tally(rows, key) -> dict[str, int]:
    """Sum grouped rows (each ending with its count) by `key(row)`."""
    found: dict[str, int] = {}
    for row in rows:
        name = key(row)
        found[name] = found.get(name, 0) + int(row[-1])
    return found


def _elapsed_hours(session: Session, later):
    """Whole hours from a report's arrival to `later`, in SQL (the databases spell it differently)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.floor(func.extract("epoch", later - Report.created_at) / 3600)
    return func.cast((func.julianday(later) - func.julianday(Report.created_at)) * 24, Integer)


def _hours(session: Session, later, period: Period) -> dict[int, int]:
    """A histogram of whole hours from arrival to `later`, for the reports whose `later` fell in the period.

    The time to action is counted in the quarter of the action: a quarter's actions are mostly on reports
    received before it, so counting by arrival left too few for a median (issue 17: 11 actions, no median).
    Each report still gives one value to one quarter's histogram, as the privacy accounting assumes.
    """
    hours = _elapsed_hours(session, later).label("hours")
    rows = session.execute(
        select(hours, func.count()).where(later >= period.starts_at, later < period.ends_at).group_by(hours)
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


ACTORS = (*(a.value for a in Actor), "unspecified")


def _report_rows(session: Session, period: Period) -> list:
    """The period's reports in one GROUP BY: (channel, category, actor, severity, kind, source type,
    whole hours to the first response or None, count) rows.

    Every table of reports received, and the histogram of the time to the first response, is a sum of
    these rows, so the report table is walked once for them all (the publication benchmark's point).
    """
    hours = _elapsed_hours(session, Report.first_response_at).label("hours")
    columns = (Report.channel, Report.category, Report.actor, Report.severity, Report.kind, Report.source_type, hours)
    return list(
        session.execute(
            select(*columns, func.count())
            .where(Report.created_at >= period.starts_at, Report.created_at < period.ends_at)
            .group_by(*columns)
        ).all()
    )


def first_response_hours(rows) -> dict[int, int]:
    """The histogram of whole hours to the first response, from `_report_rows`' rows (unanswered ones left out)."""
    histogram: dict[int, int] = {}
    for *_, value, n in rows:
        if value is not None:
            key = max(0, int(value))
            histogram[key] = histogram.get(key, 0) + int(n)
    return histogram


def report_tables(rows) -> dict[str, dict[str, int]]:
    """The exact tables of reports received, from `_report_rows`' rows, every cell listed."""
    public = [r for r in rows if r[0] == Channel.PUBLIC.value]
    whistle = _tally((r for r in rows if r[0] == Channel.WHISTLEBLOWER.value), lambda r: r[1])
    return {
        "received_by_channel": _complete(_tally(rows, lambda r: r[0]), [c.value for c in Channel]),
        "public_by_category": _complete(_tally(public, lambda r: r[1]), [c.value for c in Category]),
        "public_by_actor": _complete(_tally(public, lambda r: r[2] or "unspecified"), ACTORS),
        "public_by_severity": _complete(_tally(public, lambda r: r[3]), [s.value for s in Severity]),
        "public_by_kind": _complete(_tally(public, lambda r: r[4]), [k.value for k in ReportKind]),
        "public_by_source_and_kind": _complete(
            _tally(public, lambda r: f"{SOURCE_OF.get(r[5], 'individual')}/{r[4]}"),
            [f"{source}/{kind.value}" for source in NOTICE_SOURCES for kind in ReportKind],
        ),
        "whistleblower_by_group": {
            name: sum(whistle.get(c.value, 0) for c in members) for name, members in COARSE_GROUPS.items()
        },
    }


def _incident_counts(session: Session, period: Period) -> dict[str, int]:
    opened = (Incident.created_at >= period.starts_at) & (Incident.created_at < period.ends_at)
    closed = (Incident.closed_at >= period.starts_at) & (Incident.closed_at < period.ends_at)
    row = session.execute(
        select(func.count(case((opened, 1))), func.count(case((closed, 1)))).where(opened | closed)
    ).one()
    return {"opened": int(row[0]), "closed": int(row[1])}


def _models(session: Session, period: Period) -> list[dict]:
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
    return [
        {
            "name": m.name,
            "version": m.version,
            "provider": m.provider,
            "status": m.status,
            "effective_on": m.effective_on.isoformat() if m.effective_on else None,
            "reason": m.public_reason,
        }
        for m in models
    ]


def raw_figures(session: Session, period: Period) -> RawFigures:
    rows = _report_rows(session, period)
    tables = report_tables(rows)
    actions = action_figures(session, period)
    by_channel = _deadlines_by_channel(session, period)
    return RawFigures(
        **tables,
        hours_to_first_response=first_response_hours(rows),
        hours_to_action=_hours(session, Report.actioned_at, period),
        deadlines_met={outcome: sum(by[outcome] for by in by_channel.values()) for outcome in DEADLINE_OUTCOMES},
        deadlines_by_channel=by_channel,
        incidents=_incident_counts(session, period),
        **actions,
        referrals=actions["actions_by_type"].get("referral", 0),
        appeals=appeal_figures(session, period),
        models=_models(session, period),
    )
