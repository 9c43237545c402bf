"""The staff screens over HTTP: queue, report actions (HTML and JSON), incidents, enforcement, models."""

import re

import pytest
from sqlmodel import select

from core.audit import AuditEvent
from incidents.models import DecommissionProposal, EnforcementAction, Incident, ModelRecord, Report
from incidents.registry.review_models import ListingProposal
from tests.conftest import csrf_from, signed_in_client
from tests.factories.triage import stored_report


def token(client, path):
    return csrf_from(client.get(path).get_data(as_text=True))


def act(client, report, action, **fields):
    path = f"/staff/reports/{report.id}"
    data = {"csrf_token": token(client, path), "version": str(fields.pop("version", report.version)), **fields}
    return client.post(f"{path}/actions/{action}", data=data)


@pytest.fixture
def triager(app, make_staff):
    return signed_in_client(app, make_staff("triager"))


def test_queue_filters_counts_and_pages(app, session, triager):
    reports = [
        stored_report(app, session, model_name=f"Model {i % 3}", category="privacy" if i % 2 else "other")
        for i in range(7)
    ]
    page = triager.get("/staff/queue").get_data(as_text=True)
    assert all(f'href="/staff/reports/{r.id}"' in page for r in reports)
    assert re.search(r"Received <span class=\"count\">7</span>", page)
    only_privacy = triager.get("/staff/queue?category=privacy").get_data(as_text=True)
    assert only_privacy.count('href="/staff/reports/') == 3
    by_model = triager.get("/staff/queue?model=MODEL%201").get_data(as_text=True)
    assert by_model.count('href="/staff/reports/') == len([r for r in reports if r.model_name == "Model 1"])
    search = triager.get(f"/staff/queue?q=%23{reports[2].id}").get_data(as_text=True)
    assert search.count('href="/staff/reports/') == 1
    prefix = triager.get("/staff/queue?q=mod").get_data(as_text=True)
    assert prefix.count('href="/staff/reports/') == 7


