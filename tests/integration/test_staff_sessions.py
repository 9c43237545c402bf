"""Staff sessions live on the server: a copied cookie dies with logout, and account changes end every session.

The attacker here holds a byte-for-byte copy of a staff member's session cookie (from a shared
computer, a proxy log or malware). Flask's cookie is signed, not secret to its holder, so these
tests replay the copy from a second client after each event that must end it.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import select

from core.staff_sessions import StaffSession
from incidents.models import Report
from tests.conftest import csrf_from, signed_in_client
from tests.factories.reports import SECRET_TEXT, submit

COOKIE = "session"


def copy_of(app, client):
    """Return a fresh client holding a copy of `client`'s session cookie, as an attacker would."""
    stolen = client.get_cookie(COOKIE)
    assert stolen is not None, "the signed-in client has no session cookie"
    thief = app.test_client()
    thief.set_cookie(COOKIE, stolen.value)
    return thief


def sign_in_again(app, session, user):
    """Sign the same account in once more (a second device); each sign-in needs a code not used before."""
    session.execute(text("UPDATE staff_user SET totp_last_counter = 0 WHERE id = :id"), {"id": user.id})
    session.commit()
    return signed_in_client(app, user)


def logout(client):
    token = csrf_from(client.get("/staff/").get_data(as_text=True))
    assert client.post("/staff/logout", data={"csrf_token": token}).status_code == 302


def is_signed_in(client) -> bool:
    response = client.get("/staff/queue")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def test_a_copied_cookie_opens_nothing_after_logout(app, client, session, make_staff):
    alice, _bob = make_staff("recipient"), make_staff("recipient")
    submit(client, "/whistleblow")
    report = session.exec(select(Report)).one()
    alice_client = signed_in_client(app, alice)
    thief = copy_of(app, alice_client)
    # Before logout the copy works as well as the original: that is what makes it dangerous.
    assert SECRET_TEXT in thief.get(f"/staff/reports/{report.id}").get_data(as_text=True)

    thief_token = csrf_from(thief.get(f"/staff/reports/{report.id}").get_data(as_text=True))
    logout(alice_client)
    # First a write, with a valid form token, so only the ended session can refuse it: 401, not CSRF's 400.
    reply = thief.post(f"/staff/reports/{report.id}/reply", data={"csrf_token": thief_token, "body": "x" * 30})
    assert reply.status_code == 401
    for path in ("/staff/queue", f"/staff/reports/{report.id}", "/staff/"):
        response = thief.get(path)
        assert response.status_code == 302 and "/staff/login" in response.headers["Location"], path
    assert SECRET_TEXT not in thief.get(f"/staff/reports/{report.id}", follow_redirects=True).get_data(as_text=True)
    session.expire_all()
    assert session.exec(select(StaffSession).where(StaffSession.staff_id == alice.id)).all() == []


def test_logout_ends_only_that_session(app, session, make_staff):
    user = make_staff("triager")
    laptop = signed_in_client(app, user)
    phone = sign_in_again(app, session, user)
    stolen = copy_of(app, laptop)
    logout(laptop)
    assert not is_signed_in(stolen)
    assert is_signed_in(phone)


def test_a_password_change_ends_every_other_session(app, session, make_staff):
    user = make_staff("triager")
    laptop = signed_in_client(app, user)
    phone = sign_in_again(app, session, user)
    stolen = copy_of(app, phone)
    session.execute(text("UPDATE staff_user SET totp_last_counter = 0 WHERE id = :id"), {"id": user.id})
    session.commit()
    page = laptop.get("/staff/account")
    changed = laptop.post(
        "/staff/account",
        data={
            "csrf_token": csrf_from(page.get_data(as_text=True)),
            "current_password": user.password,
            "password": "an entirely new passphrase",
            "password_confirm": "an entirely new passphrase",
            "code": user.code(),
        },
    )
    assert changed.status_code == 302
    assert is_signed_in(laptop), "the session that changed the password stays"
    assert not is_signed_in(phone)
    assert not is_signed_in(stolen)


def test_a_reset_ends_every_session(app, session, make_staff, runner):
    user = make_staff("triager")
    laptop = signed_in_client(app, user)
    stolen = copy_of(app, laptop)
    assert runner.invoke(args=["staff", "reset", user.email]).exit_code == 0
    assert not is_signed_in(laptop)
    assert not is_signed_in(stolen)


def test_a_role_change_ends_every_session(app, session, make_staff, runner):
    user = make_staff("triager")
    laptop = signed_in_client(app, user)
    stolen = copy_of(app, laptop)
    result = runner.invoke(args=["staff", "role", user.email, "publisher"])
    assert result.exit_code == 0, result.output
    assert "every session of the account has ended" in result.output
    assert not is_signed_in(laptop)
    assert not is_signed_in(stolen)
    # Signed in again, the account has the new role's reach: publishers do not work the queue.
    again = sign_in_again(app, session, user)
    assert again.get("/staff/queue").status_code == 403
    assert runner.invoke(args=["staff", "role", "nobody@example.org", "admin"]).exit_code != 0


def test_disabling_an_account_ends_every_session_and_enabling_lets_it_sign_in(app, session, make_staff, runner):
    user = make_staff("triager")
    laptop = signed_in_client(app, user)
    stolen = copy_of(app, laptop)
    assert runner.invoke(args=["staff", "disable", user.email]).exit_code == 0
    assert not is_signed_in(laptop)
    assert not is_signed_in(stolen)
    session.expire_all()
    assert session.exec(select(StaffSession).where(StaffSession.staff_id == user.id)).all() == []
    assert runner.invoke(args=["staff", "enable", user.email]).exit_code == 0
    assert is_signed_in(sign_in_again(app, session, user))


def test_a_session_ended_on_one_app_instance_is_ended_on_another(app, app_config, session, make_staff):
    """Two workers (or hosts) share only the database: a logout on one ends the session on the other."""
    from wsgi import create_app

    other_worker = create_app(dict(app_config))
    user = make_staff("triager")
    laptop = signed_in_client(app, user)
    stolen = other_worker.test_client()
    stolen.set_cookie(COOKIE, laptop.get_cookie(COOKIE).value)
    assert is_signed_in(stolen)
    logout(laptop)
    assert not is_signed_in(stolen)


def test_a_cookie_without_a_recorded_session_is_refused(app, client, make_staff, login):
    """A cookie signed with the app's key but naming no live sign-in (forged, or from before) opens nothing."""
    user = make_staff("admin")
    login(user)
    with client.session_transaction() as sess:
        sess["sid"] = "not-a-session-the-server-knows"
    assert not is_signed_in(client)
    login_again = app.test_client()
    with login_again.session_transaction() as sess:
        sess.update(staff_id=user.id, seen=10**10)
    assert not is_signed_in(login_again)


def test_idleness_is_judged_on_the_servers_record_not_the_cookie(app, session, make_staff):
    """A cookie says when it was last used, and a thief can keep sending a copy; the server's record decides."""
    from datetime import timedelta

    from sqlalchemy import update

    from core import clock

    user = make_staff("triager")
    laptop = signed_in_client(app, user)
    stolen = copy_of(app, laptop)
    assert is_signed_in(stolen)
    idle = timedelta(minutes=app.config["STAFF_IDLE_MINUTES"])
    # The sign-in was last used longer ago than the idle limit (its cookies, fresh, would not say so).
    session.execute(
        update(StaffSession)
        .where(StaffSession.staff_id == user.id)
        .values(last_seen_at=clock.now() - idle - timedelta(minutes=1))
    )
    session.commit()
    assert not is_signed_in(stolen)
    assert not is_signed_in(laptop)
