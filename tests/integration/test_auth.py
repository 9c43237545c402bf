"""Login with password + single-use TOTP, logout, idle expiry, roles, rate limits."""

import time

import pytest
from flask import Blueprint
from sqlmodel import select

from core.audit import AuditEvent
from core.security import PUBLIC_STAFF_ATTR, STAFF_ROLES_ATTR, roles
from tests.conftest import FIXED_DAY, assert_own_buckets, csrf_from, totp_now


def test_login_with_password_and_totp(client, make_staff, login):
    user = make_staff("triager")
    response = login(user)
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/")
    home = client.get("/staff/")
    assert home.status_code == 200 and user.email in home.get_data(as_text=True)


@pytest.mark.parametrize(
    "field,value", [("password", "wrong-password"), ("code", "000000"), ("email", "nobody@example.org")]
)
def test_wrong_credentials_get_one_generic_answer(client, make_staff, field, value):
    user = make_staff("admin")
    page = client.get("/staff/login")
    data = {
        "csrf_token": csrf_from(page.get_data(as_text=True)),
        "email": user.email,
        "password": user.password,
        "code": user.code(),
    }
    if field == "code" and value == data["code"]:
        value = "111111"
    data[field] = value
    response = client.post("/staff/login", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "The email, password or code is wrong." in body
    assert user.email in body or field == "email"  # the typed email is kept in the form
    assert client.get("/staff/").status_code == 302


def test_replayed_totp_code_is_refused(client, app, make_staff, login):
    user = make_staff("admin")
    code = user.code()
    assert login(user, code=code).status_code == 302
    client.post("/staff/logout", data={"csrf_token": csrf_from(client.get("/staff/").get_data(as_text=True))})
    second = login(user, code=code)
    assert second.status_code == 401


def test_logout_is_a_csrf_protected_post(client, make_staff, login):
    login(make_staff("publisher"))
    assert client.get("/staff/logout").status_code == 405
    assert client.post("/staff/logout").status_code == 400
    assert client.post("/staff/logout", data={"csrf_token": "forged"}).status_code == 400
    assert client.get("/staff/").status_code == 200  # still signed in
    token = csrf_from(client.get("/staff/").get_data(as_text=True))
    assert client.post("/staff/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/staff/").status_code == 302


def test_session_expires_when_idle(client, app, make_staff, login):
    login(make_staff("admin"))
    with client.session_transaction() as sess:
        sess["seen"] = int(time.time()) - app.config["STAFF_IDLE_MINUTES"] * 60 - 5
    response = client.get("/staff/")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
    assert "inactivity" in client.get("/staff/login").get_data(as_text=True)


def test_session_cookie_flags(client, make_staff, login):
    response = login(make_staff("admin"))
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_secure_cookie_in_production(app_config, monkeypatch):
    from wsgi import create_app

    monkeypatch.setenv("APP_ENV", "production")
    app = create_app(app_config)
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_login_success_and_failure_are_audited(session, make_staff, login):
    user = make_staff("admin")
    login(user, code="123 456" if user.code() != "123456" else "654321")
    login(user)
    actions = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.seq))]
    assert actions[-2:] == ["staff.login_failed", "staff.login"]


