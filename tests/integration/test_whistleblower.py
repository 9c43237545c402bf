"""The whistleblower channel: only designated recipients can read, keys follow passwords, grants are explicit."""

import pyotp
import pytest
from sqlalchemy import text
from sqlmodel import select

from core import sealing
from core.staff_sessions import StaffSession
from incidents.intake import service as intake
from incidents.models import Report
from tests.conftest import csrf_from, signed_in_client, totp_now
from tests.factories.reports import SECRET_TEXT, submit


def test_channel_is_closed_without_recipients(client, session):
    page = client.get("/whistleblow")
    assert page.status_code == 200 and "not open yet" in page.get_data(as_text=True)
    assert '<a href="/report">public form</a>' in page.get_data(as_text=True)
    token = csrf_from(client.get("/followup").get_data(as_text=True))
    response = client.post("/whistleblow", data={"csrf_token": token})
    assert response.status_code == 503
    assert session.exec(select(Report)).first() is None


def test_the_home_page_offers_the_channel_only_once_a_recipient_can_read_it(client, make_staff):
    closed = client.get("/").get_data(as_text=True)
    assert 'class="button" href="/whistleblow"' not in closed and "This channel is not open yet" in closed
    make_staff("recipient")
    opened = client.get("/").get_data(as_text=True)
    assert 'class="button" href="/whistleblow"' in opened and "This channel is not open yet" not in opened


def test_only_recipients_can_read_whistleblower_reports(app, client, session, make_staff):
    alice, bob = make_staff("recipient"), make_staff("recipient")
    response, receipt, _ = submit(client, "/whistleblow")
    assert receipt, response.get_data(as_text=True)
    report = session.exec(select(Report)).one()
    assert report.channel == "whistleblower"
    assert {k.rsplit(":", 1)[0] for k in report.wrapped_keys} == {f"staff:{alice.id}", f"staff:{bob.id}", "reporter"}

    # The platform key (what the database plus the configuration gives) opens nothing.
    keys = intake.platform_keys(app)
    for reader in report.wrapped_keys:
        with pytest.raises(sealing.SealError):
            sealing.unseal(report.sealed, report.wrapped_keys, reader, keys.private)

    for user, expected in ((make_staff("triager"), 403), (make_staff("admin"), 403), (alice, 200), (bob, 200)):
        page = signed_in_client(app, user).get(f"/staff/reports/{report.id}")
        assert page.status_code == expected, user.email
        assert (SECRET_TEXT in page.get_data(as_text=True)) == (expected == 200)

    # The reporter reads their own report with the receipt.
    page = client.get("/followup")
    thread = client.post("/followup", data={"csrf_token": csrf_from(page.get_data(as_text=True)), "receipt": receipt})
    assert thread.status_code == 200 and "Chatbot gave dangerous medical advice" in thread.get_data(as_text=True)


def test_triagers_do_not_see_whistleblower_reports_in_lists(app, client, session, make_staff):
    make_staff("recipient")
    submit(client, "/whistleblow", title="Unsafe release of model Q")
    submit(client, "/report", title="Public problem with model P")
    triager = signed_in_client(app, make_staff("triager"))
    listing = triager.get("/staff/queue").get_data(as_text=True)
    assert listing.count('href="/staff/reports/') == 1


def test_key_session_ends_at_logout(app, session, make_staff):
    alice = make_staff("recipient")
    client = signed_in_client(app, alice)
    assert len(session.exec(select(StaffSession)).all()) == 1
    token = csrf_from(client.get("/staff/").get_data(as_text=True))
    client.post("/staff/logout", data={"csrf_token": token})
    session.expire_all()
    assert session.exec(select(StaffSession)).all() == []


def test_password_change_keeps_access_and_reset_needs_a_grant(app, client, session, make_staff, runner):
    alice, bob = make_staff("recipient"), make_staff("recipient")
    submit(client, "/whistleblow")
    report = session.exec(select(Report)).one()

    # Alice changes her password: the same key pair is re-locked, access survives.
    alice_client = signed_in_client(app, alice)
    token = csrf_from(alice_client.get("/staff/account").get_data(as_text=True))
    changed = alice_client.post(
        "/staff/account",
        data={
            "csrf_token": token,
            "current_password": alice.password,
            "password": "a brand new passphrase",
            "password_confirm": "a brand new passphrase",
            "code": alice.code(1),
        },
    )
    assert changed.status_code == 302
    alice.password = "a brand new passphrase"
    session.expire_all()

    # Bob loses his phone and password: an admin resets him, he enrols again with a new key.
    reset = runner.invoke(args=["staff", "reset", bob.email])
    link = reset.output.split("/staff/setup?token=")[1].split()[0]
    secret = pyotp.parse_uri(reset.output.split("  ")[-1].strip()).secret
    fresh = app.test_client()
    page = fresh.get(f"/staff/setup?token={link}")
    fresh.post(
        "/staff/setup",
        data={
            "csrf_token": csrf_from(page.get_data(as_text=True)),
            "token": link,
            "password": "bobs new passphrase",
            "password_confirm": "bobs new passphrase",
            "code": totp_now(secret),
        },
    )
    bob.password, bob.totp_secret = "bobs new passphrase", secret
    bob_client = signed_in_client(app, bob, offset=1)
    assert bob_client.get(f"/staff/reports/{report.id}").status_code == 403

    # Alice (signed in again with her new password, half a minute later) grants Bob access.
    session.execute(text("UPDATE staff_user SET totp_last_counter = 0 WHERE id = :id"), {"id": alice.id})
    session.commit()
    alice_client = signed_in_client(app, alice)
    page = alice_client.get("/staff/recipients")
    assert "Keep at least two recipients." in page.get_data(as_text=True)
    granted = alice_client.post(
        "/staff/recipients", data={"csrf_token": csrf_from(page.get_data(as_text=True)), "grantee_id": bob.id}
    )
    assert granted.status_code == 302
    # The report and its automatic acknowledgement (a sealed message in the reporter's thread).
    assert "can now read 2 more records" in alice_client.get("/staff/recipients").get_data(as_text=True)
    page = bob_client.get(f"/staff/reports/{report.id}")
    assert page.status_code == 200 and SECRET_TEXT in page.get_data(as_text=True)


def test_new_recipient_sees_old_reports_only_after_a_grant(app, client, session, make_staff):
    alice = make_staff("recipient")
    submit(client, "/whistleblow")
    report = session.exec(select(Report)).one()
    carol = make_staff("recipient")
    assert signed_in_client(app, carol).get(f"/staff/reports/{report.id}").status_code == 403
    alice_client = signed_in_client(app, alice)
    page = alice_client.get("/staff/recipients")
    alice_client.post(
        "/staff/recipients", data={"csrf_token": csrf_from(page.get_data(as_text=True)), "grantee_id": carol.id}
    )
    assert signed_in_client(app, carol, offset=1).get(f"/staff/reports/{report.id}").status_code == 200


def test_admins_cannot_grant(app, make_staff):
    make_staff("recipient")
    admin = signed_in_client(app, make_staff("admin"))
    page = admin.get("/staff/recipients")
    assert page.status_code == 200
    response = admin.post(
        "/staff/recipients", data={"csrf_token": csrf_from(page.get_data(as_text=True)), "grantee_id": 1}
    )
    assert response.status_code == 403
