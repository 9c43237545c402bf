"""The licence ground in a real browser without JavaScript: staff cite a clause from the grouped list, and the
public follows a model's licence to the list of licences we act on. Axe audits the licence pages."""

from __future__ import annotations

from sqlmodel import select

from incidents.models import EnforcementAction, ModelRecord
from tests.e2e.conftest import run_axe
from tests.e2e.test_browser import sign_in
from tests.factories.triage import stored_report


def test_staff_cite_a_clause_and_the_public_reads_it(live_server, app, page_factory, make_staff, session):
    report = stored_report(app, session, title="A fine-tune sold for phone fraud", model_name="Quill")
    model = ModelRecord(name="Quill", version="7B", licence="llama2")
    session.add(model)
    session.commit()
    staff = page_factory(javascript=False)
    sign_in(staff, live_server.url, make_staff("triager"))
    staff.goto(f"{live_server.url}/staff/reports/{report.id}")
    staff.locator("summary", has_text="Record an enforcement action").click()
    staff.get_by_label("Action", exact=True).select_option("takedown")
    staff.get_by_label("What it targets").select_option("model")
    staff.get_by_label("Target (model name, account id, content URL)").fill("Quill 7B")
    staff.get_by_label("Ground", exact=True).select_option("licence")
    clause = staff.get_by_label("Licence clause")
    assert clause.locator("option[disabled]").count() == 2  # the vague licences are shown but cannot be chosen
    clause.select_option(
        "Llama 2 Community License Agreement — Acceptable Use Policy §3: Deceiving or misleading others: fraud, "
        "disinformation, impersonation, spam."
    )
    staff.get_by_role("button", name="Record the action").click()
    staff.wait_for_load_state()
    action = session.exec(select(EnforcementAction)).one()
    assert (action.licence_id, action.licence_clause) == ("llama2", "aup-3")
    staff.get_by_role("link", name="llama2 aup-3").click()
    staff.wait_for_load_state()
    assert staff.locator("#clause-llama2-aup-3").is_visible()

    public = page_factory(javascript=False)
    public.goto(f"{live_server.url}/models/{model.id}")
    public.get_by_role("link", name="Llama 2 Community License Agreement").click()
    public.wait_for_load_state()
    assert public.get_by_role("heading", name="Llama 2 Community License Agreement").is_visible()
    public.get_by_role("link", name="Licences we act on").first.click()
    public.wait_for_load_state()
    assert public.get_by_role("heading", name="Licences we act on", exact=True).is_visible()
    outside = [u for u in staff.requests_seen + public.requests_seen if not u.startswith(live_server.url)]
    assert outside == []


def test_accessibility_of_the_licence_pages(live_server, page_factory, session, axe_path):
    model = ModelRecord(name="Helpdesk", version="7B", licence="openrail")
    session.add(model)
    session.commit()
    page = page_factory(bypass_csp=True)
    findings = {}
    for path in (
        "/licences",
        "/licences?lang=es",
        "/licences/openrail",
        "/licences/gemma?lang=es",
        f"/models/{model.id}",
    ):
        page.goto(live_server.url + path)
        findings[path] = run_axe(page, axe_path)
    assert findings == dict.fromkeys(findings, [])