def _pages(client, url: str, row_href: str) -> list[list[int]]:
    """Follow a listing's rel=next links from `url`; return the ids on each page, page by page."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        pages.append([int(i) for i in re.findall(row_href, html)])
        found = re.search(r'href="([^"]+)" rel="next"', html)
        url = found.group(1).replace("&amp;", "&") if found else None
    return pages


@pytest.mark.parametrize("sort, newest_first", [("newest", True), ("oldest", False), ("duty", False)])
def test_queue_pages_with_a_cursor_not_an_offset(app, session, make_staff, sort, newest_first):
    app.config["QUEUE_PAGE_SIZE"] = 3
    triager = signed_in_client(app, make_staff("triager"))
    ids = [stored_report(app, session).id for _ in range(7)]
    first = triager.get(f"/staff/queue?sort={sort}").get_data(as_text=True)
    assert re.search(r'href="([^"]+)" rel="next"', first).group(1).count("after=") == 1  # a cursor, no offset
    pages = _pages(triager, f"/staff/queue?sort={sort}", r'href="/staff/reports/(\d+)"')
    ordered = sorted(ids, reverse=newest_first)
    assert pages == [ordered[0:3], ordered[3:6], ordered[6:7]]  # pages 2 and 3 reached, disjoint, in order


def test_incident_list_pages_to_the_oldest(app, session, make_staff):
    from core.auth import StaffUser
    from incidents.cases import service

    app.config["QUEUE_PAGE_SIZE"] = 3
    actor = session.get(StaffUser, make_staff("triager").id)
    ids = [service.create_incident(session, actor=actor, data={"title": f"Incident number {n}"}).id for n in range(7)]
    triager = signed_in_client(app, make_staff("triager"))
    pages = _pages(triager, "/staff/incidents", r'href="/staff/incidents/(\d+)"')
    newest_first = sorted(ids, reverse=True)
    assert pages == [newest_first[0:3], newest_first[3:6], newest_first[6:7]]


@pytest.mark.parametrize(
    "query",
    [
        "status=nope",
        "sort=sideways",
        "after=abc",
        "assignee=x",
        "sort=due&after=x~1",
        "sort=due&after=2026-01-01T00:00:00~1",
        "after=-1x",
    ],
)
def test_bad_queue_arguments_get_a_clear_400(triager, query):
    response = triager.get(f"/staff/queue?{query}")
    assert response.status_code == 400
    assert "could not be understood" in response.get_data(as_text=True)


def test_html_actions_and_an_illegal_one(app, session, triager):
    report = stored_report(app, session)
    response = act(triager, report, "acknowledge")
    assert response.status_code == 302
    session.refresh(report)
    assert report.status == "acknowledged"
    page = triager.get(f"/staff/reports/{report.id}").get_data(as_text=True)
    assert "/actions/acknowledge" not in page and "/actions/resolve" in page  # buttons follow the table
    stale = act(triager, report, "escalate", version=report.version - 1)
    assert stale.status_code == 409 and "changed this record" in stale.get_data(as_text=True)
    illegal = act(triager, report, "reopen")
    assert illegal.status_code == 409 and "cannot be" in illegal.get_data(as_text=True)
    missing = act(triager, report, "dismiss")
    assert missing.status_code == 400 and "Choose a reason" in missing.get_data(as_text=True)
    assert act(triager, report, "teleport").status_code == 404


def test_json_actions_answer_409_when_illegal(app, session, triager):
    report = stored_report(app, session)
    headers = {"X-CSRFToken": token(triager, f"/staff/reports/{report.id}")}
    ok = triager.post(f"/staff/reports/{report.id}/actions/escalate", json={"version": report.version}, headers=headers)
    assert ok.status_code == 200 and ok.get_json()["status"] == "escalated"
    again = triager.post(
        f"/staff/reports/{report.id}/actions/escalate", json={"version": ok.get_json()["version"]}, headers=headers
    )
    assert again.status_code == 409 and "cannot be" in again.get_json()["error"]
    bad = triager.post(
        f"/staff/reports/{report.id}/actions/classify", json={"version": 2, "category": "x"}, headers=headers
    )
    assert bad.status_code == 400 and "category" in bad.get_json()["errors"]
    broken = triager.post(
        f"/staff/reports/{report.id}/actions/escalate",
        data="{not json",
        content_type="application/json",
        headers=headers,
    )
    assert broken.status_code == 400


def test_classify_sets_a_countdown_shown_in_the_queue(app, session, triager):
    report = stored_report(app, session)
    act(triager, report, "classify", category="safety_failure", severity="serious_incident", flags="death")
    session.refresh(report)
    assert report.deadline_tier == "death"
    assert "report due in 9 d" in triager.get("/staff/queue").get_data(as_text=True)
    assert "initial regulatory report is due in 9 days" in triager.get(f"/staff/reports/{report.id}").get_data(
        as_text=True
    )


def test_opening_a_report_is_audited(app, session, triager):
    report = stored_report(app, session)
    triager.get(f"/staff/reports/{report.id}")
    opened = session.exec(
        select(AuditEvent).where(AuditEvent.action == "report.opened", AuditEvent.target_id == str(report.id))
    ).all()
    assert len(opened) == 1 and opened[0].actor_id is not None


def test_reply_templates_prefill_the_reply(app, session, triager):
    report = stored_report(app, session)
    page = triager.get(f"/staff/reports/{report.id}?template=more_info").get_data(as_text=True)
    assert "we need a little more detail" in page


def test_link_to_a_new_incident_then_publisher_approves_with_consent(app, session, triager, make_staff):
    consenting = stored_report(app, session, share_consent=True)
    act(triager, consenting, "link_incident", new_title="Insulin dose advice")
    incident = session.exec(select(Incident)).one()
    publisher = signed_in_client(app, make_staff("publisher"))
    page = publisher.get(f"/staff/incidents/{incident.id}").get_data(as_text=True)
    assert "Approve for public sharing" in page
    # A second report without consent blocks sharing.
    refusing = stored_report(app, session, share_consent=False)
    act(triager, refusing, "link_incident", incident_id=str(incident.id))
    page = publisher.get(f"/staff/incidents/{incident.id}").get_data(as_text=True)
    assert "did not consent" in page and "Approve for public sharing" not in page
    forced = publisher.post(
        f"/staff/incidents/{incident.id}/sharing", data={"csrf_token": csrf_from(page), "share": "1"}
    )
    assert forced.status_code == 400 and "did not consent" in forced.get_data(as_text=True)
    session.refresh(incident)
    assert incident.shared_at is None
    # Triagers cannot approve at all.
    assert (
        triager.post(
            f"/staff/incidents/{incident.id}/sharing",
            data={"csrf_token": token(triager, "/staff/incidents"), "share": "1"},
        ).status_code
        == 403
    )


def test_editing_a_shared_incident_withdraws_the_approval(app, session, triager, make_staff):
    report = stored_report(app, session, share_consent=True)
    act(triager, report, "link_incident", new_title="Dose advice incident")
    incident = session.exec(select(Incident)).one()
    publisher = signed_in_client(app, make_staff("publisher"))
    publisher.post(
        f"/staff/incidents/{incident.id}/sharing",
        data={"csrf_token": token(publisher, f"/staff/incidents/{incident.id}"), "share": "1"},
    )
    session.refresh(incident)
    assert incident.shared_at is not None
    response = triager.post(
        f"/staff/incidents/{incident.id}/edit",
        data={
            "csrf_token": token(triager, f"/staff/incidents/{incident.id}"),
            "version": str(incident.version),
            "title": "Dose advice incident, revised",
            "deployers": "Northwind Health\nAcme",
        },
    )
    assert response.status_code == 302
    session.refresh(incident)
    assert incident.shared_at is None and incident.deployers == ["Northwind Health", "Acme"]


def test_enforcement_actions_are_recorded_and_validated(app, session, triager):
    report = stored_report(app, session)
    path = f"/staff/reports/{report.id}"
    bad = triager.post(
        f"{path}/enforcement",
        data={
            "csrf_token": token(triager, path),
            "action_type": "referral",
            "target_kind": "model",
            "target": "Aurora 13B",
            "ground_type": "law",
            "ground_reference": "DSA Art. 18",
            "detection": "manual",
            "decision": "manual",
            "decided_on": "2026-11-01",
        },
    )
    assert bad.status_code == 400 and "Name the authority" in bad.get_data(as_text=True)
    good = triager.post(
        f"{path}/enforcement",
        data={
            "csrf_token": token(triager, path),
            "action_type": "takedown",
            "target_kind": "model",
            "target": "Aurora 13B",
            "ground_type": "policy",
            "ground_reference": "AUP §3.2",
            "detection": "automated",
            "decision": "manual",
            "territorial_scope": "de fr",
            "decided_on": "2026-11-01",
            "applied_on": "2026-11-02",
        },
    )
    assert good.status_code == 302
    action = session.exec(select(EnforcementAction)).one()
    assert (action.action_type, action.detection, action.territorial_scope) == ("takedown", "automated", ["DE", "FR"])
    session.refresh(report)
    assert report.actioned_at is not None


def test_decommissioning_needs_a_second_person(app, session, make_staff):
    alice = signed_in_client(app, make_staff("triager"))
    bob = signed_in_client(app, make_staff("admin"))
    alice.post(
        "/staff/models",
        data={
            "csrf_token": token(alice, "/staff/models"),
            "name": "Aurora",
            "version": "13B",
            "provider": "Northwind Labs",
        },
    )
    model = session.exec(select(ModelRecord)).one()
    path = f"/staff/models/{model.id}"
    # Registered without a card, it waits for the pre-upload review: two people list it, so the public list shows it.
    assert model.listing == "in_review"
    alice.post(f"{path}/listing", data={"csrf_token": token(alice, path), "outcome": "approve"})
    listing_proposal = session.exec(select(ListingProposal)).one()
    bob.post(
        f"{path}/listing/{listing_proposal.id}/decision", data={"csrf_token": token(bob, path), "decision": "confirm"}
    )
    session.refresh(model)
    assert model.listing == "listed"
    assert "Propose decommissioning" not in alice.get(path).get_data(as_text=True)  # active: review first
    alice.post(f"{path}/lifecycle/review", data={"csrf_token": token(alice, path), "row_version": "1"})
    short = alice.post(f"{path}/lifecycle/suspend", data={"csrf_token": token(alice, path), "row_version": "2"})
    assert short.status_code == 400 and "public reason" in short.get_data(as_text=True)
    alice.post(
        f"{path}/lifecycle/suspend",
        data={"csrf_token": token(alice, path), "row_version": "2", "public_reason": "Gives dangerous medical advice."},
    )
    incomplete = alice.post(
        f"{path}/proposals",
        data={
            "csrf_token": token(alice, path),
            "effective_on": "2026-12-31",
            "notice": "This model stops answering on 31 December.",
            "public_reason": "Unsafe medical advice",
            "criterion_severity": "high",
        },
    )
    assert incomplete.status_code == 400 and "every question" in incomplete.get_data(as_text=True)
    criteria = {
        "criterion_severity": "critical",
        "criterion_reproducibility": "reliably",
        "criterion_mitigation": "no",
        "criterion_downstream_usage": "some",
        "criterion_weights_public": "no",
    }
    alice.post(
        f"{path}/proposals",
        data={
            "csrf_token": token(alice, path),
            "effective_on": "2026-12-31",
            "notice": "This model stops answering on 31 December. Use Aurora 14B.",
            "public_reason": "Unsafe medical advice",
            **criteria,
        },
    )
    proposal = session.exec(select(DecommissionProposal)).one()
    own = alice.post(
        f"/staff/proposals/{proposal.id}/decision", data={"csrf_token": token(alice, path), "decision": "approve"}
    )
    assert own.status_code == 403 and "second staff member" in own.get_data(as_text=True)
    assert (
        bob.post(
            f"/staff/proposals/{proposal.id}/decision", data={"csrf_token": token(bob, path), "decision": "approve"}
        ).status_code
        == 302
    )
    session.refresh(model)
    assert model.status == "decommissioned" and str(model.effective_on) == "2026-12-31"
    public = app.test_client().get("/models/withdrawn").get_data(as_text=True)
    assert "Aurora" in public and "Unsafe medical advice" in public and "2026-12-31" in public


def test_report_status_reaches_the_reporter(app, client, session, triager):
    from tests.factories.reports import submit

    _response, receipt, _data = submit(client)
    report = session.exec(select(Report)).one()
    act(triager, report, "acknowledge")
    page = client.post("/followup", data={"csrf_token": token(client, "/followup"), "receipt": receipt})
    assert "Our team has read your report" in page.get_data(as_text=True)


def test_search_by_country_and_model_prefix_and_too_broad(app, session, triager, monkeypatch):
    from incidents.triage import queue

    german = stored_report(app, session, model_name="Dewdrop", country="DE")
    dew = stored_report(app, session, model_name="Dewberry 2", country="FR")
    other = stored_report(app, session, model_name="Aurora", country="FR")
    both = triager.get("/staff/queue?q=de").get_data(as_text=True)  # country DE, and models starting "de"
    assert {int(i) for i in re.findall(r'href="/staff/reports/(\d+)"', both)} == {german.id, dew.id}
    fr = triager.get("/staff/queue?q=FR").get_data(as_text=True)
    assert {int(i) for i in re.findall(r'href="/staff/reports/(\d+)"', fr)} == {dew.id, other.id}
    monkeypatch.setattr(queue, "MAX_SEARCH_MODELS", 1)
    broad = triager.get("/staff/queue?q=dew")
    assert broad.status_code == 200 and "Type more of the name" in broad.get_data(as_text=True)


def test_dashboard_draws_svg_charts_inline_and_lists_deadlines(app, session, triager, make_staff):
    from core.auth import StaffUser
    from incidents.triage import service
    from incidents.triage.workflow import TriageAction

    actor = session.get(StaffUser, make_staff("triager").id)
    for _ in range(3):
        stored_report(app, session)
    report = stored_report(app, session)
    service.apply(
        session,
        report,
        TriageAction.CLASSIFY,
        actor=actor,
        data={
            "version": report.version,
            "category": "safety_failure",
            "severity": "serious_incident",
            "actor": None,
            "flags": ["critical_infrastructure"],
        },
    )
    response = triager.get("/staff/dashboard")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count("<svg ") == 3 and 'role="img"' in html
    assert "<script" not in html and "http://" not in html.split("<svg", 1)[1].split("</svg>")[0].replace(
        "http://www.w3.org", ""
    )
    assert f'href="/staff/reports/{report.id}"' in html  # due within two days
    assert "<td>Received</td><td>4</td>" in html.replace(
        '<a href="/staff/queue?status=received">Received</a>', "Received"
    )


def test_domain_errors_roll_back_and_show_on_the_page_acted_on(app, session, triager):
    """One handler: a refused registration shows on the registry list; a stale edit answers JSON callers in JSON."""
    page = triager.get("/staff/models")
    form = {"csrf_token": csrf_from(page.get_data(as_text=True)), "name": "Aurora", "version": "13B"}
    assert triager.post("/staff/models", data=form).status_code == 302
    again = triager.post("/staff/models", data=form)
    assert again.status_code == 400 and "already in the registry" in again.get_data(as_text=True)
    assert len(session.exec(select(ModelRecord)).all()) == 1

    report = stored_report(app, session)
    token_value = csrf_from(triager.get(f"/staff/reports/{report.id}").get_data(as_text=True))
    stale = triager.post(
        f"/staff/reports/{report.id}/actions/acknowledge",
        json={"version": report.version + 5},
        headers={"X-CSRFToken": token_value},
    )
    assert stale.status_code == 409 and "changed this record" in stale.get_json()["error"]
    session.expire_all()
    assert session.get(Report, report.id).status == "received"


def test_a_domain_error_on_a_record_that_is_gone_shows_the_apps_own_404(app):
    """The handler re-renders the page named in the URL; when that page 404s, the app's error page answers."""
    from incidents.error_pages import handle_domain_error
    from incidents.errors import Conflict

    with app.test_request_context("/staff/reports/999999/reply", method="POST"):
        response = app.make_response(handle_domain_error(Conflict("Someone else changed this record.")))
    assert response.status_code == 404
    assert "Error code" in response.get_data(as_text=True)  # templates/errors/error.html, not werkzeug's page


