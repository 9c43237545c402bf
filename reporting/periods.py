"""Half-yearly (2026H1) and yearly (2026) transparency reports: sums of the published quarters, with no new noise.

Nothing is drawn and nothing is charged to the privacy budget: every noised cell is the sum of the
published quarterly cells (each quarter's newest published revision), and its 95% error bound is the
bound of that sum (reporting.period_bounds). The one suppression rule applies to the sum. The
platform's own decisions (exact) are summed too. Median times cannot be summed: each quarter's is
listed. A half-year or a year exists only when all its quarters are published; until then the page
says which are missing. Quarters made by an earlier release method are not combined with others (their
noise is not described the same way), and the page says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from core.periods import Period
from core.schemas import N_
from reporting import pages

# anonymize (and so OpenDP) and the bounds' simulation load on first use, not when a web worker starts.

# Titles of the tables a quarter publishes (reporting.figures.PUBLISHED and EXACT); others show their name.
TITLES = {
    "received_by_channel": N_("Reports received, by channel"),
    "public_by_category": N_("Public channel, by category"),
    "public_by_actor": N_("Public channel, by responsible party in the value chain"),
    "public_by_severity": N_("Public channel, by severity"),
    "whistleblower_by_group": N_("Whistleblower channel, in coarse groups"),
    "deadlines_met": N_("Serious incidents whose initial report fell due"),
    "incidents": N_("Incidents"),
    "actions_by_type": N_("Enforcement actions by type"),
    "actions_by_ground": N_("Enforcement actions by ground"),
    "actions_by_decision": N_("Enforcement actions by how the decision was taken"),
    "hours_to_first_response": N_("Median hours to the first response"),
    "hours_to_action": N_("Median hours to an enforcement action"),
}
SPAN_RE = re.compile(r"^(\d{4})(?:H([12]))?$")
MEDIANS = ("hours_to_first_response", "hours_to_action")


@dataclass(frozen=True)
class Span:
    """A half-year (half 1 or 2) or a whole year (half None)."""

    year: int
    half: int | None = None

    @classmethod
    def parse(cls, text: str) -> Span | None:
        match = SPAN_RE.match((text or "").strip().upper())
        if not match:
            return None
        return cls(int(match.group(1)), int(match.group(2)) if match.group(2) else None)

    def __str__(self) -> str:
        return f"{self.year}H{self.half}" if self.half else str(self.year)

    @property
    def quarters(self) -> tuple[Period, ...]:
        numbers = (1, 2, 3, 4) if self.half is None else ((1, 2) if self.half == 1 else (3, 4))
        return tuple(Period(self.year, q) for q in numbers)

    @property
    def starts_at(self) -> datetime:
        return self.quarters[0].starts_at

    @property
    def ends_at(self) -> datetime:
        return self.quarters[-1].ends_at


@dataclass
class Combined:
    """A half-year's or a year's report, or (when `missing` or `unlike` is not empty) why there is none yet."""

    span: Span
    quarters: list[str]
    missing: list[str] = field(default_factory=list)
    unlike: list[str] = field(default_factory=list)  # quarters published with an earlier method
    figures: dict = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return not self.missing and not self.unlike


def _cell(value: int, bound: int) -> dict:
    from anonymize import privacy

    hidden = privacy.suppressed(value)
    return {"value": None if hidden else value, "suppressed": hidden, "error_bound_95": bound}


def combine_noised(quarter_figures: list[dict]) -> dict:
    """Sum the noised tables that every quarter published with the same cells; each sum with its bound."""
    from reporting.period_bounds import sum_bounds

    bounds = sum_bounds(quarter_figures)
    tables = {}
    for name, bound in bounds.items():
        cell_sets = [tuple(q["noised"].get(name, {}).get("cells", {})) for q in quarter_figures]
        if any(cells != tuple(bound["cells"]) for cells in cell_sets):
            continue  # not published alike in every quarter: not summed
        cells = {cell: sum(q["noised"][name]["cells"][cell] for q in quarter_figures) for cell in bound["cells"]}
        tables[name] = {
            "cells": {cell: _cell(value, bound["cells"][cell]) for cell, value in cells.items()},
            "total": _cell(sum(cells.values()), bound["total"]),
        }
    return tables


def _add(into: dict, table: dict) -> dict:
    for key, value in table.items():
        if isinstance(value, dict):
            into[key] = _add(into.get(key, {}), value)
        elif isinstance(value, int) and not isinstance(value, bool):
            into[key] = into.get(key, 0) + value
    return into


def combine_exact(quarter_figures: list[dict]) -> dict:
    """Sum the platform's own decisions; list every quarter's model decisions."""
    exact: dict = {}
    for q in quarter_figures:
        for name, table in q["exact"].items():
            if name == "models":
                exact.setdefault("models", []).extend(table)
            elif isinstance(table, dict):
                exact[name] = _add(exact.get(name, {}), table)
            elif isinstance(table, int):
                exact[name] = exact.get(name, 0) + table
    return exact


def combine(quarters: list[str], quarter_figures: list[dict]) -> dict:
    """The combined figures of these quarters (all published by the current method)."""
    from anonymize import privacy

    noised = combine_noised(quarter_figures)
    by_quarter = list(zip(quarters, quarter_figures, strict=True))
    compliance = None
    if all("deadlines_met" in q["noised"] for q in quarter_figures):
        # The quarter's rule (reporting.figures): a share once at least the display threshold were handled.
        on_time = sum(q["noised"]["deadlines_met"]["cells"]["on time"] for q in quarter_figures)
        handled = on_time + sum(q["noised"]["deadlines_met"]["cells"]["late"] for q in quarter_figures)
        compliance = round(on_time / handled, 3) if handled >= privacy.DISPLAY_THRESHOLD else None
    return {
        "quarters": quarters,
        "noised": noised,
        "medians": {
            name: {quarter: q["noised"].get(name, {}).get("median_hours") for quarter, q in by_quarter}
            for name in MEDIANS
        },
        "deadline_compliance": compliance,
        "exact": combine_exact(quarter_figures),
        "epsilon_by_quarter": {quarter: q["methodology"]["epsilon"] for quarter, q in by_quarter},
        "display_threshold": privacy.DISPLAY_THRESHOLD,
        "confidence": privacy.CONFIDENCE,
    }


def combined_report(session: Session, span: Span) -> Combined:
    """Build a half-year's or a year's report from its published quarters, or say which quarters it waits for."""
    from reporting.figures import METHOD

    names = [str(q) for q in span.quarters]
    stored = {name: pages.published(session, name) for name in names}
    result = Combined(span, names, missing=[name for name, p in stored.items() if p is None])
    if result.missing:
        return result
    figures = [stored[name].figures for name in names]
    methods = [f.get("methodology", {}).get("method") for f in figures]
    result.unlike = [name for name, method in zip(names, methods, strict=True) if method != METHOD]
    if result.unlike:
        return result
    result.figures = combine(names, figures)
    return result


def available_spans(session: Session) -> list[Combined]:
    """Every half-year and year whose quarters are all published, newest first (for the index)."""
    published = {p.period for p in pages.published_latest(session)}
    years = sorted({int(name[:4]) for name in published}, reverse=True)
    found = []
    for year in years:
        for span in (Span(year), Span(year, 2), Span(year, 1)):
            if all(str(q) in published for q in span.quarters):
                found.append(Combined(span, [str(q) for q in span.quarters]))
    return found
