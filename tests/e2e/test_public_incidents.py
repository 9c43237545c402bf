"""A visitor searches and pages the shared incidents in a real browser with JavaScript off; axe audits the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from incidents.models import Incident
from tests.conftest import FIXED_DAY
from tests.e2e.conftest import run_axe
from tests.factories.exports import approved_incident, enforcement

pytestmark = pytest.mark.time_machine(FIXED_DAY)


def _shared(app, session, count: int) -> list[int]:
    ids = []
    for n in range(count):
        with time_machine.travel(FIXED_DAY + timedelta(minutes=n), tick=False):
            title = f"Kestrel incident {n:02d}" if n % 2 == 0 else f"Heron incident {n:02d}"
            ids.append(approved_incident(app, session, title=title).id)
    return ids


def _listed(page) -> list[str]:
    return page.locator(".incident-item h3 a").all_inner_texts()


def test_a_visitor_searches_and_pages_without_javascript(app, session, live_server, page_factory):
    _shared(app, session, 46)  # 23 of each title: a page of 20 and one of 3 for the Kestrel search
    page = page_factory(javascript=False)
    page.goto(f"{live_server.url}/incidents?lang=es")
    assert page.get_by_role("heading", level=1).inner_text() == "Incidentes compartidos"
    page.get_by_label("Buscar en el título y la descripción").fill("KESTREL")
    page.get_by_role("button", name="Buscar").click()
    page.wait_for_load_state()
    first = _listed(page)
    assert first == [f"Kestrel incident {n:02d}" for n in range(44, 4, -2)]
    assert page.get_by_label("Buscar en el título y la descripción").input_value() == "KESTREL"
    page.get_by_role("link", name="Incidentes anteriores").click()
    page.wait_for_load_state()
    assert _listed(page) == [f"Kestrel incident {n:02d}" for n in (4, 2, 0)]
    assert page.get_by_role("link", name="Incidentes anteriores").count() == 0
    assert "lang=es" in page.url and "q=KESTREL" in page.url
    page.get_by_role("link", name="Kestrel incident 00").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Kestrel incident 00"
    assert "@misc{incident-" in page.locator(".citation").inner_text()
    assert [u for u in page.requests_seen if not u.startswith(live_server.url)] == []
    assert page.context.cookies() == []


def test_accessibility_of_the_public_incident_pages(app, session, live_server, page_factory, axe_path):
    ids = _shared(app, session, 22)
    enforcement(session, incident=session.get(Incident, ids[0]))
    page = page_factory(bypass_csp=True)
    findings = {}
    for name, path in (
        ("list", "/incidents"),
        ("list, Spanish, second page", "/incidents?lang=es&q=incident"),
        ("list with errors", "/incidents?since=yesterday&category=nonsense"),
        ("incident", f"/incidents/{ids[0]}"),
        ("API reference", "/api/docs"),
    ):
        page.goto(f"{live_server.url}{path}")
        findings[name] = run_axe(page, axe_path)
    assert findings == {name: [] for name in findings}


def test_the_public_incident_pages_fit_a_phone(app, session, live_server, browser):
    incident = approved_incident(app, session, title="A very long title " + "without-any-break-" * 12)
    context = browser.new_context(viewport={"width": 375, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    widths = {}
    for path in ("/incidents?lang=es", f"/incidents/{incident.id}?lang=es", "/api/docs"):
        page.goto(live_server.url + path)
        widths[path] = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert all(width <= 375 for width in widths.values()), widths
