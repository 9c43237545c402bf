"""An affected party appeals a restriction in a real browser with JavaScript off; axe audits the new pages."""

from __future__ import annotations

import re
from pathlib import Path

from sqlmodel import select

from core.auth import StaffUser
from incidents.enforcement import statement
from incidents.enforcement.models import Appeal
from incidents.intake.service import platform_keys
from incidents.models import ModelRecord
from tests.e2e.conftest import run_axe
from tests.e2e.test_browser import sign_in
from tests.integration.test_appeals import suspend

ARGUMENTS = "Our model never saw that benchmark; the overlap is a public-domain text both drew on."


def restricted_model(session, make_staff):
    model = ModelRecord(name="Aurora", version="13B", status="suspended")
    session.add(model)
    session.commit()
    author = session.get(StaffUser, make_staff("triager").id)
    return model, suspend(session, author, model)


def test_an_affected_party_appeals_without_javascript_and_a_colleague_reverses(
    app, live_server, page_factory, make_staff, session
):
    model, action = restricted_model(session, make_staff)
    colleague = page_factory(javascript=False)
    sign_in(colleague, live_server.url, make_staff("admin"))
    colleague.goto(f"{live_server.url}/staff/enforcement/{action.id}/statement")
    with colleague.expect_download() as download:
        colleague.get_by_role("button", name="Download as text").click()
    text = Path(download.value.path()).read_text()
    link = re.search(r"(http\S+/appeal/[A-Za-z0-9_-]{32})\n", text).group(1)
    assert "Acceptable use policy, clause 4.2" in text
    with colleague.expect_download() as download:  # a second statement, with a link of its own
        colleague.get_by_role("button", name="Download as text").click()
    second = re.search(r"(/appeal/[A-Za-z0-9_-]{32})\n", Path(download.value.path()).read_text()).group(1)
    late = page_factory(javascript=False)
    late.goto(live_server.url + second)  # its form is open in another window when the first appeal goes in

    appellant = page_factory(javascript=False)
    appellant.goto(live_server.url + link[link.index("/appeal/") :])
    assert appellant.get_by_role("heading", name="Appeal a decision").is_visible()
    appellant.get_by_label("Your arguments").fill(ARGUMENTS)
    appellant.get_by_label("Files").set_input_files([{"name": "log.txt", "mimeType": "text/plain", "buffer": b"log"}])
    appellant.get_by_role("button", name="Send my appeal").click()
    appellant.wait_for_load_state()
    assert appellant.get_by_role("heading", name="Your appeal is received").is_visible()
    receipt = appellant.locator("#receipt").inner_text().strip()
    # The other link's form is refused (one appeal of a decision at a time), and gives back what was written.
    late.get_by_label("Your arguments").fill("A second appeal of the same suspension, sent too late.")
    late.get_by_role("button", name="Send my appeal").click()
    late.wait_for_load_state()
    assert late.get_by_role("heading", name="This decision already has an appeal waiting").is_visible()
    assert late.locator("#written").inner_text() == "A second appeal of the same suspension, sent too late."

    colleague.goto(f"{live_server.url}/staff/appeals")
    appeal = session.exec(select(Appeal)).one()
    colleague.get_by_role("link", name=f"Appeal #{appeal.id}").click()
    assert ARGUMENTS in colleague.content()
    colleague.get_by_label("Reversed", exact=True).check()
    colleague.get_by_label("Reasons, for the appellant").fill("The overlap is a shared public-domain source.")
    colleague.get_by_role("button", name="Record the decision").click()
    colleague.wait_for_load_state()
    assert "The appeal is decided." in colleague.content()

    appellant.get_by_role("link", name="Follow an appeal").click()
    appellant.get_by_label("Receipt").fill(receipt.lower())
    appellant.get_by_role("button", name="Open my appeal").click()
    appellant.wait_for_load_state()
    assert appellant.locator("#outcome").inner_text() == "The decision is reversed."
    assert "The overlap is a shared public-domain source." in appellant.content()
    session.expire_all()
    assert session.get(ModelRecord, model.id).status == "active"
    assert [u for u in appellant.requests_seen if not u.startswith(live_server.url)] == []
    cookies = appellant.context.cookies()
    assert [c["name"] for c in cookies] == ["session"] and cookies[0]["httpOnly"]


def test_accessibility_of_the_appeal_pages(app, live_server, page_factory, make_staff, session, axe_path):
    _model, action = restricted_model(session, make_staff)
    author = session.get(StaffUser, action.created_by)
    token = statement.issue_statement(session, actor=author, action=action, keys=platform_keys(app))
    other = statement.issue_statement(session, actor=author, action=action, keys=platform_keys(app))
    late = page_factory(bypass_csp=True)
    late.goto(f"{live_server.url}/appeal/{other}")  # shown before the appeal is filed with the first link
    page = page_factory(bypass_csp=True)
    findings = {}
    page.goto(f"{live_server.url}/appeal/{token}")
    page.get_by_role("button", name="Send my appeal").click()
    page.wait_for_load_state()
    findings["form (errors)"] = run_axe(page, axe_path)
    page.get_by_label("Your arguments").fill(ARGUMENTS)
    page.get_by_role("button", name="Send my appeal").click()
    page.wait_for_load_state()
    findings["receipt"] = run_axe(page, axe_path)
    receipt = page.locator("#receipt").inner_text().strip()
    for path in (f"/appeal/{token}", "/appeal/status", "/appeal/status?lang=es"):
        page.goto(live_server.url + path)
        findings[path] = run_axe(page, axe_path)
    page.goto(live_server.url + "/appeal/status")
    page.get_by_label("Receipt").fill(receipt)
    page.get_by_role("button", name="Open my appeal").click()
    page.wait_for_load_state()
    findings["status"] = run_axe(page, axe_path)
    late.get_by_label("Your arguments").fill(ARGUMENTS)
    late.get_by_role("button", name="Send my appeal").click()
    late.wait_for_load_state()
    findings["already waiting (what was written)"] = run_axe(late, axe_path)
    assert late.get_by_role("heading", name="This decision already has an appeal waiting").is_visible()
    third = statement.issue_statement(session, actor=author, action=action, keys=platform_keys(app))
    late.goto(f"{live_server.url}/appeal/{third}")  # a link made while the appeal waits
    assert late.get_by_role("heading", name="This decision already has an appeal waiting").is_visible()
    findings["already waiting"] = run_axe(late, axe_path)
    staff = page_factory(bypass_csp=True)
    sign_in(staff, live_server.url, make_staff("admin"))
    appeal = session.exec(select(Appeal)).one()
    for path in (f"/staff/enforcement/{action.id}/statement", "/staff/appeals", f"/staff/appeals/{appeal.id}"):
        staff.goto(live_server.url + path)
        findings[path] = run_axe(staff, axe_path)
    assert findings == {key: [] for key in findings}
