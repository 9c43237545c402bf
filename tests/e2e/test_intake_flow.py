"""A reporter in a real browser, with JavaScript off and on: report, receipt, follow-up, reply."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from core import clock
from incidents.models import Report
from tests.e2e.conftest import run_axe
from tests.e2e.test_browser import sign_in
from tests.factories import files


def fill_report(page, base: str, path: str = "/report") -> None:
    page.goto(base + path)
    page.get_by_label("A short title").fill("Image model invents medical records")
    page.get_by_label("Describe what happened").fill(
        "Asked for a sample form, it produced what looks like a real patient's record with a name and address."
    )
    page.get_by_label("What kind of problem is it?").select_option("privacy")
    page.locator("#f-model_name").fill("Quill-Diffusion")
    page.get_by_label("An incident: it caused harm").check()
    page.get_by_label("Country").select_option("ES")
    page.get_by_label("When it happened (or started)").fill((clock.today() - timedelta(days=30)).isoformat())
    page.get_by_label("Files").set_input_files(
        [
            {"name": "screenshot.jpg", "mimeType": "image/jpeg", "buffer": files.jpeg_with_gps()},
            {"name": "notes.txt", "mimeType": "text/plain", "buffer": files.TEXT},
        ]
    )
    page.get_by_label("You may share a summary").check()
    page.get_by_role("button", name="Send report").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("javascript", [False, True], ids=["js-off", "js-on"])
def test_report_receipt_followup_and_reply(live_server, page_factory, make_staff, session, javascript):
    reporter = page_factory(javascript=javascript)
    fill_report(reporter, live_server.url)
    assert reporter.get_by_role("heading", name="Your report is received").is_visible()
    receipt = reporter.locator("#receipt").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", receipt)
    report = session.exec(select(Report)).one()

    staff = page_factory(javascript=javascript)
    sign_in(staff, live_server.url, make_staff("triager"))
    staff.goto(f"{live_server.url}/staff/reports/{report.id}")
    assert "real patient's record" in staff.content()
    assert staff.get_by_role("link", name="screenshot.jpg").is_visible()
    staff.get_by_label("Message").fill("Thanks. Did it happen more than once?")
    staff.get_by_role("button", name="Send reply").click()
    staff.wait_for_load_state()

    reporter.get_by_label("I have saved my receipt", exact=False).check()
    reporter.get_by_role("button", name="Continue").click()
    reporter.wait_for_load_state()
    reporter.get_by_role("link", name="Go to the follow-up page").click()
    reporter.get_by_label("Receipt").fill(receipt.lower().replace("-", " "))
    reporter.get_by_role("button", name="Open my report").click()
    reporter.wait_for_load_state()
    assert "Thanks. Did it happen more than once?" in reporter.content()
    reporter.get_by_label("Your message").fill("Yes, every time I asked.")
    reporter.get_by_label("Files").set_input_files(
        [{"name": "second.txt", "mimeType": "text/plain", "buffer": b"second attempt log"}]
    )
    reporter.get_by_role("button", name="Send message").click()
    reporter.wait_for_load_state()
    assert reporter.get_by_role("status").filter(has_text="Your message was added.").is_visible()
    assert "Yes, every time I asked." in reporter.content()

    staff.reload()
    assert "Yes, every time I asked." in staff.content() and "second.txt" in staff.content()
    for page in (reporter, staff):
        outside = [u for u in page.requests_seen if not u.startswith(live_server.url)]
        assert outside == []
    cookies = reporter.context.cookies()
    assert [c["name"] for c in cookies] == ["session"] and cookies[0]["httpOnly"]


def test_whistleblower_flow_without_javascript(live_server, page_factory, make_staff, session):
    recipient = make_staff("recipient")
    make_staff("recipient")
    reporter = page_factory(javascript=False)
    fill_report(reporter, live_server.url, "/whistleblow")
    receipt = reporter.locator("#receipt").inner_text().strip()
    assert receipt
    report = session.exec(select(Report)).one()
    assert report.channel == "whistleblower"
    staff = page_factory(javascript=False)
    sign_in(staff, live_server.url, recipient)
    staff.goto(f"{live_server.url}/staff/reports/{report.id}")
    assert "real patient's record" in staff.content()


def test_validation_error_keeps_input_without_javascript(live_server, page_factory):
    page = page_factory(javascript=False)
    page.goto(live_server.url + "/report")
    page.get_by_label("A short title").fill("abc")
    page.get_by_label("Describe what happened").fill("A description long enough to pass validation.")
    page.get_by_role("button", name="Send report").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("A short title").input_value() == "abc"
    assert page.get_by_label("Describe what happened").input_value().startswith("A description long")
    assert "Choose a category from the list." in page.content()


def test_an_intellectual_property_notice_without_javascript(live_server, page_factory, session):
    page = page_factory(javascript=False)
    page.goto(live_server.url + "/report")
    page.get_by_role("link", name="Intellectual property").click()
    page.wait_for_load_state()
    page.get_by_label("Which work or right is infringed?").fill(
        "My photograph of the harbour, at https://photos.example.org/1"
    )
    page.get_by_label("Who holds the rights?").fill("Harbour Photo Co-op")
    page.get_by_label("I act for the rights holder, as their agent (for example their lawyer)").check()
    page.get_by_label("Copyright (for example a text, image, music, video or code)").check()
    page.get_by_label("A short title").fill("Model reproduces my photograph")
    page.get_by_label("Describe what happened").fill(
        "Asked for a harbour at dusk, it returns my photograph almost pixel for pixel."
    )
    page.get_by_role("button", name="Send report").click()
    page.wait_for_load_state()
    # Without the good-faith statement the notice comes back, with what was typed, and the error links to the box.
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("Who holds the rights?").input_value() == "Harbour Photo Co-op"
    page.get_by_role("link", name="The good-faith statement: Confirm this statement to send the notice.").click()
    page.get_by_label("I believe in good faith", exact=False).check()
    page.get_by_role("button", name="Send report").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Your report is received").is_visible()
    report = session.exec(select(Report)).one()
    assert (report.kind, report.notice_type, report.reporter_role, report.good_faith) == (
        "intellectual_property",
        "DMCA",
        "representative",
        True,
    )
    assert [u for u in page.requests_seen if not u.startswith(live_server.url)] == []


def test_accessibility_of_reporter_pages(live_server, page_factory, make_staff, axe_path):
    make_staff("recipient")
    page = page_factory(bypass_csp=True)
    findings = {}
    kinds = ("/report?kind=intellectual_property", "/report?kind=licence_violation", "/report?kind=complaint")
    for path in ("/report", "/whistleblow", "/followup", "/report?lang=es", *kinds):
        page.goto(live_server.url + path)
        findings[path] = run_axe(page, axe_path)
    page.goto(live_server.url + "/report")
    page.get_by_role("button", name="Send report").click()
    page.wait_for_load_state()
    findings["/report (errors)"] = run_axe(page, axe_path)
    page.goto(live_server.url + "/report?kind=licence_violation")
    page.get_by_label("Which licence is the model released under?").select_option("openrail")
    page.get_by_role("button", name="Send report").click()
    page.wait_for_load_state()
    findings["/report?kind=licence_violation (vague licence)"] = run_axe(page, axe_path)
    fill_report(page, live_server.url)
    findings["receipt"] = run_axe(page, axe_path)
    receipt = page.locator("#receipt").inner_text().strip()
    page.get_by_role("button", name="Continue").click()  # not ticked: the receipt again, with the error
    page.wait_for_load_state()
    findings["receipt (not ticked)"] = run_axe(page, axe_path)
    page.get_by_label("I have saved my receipt", exact=False).check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    findings["receipt saved"] = run_axe(page, axe_path)
    page.goto(live_server.url + "/followup")
    page.get_by_label("Receipt").fill(receipt)
    page.get_by_role("button", name="Open my report").click()
    page.wait_for_load_state()
    findings["thread"] = run_axe(page, axe_path)
    assert findings == {key: [] for key in findings}
