"""The public transparency pages: the trend of the published quarters, the reader's language, the stored files kept."""

import re
from datetime import timedelta

from sqlmodel import select

from reporting import publish as publishing
from reporting.aggregate import Period
from reporting.models import Publication, PublicationFile
from tests.integration.test_transparency import PERIOD, reports_in
from tests.integration.test_transparency_release import _store_golden_v1, html_cells


def _hand_made(session, period: str, total: int, bound: int) -> None:
    """A published quarter with hand-made figures: all the index reads is the channel table's total and bound."""
    quarter = Period.parse(period)
    table = {
        "cells": {"public": total, "whistleblower": 0},
        "error_bound_95": {"public": bound, "whistleblower": 9},
        "total": total,
        "total_error_bound_95": bound,
    }
    session.add(
        Publication(
            period=period,
            revision=1,
            starts_at=quarter.starts_at,
            ends_at=quarter.ends_at,
            status="published",
            generated_at=quarter.ends_at + timedelta(days=2),
            published_at=quarter.ends_at + timedelta(days=2),
            epsilon="1",
            figures={"noised": {"received_by_channel": table}},
            prev_hash=publishing.GENESIS,
            chain_hash=f"hand-made-{period}",
        )
    )
    session.commit()


def _seed_quarters(session) -> None:
    _store_golden_v1(session)  # 2025Q1: 36 reports, its one bound ±14 (v1)
    _hand_made(session, "2025Q2", 7, 12)  # under the threshold: a marker, no bar
    _hand_made(session, "2025Q3", 112, 13)
    # A draft is not published: it is not on the chart.
    draft = Period.parse("2025Q4")
    session.add(
        Publication(
            period="2025Q4",
            revision=1,
            starts_at=draft.starts_at,
            ends_at=draft.ends_at,
            status="draft",
            epsilon="1",
            figures={"noised": {"received_by_channel": {"cells": {}, "total": 500, "total_error_bound_95": 1}}},
            prev_hash=publishing.GENESIS,
            chain_hash="hand-made-draft",
        )
    )
    session.commit()


def _trend_marks(html: str) -> dict[str, str]:
    """{aria-label: mark} of the trend chart's marks (bar or point)."""
    svg = re.search(
        r'<svg [^>]*aria-label="(?:Reports received per quarter|Informes recibidos por trimestre)".*?</svg>', html, re.S
    )
    assert svg, "no trend chart"
    return dict(
        re.findall(r'aria-label="([^"]+)" role="graphics-symbol" aria-roledescription="(bar|point)"', svg.group(0))
    )


def test_the_index_draws_the_published_quarters_with_their_bounds(app, session, client):
    _seed_quarters(session)
    html = client.get("/transparency/").get_data(as_text=True)
    rows = re.findall(r'<td data-trend="([^"]+)">([^<]*)</td><td>([^<]*)</td>', html)
    table = {period: (shown, bound) for period, shown, bound in rows}
    assert table == {"2025Q1": ("36", "±14"), "2025Q2": ("&lt;10", "–"), "2025Q3": ("112", "±13")}
    assert _trend_marks(html) == {
        "2025Q1: 36 ± 14": "bar",
        "2025Q2: &lt;10": "point",
        "2025Q3: 112 ± 13": "bar",
    }
    svg = re.search(r'<svg [^>]*aria-label="Reports received per quarter".*?</svg>', html, re.S).group(0)
    assert 'viewBox="' in svg and "<script" not in html
    # Two error bars, at the first and third quarters (none for the quarter under the threshold), as long as
    # their published intervals: 2 x 14 and 2 x 13 reports.
    rules = re.search(r'<g class="mark-rule role-mark[^"]*"[^>]*>(.*?)</g>', svg).group(1)
    lines = [
        (float(x), abs(float(dy)))
        for x, dy in re.findall(r'translate\(([\d.]+),[\d.]+\)" x2="0" y2="(-?[\d.]+)"', rules)
    ]
    assert [x for x, _ in lines] == [35, 175]
    assert abs(lines[0][1] / lines[1][1] - 28 / 26) < 0.01


def test_the_index_in_spanish(app, session, client):
    _seed_quarters(session)
    html = client.get("/transparency/?lang=es").get_data(as_text=True)
    assert '<html lang="es">' in html and "<h1>Informes de transparencia</h1>" in html
    assert _trend_marks(html) == {
        "2025Q1: 36 ± 14": "bar",
        "2025Q2: &lt;10": "point",
        "2025Q3: 112 ± 13": "bar",
    }
    assert "Informes recibidos por trimestre" in html and "Reports received" not in html


def test_a_report_reads_in_spanish_with_the_same_figures(app, session, client):
    reports_in(app, session, PERIOD, 23, category="privacy")
    publishing.publish(app, session, str(PERIOD))
    english = client.get(f"/transparency/{PERIOD}")
    spanish = client.get(f"/transparency/{PERIOD}?lang=es")
    assert english.headers["Content-Language"] == "en" and spanish.headers["Content-Language"] == "es"
    html = spanish.get_data(as_text=True)
    assert '<html lang="es">' in html
    assert f"<h1>Informe de transparencia {PERIOD}</h1>" in html
    assert "Todos los informes" in html and "Vista para imprimir" in html
    assert "Unidad de privacidad" in html  # the methodology, translated
    assert f'href="/transparency/{PERIOD}/print?lang=es"' in html  # the choice carries to the report's links
    # The same published figures in both languages, under the same rule.
    assert html_cells(html) == html_cells(english.get_data(as_text=True)) and html_cells(html)
    # Drawn pages are kept per language: English again after Spanish is the same English page.
    again = client.get(f"/transparency/{PERIOD}")
    assert again.data == english.data and b'<html lang="en">' in again.data
    # Accept-Language chooses too; the print view follows.
    by_header = client.get(f"/transparency/{PERIOD}/print", headers={"Accept-Language": "es-ES,es;q=0.9"})
    assert '<html lang="es">' in by_header.get_data(as_text=True)
    # The page as published stays in the default language, byte for byte.
    stored = session.exec(select(PublicationFile).where(PublicationFile.name == "report.html")).one()
    published = client.get(f"/transparency/{PERIOD}/published?lang=es")
    assert published.data == stored.content and b'<html lang="en">' in stored.content


def test_a_report_of_an_earlier_version_is_served_as_published_in_any_language(app, session, client):
    golden = _store_golden_v1(session)
    stored = session.exec(
        select(PublicationFile).where(
            PublicationFile.publication_id == golden.id, PublicationFile.name == "report.html"
        )
    ).one()
    page = client.get("/transparency/2025Q1?lang=es")
    assert page.data == stored.content and page.headers["X-Content-SHA256"] == stored.sha256


def test_the_stored_page_is_in_the_default_language_whoever_publishes(app, session):
    """A publication started inside a request in Spanish (the immediate queue runs it there) stores English."""
    from flask_babel import get_locale

    reports_in(app, session, PERIOD, 12)
    with app.test_request_context("/staff/transparency?lang=es"):
        app.preprocess_request()
        assert str(get_locale()) == "es"
        publishing.publish(app, session, str(PERIOD))
    stored = session.exec(select(PublicationFile).where(PublicationFile.name == "report.html")).one().content
    assert b'<html lang="en">' in stored and b"lang=es" not in stored.replace(b'?lang=es" lang="es"', b"")
    assert f"<h1>Transparency report {PERIOD}</h1>".encode() in stored
