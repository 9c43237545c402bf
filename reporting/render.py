"""Render a transparency report's files from its figures: report.json, report.csv and the two HTML pages.

The same figures, period, revision and generation time always give the same bytes, so a report
rendered again from its stored figures matches the files that were hashed and chained.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime

from flask import Flask, render_template

from anonymize import privacy
from reporting import charts
from reporting.aggregate import Period

CSV_COLUMNS = ("section", "cell", "value", "shown_as", "error_bound_95", "epsilon", "noised")


def report_document(*, period: Period, revision: int, figures: dict, generated_at: datetime) -> bytes:
    """Write report.json: the period, the revision and the figures, keys sorted."""
    document = {
        "schema": "transparency-report/v1",
        "period": str(period),
        "revision": revision,
        "starts": period.starts_at.date().isoformat(),
        "ends": period.ends_at.date().isoformat(),
        "generated_at": generated_at.isoformat(timespec="seconds"),
        **figures,
    }
    return (json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode()


def noised_rows(noised: dict) -> Iterator[list]:
    """Yield the CSV rows of the noised tables: each cell and the total, or the median."""
    for name, table in noised.items():
        epsilon = table["epsilon"]
        if "cells" in table:
            for cell, value in table["cells"].items():
                yield [name, cell, value, privacy.display(value), table["error_bound_95"], epsilon, "yes"]
            yield [name, "total", table["total"], privacy.display(table["total"]), "", epsilon, "yes"]
        else:
            median = table["median_hours"]
            yield [name, "median_hours", median if median is not None else "", "", "", epsilon, "yes"]


def exact_rows(exact: dict) -> Iterator[list]:
    """Yield the CSV rows of the exact figures: counts by cell, referrals, and the models' statuses."""
    for name, table in exact.items():
        if isinstance(table, dict):
            for cell, value in table.items():
                yield [name, cell, value, value, "", "", "no"]
        elif name == "referrals":
            yield [name, "total", table, table, "", "", "no"]
        else:
            for model in table:
                label = f"{model['name']} {model['version']}".strip()
                yield ["models", label, model["status"], model["effective_on"] or "", "", "", "no"]


def report_csv(figures: dict) -> bytes:
    """Write report.csv: one RFC 4180 row per figure, noised figures first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(noised_rows(figures["noised"]))
    writer.writerows(exact_rows(figures["exact"]))
    return out.getvalue().encode()


def report_pages(
    app: Flask, *, period: Period, revision: int, figures: dict, generated_at: datetime
) -> dict[str, bytes]:
    """Render report.html and print.html from one template."""
    context = {
        "period": period,
        "revision": revision,
        "figures": figures,
        "generated_at": generated_at,
        "display": privacy.display,
        "charts": charts.for_report(figures),
    }
    with app.app_context():
        return {
            "report.html": render_template("reporting/report.html", print_view=False, **context).encode(),
            "print.html": render_template("reporting/report.html", print_view=True, **context).encode(),
        }


def render_files(
    app: Flask, *, period: Period, revision: int, figures: dict, generated_at: datetime
) -> dict[str, bytes]:
    """Render the report's files from its stored figures; the same figures always give the same bytes."""
    return {
        "report.json": report_document(period=period, revision=revision, figures=figures, generated_at=generated_at),
        "report.csv": report_csv(figures),
        **report_pages(app, period=period, revision=revision, figures=figures, generated_at=generated_at),
    }
