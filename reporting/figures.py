"""Turn a period's raw figures into publishable ones: reporters' data noised, decisions exact.

What comes from reporters' data (reports received, response times, deadline compliance) goes
through anonymize/ under the period's epsilon. The counts are one consistent release
(anonymize.consistent): six noisy tables and the two channel totals are measured, reconciled by
least squares and rounded, and every published table is a sum of their cells, so every breakdown of
the same reports adds up to the same total. The median times each take a fixed share. The
platform's own decisions (enforcement actions, referrals, appeals, incidents it opened and closed, models it
suspended or decommissioned) are published exactly, as the DSA expects of them.
"""

from __future__ import annotations

from decimal import Decimal

from anonymize import consistent, privacy
from incidents.models import Actor, Category, Channel, Severity
from incidents.vocabulary import ReportKind
from reporting.aggregate import COARSE_GROUPS, DEADLINE_OUTCOMES, NOTICE_SOURCES, RawFigures

# Marks figures (and report.json files) made by this release method; earlier ones have no marker.
METHOD = "consistent-tables/2"
# consistent-tables/1 had no notices by source or kind: its reports are served as stored, in their language.
COUNTS = "report_counts"
# The period's epsilon: what the count tables share, and each median's.
SHARES = {COUNTS: 7, "hours_to_first_response": 1, "hours_to_action": 1}
HOUR_BUCKETS = [1, 2, 4, 8, 12, 24, 48, 72, 120, 168, 336, 720, 1440, 2160]
MIN_SAMPLE_FOR_MEDIAN = 10

TOTALS = "received_by_channel"
SERIOUS = Severity.SERIOUS_INCIDENT.value
OTHER = "other"  # a serious incident whose first filing was not yet due, or a report that is not one
SEVERITY_AND_DEADLINE = "public_by_severity_and_deadline"
WHISTLEBLOWER_DEADLINE = "whistleblower_by_deadline"
SEVERITY_CELLS = tuple(s.value for s in Severity if s.value != SERIOUS) + tuple(
    f"{SERIOUS}/{outcome}" for outcome in (*DEADLINE_OUTCOMES, OTHER)
)
SOURCE_AND_KIND = "public_by_source_and_kind"
KINDS = tuple(k.value for k in ReportKind)
SOURCE_AND_KIND_CELLS = tuple(f"{source}/{kind}" for source in NOTICE_SOURCES for kind in KINDS)
# Which tables are measured, and their weights. A report sits in one cell of its channel's total
# and of each table of its channel: 3 + 5 + 3 + 3 + 2 for a public report, 3 + 7 + 6 for a
# whistleblower report, so each spends the whole count budget once. The weights follow the error
# benchmark (tests/bench/bench_privacy_error.py): most cells are categories, and the channel
# totals are the figures most read. The notices by source and by kind (the DSA template's) are
# both sums of one joint table, so they cost one share, not two.
DESIGN = consistent.Design(
    totals=TOTALS,
    populations=(Channel.PUBLIC.value, Channel.WHISTLEBLOWER.value),
    totals_weight=3,
    partitions=(
        consistent.Partition("public_by_category", Channel.PUBLIC.value, tuple(c.value for c in Category), 5),
        consistent.Partition("public_by_actor", Channel.PUBLIC.value, (*(a.value for a in Actor), "unspecified"), 3),
        consistent.Partition(SEVERITY_AND_DEADLINE, Channel.PUBLIC.value, SEVERITY_CELLS, 3),
        consistent.Partition(SOURCE_AND_KIND, Channel.PUBLIC.value, SOURCE_AND_KIND_CELLS, 2),
        consistent.Partition("whistleblower_by_group", Channel.WHISTLEBLOWER.value, tuple(COARSE_GROUPS), 7),
        consistent.Partition(WHISTLEBLOWER_DEADLINE, Channel.WHISTLEBLOWER.value, (*DEADLINE_OUTCOMES, OTHER), 6),
    ),
)


def _same(table: str) -> dict[str, tuple[consistent.Ref, ...]]:
    cells = DESIGN.tables()[table]
    return {cell: ((table, cell),) for cell in cells}


# The published tables, each cell a sum of released cells, in the order the report shows them.
PUBLISHED: dict[str, dict[str, tuple[consistent.Ref, ...]]] = {
    "received_by_channel": _same(TOTALS),
    "notices_by_source": {
        source: tuple((SOURCE_AND_KIND, f"{source}/{kind}") for kind in KINDS) for source in NOTICE_SOURCES
    },
    "public_by_kind": {
        kind: tuple((SOURCE_AND_KIND, f"{source}/{kind}") for source in NOTICE_SOURCES) for kind in KINDS
    },
    "public_by_category": _same("public_by_category"),
    "public_by_actor": _same("public_by_actor"),
    "public_by_severity": {
        s.value: tuple((SEVERITY_AND_DEADLINE, cell) for cell in SEVERITY_CELLS if cell.split("/")[0] == s.value)
        for s in Severity
    },
    "whistleblower_by_group": _same("whistleblower_by_group"),
    "deadlines_met": {
        outcome: ((SEVERITY_AND_DEADLINE, f"{SERIOUS}/{outcome}"), (WHISTLEBLOWER_DEADLINE, outcome))
        for outcome in DEADLINE_OUTCOMES
    },
}
EXACT = (
    "incidents",
    "actions_by_type",
    "actions_by_ground",
    "actions_by_decision",
    "actions_by_restriction",
    "own_initiative_by_type",
    "suspensions_by_target",
    "appeals",
)


