"""Render a transparency report's files from its figures: report.json, report.csv and the two HTML pages.

The same figures, period, revision and generation time always give the same bytes, so a report
rendered again from its stored figures matches the files that were hashed and chained. The stored
figures keep every noised value; the files apply the one suppression rule (`privacy.suppressed`):
"<10" in the pages, a marker and no bar in the chart, a flag and no value in report.csv and
report.json. Files of this version say `transparency-report/v2`; files published before it were
stored as they were and are never rendered again.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime

from flask import Flask, render_template
from flask_babel import format_date, get_locale

from anonymize import privacy
from reporting import charts, labels
from reporting.aggregate import Period
from reporting.datapackage import datapackage

SCHEMA = "transparency-report/v2"
CSV_COLUMNS = ("section", "cell", "value", "shown_as", "suppressed", "error_bound_95", "noised")


def published_cell(value: int, bound: int | None = None) -> dict:
    """A noised figure as report.json gives it: under the display threshold, a flag and no value."""
    hidden = privacy.suppressed(value)
    cell: dict = {"value": None if hidden else value, "suppressed": hidden}
    if bound is not None:
        cell["error_bound_95"] = bound
    return cell


def published_noised(noised: dict) -> dict:
    """The noised tables as report.json gives them: every cell and total with its flag and its bound."""
    published = {}
    for name, table in noised.items():
        if "cells" not in table:  # a median
            published[name] = table
            continue
        bounds = table["error_bound_95"]
        published[name] = {
            "cells": {cell: published_cell(value, bounds[cell]) for cell, value in table["cells"].items()},
            "total": published_cell(table["total"], table["total_error_bound_95"]),
        }
    return published


def report_document(*, period: Period, revision: int, figures: dict, generated_at: datetime) -> bytes:
    """Write report.json: the period, the revision and the figures (noised ones under the one rule), keys sorted."""
    year = figures["year_to_date"]
    document = {
        "schema": SCHEMA,
        "period": str(period),
        "revision": revision,
        "starts": period.starts_at.date().isoformat(),
        "ends": period.ends_at.date().isoformat(),
        "generated_at": generated_at.isoformat(timespec="seconds"),
        **figures,
        "noised": published_noised(figures["noised"]),
        "year_to_date": year | {"reports_received": published_cell(year["reports_received"])},
    }
    return (json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode()


def _flag(hidden: bool) -> str:
    return "yes" if hidden else "no"


def noised_rows(noised: dict) -> Iterator[list]:
    """Yield the CSV rows of the noised tables: each cell and total (no value under the threshold), or the median."""
    for name, table in noised.items():
        if "cells" in table:
            bounds = table["error_bound_95"]
            rows = [(cell, value, bounds[cell]) for cell, value in table["cells"].items()]
            for cell, value, bound in [*rows, ("total", table["total"], table["total_error_bound_95"])]:
                hidden = privacy.suppressed(value)
                yield [name, cell, "" if hidden else value, privacy.display(value), _flag(hidden), bound, "yes"]
        else:
            median = table["median_hours"]
            yield [name, "median_hours", median if median is not None else "", "", "no", "", "yes"]


def exact_rows(exact: dict) -> Iterator[list]:
    """Yield the CSV rows of the exact figures: counts by cell, referrals, and the models' statuses."""
    for name, table in exact.items():
        if isinstance(table, dict):
            for cell, value in table.items():
                yield [name, cell, value, value, "no", "", "no"]
        elif name == "referrals":
            yield [name, "total", table, table, "no", "", "no"]
        else:
            for model in table:
                label = f"{model['name']} {model['version']}".strip()
                yield ["models", label, model["status"], model["effective_on"] or "", "no", "", "no"]


def report_csv(figures: dict) -> bytes:
    """Write report.csv: one RFC 4180 row per figure, noised figures first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(noised_rows(figures["noised"]))
    writer.writerows(exact_rows(figures["exact"]))
    return out.getvalue().encode()


def page_context(*, period: Period, revision: int, figures: dict, generated_at: datetime) -> dict:
    """What reporting/report.html is given: the stored figures, the one rule, the charts (in the current language)."""
    return {
        "period": period,
        "revision": revision,
        "figures": figures,
        "generated_at": generated_at,
        "display": privacy.display,
        "suppressed": privacy.suppressed,
        "charts": charts.for_report(figures),
        "label": labels.cell_label,
        "restriction_cells": labels.restriction_cells,
        "language": str(get_locale() or "en"),
        "format_date": format_date,
    }


def report_pages(
    app: Flask, *, period: Period, revision: int, figures: dict, generated_at: datetime
) -> dict[str, bytes]:
    """Render report.html and print.html from one template, as a request for the page in the default language.

    The page extends the site's layout (navigation, language switch), whose links need a request to build.
    A fresh app context first: one already pushed (a publisher's request, on the immediate queue) keeps the
    language chosen for it in `g`, which a request context pushed on top would share.
    """
    with app.app_context(), app.test_request_context(f"/transparency/{period}"):
        context = page_context(period=period, revision=revision, figures=figures, generated_at=generated_at)
        return {
            "report.html": render_template("reporting/report.html", print_view=False, **context).encode(),
            "print.html": render_template("reporting/report.html", print_view=True, **context).encode(),
        }


def render_files(
    app: Flask, *, period: Period, revision: int, figures: dict, generated_at: datetime
) -> dict[str, bytes]:
    """Render the report's files from its stored figures; the same figures always give the same bytes."""
    files = {
        "report.json": report_document(period=period, revision=revision, figures=figures, generated_at=generated_at),
        "report.csv": report_csv(figures),
        **report_pages(app, period=period, revision=revision, figures=figures, generated_at=generated_at),
    }
    # The CSV files described as a Frictionless data package (reporting/datapackage.py).
    files["datapackage.json"] = datapackage(period=period, revision=revision, files=files, generated_at=generated_at)
    return files
