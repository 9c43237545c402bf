"""Staff at work in a real browser: triage, incidents, enforcement, four-eyes decommissioning, and
the reporter watching the status change through their receipt. Plus axe on the staff pages."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect
from sqlmodel import select

from core import clock
from incidents.models import DecommissionProposal, EnforcementAction, Incident, ModelRecord, Report
from tests.e2e.conftest import run_axe
from tests.e2e.test_browser import sign_in
from tests.factories.triage import stored_report

RECEIPT = "7K3M-Q9XD-2HWP-4RTB"


def reporter_status(page, base: str) -> str:
    page.goto(base + "/followup")
    page.get_by_label("Receipt").fill(RECEIPT)
    page.get_by_role("button", name="Open my report").click()
    page.wait_for_load_state()
    return page.locator("dl.facts dd").first.inner_text()


def test_triager_classifies_links_and_enforces_while_the_reporter_watches(
    live_server, app, page_factory, make_staff, session
):
    report = stored_report(
        app, session, receipt=RECEIPT, title="Assistant advises double insulin dose", model_name="Aurora"
    )
    reporter = page_factory(javascript=False)
    assert "Nobody has read it yet" in reporter_status(reporter, live_server.url)

    staff = page_factory()
    sign_in(staff, live_server.url, make_staff("triager"))
    staff.get_by_role("link", name="Queue").first.click()
    staff.wait_for_load_state()
    staff.get_by_role("link", name=str(report.id), exact=True).click()
    staff.wait_for_load_state()
    expect(staff.get_by_role("heading", name=f"#{report.id}: Assistant advises double insulin dose")).to_be_visible()

    staff.get_by_role("button", name="Acknowledge").click()
    staff.wait_for_load_state()
    assert staff.locator(".flash").first.inner_text() == "Acknowledged."

    staff.locator("summary", has_text="Classify").click()
    staff.locator("#c-severity").select_option("serious_incident")
    staff.locator("#c-flag-health").check()
    staff.get_by_role("button", name="Classify").last.click()
    staff.wait_for_load_state()
    assert "regulatory report is due in 14 days" in staff.content()

    staff.locator("summary", has_text="Link to an incident").click()
    staff.get_by_label("Or a new incident, titled").fill("Insulin dosing advice from Aurora")
    staff.get_by_role("button", name="Link to an incident").last.click()
    staff.wait_for_load_state()
    incident = session.exec(select(Incident)).one()
    assert staff.get_by_role("link", name=f"#{incident.id}").is_visible()

    staff.locator("summary", has_text="Record an enforcement action").click()
    staff.get_by_label("Action", exact=True).select_option("takedown")
    staff.get_by_label("What it targets").select_option("model")
    staff.get_by_label("Target (model name, account id, content URL)").fill("Aurora 13B")
    staff.get_by_label("Ground", exact=True).select_option("policy")
    staff.get_by_label("Law, policy or licence, with the clause").fill("Acceptable Use Policy §4.1")
    staff.get_by_role("button", name="Record the action").click()
    staff.wait_for_load_state()
    action = session.exec(select(EnforcementAction)).one()
    assert (action.report_id, action.incident_id, action.action_type) == (report.id, incident.id, "takedown")

    assert "We are working on it" in reporter_status(reporter, live_server.url)
    staff.get_by_role("button", name="Resolve").click()
    staff.wait_for_load_state()
    session.expire_all()
    assert session.get(Report, report.id).status == "resolved"
    assert "We have acted on your report" in reporter_status(reporter, live_server.url)
    outside = [u for u in staff.requests_seen + reporter.requests_seen if not u.startswith(live_server.url)]
    assert outside == []


def test_two_staff_decommission_a_model(live_server, page_factory, make_staff, session):
    alice, bob = page_factory(), page_factory(javascript=False)
    sign_in(alice, live_server.url, make_staff("triager"))
    sign_in(bob, live_server.url, make_staff("admin"))

    alice.goto(live_server.url + "/staff/models")
    alice.get_by_label("Name").fill("Aurora")
    alice.get_by_label("Version").fill("13B")
    alice.get_by_role("button", name="Register").click()
    alice.wait_for_load_state()
    # Registered without a card, it waits for the pre-upload review: Alice proposes to list it, Bob confirms.
    model = session.exec(select(ModelRecord)).one()
    assert model.listing == "in_review"
    alice.locator("summary", has_text="Review it: approve or return").click()
    alice.locator("#lo-approve").check()
    alice.get_by_role("button", name="Send to a second reviewer").click()
    alice.wait_for_load_state()
    assert "A second staff member must confirm or reject your proposal." in alice.content()
    bob.goto(f"{live_server.url}/staff/models/{model.id}")
    bob.get_by_role("button", name="Confirm: list it").click()
    bob.wait_for_load_state()
    session.expire_all()
    assert session.get(ModelRecord, model.id).listing == "listed"
    alice.reload()
    alice.get_by_role("button", name="Put under review", exact=True).click()
    alice.wait_for_load_state()
    alice.locator("#reason-suspend").fill("Gives dangerous medical advice")
    alice.get_by_role("button", name="Suspend").click()
    alice.wait_for_load_state()
    alice.locator("summary", has_text="Propose decommissioning").click()
    for name, answer in [
        ("severity", "critical"),
        ("reproducibility", "reliably"),
        ("mitigation", "no"),
        ("downstream_usage", "some"),
        ("weights_public", "no"),
    ]:
        alice.locator(f"#cr-{name}-{answer}").check()
    # A date a month ahead of whatever today is: the browser keeps the real clock, so this test does too.
    effective = (clock.today() + timedelta(days=30)).isoformat()
    alice.get_by_label("Effective date").fill(effective)
    alice.get_by_label("Notice to downstream users").fill(
        f"Aurora 13B stops answering on {effective}. Move to Aurora 14B."
    )
    alice.get_by_label("Short public reason").fill("Unsafe medical advice that cannot be mitigated")
    alice.get_by_role("button", name="Send for approval").click()
    alice.wait_for_load_state()
    assert "A second staff member must approve" in alice.content()
    assert alice.get_by_role("button", name="Approve: decommission").count() == 0

    model = session.exec(select(ModelRecord)).one()
    bob.goto(f"{live_server.url}/staff/models/{model.id}")
    bob.get_by_role("button", name="Approve: decommission").click()
    bob.wait_for_load_state()
    session.expire_all()
    assert session.get(ModelRecord, model.id).status == "decommissioned"
    assert session.exec(select(DecommissionProposal)).one().status == "approved"

    public = page_factory(javascript=False)
    public.goto(live_server.url + "/")
    public.get_by_role("link", name="Suspended and decommissioned models").click()
    public.wait_for_load_state()
    row = public.get_by_role("row", name="Aurora 13B")
    # Decommissioned from its effective date, a month ahead: until then the page says when it will be.
    assert f"To be decommissioned on {effective}" in row.inner_text()


def test_accessibility_of_staff_pages(live_server, app, page_factory, make_staff, session, axe_path):
    report = stored_report(app, session, severity="serious_incident", serious_flags=["death"])
    session.add(Incident(title="An incident for the accessibility check"))
    session.add(ModelRecord(name="Aurora", version="13B"))
    session.commit()
    page = page_factory(bypass_csp=True)  # axe is injected as an inline script
    sign_in(page, live_server.url, make_staff("triager"))
    findings = {}
    for path in (
        "/staff/queue",
        f"/staff/reports/{report.id}",
        "/staff/dashboard",
        "/staff/incidents",
        f"/staff/incidents/{session.exec(select(Incident)).one().id}",
        "/staff/models",
        "/staff/models/review",
        f"/staff/models/{session.exec(select(ModelRecord)).one().id}",
        "/models/withdrawn",
        "/models",
    ):
        page.goto(live_server.url + path)
        findings[path] = run_axe(page, axe_path)
    assert {path: found for path, found in findings.items() if found} == {}


def test_published_report_shows_charts_without_javascript_and_passes_axe(
    live_server, app, page_factory, session, axe_path
):
    from core import clock
    from reporting import publish as publishing
    from reporting.aggregate import Period

    period = Period.containing(clock.now()).previous()
    publishing.publish(app, session, str(period))
    page = page_factory(javascript=False)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Transparency reports").click()
    page.wait_for_load_state()
    page.get_by_role("link", name=str(period), exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name=f"Transparency report {period}")).to_be_visible()
    charts = page.locator("figure svg[role=img]")
    assert charts.count() == 2 and charts.first.bounding_box()["width"] > 100
    assert [u for u in page.requests_seen if not u.startswith(live_server.url)] == []
    checker = page_factory(bypass_csp=True)
    findings = {}
    spanish = f"/transparency/{period}?lang=es"  # rendered from the stored figures in the reader's language
    for path in (f"/transparency/{period}", f"/transparency/{period}/print", "/transparency/", spanish):
        checker.goto(live_server.url + path)
        findings[path] = run_axe(checker, axe_path)
    assert {path: found for path, found in findings.items() if found} == {}