def measured_counts(raw: RawFigures) -> dict[str, dict[str, int]]:
    """The exact counts of every measured table, from the raw figures."""
    severity = raw.public_by_severity
    public, whistleblower = (raw.deadlines_by_channel[c.value] for c in (Channel.PUBLIC, Channel.WHISTLEBLOWER))
    return {
        TOTALS: dict(raw.received_by_channel),
        "public_by_category": dict(raw.public_by_category),
        "public_by_actor": dict(raw.public_by_actor),
        SOURCE_AND_KIND: dict(raw.public_by_source_and_kind),
        SEVERITY_AND_DEADLINE: {s: severity[s] for s in SEVERITY_CELLS if s in severity}
        | {f"{SERIOUS}/{outcome}": public[outcome] for outcome in DEADLINE_OUTCOMES}
        | {f"{SERIOUS}/{OTHER}": severity[SERIOUS] - sum(public.values())},
        "whistleblower_by_group": dict(raw.whistleblower_by_group),
        WHISTLEBLOWER_DEADLINE: dict(whistleblower)
        | {OTHER: raw.received_by_channel[Channel.WHISTLEBLOWER.value] - sum(whistleblower.values())},
    }


def release_counts(raw: RawFigures, epsilon: privacy.EpsilonLike) -> tuple[dict, consistent.Release]:
    """Release the count tables under `epsilon`: each published table with its cells, total and bounds."""
    released = consistent.release(DESIGN, measured_counts(raw), epsilon)
    bounds = consistent.error_bounds(DESIGN, epsilon, PUBLISHED)
    tables = {
        name: {
            "cells": cells,
            "total": sum(cells.values()),
            "error_bound_95": bounds[name]["cells"],
            "total_error_bound_95": bounds[name]["total"],
        }
        for name, cells in released.derive(PUBLISHED).items()
    }
    return tables, released


def _median(histogram: dict[int, int], epsilon: Decimal, *, sample_shown: int) -> dict:
    """A private median, or none when the figure that stands for its sample is under MIN_SAMPLE_FOR_MEDIAN.

    The sample's exact size is never what decides: a median shown or not would release it without noise (one
    report more could turn "none" into a median every time). `sample_shown` is a figure published anyway: the
    noised count of reports received for the time to a first response, the exact count of our own actions for
    the time to an action. The private median itself is private at any sample size.
    """
    median = (
        privacy.private_median_from_histogram(histogram, HOUR_BUCKETS, epsilon)
        if sample_shown >= MIN_SAMPLE_FOR_MEDIAN
        else None
    )
    return {"median_hours": median, "buckets": HOUR_BUCKETS, "epsilon": str(epsilon)}


def methodology(epsilon: privacy.EpsilonLike, shares: dict[str, Decimal], released: consistent.Release) -> dict:
    """What the report says about how its figures were made (the template words it)."""
    tables = DESIGN.tables()
    populations = {p.name: p.population for p in DESIGN.partitions}
    return {
        "method": METHOD,
        "epsilon": str(privacy.as_epsilon(epsilon)),
        "epsilon_spent": str(sum(shares.values())),
        "shares": {name: str(share) for name, share in shares.items()},
        "display_threshold": privacy.DISPLAY_THRESHOLD,
        "confidence": privacy.CONFIDENCE,
        "privacy_unit": "one report (with its follow-up messages)",
        "mechanism": "OpenDP discrete Laplace for counts, reconciled by least squares; OpenDP private quantile "
        "over fixed buckets for median times",
        "weights": SHARES,
        "measured": {
            name: {
                "population": populations.get(name, "all"),
                "cells": len(cells),
                "epsilon": str(released.epsilons[name]),
                "scale": privacy.laplace_scale(released.epsilons[name]),
            }
            for name, cells in tables.items()
        },
        "per_report_epsilon": {
            population: str(
                released.epsilons[TOTALS] + sum((released.epsilons[p.name] for p in DESIGN.of(population)), Decimal(0))
            )
            for population in DESIGN.populations
        },
        "bound_draws": consistent.BOUND_DRAWS,
    }


def protect(raw: RawFigures, epsilon) -> tuple[dict, dict[str, Decimal]]:
    """Return (figures, epsilon spent per statistic). The figures are plain JSON-able data."""
    shares = privacy.split(epsilon, SHARES)
    noised, released = release_counts(raw, shares[COUNTS])
    shown = {"hours_to_first_response": noised[TOTALS]["total"], "hours_to_action": sum(raw.actions_by_type.values())}
    for name in ("hours_to_first_response", "hours_to_action"):
        noised[name] = _median(getattr(raw, name), shares[name], sample_shown=shown[name])
    met = noised["deadlines_met"]["cells"]
    handled = met["on time"] + met["late"]
    compliance = round(met["on time"] / handled, 3) if handled >= privacy.DISPLAY_THRESHOLD else None
    figures = {
        "noised": noised,
        "deadline_compliance": compliance,
        "exact": {name: getattr(raw, name) for name in EXACT} | {"referrals": raw.referrals, "models": raw.models},
        "methodology": methodology(epsilon, shares, released),
    }
    return figures, shares
