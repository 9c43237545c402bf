"""`staff add` and the one-time setup page; the demo commands."""

import re
from datetime import timedelta

import pyotp
import pytest
from sqlmodel import select

from core import clock
from core.auth import StaffUser
from incidents.models import Report
from tests.conftest import csrf_from, totp_now

LINK = re.compile(r"(/staff/setup\?token=[\w-]+)")
URI = re.compile(r"(otpauth://totp/\S+)")


def add_staff(runner, email="new@example.org", role="triager"):
    result = runner.invoke(args=["staff", "add", email, "--role", role])
    assert result.exit_code == 0, result.output
    return LINK.search(result.output).group(1), URI.search(result.output).group(1)


def test_staff_add_prints_setup_link_and_totp_uri(runner):
    link, uri = add_staff(runner)
    assert "secret=" in uri and "new%40example.org" in uri
    duplicate = runner.invoke(args=["staff", "add", "new@example.org", "--role", "admin"])
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output
    bad_role = runner.invoke(args=["staff", "add", "x@example.org", "--role", "overlord"])
    assert bad_role.exit_code != 0


def test_setup_page_shows_server_rendered_qr_and_enrols(client, runner, session):
    link, uri = add_staff(runner)
    page = client.get(link)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<svg" in html and "<script" not in html
    secret = pyotp.parse_uri(uri).secret
    assert secret in html
    token = link.split("token=")[1]
    setup_code = totp_now(secret)
    form = {
        "csrf_token": csrf_from(html),
        "token": token,
        "password": "short",
        "password_confirm": "short",
        "code": setup_code,
    }
    too_short = client.post("/staff/setup", data=form)
    assert too_short.status_code == 400 and "at least 12 characters" in too_short.get_data(as_text=True)
    form.update(password="a long enough passphrase", password_confirm="a long enough passphrase")
    done = client.post("/staff/setup", data=form)
    assert done.status_code == 302 and done.headers["Location"].endswith("/staff/login")
    # The link works once.
    assert client.get(link).status_code == 404
    # The account can now sign in, with a later code than the one used for setup. The very code
    # used at setup is replayed (not a fresh "current" code, which is a new one once the 30-second
    # step has turned since setup).
    login_page = client.get("/staff/login")
    response = client.post(
        "/staff/login",
        data={
            "csrf_token": csrf_from(login_page.get_data(as_text=True)),
            "email": "new@example.org",
            "password": "a long enough passphrase",
            "code": setup_code,
        },
    )
    assert response.status_code == 401, "the code used at setup must not work again"
    response = client.post(
        "/staff/login",
        data={
            "csrf_token": csrf_from(login_page.get_data(as_text=True)),
            "email": "new@example.org",
            "password": "a long enough passphrase",
            "code": totp_now(secret, 1),
        },
    )
    assert response.status_code == 302


def test_expired_setup_link_is_refused(client, runner, session):
    link, _uri = add_staff(runner)
    user = session.exec(select(StaffUser).where(StaffUser.email == "new@example.org")).one()
    user.setup_expires_at = clock.now() - timedelta(minutes=1)
    session.add(user)
    session.commit()
    response = client.get(link)
    assert response.status_code == 404 and "not valid" in response.get_data(as_text=True)


def test_enrolment_needs_a_correct_code(client, runner):
    link, uri = add_staff(runner)
    html = client.get(link).get_data(as_text=True)
    response = client.post(
        "/staff/setup",
        data={
            "csrf_token": csrf_from(html),
            "token": link.split("token=")[1],
            "password": "a long enough passphrase",
            "password_confirm": "a long enough passphrase",
            "code": "000000" if pyotp.parse_uri(uri).now() != "000000" else "111111",
        },
    )
    assert response.status_code == 401
    assert client.get(link).status_code == 200, "a failed attempt must not burn the link"


def test_staff_reset_and_list(runner):
    add_staff(runner)
    listing = runner.invoke(args=["staff", "list"])
    assert "new@example.org" in listing.output and "setup pending" in listing.output
    reset = runner.invoke(args=["staff", "reset", "new@example.org"])
    assert reset.exit_code == 0 and "/staff/setup?token=" in reset.output
    assert runner.invoke(args=["staff", "reset", "ghost@example.org"]).exit_code != 0


def test_demo_admin_prints_login_and_totp_uri(runner):
    result = runner.invoke(args=["demo", "admin"])
    assert result.exit_code == 0
    assert "admin@example.org" in result.output and "Password: " in result.output
    assert "otpauth://totp/" in result.output
    again = runner.invoke(args=["demo", "admin"])
    assert again.exit_code == 0 and "Password: " in again.output
    code = runner.invoke(args=["demo", "totp", "admin@example.org"])
    assert re.fullmatch(r"\d{6}\n", code.output)


def test_demo_seed_fills_reports_and_staff(runner, session):
    result = runner.invoke(args=["demo", "seed", "--reports", "120", "--seed", "7"])
    assert result.exit_code == 0, result.output
    reports = session.exec(select(Report)).all()
    assert len(reports) == 120
    assert {r.channel for r in reports} == {"public", "whistleblower"}
    assert len({r.category for r in reports}) >= 8
    serious = [r for r in reports if r.severity == "serious_incident"]
    assert serious and all(
        any(
            getattr(r, f)
            for f in (
                "flag_death",
                "flag_health",
                "flag_critical_infrastructure",
                "flag_fundamental_rights",
                "flag_property_environment",
                "flag_cybersecurity",
            )
        )
        for r in serious
    )
    assert all(r.created_at.tzinfo is not None for r in reports)
    roles = {u.role for u in session.exec(select(StaffUser))}
    assert roles == {"admin", "triager", "recipient", "publisher"}


@pytest.mark.parametrize("environment", ["production", "staging", "live"])
def test_demo_commands_refuse_anything_but_development(app_config, monkeypatch, environment):
    from wsgi import create_app

    monkeypatch.setenv("APP_ENV", environment)
    runner = create_app(app_config).test_cli_runner()
    for command in (["demo", "seed", "--reports", "1"], ["demo", "admin"]):
        result = runner.invoke(args=command)
        assert result.exit_code != 0 and f"APP_ENV is {environment}" in result.output