def test_every_staff_route_declares_roles_or_is_public(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/staff"):
            view = app.view_functions[rule.endpoint]
            assert getattr(view, STAFF_ROLES_ATTR, None) or getattr(view, PUBLIC_STAFF_ATTR, False), rule.rule


def _app_with_probe_routes(app_config):
    from core.auth import Role
    from wsgi import create_app

    app = create_app(app_config)
    probe = Blueprint("probe", __name__, url_prefix="/staff/probe")

    @probe.get("/admin-only")
    @roles(Role.ADMIN)
    def admin_only():
        return "admin area"

    @probe.get("/forgot-roles")
    def forgot_roles():
        return "should never be served"

    app.register_blueprint(probe)
    return app


@pytest.mark.parametrize("role,expected", [("admin", 200), ("triager", 403), ("recipient", 403), ("publisher", 403)])
def test_role_checks(app_config, role, expected):
    app = _app_with_probe_routes(app_config)
    client = app.test_client()
    from sqlmodel import Session

    from core import auth
    from core.db import get_engine

    with Session(get_engine(app), expire_on_commit=False) as db:
        account = auth.create_staff(session=db, email=f"{role}@example.org", role=auth.Role(role), with_password=True)
    page = client.get("/staff/login")
    client.post(
        "/staff/login",
        data={
            "csrf_token": csrf_from(page.get_data(as_text=True)),
            "email": account.user.email,
            "password": account.password,
            "code": totp_now(account.user.totp_secret),
        },
    )
    assert client.get("/staff/probe/admin-only").status_code == expected
    # A staff route that forgot to declare roles is refused to everyone (deny by default).
    assert client.get("/staff/probe/forgot-roles").status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get("/staff/")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
    assert client.post("/staff/account").status_code in (400, 401)  # CSRF first, then the login gate


def test_open_redirect_after_login_is_blocked(client, make_staff):
    user = make_staff("admin")
    page = client.get("/staff/login")
    response = client.post(
        "/staff/login",
        data={
            "csrf_token": csrf_from(page.get_data(as_text=True)),
            "email": user.email,
            "password": user.password,
            "code": user.code(),
            "next": "//evil.example/",
        },
    )
    assert response.headers["Location"].endswith("/staff/")


def test_login_failures_are_rate_limited(app_config, make_staff):
    app_config["LOGIN_LIMIT"] = "3 per 15 minutes"
    from wsgi import create_app

    app = create_app(app_config)
    client = app.test_client()
    page = client.get("/staff/login")
    token = csrf_from(page.get_data(as_text=True))
    statuses = [
        client.post(
            "/staff/login",
            data={"csrf_token": token, "email": f"x{i}@example.org", "password": "nope", "code": "123456"},
        ).status_code
        for i in range(5)
    ]
    assert statuses == [401, 401, 401, 429, 429]
    assert "Too many attempts" in client.post("/staff/login", data={"csrf_token": token}).get_data(as_text=True)


ATTACKER, OWNER = {"REMOTE_ADDR": "192.0.2.66"}, {"REMOTE_ADDR": "198.51.100.7"}


@pytest.mark.time_machine(FIXED_DAY)
def test_an_account_under_attack_holds_back_the_attacker_not_its_owner(app_config, make_staff):
    """Failures against an account slow down the buckets that failed; the owner, elsewhere, still signs in."""
    app_config["LOGIN_LIMIT"] = "100 per minute"
    app_config["LOGIN_ACCOUNT_LIMIT"] = "2 per hour"
    from wsgi import create_app

    app = create_app(app_config)
    assert_own_buckets(app, ATTACKER["REMOTE_ADDR"], OWNER["REMOTE_ADDR"])
    owner = make_staff("triager", email="target@example.org")
    attacker = app.test_client()
    token = csrf_from(attacker.get("/staff/login").get_data(as_text=True))
    bad = {"csrf_token": token, "email": owner.email, "password": "nope", "code": "123456"}
    statuses = [attacker.post("/staff/login", data=bad, environ_base=ATTACKER).status_code for _ in range(4)]
    assert statuses == [401, 401, 429, 429]
    # Another account is not held back for the attacker's failures on this one.
    other = dict(bad, email="someone-else@example.org")
    assert attacker.post("/staff/login", data=other, environ_base=ATTACKER).status_code == 401
    # Even the right password and code do not help from the bucket that failed ...
    right = dict(bad, password=owner.password, code=owner.code())
    assert attacker.post("/staff/login", data=right, environ_base=ATTACKER).status_code == 429
    # ... but the owner, from an address with no failures, signs in while the account is under attack.
    client = app.test_client()
    token = csrf_from(client.get("/staff/login").get_data(as_text=True))
    right["csrf_token"] = token
    assert client.post("/staff/login", data=right, environ_base=OWNER).status_code == 302


@pytest.mark.time_machine(FIXED_DAY)
def test_behind_a_proxy_each_forwarded_client_has_its_own_bucket(app_config):
    """With PROXY_HOPS=1 the bucket is the forwarded address, so one noisy client does not close intake for all."""
    app_config.update(PROXY_HOPS=1, LOGIN_LIMIT="2 per 15 minutes")
    from wsgi import create_app

    app = create_app(app_config)
    assert_own_buckets(app, "203.0.113.5", "203.0.113.77")
    client = app.test_client()
    token = csrf_from(client.get("/staff/login").get_data(as_text=True))
    bad = {"csrf_token": token, "email": "nobody@example.org", "password": "nope", "code": "123456"}
    noisy = {"X-Forwarded-For": "203.0.113.5"}
    assert [client.post("/staff/login", data=bad, headers=noisy).status_code for _ in range(3)] == [401, 401, 429]
    quiet = {"X-Forwarded-For": "203.0.113.77"}
    assert client.post("/staff/login", data=bad, headers=quiet).status_code == 401
    # A client cannot pick its bucket by sending its own X-Forwarded-For: the proxy appends the real one,
    # and with one trusted hop only the rightmost entry counts.
    spoofed = {"X-Forwarded-For": "203.0.113.77, 203.0.113.5"}
    assert client.post("/staff/login", data=bad, headers=spoofed).status_code == 429


def test_successful_logins_are_not_counted_as_failures(app_config, make_staff):
    app_config["LOGIN_LIMIT"] = "2 per 15 minutes"
    from wsgi import create_app

    app = create_app(app_config)
    client = app.test_client()
    from sqlmodel import Session

    from core import auth
    from core.db import get_engine

    with Session(get_engine(app), expire_on_commit=False) as db:
        account = auth.create_staff(session=db, email="ok@example.org", role=auth.Role.ADMIN, with_password=True)
    for offset in (-1, 0, 1):
        token = csrf_from(client.get("/staff/login").get_data(as_text=True))
        response = client.post(
            "/staff/login",
            data={
                "csrf_token": token,
                "email": "ok@example.org",
                "password": account.password,
                "code": totp_now(account.user.totp_secret, offset),
            },
        )
        assert response.status_code == 302
        client.post("/staff/logout", data={"csrf_token": csrf_from(client.get("/staff/").get_data(as_text=True))})


def test_validation_errors_are_shown_next_to_fields(client):
    token = csrf_from(client.get("/staff/login").get_data(as_text=True))
    response = client.post(
        "/staff/login", data={"csrf_token": token, "email": "not-an-email", "password": "", "code": "12"}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter an email address like name@example.org." in body
    assert "Enter the 6-digit code from your authenticator app." in body
    assert 'value="not-an-email"' in body


def test_password_change(client, make_staff, login):
    user = make_staff("triager")
    login(user, code=user.code(-1))
    token = csrf_from(client.get("/staff/account").get_data(as_text=True))
    wrong = client.post(
        "/staff/account",
        data={
            "csrf_token": token,
            "current_password": "wrong",
            "password": "a new long passphrase",
            "password_confirm": "a new long passphrase",
            "code": user.code(),
        },
    )
    assert wrong.status_code == 401
    ok = client.post(
        "/staff/account",
        data={
            "csrf_token": token,
            "current_password": user.password,
            "password": "a new long passphrase",
            "password_confirm": "a new long passphrase",
            "code": user.code(),
        },
    )
    assert ok.status_code == 302
    user.password = "a new long passphrase"
    client.post("/staff/logout", data={"csrf_token": csrf_from(client.get("/staff/").get_data(as_text=True))})
    assert login(user, code=user.code(1)).status_code == 302


@pytest.mark.time_machine(FIXED_DAY)
def test_past_the_daily_ceiling_only_a_browser_that_signed_in_before_passes(app_config, make_staff):
    """An attack from many addresses cannot try the account all day: past the ceiling, known browsers only."""
    app_config.update(
        LOGIN_LIMIT="100 per minute", LOGIN_ACCOUNT_LIMIT="100 per hour", LOGIN_ACCOUNT_CEILING="3 per day"
    )
    from wsgi import create_app

    app = create_app(app_config)
    owner = make_staff("triager", email="target@example.org")
    assert_own_buckets(app, "198.51.100.7", "203.0.113.200", *(f"192.0.2.{n}" for n in range(1, 5)))
    laptop = app.test_client()
    token = csrf_from(laptop.get("/staff/login").get_data(as_text=True))
    right = {"csrf_token": token, "email": owner.email, "password": owner.password, "code": owner.code(-1)}
    signed_in = laptop.post("/staff/login", data=right, environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert signed_in.status_code == 302
    marker = signed_in.headers.getlist("Set-Cookie")
    assert any(c.startswith("staff_device=") and "HttpOnly" in c and "SameSite=Strict" in c for c in marker)
    # An attacker spreads its guesses over addresses, one failure each, until the account's day is used up.
    for n in range(1, 4):
        attacker = app.test_client()
        token = csrf_from(attacker.get("/staff/login").get_data(as_text=True))
        bad = {"csrf_token": token, "email": owner.email, "password": "guess", "code": "123456"}
        assert attacker.post("/staff/login", data=bad, environ_base={"REMOTE_ADDR": f"192.0.2.{n}"}).status_code == 401
    # Now a browser that never signed in to the account is held back, even with the right password and code ...
    stranger = app.test_client()
    token = csrf_from(stranger.get("/staff/login").get_data(as_text=True))
    attempt = dict(right, csrf_token=token, code=owner.code())
    assert stranger.post("/staff/login", data=attempt, environ_base={"REMOTE_ADDR": "203.0.113.200"}).status_code == 429
    # ... while the owner's own browser, which did, signs in (after signing out: the marker outlives the session).
    token = csrf_from(laptop.get("/staff/").get_data(as_text=True))
    assert laptop.post("/staff/logout", data={"csrf_token": token}).status_code == 302
    token = csrf_from(laptop.get("/staff/login").get_data(as_text=True))
    again = dict(right, csrf_token=token, code=owner.code(1))
    assert laptop.post("/staff/login", data=again, environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code == 302


@pytest.mark.parametrize(
    "first, second, same",
    [
        ("2001:db8:1:2::1", "2001:db8:1:2:ffff::9", True),  # one /64: one subscriber
        ("2001:db8:1:2::1", "2001:db8:1:3::1", False),
        ("::ffff:192.0.2.1", "192.0.2.1", True),  # an IPv4 address written as IPv6 is that IPv4 address
    ],
)
def test_ipv6_clients_are_bucketed_by_their_64(app, first, second, same):
    from tests.conftest import bucket_of

    with app.test_request_context(environ_base={"REMOTE_ADDR": first}):
        from core.security import client_address

        grouped = client_address()
    with app.test_request_context(environ_base={"REMOTE_ADDR": second}):
        assert (client_address() == grouped) is same
    if same:
        assert bucket_of(app, first) == bucket_of(app, second)
