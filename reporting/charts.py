"""Charts of a published report: Altair specifications rendered to inline SVG (no script on the page)."""

from __future__ import annotations

import altair as alt
import pandas as pd
from markupsafe import Markup

from core.charts import to_svg


def _svg(frame: pd.DataFrame, title: str, x: str, y: str, color: str) -> Markup:
    chart = (
        alt.Chart(frame, title=title)
        .mark_bar(color=color)
        .encode(y=alt.Y(f"{y}:N", title=None, sort=None), x=alt.X(f"{x}:Q", title="Count"))
        .properties(width=420, height=max(60, 22 * len(frame)))
    )
    return to_svg(chart, title)


def for_report(figures: dict) -> dict[str, Markup]:
    category = figures["noised"]["public_by_category"]["cells"]
    actions = figures["exact"]["actions_by_type"]
    return {
        "category": _svg(
            pd.DataFrame({"category": [k.replace("_", " ") for k in category], "reports": list(category.values())}),
            "Public reports by category (noised)",
            "reports",
            "category",
            "#1d4f91",
        ),
        "actions": _svg(
            pd.DataFrame({"action": [k.replace("_", " ") for k in actions], "count": list(actions.values())}),
            "Enforcement actions by type",
            "count",
            "action",
            "#5b3f8c",
        ),
    }
