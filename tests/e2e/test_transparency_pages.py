"""The public transparency pages in Chromium: no sideways scrolling on a 375 px phone, and axe finds nothing serious.

A quarter is published for real from stored reports (a model suspended in it with a long reason, so the
models table has long text), and two earlier quarters are added by hand so that the index's trend chart
has a bar, an error bar and a marker for a quarter under the threshold.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from incidents.models import ModelRecord
from reporting import publish as publishing
from tests.e2e.conftest import run_axe
from tests.integration.test_transparency import PERIOD, reports_in
from tests.integration.test_transparency_pages import _hand_made

PHONE = {"width": 375, "height": 812}
LANGUAGES = ("en", "es")


@pytest.fixture
def published(app, session):
    reports_in(app, session, PERIOD, 26, category="privacy")
    reports_in(app, session, PERIOD, 3, category="bias_discrimination")
    model = ModelRecord(
        name="Aurora-Multilingual-Instruction-Tuned-Extra-Large",
        version="2026.07-preview",
        provider="Aurora Labs",
        status="suspended",
        public_reason="Gave unsafe medication dosages in several languages; suspended pending an independent review"
        " of its safety evaluations (https://example.org/a-very-long-address/without/any/breaks/at/all).",
        listing="listed",
    )
    session.add(model)
    session.commit()
    session.execute(
        update(ModelRecord)
        .where(ModelRecord.id == model.id)
        .values(status_changed_at=PERIOD.starts_at + timedelta(days=10), effective_on=PERIOD.starts_at.date())
    )
    session.commit()
    publishing.publish(app, session, str(PERIOD))
    _hand_made(session, str(PERIOD.previous().previous()), 7, 12)
    _hand_made(session, str(PERIOD.previous()), 48, 13)
    return str(PERIOD)


def _paths(period: str) -> list[str]:
    return [f"{path}?lang={lang}" for lang in LANGUAGES for path in ("/transparency/", f"/transparency/{period}")]


def test_the_transparency_pages_fit_a_375_px_phone(live_server, browser, published):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    widths = {}
    for path in [*_paths(published), f"/transparency/{published}/print?lang=es"]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        widths[path] = page.evaluate("document.documentElement.scrollWidth")
        # A full-page screenshot is as wide as everything the page draws.
        shot = page.screenshot(full_page=True)
        widths[f"{path} (screenshot)"] = int.from_bytes(shot[16:20], "big")  # the PNG header's width
    # The charts scale with the page: none is wider than the screen. The models table has its long text.
    page.goto(f"{live_server.url}/transparency/{published}")
    charts = page.evaluate("[...document.querySelectorAll('figure svg')].map(svg => svg.getBoundingClientRect().width)")
    assert "Aurora-Multilingual-Instruction-Tuned-Extra-Large" in page.content()
    context.close()
    assert widths == {path: width for path, width in widths.items() if width <= PHONE["width"]}, widths
    assert len(charts) == 2 and all(0 < width <= PHONE["width"] for width in charts), charts


def test_the_transparency_pages_pass_axe_in_both_languages(live_server, page_factory, axe_path, published):
    page = page_factory(bypass_csp=True)  # our CSP rightly blocks injecting axe; the audit context bypasses it
    page.set_viewport_size(PHONE)
    findings = {}
    for path in _paths(published):
        page.goto(live_server.url + path)
        findings[path] = run_axe(page, axe_path)
    assert page.evaluate("document.documentElement.lang") == "es"
    assert findings == {path: [] for path in findings}
    outside = [url for url in page.requests_seen if not url.startswith(live_server.url)]
    assert outside == []
