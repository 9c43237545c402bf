"""The admin's account pages: add, reset, disable and re-role staff from the browser, never the last admin."""

from __future__ import annotations

import pytest
from sqlmodel import select

from core.audit import AuditEvent
from core.auth import StaffUser
from core.staff_sessions import StaffSession
from tests.conftest import csrf_from, signed_in_client


def token_of(client) -> str:
    return csrf_from(client.get("/staff/accounts").get_data(as_text=True))


def sessions_of(session, staff_id: int) -> int:
    session.expire_all()
    return len(session.exec(select(StaffSession).where(StaffSession.staff_id == staff_id)).all())


def events(session, action: str) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.fixture
def admin(app, make_staff):
    user = make_staff("admin")
    return user, signed_in_client(app, user)


def test_the_list_shows_every_account_with_its_role_in_words(admin, make_staff):
    _user, client = admin
    other = make_staff("recipient")
    page = client.get("/staff/accounts")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert other.email in html and "Whistleblower recipient" in html
    assert "another recipient grants them access" in html  # the recipients' key consequence, said up front


def test_adding_an_account_shows_its_setup_link_once_and_audits_it(admin, session):
    user, client = admin
    response = client.post(
        "/staff/accounts", data={"csrf_token": token_of(client), "email": "New@Example.org", "role": "publisher"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "/staff/setup?token=" in html and "otpauth://totp/" in html and "<svg" in html
    created = session.exec(select(StaffUser).where(StaffUser.email == "new@example.org")).one()
    assert created.role == "publisher" and not created.enrolled
    (event,) = events(session, "staff.created")[-1:]
    assert event.actor_id == user.id and event.target_id == str(created.id)
    assert "/staff/setup?token=" not in client.get("/staff/accounts").get_data(as_text=True)
    again = client.post(
        "/staff/accounts", data={"csrf_token": token_of(client), "email": "new@example.org", "role": "admin"}
    )
    assert again.status_code == 409 and "exists already" in again.get_data(as_text=True)


def test_a_bad_form_keeps_what_was_typed(admin):
    _user, client = admin
    response = client.post("/staff/accounts", data={"csrf_token": token_of(client), "email": "not-an-address"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="not-an-address"' in html and "Choose a role." in html


def test_a_reset_ends_the_sessions_and_warns_about_a_recipients_key(app, admin, session, make_staff):
    user, client = admin
    recipient = make_staff("recipient")
    signed_in_client(app, recipient)
    assert sessions_of(session, recipient.id) == 1
    response = client.post(f"/staff/accounts/{recipient.id}/reset", data={"csrf_token": token_of(client)})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "/staff/setup?token=" in html
    assert "new key pair" in html
    assert sessions_of(session, recipient.id) == 0
    reset = session.get(StaffUser, recipient.id)
    assert reset.password_hash is None and reset.totp_secret != recipient.totp_secret
    assert events(session, "staff.setup_reissued")[-1].actor_id == user.id


def test_disabling_ends_every_session_and_enabling_lets_the_account_back(app, admin, session, make_staff):
    user, client = admin
    triager = make_staff("triager")
    triager_client = signed_in_client(app, triager)
    response = client.post(f"/staff/accounts/{triager.id}/active", data={"csrf_token": token_of(client), "active": "0"})
    assert response.status_code == 302
    assert sessions_of(session, triager.id) == 0
    assert triager_client.get("/staff/queue").status_code == 302  # signed out
    assert session.get(StaffUser, triager.id).active is False
    assert events(session, "staff.disabled")[-1].actor_id == user.id
    client.post(f"/staff/accounts/{triager.id}/active", data={"csrf_token": token_of(client), "active": "1"})
    session.expire_all()
    assert session.get(StaffUser, triager.id).active is True


def test_changing_a_role_ends_every_session_of_the_account(app, admin, session, make_staff):
    user, client = admin
    triager = make_staff("triager")
    triager_client = signed_in_client(app, triager)
    response = client.post(
        f"/staff/accounts/{triager.id}/role", data={"csrf_token": token_of(client), "role": "publisher"}
    )
    assert response.status_code == 302
    session.expire_all()
    assert session.get(StaffUser, triager.id).role == "publisher"
    assert sessions_of(session, triager.id) == 0
    assert triager_client.get("/staff/").status_code == 302
    (event,) = events(session, "staff.role_changed")
    assert event.actor_id == user.id and event.details["from"] == "triager" and event.details["to"] == "publisher"
    bad = client.post(f"/staff/accounts/{triager.id}/role", data={"csrf_token": token_of(client), "role": "root"})
    assert bad.status_code == 400


def test_the_last_admin_can_neither_disable_nor_demote_themselves(app, admin, session, make_staff):
    user, client = admin
    for path, data in (("active", {"active": "0"}), ("role", {"role": "triager"})):
        response = client.post(f"/staff/accounts/{user.id}/{path}", data={"csrf_token": token_of(client), **data})
        assert response.status_code == 409 and "last active admin" in response.get_data(as_text=True)
    session.expire_all()
    me = session.get(StaffUser, user.id)
    assert me.role == "admin" and me.active and sessions_of(session, user.id) == 1
    # With a second admin, demoting oneself works, and ends one's own session too.
    make_staff("admin")
    response = client.post(f"/staff/accounts/{user.id}/role", data={"csrf_token": token_of(client), "role": "triager"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/login")
    assert sessions_of(session, user.id) == 0


@pytest.mark.parametrize("role", ["triager", "recipient", "publisher"])
def test_only_admins_reach_the_account_pages(app, make_staff, role):
    other = make_staff(role)
    client = signed_in_client(app, other)
    token = csrf_from(client.get("/staff/").get_data(as_text=True))
    assert client.get("/staff/accounts").status_code == 403
    assert client.post("/staff/accounts", data={"csrf_token": token, "email": "x@example.org"}).status_code == 403
    for path in ("reset", "active", "role"):
        assert client.post(f"/staff/accounts/{other.id}/{path}", data={"csrf_token": token}).status_code == 403


def test_a_post_without_the_form_token_is_refused(admin, make_staff):
    _user, client = admin
    triager = make_staff("triager")
    assert client.post(f"/staff/accounts/{triager.id}/active", data={"active": "0"}).status_code == 400


def test_two_admins_disabling_each_other_at_once_leave_one_admin(app, make_staff, monkeypatch):
    import threading
    import time

    from sqlmodel import Session, select

    from core import staff_admin
    from core.auth import AuthError, StaffUser
    from core.db import get_engine

    first, second = make_staff("admin"), make_staff("admin")
    counted = staff_admin._active_admins

    def slow_count(session):
        n = counted(session)
        time.sleep(0.5)  # the window between counting and writing that the lock closes
        return n

    monkeypatch.setattr(staff_admin, "_active_admins", slow_count)
    start, outcomes = threading.Barrier(2), {}

    def disable(actor_id: int, target_id: int) -> None:
        with app.app_context(), Session(get_engine(app), expire_on_commit=False) as db:
            start.wait(timeout=10)
            try:
                staff_admin.set_staff_active(
                    session=db, user=db.get(StaffUser, target_id), active=False, actor=db.get(StaffUser, actor_id)
                )
                outcomes[target_id] = "disabled"
            except AuthError:
                outcomes[target_id] = "refused"

    threads = [
        threading.Thread(target=disable, args=(first.id, second.id)),
        threading.Thread(target=disable, args=(second.id, first.id)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes.values()) == ["disabled", "refused"]
    with Session(get_engine(app)) as db:
        admins = db.exec(select(StaffUser).where(StaffUser.role == "admin", StaffUser.active == True)).all()  # noqa: E712
    assert len(admins) == 1


def test_an_admin_who_has_not_finished_setup_does_not_count_as_the_other_admin(app, session, make_staff):
    from core import staff_admin
    from core.auth import AuthError, StaffUser, create_staff

    me = make_staff("admin")
    create_staff(session=session, email="new-admin@example.org", role="admin")  # a setup link, no password yet
    user = session.get(StaffUser, me.id)
    with pytest.raises(AuthError, match="last active admin"):
        staff_admin.set_staff_role(session=session, user=user, role="triager", actor=user)
