"""Raw figures of a period built from a list of reports in memory, for the privacy tests and the error benchmark.

Each report is (channel, category, actor, severity, deadline), the deadline being "on time", "late" or
None, optionally followed by its notice source (reporting.aggregate.NOTICE_SOURCES; "individual" by default)
and its kind ("general" by default). The counts follow the rules of reporting.aggregate: every cell listed,
whistleblower reports only in coarse groups, deadline outcomes only for serious incidents.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from incidents.models import Actor, Category, Channel, Severity
from incidents.vocabulary import ReportKind
from reporting.aggregate import COARSE_GROUPS, DEADLINE_OUTCOMES, NOTICE_SOURCES, RawFigures

SERIOUS = Severity.SERIOUS_INCIDENT.value
ACTORS = (*(a.value for a in Actor), "unspecified")
GROUP_OF = {c.value: group for group, members in COARSE_GROUPS.items() for c in members}

KINDS = tuple(k.value for k in ReportKind)
Reported = tuple  # (channel, category, actor, severity, deadline[, source[, kind]])


def raw_from(reports: Iterable[Reported]) -> RawFigures:
    """Count the reports as raw_figures would; the medians' histograms stay empty."""
    channel = {c.value: 0 for c in Channel}
    category = {c.value: 0 for c in Category}
    actor = dict.fromkeys(ACTORS, 0)
    severity = {s.value: 0 for s in Severity}
    groups = dict.fromkeys(COARSE_GROUPS, 0)
    deadlines = {c.value: dict.fromkeys(DEADLINE_OUTCOMES, 0) for c in Channel}
    by_kind = dict.fromkeys(KINDS, 0)
    source_and_kind = {f"{source}/{kind}": 0 for source in NOTICE_SOURCES for kind in KINDS}
    for where, picked, party, level, deadline, *more in reports:
        source, kind = (*more, *("individual", "general")[len(more) :])
        channel[where] += 1
        if where == Channel.PUBLIC.value:
            category[picked] += 1
            actor[party] += 1
            severity[level] += 1
            by_kind[kind] += 1
            source_and_kind[f"{source}/{kind}"] += 1
        else:
            groups[GROUP_OF[picked]] += 1
        if deadline is not None and level == SERIOUS:
            deadlines[where][deadline] += 1
    return RawFigures(
        received_by_channel=channel,
        public_by_category=category,
        public_by_actor=actor,
        public_by_severity=severity,
        whistleblower_by_group=groups,
        hours_to_first_response={},
        hours_to_action={},
        deadlines_met={o: sum(d[o] for d in deadlines.values()) for o in DEADLINE_OUTCOMES},
        deadlines_by_channel=deadlines,
        incidents={"opened": 0, "closed": 0},
        actions_by_type={},
        actions_by_ground={},
        actions_by_decision={},
        referrals=0,
        public_by_kind=by_kind,
        public_by_source_and_kind=source_and_kind,
    )


def synthetic_quarter(count: int, seed: int) -> RawFigures:
    """A quarter with the demo seed's mix: 12% whistleblower reports, its category and severity weights."""
    from incidents.seed import CATEGORY_WEIGHTS, SEVERITY_WEIGHTS

    rng = random.Random(seed)
    notices = random.Random(seed + 1)
    reports = []
    for _ in range(count):
        picked = rng.choices(list(CATEGORY_WEIGHTS), weights=list(CATEGORY_WEIGHTS.values()))[0].value
        level = rng.choices(list(SEVERITY_WEIGHTS), weights=list(SEVERITY_WEIGHTS.values()))[0].value
        where = Channel.WHISTLEBLOWER.value if rng.random() < 0.12 else Channel.PUBLIC.value
        party = rng.choice(ACTORS[:-1]) if rng.random() < 0.9 else "unspecified"
        due = level == SERIOUS and rng.random() < 0.8  # its first filing fell due in the quarter
        outcome = ("on time" if rng.random() < 0.7 else "late") if due else None
        # A second stream, so that the other columns stay those of the quarters drawn before notices had sources.
        source = notices.choices(NOTICE_SOURCES, weights=(85, 10, 5))[0]
        kind = notices.choices(KINDS, weights=(60, 10, 8, 8, 7, 7))[0]
        reports.append((where, picked, party, level, outcome, source, kind))
    return raw_from(reports)
