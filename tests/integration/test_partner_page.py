"""The admins' partner page: add a partner and see its secrets once, count its reports, revoke it."""

from __future__ import annotations

import html
import re

import pytest
from sqlmodel import Session, select

from core.audit import AuditEvent
from incidents.partners import service
from incidents.partners.models import Partner
from incidents.partners.service import secret_hash
from tests.conftest import csrf_from, signed_in_client
from tests.integration.test_api import api_payload

TOKEN = re.compile(r"<code>(ptk_[A-Za-z0-9_-]{43})</code>")
SECRET = re.compile(r"<code>(whs_[A-Za-z0-9_-]{43})</code>")


def add(client, **form):
    page = client.get("/staff/partners")
    return client.post("/staff/partners", data={"csrf_token": csrf_from(page.get_data(as_text=True)), **form})


def test_an_admin_adds_a_hub_sees_its_secrets_once_and_they_work(app, make_staff, session, client):
    admin = make_staff("admin")
    staff = signed_in_client(app, admin)
    response = add(staff, name="Model Hub", kind="hub")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data(as_text=True)
    token, secret = TOKEN.search(body).group(1), SECRET.search(body).group(1)
    partner = session.exec(select(Partner)).one()
    assert (partner.name, partner.kind) == ("Model Hub", "hub")
    assert (partner.token_hash, partner.webhook_secret_hash) == (secret_hash(token), secret_hash(secret))
    assert f"/api/v1/hub/webhook/{partner.id}" in body
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "partner.added")).one()
    assert event.actor_id == admin.id

    # The token files reports as the partner; the page counts them, and never shows the secrets again.
    for _ in range(2):
        assert (
            client.post("/api/v1/reports", json=api_payload(), headers={"Authorization": f"Bearer {token}"}).status_code
            == 201
        )
    listing = staff.get("/staff/partners").get_data(as_text=True)
    row = re.search(r"<td>Model Hub</td>(.*?)</tr>", listing, re.S).group(1)
    assert re.findall(r"<td>([^<]*)</td>", row)[:3] == [
        "Model hub that forwards its users' reports",
        partner.created_at.strftime("%Y-%m-%d"),
        "2",
    ]
    assert token not in listing and secret not in listing


def test_bad_input_is_refused_with_field_errors_and_kept(app, make_staff, session):
    staff = signed_in_client(app, make_staff("admin"))
    response = add(staff, name="  ", kind="emperor")
    assert response.status_code == 400
    body = html.unescape(response.get_data(as_text=True))
    assert "Choose what kind of partner this is." in body
    assert "1 to 100 letters, digits, spaces" in body
    assert add(staff, name="Flaggers", kind="trusted_flagger").status_code == 200
    again = add(staff, name="Flaggers", kind="authority")
    assert again.status_code == 400
    assert "A partner with this name exists already." in again.get_data(as_text=True)
    assert 'value="Flaggers"' in again.get_data(as_text=True)
    assert session.exec(select(Partner)).one().kind == "trusted_flagger"


def test_revoking_stops_the_token_at_once_and_is_audited(app, make_staff, session, client):
    admin = make_staff("admin")
    staff = signed_in_client(app, admin)
    token = TOKEN.search(add(staff, name="Authority", kind="authority").get_data(as_text=True)).group(1)
    partner = session.exec(select(Partner)).one()
    page = staff.get("/staff/partners")
    assert "Revoke Authority" in page.get_data(as_text=True)
    response = staff.post(
        f"/staff/partners/{partner.id}/revoke", data={"csrf_token": csrf_from(page.get_data(as_text=True))}
    )
    assert response.status_code == 302
    assert (
        client.post("/api/v1/reports", json=api_payload(), headers={"Authorization": f"Bearer {token}"}).status_code
        == 401
    )
    session.refresh(partner)
    assert partner.revoked_at is not None
    assert "Revoked on" in staff.get("/staff/partners").get_data(as_text=True)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "partner.revoked")).one()
    assert event.actor_id == admin.id


def test_a_refused_staff_member_keeps_the_staff_navigation(app, make_staff):
    staff = signed_in_client(app, make_staff("triager"))
    response = staff.get("/staff/partners")
    assert response.status_code == 403
    body = response.get_data(as_text=True)
    assert 'href="/staff/queue"' in body and "Sign out" in body and "Go to the staff home" in body
    assert 'href="/staff/partners"' not in body  # the navigation still follows the viewer's permissions


@pytest.mark.parametrize(("role", "shown"), [("admin", True), ("publisher", True), ("triager", False)])
def test_the_staff_navigation_links_transparency_and_exports_for_those_who_may_see_them(app, make_staff, role, shown):
    body = signed_in_client(app, make_staff(role)).get("/staff/").get_data(as_text=True)
    assert ('href="/staff/transparency"' in body) is shown
    assert ('href="/staff/exports"' in body) is shown


def test_revoking_twice_keeps_the_first_time_and_one_event(app, make_staff, session):
    staff = signed_in_client(app, make_staff("admin"))
    add(staff, name="Twice", kind="trusted_flagger")
    partner_id = session.exec(select(Partner.id)).one()
    with Session(session.get_bind()) as other:
        stale = other.get(Partner, partner_id)  # a second admin's copy, read before the first revocation
        first = service.revoke(session, session.get(Partner, partner_id)).revoked_at
        assert stale.revoked_at is None
        assert service.revoke(other, stale).revoked_at == first  # the second finds it revoked, and says so
    session.expire_all()
    assert session.get(Partner, partner_id).revoked_at == first
    assert len(session.exec(select(AuditEvent).where(AuditEvent.action == "partner.revoked")).all()) == 1
