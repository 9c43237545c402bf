"""Real browser against a real server: staff login with TOTP, accessibility, no third-party requests."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import run_axe


def sign_in(page, base_url: str, user) -> None:
    page.goto(f"{base_url}/staff/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(user.password)
    page.get_by_label("Authenticator code").fill(user.code())
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_staff_login_with_totp_and_logout(live_server, page_factory, make_staff, javascript):
    user = make_staff("triager")
    page = page_factory(javascript=javascript)
    sign_in(page, live_server.url, user)
    assert page.url == f"{live_server.url}/staff/"
    assert page.get_by_role("heading", name="Staff home").is_visible()
    assert user.email in page.content()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    assert page.url.endswith("/staff/login")
    page.goto(f"{live_server.url}/staff/")
    assert page.url.startswith(f"{live_server.url}/staff/login")
    outside = [url for url in page.requests_seen if not url.startswith(live_server.url)]
    assert outside == [], f"requests left the server: {outside}"


def test_wrong_code_shows_a_clear_error(live_server, page_factory, make_staff):
    user = make_staff("admin")
    page = page_factory(javascript=False)
    page.goto(f"{live_server.url}/staff/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(user.password)
    page.get_by_label("Authenticator code").fill("000000" if user.code() != "000000" else "111111")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text().strip() == "The email, password or code is wrong."
    assert page.get_by_label("Email").input_value() == user.email


def test_no_request_leaves_the_server(live_server, page_factory, make_staff):
    page = page_factory()
    blocked = []

    def guard(route):
        if not route.request.url.startswith(live_server.url):
            blocked.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", guard)
    for path in ("/", "/staff/login", "/does-not-exist"):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    sign_in(page, live_server.url, make_staff("admin"))
    page.goto(live_server.url + "/staff/account")
    page.wait_for_load_state("networkidle")
    assert blocked == []
    assert any(url.endswith("/static/css/site.css") for url in page.requests_seen)


def test_accessibility_of_landing_login_and_staff_home(live_server, page_factory, make_staff, axe_path):
    page = page_factory(bypass_csp=True)  # our CSP rightly blocks injecting axe; the audit context bypasses it
    findings = {}
    for path in ("/", "/staff/login"):
        page.goto(live_server.url + path)
        findings[path] = run_axe(page, axe_path)
    sign_in(page, live_server.url, make_staff("admin"))
    for path in ("/staff/", "/staff/account", "/staff/accounts"):
        page.goto(live_server.url + path)
        findings[path] = run_axe(page, axe_path)
    assert findings == {path: [] for path in findings}


def test_landing_page_works_on_a_phone(live_server, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert width <= 360, "the landing page scrolls sideways on a phone"
