"""Server-side charts: an Altair chart rendered to inline SVG (no script, nothing from another host)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from markupsafe import Markup

if TYPE_CHECKING:  # only the annotation needs Altair, which takes a third of a second to import
    import altair as alt


def to_svg(chart: alt.TopLevelMixin, title: str) -> Markup:
    """Render an Altair chart with vl-convert and name the figure for screen readers.

    vl-convert is imported on first use: it is large, and web workers that never draw a chart
    (intake, for one) should not carry it.
    """
    import vl_convert

    svg = vl_convert.vegalite_to_svg(chart.to_json())
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{Markup.escape(title)}" ', 1))
