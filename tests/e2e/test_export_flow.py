"""A publisher in a real browser: reviews the scrubbed summary, approves an incident, exports, and
downloads the AI Incident Database files, which carry the incident scrubbed. Plus axe on the page."""

from __future__ import annotations

import csv
import io
import json

from playwright.sync_api import expect

from core.tasks import work_off
from tests.e2e.conftest import run_axe
from tests.e2e.test_browser import sign_in
from tests.factories.exports import LONG, approved_incident

EMAIL = "whistle.blower@example.net"
PHONE = "+49 30 901820"


def test_publisher_approves_and_the_export_carries_the_incident_scrubbed(
    live_server, app, session, page_factory, make_staff, axe_path
):
    incident = approved_incident(
        app,
        session,
        share=False,
        title=f"Assistant leaked {EMAIL} to other users",
        description=f"{LONG} Victims could be called at {PHONE}.",
    )
    page = page_factory(javascript=False)
    sign_in(page, live_server.url, make_staff("publisher"))
    page.goto(f"{live_server.url}/staff/incidents/{incident.id}")
    preview = page.locator("#public-preview")
    expect(preview).to_contain_text("Assistant leaked [EMAIL] to other users")
    expect(preview).to_contain_text("called at [PHONE]")
    page.get_by_role("button", name="Approve for public sharing").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Sharing updated.")).to_be_visible()

    page.get_by_role("link", name="Staff home").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Exports: AI Incident Database and DSA statements of reasons").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Export now").click()
    page.wait_for_load_state()
    expect(page.get_by_text("The export is queued as job 1; this page shows its progress.")).to_be_visible()
    expect(page.get_by_text("Waiting for the task worker.")).to_be_visible()
    assert work_off(app) == 1  # the task worker's part, done in this process
    page.get_by_role("link", name="Refresh now").click()
    page.wait_for_load_state()
    expect(page.get_by_text("AI Incident Database export: new files written.")).to_be_visible()

    files = {}
    for name in ("incidents.csv", "reports.csv", "submissions.json", "entities.json"):
        with page.expect_download() as download:
            page.get_by_role("link", name=name, exact=True).first.click()
        with open(download.value.path(), encoding="utf-8", newline="") as saved:
            files[name] = saved.read()
    row = next(csv.DictReader(io.StringIO(files["incidents.csv"])))
    assert row["incident_id"] == ""  # AIID gives the number; ours is in the submission's tags
    assert row["title"] == "Assistant leaked [EMAIL] to other users"
    submission = json.loads(files["submissions.json"])[0]
    assert submission["incident_title"] == row["title"]
    assert any(tag.endswith(f"#incident-{incident.id}") for tag in submission["tags"])
    assert {"entity_id": "acme-health-apps", "name": "Acme Health Apps"} in json.loads(files["entities.json"])
    for text in files.values():
        assert EMAIL not in text and PHONE not in text

    audit = page_factory(bypass_csp=True)
    sign_in(audit, live_server.url, make_staff("publisher"))
    for path in ("/staff/exports", "/staff/transparency"):  # with their jobs and budgets
        audit.goto(f"{live_server.url}{path}")
        assert run_axe(audit, axe_path) == [], path
    # The incident page with its sources, the preview and the classification forms; and a source's own form.
    staff = page_factory(bypass_csp=True)
    sign_in(staff, live_server.url, make_staff("triager"))
    for path in (f"/staff/incidents/{incident.id}", f"/staff/incidents/{incident.id}/sources/new"):
        staff.goto(f"{live_server.url}{path}")
        assert run_axe(staff, axe_path) == [], path
    assert all(url.startswith(live_server.url) for url in page.requests_seen)
