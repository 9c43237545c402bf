"""Charts of a published report: Altair specifications rendered to inline SVG (no script on the page).

A noised count under the display threshold gets no bar (a bar would show the value the table hides)
but a marker at zero labelled "<10", by the same rule as the tables, report.csv and report.json.
Every mark names its cell, in words in the report's language, for screen readers: "Hate or harassment: <10".
"""

from __future__ import annotations

import altair as alt
import pandas as pd
from flask_babel import gettext as _
from markupsafe import Markup

from anonymize import privacy
from core.charts import to_svg
from reporting.labels import cell_label


def _frame(table: str, cells: dict[str, int], noised: bool) -> pd.DataFrame:
    labels = [cell_label(table, cell) for cell in cells]
    hidden = [noised and privacy.suppressed(value) for value in cells.values()]
    shown = [privacy.display(value) if noised else str(value) for value in cells.values()]
    return pd.DataFrame(
        {
            "label": labels,
            "count": [None if h else value for h, value in zip(hidden, cells.values(), strict=True)],
            "suppressed": hidden,
            "shown": shown,
            "description": [f"{label}: {text}" for label, text in zip(labels, shown, strict=True)],
        }
    )


def _svg(frame: pd.DataFrame, title: str, color: str) -> Markup:
    # Every layer keeps the table's order (a layered chart would otherwise put the bars' labels first).
    y = alt.Y("label:N", title=None, sort=list(frame["label"]))
    # With no bar at all, the axis still runs to the threshold, so that the markers read as "under 10".
    scale = alt.Scale() if not frame["suppressed"].all() else alt.Scale(domain=[0, privacy.DISPLAY_THRESHOLD])
    at_zero = alt.XDatum(0, type="quantitative", title=_("Count"), scale=scale)
    base = alt.Chart(frame)
    # A layer with no mark would leave an unlabelled mark group, which screen readers (and axe) object to.
    layers: list = []
    if not frame["suppressed"].all():
        layers.append(
            base.transform_filter("!datum.suppressed")
            .mark_bar(color=color)
            .encode(y=y, x=alt.X("count:Q", title=_("Count")), description="description:N")
        )
    if frame["suppressed"].any():
        hidden = base.transform_filter("datum.suppressed")
        layers += [
            hidden.mark_point(shape="diamond", filled=True, color="#595959", size=60, opacity=1).encode(
                y=y, x=at_zero, description="description:N"
            ),
            hidden.mark_text(align="left", dx=9, color="#333333", aria=False).encode(y=y, x=at_zero, text="shown:N"),
        ]
    # Narrow, with text a size up: on a phone the SVG shrinks to the column (its viewBox), and stays legible.
    chart = alt.layer(*layers, title=title).properties(width=300, height=max(60, 22 * len(frame)))
    return to_svg(readable(chart), title)


def readable(chart):
    """Axis and title text a size up from Vega-Lite's 10-11 px, for charts that shrink on a phone."""
    return chart.configure_axis(labelFontSize=12, titleFontSize=12).configure_title(fontSize=14)


def for_report(figures: dict) -> dict[str, Markup]:
    """The report's charts: public reports by category (noised, under the one rule) and actions by type (exact)."""
    category = figures["noised"]["public_by_category"]["cells"]
    actions = figures["exact"]["actions_by_type"]
    return {
        "category": _svg(
            _frame("public_by_category", category, noised=True), _("Public reports by category (noised)"), "#1d4f91"
        ),
        "actions": _svg(_frame("actions_by_type", actions, noised=False), _("Enforcement actions by type"), "#5b3f8c"),
    }