def test_can_covers_a_report_only_for_the_staff_who_may_see_it(app, session, make_staff):
    """The object rule incidents registers: a permission on a report holds only for who may see it.

    Public reports are for the public channel's staff; a whistleblower report for the recipients it is
    sealed to, not for every recipient.
    """
    from core.auth import StaffUser
    from core.permissions import can
    from core.sealing import staff_reader
    from incidents.access import CHANNEL_OF_ROLE

    public = stored_report(app, session)
    staff = {role: session.get(StaffUser, make_staff(role).id) for role in ("admin", "triager", "recipient")}
    other_recipient = session.get(StaffUser, make_staff("recipient").id)
    sealed_to = staff_reader(staff["recipient"].id, staff["recipient"].public_key)
    whistle = Report(
        channel="whistleblower",
        category="other",
        severity="incident",
        status="received",
        version=1,
        wrapped_keys={sealed_to: "wrapped", "reporter": "wrapped"},
    )
    with app.app_context():
        assert can(staff["triager"], "work_reports", public) and can(staff["admin"], "work_reports", public)
        assert not can(staff["recipient"], "work_reports", public)
        assert can(staff["recipient"], "work_reports", whistle) and not can(staff["triager"], "work_reports", whistle)
        assert not can(other_recipient, "work_reports", whistle)
        for role, user in staff.items():  # the channel grants agree with the channel map
            assert can(user, "triage_public_reports") == (CHANNEL_OF_ROLE.get(role) == "public")
            assert can(user, "receive_whistleblower_reports") == (CHANNEL_OF_ROLE.get(role) == "whistleblower")


def test_a_conflict_after_a_write_is_rolled_back_whole(app, session, triager, monkeypatch):
    """Linking to a new incident writes the incident first; a conflict after that leaves neither behind."""
    from sqlalchemy import update

    from core.audit import AuditEvent
    from incidents.cases import service as cases

    report = stored_report(app, session)
    real_add = cases.add_incident

    def add_then_race(db, *args, **kwargs):
        incident = real_add(db, *args, **kwargs)
        # Someone else acts on the report inside this very transaction, just before our write.
        db.execute(update(Report).where(Report.id == report.id).values(version=Report.version + 1))
        return incident

    monkeypatch.setattr(cases, "add_incident", add_then_race)
    events_before = len(session.exec(select(AuditEvent)).all())
    response = act(triager, report, "link_incident", new_title="An incident that must not survive")
    assert response.status_code == 409 and "changed this record" in response.get_data(as_text=True)
    session.expire_all()
    assert session.exec(select(Incident)).all() == []  # the flushed incident went with the rollback
    assert (
        session.get(Report, report.id).version == report.version and session.get(Report, report.id).incident_id is None
    )
    actions = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.seq))][events_before:]
    assert set(actions) == {"report.opened"}  # the page was opened twice; no incident.created, no link
