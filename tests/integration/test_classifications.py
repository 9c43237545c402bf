"""Staff classify an incident in AIID's taxonomies from its page: saved, audited, checked, and never a 500."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from core.audit import AuditEvent
from incidents.cases.classification_models import IncidentClassification
from incidents.cases.classify import Classification, classifications_for
from incidents.models import Incident
from tests.conftest import csrf_from, signed_in_client
from tests.factories.triage import stored_report

CSET = "/staff/incidents/{id}/classifications/csetv1"
HARM_LEVEL = "csetv1-3-5-ai-harm-level"
LIVES_LOST = "csetv1-8-1-lives-lost"
SECTORS = "csetv1-9-3-sector-of-deployment"
ENTITY = "csetv1-3-4-there-is-a-potentially-identifiable-specific-entity-that-experienced-the-harm"
GOALS = "gmf-1-1-1-known-ai-goal"


@pytest.fixture
def triager(app, make_staff):
    return signed_in_client(app, make_staff("triager"))


@pytest.fixture
def incident(app, session, make_staff):
    from core.auth import StaffUser
    from incidents.cases import service

    actor = session.get(StaffUser, make_staff("triager").id)
    return service.create_incident(session, actor=actor, data={"title": "Dosing assistant advice incident"})


def page_of(client, incident) -> str:
    return client.get(f"/staff/incidents/{incident.id}").get_data(as_text=True)


def post(client, incident, data: dict, taxonomy: str = "csetv1", version: str | None = "0"):
    fields = {"csrf_token": csrf_from(page_of(client, incident)), **data}
    if version is not None:
        fields.setdefault("version", version)
    return client.post(f"/staff/incidents/{incident.id}/classifications/{taxonomy}", data=fields)


def stored(session, incident) -> IncidentClassification | None:
    session.expire_all()
    return session.exec(select(IncidentClassification).where(IncidentClassification.incident_id == incident.id)).first()


def test_saving_a_classification_stores_it_audits_it_and_shows_it(session, triager, incident):
    response = post(
        triager,
        incident,
        {
            HARM_LEVEL: "AI tangible harm event",
            LIVES_LOST: "0",
            SECTORS: ["human health and social work activities", "information and communication"],
            ENTITY: "yes",
            "notes": "Second annotator to check 3.5.",
            "publish": "1",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/staff/incidents/{incident.id}#classification-csetv1")
    row = stored(session, incident)
    assert row.namespace == "CSETv1" and row.version == 1 and row.publish is True
    assert row.attributes == {
        "AI Harm Level": "AI tangible harm event",
        "Lives Lost": 0,
        "Sector of Deployment": ["human health and social work activities", "information and communication"],
        "There is a potentially identifiable specific entity that experienced the harm": True,
    }
    assert row.notes == "Second annotator to check 3.5."
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "incident.classified")).one()
    assert event.target_id == str(incident.id)
    assert event.details == {
        "namespace": "CSETv1",
        "fields": [
            "AI Harm Level",
            "Lives Lost",
            "Sector of Deployment",
            "There is a potentially identifiable specific entity that experienced the harm",
            "notes",
            "publish",
        ],
        "sharing_withdrawn": False,
    }
    page = page_of(triager, incident)
    assert "<dt>AI Harm Level</dt><dd>AI tangible harm event</dd>" in page
    assert "<dt>Sector of Deployment</dt><dd>human health and social work activities, information and" in page
    assert "Not classified in this taxonomy yet." in page  # GMF and MIT
    assert 'value="AI tangible harm event" checked' in page
    # The same form again changes nothing: no new version, no new event.
    again = post(
        triager,
        incident,
        {
            HARM_LEVEL: "AI tangible harm event",
            LIVES_LOST: "0",
            SECTORS: ["human health and social work activities", "information and communication"],
            ENTITY: "yes",
            "notes": "Second annotator to check 3.5.",
            "publish": "1",
        },
        version="1",
    )
    assert again.status_code == 302 and stored(session, incident).version == 1
    assert len(session.exec(select(AuditEvent).where(AuditEvent.action == "incident.classified")).all()) == 1


def test_a_bad_form_shows_errors_by_the_fields_and_keeps_what_was_typed(session, triager, incident):
    response = post(
        triager,
        incident,
        {LIVES_LOST: "several", HARM_LEVEL: "catastrophic", SECTORS: ["information and communication"]},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    summary = re.search(
        r'<div class="error-summary" role="alert" id="classification-csetv1-errors">(.*?)</div>', html, re.S
    )
    assert summary, "no error summary for the CSETv1 form"
    assert f'href="#f-{LIVES_LOST}"' in summary.group(1) and f'href="#f-{HARM_LEVEL}"' in summary.group(1)
    assert f'id="f-{LIVES_LOST}-error"' in html and 'aria-invalid="true"' in html
    assert f'name="{LIVES_LOST}" type="text" inputmode="numeric" maxlength="10" value="several"' in html
    assert re.search(rf'name="{SECTORS}" value="information and communication" checked', html)
    assert '<details class="action" open>' in html
    assert stored(session, incident) is None


def test_a_change_withdraws_the_sharing_approval_and_notes_alone_do_not(app, session, triager, make_staff):
    report = stored_report(app, session, share_consent=True)
    path = f"/staff/reports/{report.id}"
    triager.post(
        f"{path}/actions/link_incident",
        data={
            "csrf_token": csrf_from(triager.get(path).get_data(as_text=True)),
            "version": str(report.version),
            "new_title": "Dose advice incident",
        },
    )
    incident = session.exec(select(Incident)).one()
    publisher = signed_in_client(app, make_staff("publisher"))

    def approve():
        publisher.post(
            f"/staff/incidents/{incident.id}/sharing",
            data={"csrf_token": csrf_from(page_of(publisher, incident)), "share": "1"},
        )
        session.refresh(incident)
        assert incident.shared_at is not None and incident.public_summary is not None

    approve()
    response = post(triager, incident, {"mit-risk-domain": "3. Misinformation", "publish": "1"}, taxonomy="mit")
    assert response.status_code == 302
    session.refresh(incident)
    assert incident.shared_at is None and incident.shared_by is None and incident.public_summary is None
    assert "approval for public sharing is withdrawn" in page_of(triager, incident)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "incident.classified")).one()
    assert event.details == {"namespace": "MIT", "fields": ["Risk Domain", "publish"], "sharing_withdrawn": True}
    approve()
    notes_only = {"mit-risk-domain": "3. Misinformation", "publish": "1", "notes": "Checked by a second person."}
    assert post(triager, incident, notes_only, taxonomy="mit", version="1").status_code == 302
    session.refresh(incident)
    assert incident.shared_at is not None  # staff notes never leave the platform
    unpublish = {"mit-risk-domain": "3. Misinformation", "notes": "Checked by a second person."}
    assert post(triager, incident, unpublish, taxonomy="mit", version="2").status_code == 302
    session.refresh(incident)
    assert incident.shared_at is None


def test_a_publisher_reads_the_classifications_but_may_not_change_them(app, session, triager, make_staff, incident):
    assert post(triager, incident, {"mit-entity": "AI", "publish": "1"}, taxonomy="mit").status_code == 302
    publisher = signed_in_client(app, make_staff("publisher"))
    page = page_of(publisher, incident)
    assert "<dt>Entity</dt><dd>AI</dd>" in page
    assert "/classifications/mit" not in page  # no form
    response = publisher.post(
        f"/staff/incidents/{incident.id}/classifications/mit",
        data={"csrf_token": csrf_from(page), "version": "1", "mit-entity": "Human"},
    )
    assert response.status_code == 403
    assert stored(session, incident).attributes == {"Entity": "AI"}


def test_a_stale_version_is_a_conflict_shown_on_the_page(session, triager, incident):
    assert post(triager, incident, {"mit-entity": "AI", "publish": "1"}, taxonomy="mit").status_code == 302
    response = post(triager, incident, {"mit-entity": "Human", "publish": "1"}, taxonomy="mit", version="0")
    assert response.status_code == 409 and "Someone else changed this record" in response.get_data(as_text=True)
    assert stored(session, incident).attributes == {"Entity": "AI"}


def test_gmf_labels_are_read_one_per_line(session, triager, incident):
    response = post(triager, incident, {GOALS: "  Question   Answering \n\n Chatbot\n", "publish": "1"}, taxonomy="gmf")
    assert response.status_code == 302
    assert stored(session, incident).attributes == {"Known AI Goal": ["Question Answering", "Chatbot"]}


HUGE = "x" * 300_000


@pytest.mark.parametrize(
    "taxonomy, data, version, status",
    [
        ("nosuch", {"mit-entity": "AI"}, "0", 404),
        ("CSETv1", {HARM_LEVEL: "none"}, "0", 404),  # the URL names a taxonomy by its slug
        ("csetv1", {"csetv1-99-invented": "yes", HARM_LEVEL: "none"}, "0", 302),  # unknown fields are ignored
        ("csetv1", {HARM_LEVEL: HUGE}, "0", 400),
        ("csetv1", {SECTORS: ["information and communication", "information and communication"]}, "0", 400),
        ("csetv1", {SECTORS: ["piracy"]}, "0", 400),
        ("csetv1", {ENTITY: "perhaps"}, "0", 400),
        ("csetv1", {LIVES_LOST: "99999999999"}, "0", 400),
        ("csetv1", {LIVES_LOST: "-1"}, "0", 400),
        ("csetv1", {LIVES_LOST: "٣"}, "0", 400),
        ("csetv1", {"notes": HUGE}, "0", 400),
        ("gmf", {GOALS: HUGE}, "0", 400),
        ("gmf", {GOALS: "\n".join(f"goal {n}" for n in range(31))}, "0", 400),
        ("mit", {"mit-entity": "AI"}, None, 400),
        ("mit", {"mit-entity": "AI"}, "-3", 400),
        ("mit", {"mit-entity": "AI"}, "99999999999999999999", 400),
        ("mit", {"mit-entity": "AI"}, "one", 400),
        ("mit", {"mit-entity": "AI"}, "7", 409),
    ],
)
def test_odd_input_is_a_4xx_never_a_500(session, triager, incident, taxonomy, data, version, status):
    response = post(triager, incident, data, taxonomy=taxonomy, version=version)
    assert response.status_code == status
    if status != 302:
        assert stored(session, incident) is None
    else:
        assert stored(session, incident).attributes == {"AI Harm Level": "none"}


def test_an_incident_that_does_not_exist_is_404(triager, incident):
    token = csrf_from(page_of(triager, incident))
    for incident_id in (incident.id + 1, 2**31, 10**20):
        response = triager.post(CSET.format(id=incident_id), data={"csrf_token": token, "version": "0"})
        assert response.status_code == 404


def test_classifications_for_gives_the_exporter_published_ones_by_incident(session, triager, incident, make_staff):
    from core.auth import StaffUser
    from incidents.cases import service

    other = service.create_incident(
        session, actor=session.get(StaffUser, make_staff("triager").id), data={"title": "Another incident"}
    )
    post(triager, incident, {"mit-entity": "AI", "mit-timing": "Post-deployment", "publish": "1"}, taxonomy="mit")
    post(triager, incident, {HARM_LEVEL: "none", "notes": "internal"})  # not published
    post(triager, incident, {GOALS: "Chatbot", "publish": "1"}, taxonomy="gmf")
    found = classifications_for(session, [other.id, incident.id, 999_999])
    assert found == {
        other.id: [],
        incident.id: [
            Classification("GMF", {"Known AI Goal": ["Chatbot"]}, "", True),
            Classification("MIT", {"Entity": "AI", "Timing": "Post-deployment"}, "", True),
        ],
        999_999: [],
    }
    everything = classifications_for(session, [incident.id], published_only=False)[incident.id]
    assert [c.namespace for c in everything] == ["CSETv1", "GMF", "MIT"]
    assert everything[0] == Classification("CSETv1", {"AI Harm Level": "none"}, "internal", False)


def test_deleting_an_incident_deletes_its_classifications(session, triager, incident):
    post(triager, incident, {"mit-entity": "AI", "publish": "1"}, taxonomy="mit")
    session.delete(session.get(Incident, incident.id))
    session.commit()
    assert session.exec(select(IncidentClassification)).all() == []


def test_two_first_classifications_at_once_end_in_a_conflict_not_a_500(session, triager, incident, monkeypatch):
    """The other request's row arrives between the lookup and the insert: the unique key refuses the second."""
    from incidents.cases import classify

    assert post(triager, incident, {"mit-entity": "AI", "publish": "1"}, taxonomy="mit").status_code == 302
    monkeypatch.setattr(classify, "stored_classification", lambda *_args: None)
    response = post(triager, incident, {"mit-entity": "Human", "publish": "1"}, taxonomy="mit", version="0")
    assert response.status_code == 409 and "Someone else changed this record" in response.get_data(as_text=True)
    assert stored(session, incident).attributes == {"Entity": "AI"}
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "incident.classified")).all()
    assert len(events) == 1
