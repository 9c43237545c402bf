"""In a browser: a report page leads to its errata, a half-year's page, and axe on the new pages."""

from __future__ import annotations

from playwright.sync_api import expect

from core import clock
from reporting import notes
from reporting import publish as publishing
from reporting.aggregate import Period
from tests.e2e.conftest import run_axe
from tests.e2e.test_browser import sign_in


def test_errata_show_on_the_report_page_and_the_new_pages_pass_axe(
    live_server, app, page_factory, make_staff, session, axe_path
):
    year = clock.now().year - 1
    for quarter in (1, 2):
        publishing.publish(app, session, str(Period(year, quarter)))
    publisher = make_staff("publisher")
    first = publishing.latest(session, f"{year}Q1")
    notes.add_erratum(session, first, wrong="A <em>typo</em> in the lead.", corrected="Fixed.", actor_id=publisher.id)

    page = page_factory(javascript=False)  # the report page runs no script; its errata are a link away
    page.goto(f"{live_server.url}/transparency/{year}Q1")
    page.get_by_role("link", name=f"Errata of {year}Q1").click()
    errata = page.locator("main ol li")
    expect(errata).to_have_count(1)
    expect(errata.first).to_contain_text("A <em>typo</em> in the lead.")  # as text, never as markup
    assert page.locator("main em").count() == 0
    assert [u for u in page.requests_seen if not u.startswith(live_server.url)] == []

    page.goto(f"{live_server.url}/transparency/")
    page.get_by_role("link", name=f"{year}H1", exact=True).click()
    expect(page.get_by_role("heading", name=f"Transparency report {year}H1")).to_be_visible()

    checker = page_factory(bypass_csp=True)  # axe is injected as an inline script
    sign_in(checker, live_server.url, publisher)
    findings = {}
    for path in (
        f"/transparency/{year}H1",
        f"/transparency/{year}",  # not all its quarters are published: says which
        f"/transparency/{year}Q1/errata",
        f"/staff/transparency/{Period.containing(clock.now())}/text",
        f"/staff/transparency/{first.id}/errata",
        "/staff/transparency",
    ):
        checker.goto(live_server.url + path)
        findings[path] = run_axe(checker, axe_path)
    assert {path: found for path, found in findings.items() if found} == {}
