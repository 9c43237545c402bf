"""The trend of the published quarters on /transparency: reports received per quarter, with their published errors.

Read from the newest published revision of each quarter (half-years and years are sums of quarters and
are left out). A quarter's total is drawn as a bar with an error bar of its published 95% bound; a total
under the display threshold gets no bar and no error bar but a marker at zero labelled "<10", by the one
rule of the tables (`privacy.suppressed`). The chart is inline SVG drawn on the server (no script); its
figure is named for screen readers, every mark says its quarter and value, and a table under it gives the
same figures as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup

from anonymize import privacy
from core.charts import to_svg
from reporting.charts import readable
from reporting.models import Publication

THRESHOLD = privacy.DISPLAY_THRESHOLD
QUARTER = re.compile(r"^\d{4}Q[1-4]$")


@dataclass(frozen=True)
class Quarter:
    period: str
    total: int
    bound: int | None  # the published 95% error bound of the total; None when the publication stated none

    @property
    def suppressed(self) -> bool:
        return privacy.suppressed(self.total)

    @property
    def shown(self) -> str:
        return privacy.display(self.total)


def _bound(table: dict) -> int | None:
    """The total's 95% bound: `total_error_bound_95` (v2), or the table's one `error_bound_95` (v1)."""
    if isinstance(table.get("total_error_bound_95"), int):
        return table["total_error_bound_95"]
    if isinstance(table.get("error_bound_95"), int):
        return table["error_bound_95"]
    return None


def quarters(publications: list[Publication]) -> list[Quarter]:
    """The published quarters, oldest first, with the total of reports received and its bound."""
    rows = []
    for publication in publications:
        if not QUARTER.match(publication.period):
            continue
        table = (publication.figures.get("noised") or {}).get("received_by_channel")
        if not isinstance(table, dict) or not isinstance(table.get("total"), int):
            continue
        rows.append(Quarter(publication.period, table["total"], _bound(table)))
    return sorted(rows, key=lambda row: row.period)


def chart(rows: list[Quarter]) -> Markup | None:
    """The trend chart as inline SVG; None with no published quarter."""
    if not rows:
        return None
    import altair as alt  # Altair and pandas load on first use, as in reporting/charts.py
    import pandas as pd

    title = _("Reports received per quarter")
    frame = pd.DataFrame(
        {
            "quarter": [row.period for row in rows],
            "count": [None if row.suppressed else row.total for row in rows],
            "low": [None if row.suppressed or row.bound is None else max(0, row.total - row.bound) for row in rows],
            "high": [None if row.suppressed or row.bound is None else row.total + row.bound for row in rows],
            "suppressed": [row.suppressed for row in rows],
            "shown": [row.shown for row in rows],
            "description": [_describe(row) for row in rows],
        }
    )
    # Many quarters: narrower bars and slanted labels, so that the chart stays legible when it shrinks to a phone.
    slant = 0 if len(frame) <= 6 else -45
    x = alt.X("quarter:N", title=_("Quarter"), sort=list(frame["quarter"]), axis=alt.Axis(labelAngle=slant))
    count = _("Reports received")
    # One scale for every layer, from zero to the highest bound (or the threshold, with nothing higher).
    top = max([privacy.DISPLAY_THRESHOLD, *(v for v in [*frame["count"], *frame["high"]] if pd.notna(v))])
    scale = alt.Scale(domain=[0, int(top)], nice=True)
    base = alt.Chart(frame)
    layers: list = []
    shown = base.transform_filter("!datum.suppressed")
    if not frame["suppressed"].all():
        layers.append(
            shown.mark_bar(color="#1d4f91").encode(
                x=x, y=alt.Y("count:Q", title=count, scale=scale), description="description:N"
            )
        )
        if frame["high"].notna().any():
            layers.append(
                shown.transform_filter("isValid(datum.high)")
                .mark_rule(color="#1b1f24", strokeWidth=2, aria=False)
                .encode(x=x, y=alt.Y("low:Q", title=count, scale=scale), y2="high:Q")
            )
    if frame["suppressed"].any():
        hidden = base.transform_filter("datum.suppressed")
        at_zero = alt.YDatum(0, type="quantitative", title=count, scale=scale)
        layers += [
            hidden.mark_point(shape="diamond", filled=True, color="#595959", size=80, opacity=1).encode(
                x=x, y=at_zero, description="description:N"
            ),
            hidden.mark_text(dy=-12, color="#333333", aria=False).encode(x=x, y=at_zero, text="shown:N"),
        ]
    width = max(200, min(560, 70 * len(frame)))
    layered = alt.layer(*layers, title=title).properties(width=width, height=220)
    return to_svg(readable(layered), title)


def _describe(row: Quarter) -> str:
    if row.suppressed:
        return _("%(quarter)s: %(shown)s", quarter=row.period, shown=row.shown)
    if row.bound is None:
        return _("%(quarter)s: %(count)s", quarter=row.period, count=row.total)
    return _("%(quarter)s: %(count)s ± %(bound)s", quarter=row.period, count=row.total, bound=row.bound)


def for_index(
    app_extensions: dict, publications: list[Publication], locale: str
) -> tuple[list[Quarter], Markup | None]:
    """The index's trend rows and chart, kept per set of publications and language (publications never change)."""
    rows = quarters(publications)
    cache: dict = app_extensions.setdefault("reporting.trend_charts", {})
    key = (tuple((p.id, p.chain_hash) for p in publications), locale)
    if key not in cache:
        if len(cache) >= 16:
            cache.clear()
        cache[key] = chart(rows)
    return rows, cache[key]
