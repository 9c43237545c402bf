"""The value chain over HTTP and through the hourly job: a restriction, suspension or decommissioning flags every
model down the lineage, tells their owners once by a content-free e-mail, and shows on their public pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from core import clock
from core.audit import AuditEvent, verify_chain
from core.auth import StaffUser
from incidents.models import ModelRecord
from incidents.registry import chain
from incidents.registry import service as registry
from incidents.registry.review_models import UpstreamFlag, UpstreamNotice
from incidents.triage.notifications import Mailer
from tests.conftest import signed_in_client
from tests.factories.registry import csrf
from tests.factories.triage import stored_report

SECRET = "The assistant told a patient to double an insulin dose"
REASON = "Gives unsafe medical dosing advice."


def hub(repo: str) -> str:
    return f"https://huggingface.co/{repo}"


@pytest.fixture
def lineage(session):
    """A -> B -> C down one lineage, D beside it; B, C and D (and A) have owner contacts."""
    a = ModelRecord(name="Aurora", version="1", hub_url=hub("aurora/base"), owner_contact="a@aurora.example")
    b = ModelRecord(
        name="Borealis",
        version="2",
        hub_url=hub("lab/borealis"),
        base_models=["aurora/base"],
        owner_contact="b@lab.example",
    )
    c = ModelRecord(
        name="Cirrus",
        version="3",
        hub_url=hub("cloud/cirrus"),
        base_models=["lab/borealis"],
        owner_contact="c@cloud.example",
    )
    d = ModelRecord(
        name="Draco",
        version="4",
        hub_url=hub("other/draco"),
        base_models=["other/base"],
        owner_contact="d@other.example",
    )
    session.add_all([a, b, c, d])
    session.commit()
    return a, b, c, d


def move(client, model: ModelRecord, action: str, reason: str = REASON):
    page = f"/staff/models/{model.id}"
    version = client.get(page).get_data(as_text=True).split('name="row_version" value="')[1].split('"')[0]
    data = {"csrf_token": csrf(client, page), "row_version": version, "public_reason": reason}
    return client.post(f"{page}/lifecycle/{action}", data=data)


def flags(session) -> list[tuple[int, int, str]]:
    session.expire_all()
    rows = session.exec(select(UpstreamFlag).order_by(UpstreamFlag.id))
    return [(f.model_id, f.upstream_id, f.upstream_status) for f in rows]


def test_restricting_a_model_flags_down_the_lineage_and_tells_owners_once(app, session, make_staff, lineage, smtp_sink):
    a, b, c, d = lineage
    sink, port = smtp_sink
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, PUBLIC_BASE_URL="https://incidents.example.org")
    stored_report(app, session, description=SECRET + ", twice in one chat.", model_name="Aurora")
    client = signed_in_client(app, make_staff("triager"))
    assert move(client, a, "review").status_code == 302
    assert flags(session) == []  # under review is no action upstream
    assert move(client, a, "restrict").status_code == 302
    assert flags(session) == [(b.id, a.id, "restricted"), (c.id, a.id, "restricted")]
    # One e-mail each to B's and C's contacts; none to A's own or to the unrelated D.
    assert sorted(rcpt for rcpt, _m in sink.messages) == [["b@lab.example"], ["c@cloud.example"]]
    by_to = {rcpt[0]: message for rcpt, message in sink.messages}
    body = by_to["c@cloud.example"].get_payload()
    assert by_to["c@cloud.example"]["Subject"] == "A model that Cirrus 3 derives from was restricted"
    assert f"was restricted on {clock.today():%Y-%m-%d}" in body
    assert f"Read more: https://incidents.example.org/models/{c.id}" in body
    assert "carries no report content" in body
    for _rcpt, message in sink.messages:
        text = message.get_payload()
        assert SECRET not in text and "insulin" not in text and REASON not in text and "Aurora" not in text
    # Once per (derived model, upstream event): neither the job nor another try sends again.
    mailer = Mailer.from_config(app.config)
    assert chain.notify_owners(session, mailer) == 0
    assert len(session.exec(select(UpstreamNotice)).all()) == 2 and len(sink.messages) == 2
    # A new event upstream (the restriction becomes a suspension) is a new flag and a new e-mail each.
    assert move(client, a, "suspend").status_code == 302
    assert flags(session)[2:] == [(b.id, a.id, "suspended"), (c.id, a.id, "suspended")]
    assert len(sink.messages) == 4 and "was suspended" in sink.messages[-1][1]["Subject"]
    actions = [e.action for e in session.exec(select(AuditEvent).where(AuditEvent.target_id == str(c.id)))]
    assert actions.count("model.upstream_flagged") == 2
    assert verify_chain(session).ok


def test_public_pages_show_the_action_taken_upstream(app, session, make_staff, lineage, client):
    a, b, c, d = lineage
    staff = signed_in_client(app, make_staff("triager"))
    move(staff, a, "review")
    move(staff, a, "suspend")
    day = f"{clock.today():%Y-%m-%d}"
    for derived in (b, c):
        page = client.get(f"/models/{derived.id}").get_data(as_text=True)
        assert f'Upstream model <a href="/models/{a.id}">Aurora 1</a> was suspended on {day}.' in page
    assert "Upstream model" not in client.get(f"/models/{d.id}").get_data(as_text=True)
    assert "Upstream model" not in client.get(f"/models/{a.id}").get_data(as_text=True)
    spanish = client.get(f"/models/{c.id}?lang=es").get_data(as_text=True)
    assert f'El modelo de origen <a href="/models/{a.id}?lang=es">Aurora 1</a> fue suspendido el {day}.' in spanish
    # An upstream model not listed is not named, nor linked (test_listing_review.py has more).
    session.get(ModelRecord, a.id).listing = "in_review"
    session.commit()
    page = client.get(f"/models/{c.id}").get_data(as_text=True)
    assert f"A model it derives from was suspended on {day}." in page and f'href="/models/{a.id}"' not in page
    assert "Aurora" not in page and "aurora/base" not in page
    # Reinstated upstream: the action no longer stands, and the page says nothing of it.
    session.get(ModelRecord, a.id).listing = "listed"
    session.commit()
    move(staff, a, "reinstate")
    assert "Upstream model" not in client.get(f"/models/{b.id}").get_data(as_text=True)


def test_the_job_sends_what_the_request_could_not(app, session, make_staff, lineage, smtp_sink, runner):
    a, b, c, _d = lineage
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=9)  # nothing listens: the request's sends fail
    staff = signed_in_client(app, make_staff("triager"))
    move(staff, a, "review")
    assert move(staff, a, "restrict").status_code == 302
    assert len(flags(session)) == 2 and session.exec(select(UpstreamNotice)).all() == []
    sink, port = smtp_sink
    app.config.update(MAIL_PORT=port)
    assert "sent 2 owner notices" in runner.invoke(args=["scheduler", "run-job", "notify-model-owners"]).output
    assert "sent 0 owner notices" in runner.invoke(args=["scheduler", "run-job", "notify-model-owners"]).output
    assert sorted(rcpt for rcpt, _m in sink.messages) == [["b@lab.example"], ["c@cloud.example"]]


def test_a_model_without_an_owner_contact_is_flagged_but_not_mailed(app, session, make_staff, lineage, smtp_sink):
    a, b, c, _d = lineage
    sink, port = smtp_sink
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    session.get(ModelRecord, c.id).owner_contact = None
    session.commit()
    staff = signed_in_client(app, make_staff("triager"))
    move(staff, a, "review")
    move(staff, a, "restrict")
    assert [f[0] for f in flags(session)] == [b.id, c.id]
    assert [rcpt for rcpt, _m in sink.messages] == [["b@lab.example"]]


def test_an_approved_decommissioning_flags_too(app, session, make_staff, lineage):
    a, b, c, _d = lineage
    proposer = session.get(StaffUser, make_staff("triager").id)
    approver = session.get(StaffUser, make_staff("admin").id)
    model = session.get(ModelRecord, a.id)
    registry.transition_model(session, model, registry.ModelAction.REVIEW, actor=proposer, row_version=1)
    data = {
        "criteria": {},
        "effective_on": clock.today() + timedelta(days=30),
        "notice": "Move to another base model before the date.",
        "public_reason": REASON,
    }
    proposal = registry.propose_decommission(session, model, actor=proposer, data=data)
    assert flags(session) == []
    registry.decide_proposal(session, proposal, actor=approver, approve=True)
    assert flags(session) == [(b.id, a.id, "decommissioned"), (c.id, a.id, "decommissioned")]


def test_staff_see_flags_and_clear_them_with_a_note(app, session, make_staff, lineage):
    a, b, c, _d = lineage
    staff = signed_in_client(app, make_staff("triager"))
    move(staff, a, "review")
    move(staff, a, "restrict")
    flag = session.exec(select(UpstreamFlag).where(UpstreamFlag.model_id == c.id)).one()
    queue = staff.get("/staff/models/review").get_data(as_text=True)
    assert f'href="/staff/models/{c.id}#flag-{flag.id}"' in queue and f'href="/staff/models/{b.id}#flag-' in queue
    page = staff.get(f"/staff/models/{c.id}").get_data(as_text=True)
    assert "which it derives from, was restricted on" in page and f'href="/staff/models/{a.id}"' in page
    path = f"/staff/models/{c.id}/flags/{flag.id}/clear"
    empty = staff.post(path, data={"csrf_token": csrf(staff), "note": ""})
    assert empty.status_code == 400 and 'id="fnote-' in empty.get_data(as_text=True)
    note = "Cirrus no longer ships Aurora's weights; checked its card."
    assert staff.post(path, data={"csrf_token": csrf(staff), "note": note}).status_code == 302
    session.expire_all()
    flag = session.get(UpstreamFlag, flag.id)
    assert flag.cleared_at is not None and flag.clear_note == note
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "model.upstream_flag_cleared")).one()
    assert (event.target_id, event.details) == (str(c.id), {"flag": flag.id})
    assert f"#flag-{flag.id}" not in staff.get("/staff/models/review").get_data(as_text=True)
    assert staff.post(path, data={"csrf_token": csrf(staff), "note": note}).status_code == 409
    # Odd ids: another model's flag, and ids past any row.
    assert (
        staff.post(f"/staff/models/{b.id}/flags/{flag.id}/clear", data={"csrf_token": csrf(staff)}).status_code == 404
    )
    assert staff.post(f"/staff/models/{c.id}/flags/{2**40}/clear", data={"csrf_token": csrf(staff)}).status_code == 404
    publisher = signed_in_client(app, make_staff("publisher"))
    assert publisher.post(path, data={"csrf_token": csrf(publisher), "note": note}).status_code == 403
