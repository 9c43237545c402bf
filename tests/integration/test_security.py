"""Headers, CSRF, body limits and error pages."""

import pytest
from flask import Blueprint, request

from core.security import CSP
from tests.conftest import csrf_from

PAGES = ["/", "/staff/login", "/healthz", "/static/css/site.css", "/no-such-page", "/staff/setup?token=bogus-token"]


@pytest.mark.parametrize("path", PAGES)
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    headers = response.headers
    assert headers["Content-Security-Policy"] == CSP
    for directive in (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ):
        assert directive in CSP
    assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in headers["Permissions-Policy"] and "geolocation=()" in headers["Permissions-Policy"]
    assert "microphone=()" in headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in headers  # plain http


def test_headers_on_staff_pages_when_signed_in(client, make_staff, login):
    login(make_staff("admin"))
    for path in ("/staff/", "/staff/account"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["Content-Security-Policy"] == CSP
        assert response.headers["Cache-Control"] == "no-store"


def test_hsts_when_secure(client):
    response = client.get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_hsts_behind_tls_proxy(app_config):
    from wsgi import create_app

    app_config["PROXY_HOPS"] = 1
    client = create_app(app_config).test_client()
    response = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in response.headers


def test_no_inline_script_or_style_in_pages(client, make_staff, login):
    pages = [client.get(p).get_data(as_text=True) for p in ("/", "/staff/login")]
    login(make_staff("admin"))
    pages += [client.get(p).get_data(as_text=True) for p in ("/staff/", "/staff/account")]
    for html in pages:
        assert "<script" not in html
        assert "style=" not in html and "<style" not in html


def test_reporter_pages_set_no_cookie_until_a_form_needs_csrf(client):
    response = client.get("/")
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("token", [None, "", "forged-token", "ImFiYyI.ZmFrZQ.c2lnbmF0dXJl"])
def test_csrf_missing_or_forged_is_400(client, token):
    client.get("/staff/login")
    data = {"email": "a@example.org", "password": "x", "code": "123456"}
    if token is not None:
        data["csrf_token"] = token
    response = client.post("/staff/login", data=data)
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)


def test_csrf_token_from_another_session_is_refused(app):
    first, second = app.test_client(), app.test_client()
    token = csrf_from(first.get("/staff/login").get_data(as_text=True))
    second.get("/staff/login")
    response = second.post(
        "/staff/login", data={"csrf_token": token, "email": "a@example.org", "password": "x", "code": "123456"}
    )
    assert response.status_code == 400


def test_oversized_body_gets_friendly_413(app_config):
    from wsgi import create_app

    app_config["MAX_CONTENT_LENGTH"] = 1024
    client = create_app(app_config).test_client()
    token = csrf_from(client.get("/staff/login").get_data(as_text=True))
    response = client.post(
        "/staff/login", data={"csrf_token": token, "email": "a@example.org", "password": "x" * 5000, "code": "123456"}
    )
    assert response.status_code == 413
    assert "That upload is too large" in response.get_data(as_text=True)


def test_404_and_405_pages_leak_nothing(client):
    missing = client.get("/wp-admin.php?<script>")
    assert missing.status_code == 404
    body = missing.get_data(as_text=True)
    assert "Page not found" in body and "<script>" not in body and "Werkzeug" not in body
    wrong_method = client.delete("/")
    assert wrong_method.status_code == 405 and "Allow" in wrong_method.headers


def test_500_page_leaks_nothing_and_logs_no_content(app_config, caplog):
    from wsgi import create_app

    app = create_app(app_config)
    boom = Blueprint("boom", __name__)

    @boom.post("/boom")
    def explode():
        raise RuntimeError(request.form["x"])  # an error whose message quotes what was sent

    app.register_blueprint(boom)
    from core.security import csrf

    csrf.exempt(explode)
    response = app.test_client().post("/boom", data={"x": "secret report text"})
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in body
    assert "secret" not in body and "Traceback" not in body and "RuntimeError" not in body
    assert response.headers["Content-Security-Policy"] == CSP
    assert "unhandled RuntimeError on POST /boom" in caplog.text
    assert "secret" not in caplog.text


def test_api_errors_are_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.is_json and response.get_json()["error"]["code"] == 404


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_no_log_line_contains_the_client_address(live_server, caplog):
    """Through a real HTTP server: werkzeug's request lines lose the address and the query."""
    import contextlib
    import logging
    import urllib.error
    import urllib.request

    caplog.set_level(logging.DEBUG)
    for path in ("/", "/missing?who=someone", "/staff/"):
        with contextlib.suppress(urllib.error.HTTPError):  # a 404 is a request line too
            urllib.request.urlopen(live_server.url + path, timeout=5)
    request_lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert len(request_lines) >= 3, caplog.text
    assert "127.0.0.1" not in caplog.text and "someone" not in caplog.text


def test_app_wide_default_limits_are_refused_at_start(app_config):
    """Limits are declared per view; a default limit would be silently ignored, so it stops the start."""
    from wsgi import create_app

    app_config["RATELIMIT_DEFAULT"] = "100 per minute"
    with pytest.raises(RuntimeError, match="declare limits on the views"):
        create_app(app_config)
