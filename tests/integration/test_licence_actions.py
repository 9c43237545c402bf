"""Enforcement on the ground of a model's licence: the staff form cites a clause of the licence registry, the
action stores it, and it leaves in the statement of reasons, the DSA export and the transparency figures.
Runs on SQLite and PostgreSQL."""

import json

import pytest
from sqlmodel import select

from core.audit import AuditEvent
from core.auth import StaffUser
from core.periods import Period
from exports import dsa_submit, service
from incidents.enforcement import appeal_decisions
from incidents.enforcement.models import Appeal, AppealOutcome
from incidents.errors import DomainError
from incidents.intake.service import platform_keys
from incidents.models import EnforcementAction, ModelRecord
from tests.conftest import FIXED_DAY, csrf_from, signed_in_client
from tests.factories.exports import approved_incident, enforcement
from tests.factories.triage import stored_report
from tests.fakes.dsa_tdb import FakeTransparencyDatabase
from tests.integration.test_appeals import file_appeal, suspend, token_for

pytestmark = pytest.mark.time_machine(FIXED_DAY)
SETTINGS = {"namespace": "https://incidents.example.org", "submitter": "Anonymous", "language": "en"}
FORM = {
    "action_type": "takedown",
    "target_kind": "model",
    "target": "quill-diffusion-xl",
    "ground_type": "licence",
    "licence_citation": "llama2:aup-3",
    "explanation": "The fine-tune is advertised for impersonating bank staff on the phone.",
    "detection": "manual",
    "decision": "manual",
    "decided_on": "2026-11-01",
}
LLAMA_AUP_3 = "Llama 2 Community License Agreement, Acceptable Use Policy §3"


def report_page(app, session, make_staff):
    report = stored_report(app, session)
    browser = signed_in_client(app, make_staff("triager"))
    path = f"/staff/reports/{report.id}"
    return browser, path, browser.get(path).get_data(as_text=True)


def test_the_form_offers_each_clause_under_its_licence_and_the_vague_licences_disabled_with_the_reason(
    app, session, make_staff
):
    _browser, _path, page = report_page(app, session, make_staff)
    form = page.split('id="e-licence_citation"', 1)[1].split("</select>", 1)[0]
    assert '<optgroup label="Llama 2 Community License Agreement">' in form
    assert (
        '<option value="llama2:aup-3">Llama 2 Community License Agreement — Acceptable Use Policy §3: Deceiving or '
        "misleading others: fraud, disinformation, impersonation, spam.</option>"
    ) in form
    assert '<option value="apache-2.0:4a">Apache License 2.0 — §4(a): ' in form
    vague = form.split('<optgroup label="Licences we cannot act on">', 1)[1]
    assert '<option value="openrail:" disabled>Open RAIL (family) — &#39;openrail&#39; names the family' in vague
    assert '<option value="other:" disabled>Other (named in the card) — ' in vague
    assert form.count("<optgroup") == 7  # six licences we act on, and those we cannot


def test_a_licence_action_stores_its_citation_and_the_audit_event_names_the_clause(app, session, make_staff):
    browser, path, page = report_page(app, session, make_staff)
    response = browser.post(f"{path}/enforcement", data={"csrf_token": csrf_from(page), **FORM})
    assert response.status_code == 302
    action = session.exec(select(EnforcementAction)).one()
    assert (action.ground_type, action.licence_id, action.licence_clause) == ("licence", "llama2", "aup-3")
    assert action.ground_reference == LLAMA_AUP_3  # left empty on the form: made from the clause
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "enforcement.recorded")).one()
    assert (event.details["licence"], event.details["clause"]) == ("llama2", "aup-3")
    listed = browser.get(path).get_data(as_text=True)
    assert f"licence: {LLAMA_AUP_3} (" in listed
    assert 'href="/licences/llama2#clause-llama2-aup-3"><code>llama2</code> <code>aup-3</code></a>' in listed


def test_a_reference_written_on_the_form_is_kept(app, session, make_staff):
    browser, path, page = report_page(app, session, make_staff)
    written = {**FORM, "ground_reference": "Llama 2 AUP §3(b), impersonation"}
    assert browser.post(f"{path}/enforcement", data={"csrf_token": csrf_from(page), **written}).status_code == 302
    action = session.exec(select(EnforcementAction)).one()
    assert (action.ground_reference, action.licence_clause) == ("Llama 2 AUP §3(b), impersonation", "aup-3")


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"licence_citation": ""}, "Choose the clause of the licence that the action enforces."),
        (
            {"licence_citation": "openrail:"},
            "&#39;openrail&#39; names the family of Open RAIL licences, not one licence.",
        ),
        ({"licence_citation": "other:"}, "&#39;other&#39; names no licence"),
        ({"licence_citation": "llama2:aup-9"}, "Choose a clause of this licence from the list."),
        ({"licence_citation": "gpl-3.0:4"}, "We do not act on this licence: choose one from our list of licences."),
        (
            {"ground_type": "policy", "ground_reference": "AUP §3.2"},
            "Only an action on the licence ground cites a licence clause",
        ),
        ({"ground_type": "law", "licence_citation": ""}, "Name the law or the policy, with the clause."),
    ],
)
def test_a_citation_the_registry_cannot_back_is_refused_on_the_form(app, session, make_staff, changes, message):
    browser, path, page = report_page(app, session, make_staff)
    response = browser.post(f"{path}/enforcement", data={"csrf_token": csrf_from(page), **FORM, **changes})
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and message in body
    field = "ground_reference" if changes.get("ground_type") == "law" else "licence_citation"
    assert f'id="e-{field}-error"' in body
    assert session.exec(select(EnforcementAction)).all() == []


def test_the_vague_reason_is_shown_in_spanish(app, session, make_staff):
    browser, path, page = report_page(app, session, make_staff)
    response = browser.post(
        f"{path}/enforcement?lang=es", data={"csrf_token": csrf_from(page), **FORM, "licence_citation": "openrail:"}
    )
    assert response.status_code == 400
    assert "«openrail» nombra la familia de licencias Open RAIL" in response.get_data(as_text=True)


def test_the_service_holds_callers_that_skip_the_form_to_the_same_rules(app, session, make_staff):
    triager = session.get(StaffUser, make_staff("triager").id)
    with pytest.raises(DomainError, match="names the family"):
        suspend(session, triager, ground_type="licence", ground_reference="", licence_id="openrail")
    session.rollback()
    with pytest.raises(DomainError, match="Only an action on the licence ground"):
        suspend(session, triager, licence_id="llama2", licence_clause="aup-3")
    session.rollback()
    action = suspend(
        session, triager, ground_type="licence", ground_reference="", licence_id="Gemma", licence_clause="3.2"
    )
    assert (action.licence_id, action.ground_reference) == ("gemma", "Gemma Terms of Use, §3.2")  # the registry's id


def test_an_action_on_a_model_cites_a_clause_of_the_licence_the_model_is_released_under(app, session, make_staff):
    triager = session.get(StaffUser, make_staff("triager").id)
    mit_model = ModelRecord(name="Plain", version="1", licence="MIT")
    unknown = ModelRecord(name="Odd", version="1", licence="my-own-terms")
    session.add_all([mit_model, unknown])
    session.commit()
    with pytest.raises(DomainError, match="Plain is released under MIT License: cite a clause of that licence"):
        suspend(session, triager, mit_model, ground_type="licence", licence_id="gemma", licence_clause="3.2")
    session.rollback()
    assert session.exec(select(EnforcementAction)).first() is None
    cited = suspend(session, triager, mit_model, ground_type="licence", licence_id="mit", licence_clause="notice")
    assert (cited.licence_id, cited.licence_clause) == ("mit", "notice")
    # A model whose licence the registry does not know may be held to a clause the staff member judges it under.
    other = suspend(session, triager, unknown, ground_type="licence", licence_id="gemma", licence_clause="3.2")
    assert other.licence_id == "gemma"


def test_the_statement_of_reasons_quotes_the_licence_and_clause_in_the_chosen_language(app, session, make_staff):
    triager = session.get(StaffUser, make_staff("triager").id)
    action = suspend(session, triager, ground_type="licence", ground_reference="", licence_id="llama2",
                     licence_clause="aup-3")  # fmt: skip
    browser = signed_in_client(app, make_staff("admin"))
    page = browser.get(f"/staff/enforcement/{action.id}/statement").get_data(as_text=True)
    preview = page.split('id="statement-preview" lang="en">', 1)[1].split("</pre>", 1)[0]
    assert f"Ground: The model&#39;s licence: {LLAMA_AUP_3}\n" in preview
    assert "Licence: Llama 2 Community License Agreement (https://ai.meta.com/llama/license/)\n" in preview
    assert (
        "Clause of the licence: Acceptable Use Policy §3: Deceiving or misleading others: fraud, disinformation, "
        "impersonation, spam. (our summary; the licence&#39;s own text governs)\n"
    ) in preview
    html = browser.post(
        f"/staff/enforcement/{action.id}/statement",
        data={"csrf_token": csrf_from(page), "format": "html", "language": "es"},
    ).get_data(as_text=True)
    assert (
        "<dt>Fundamento</dt><dd>La licencia del modelo: Llama 2 Community License Agreement, "
        "Política de uso aceptable §3</dd>"
    ) in html
    assert '<a href="https://ai.meta.com/llama/license/">https://ai.meta.com/llama/license/</a>' in html
    assert "Engañar o inducir a error: fraude, desinformación, suplantación, spam." in html


def test_a_policy_statement_has_no_licence_lines(app, session, make_staff):
    action = suspend(session, session.get(StaffUser, make_staff("triager").id))
    browser = signed_in_client(app, make_staff("admin"))
    page = browser.get(f"/staff/enforcement/{action.id}/statement").get_data(as_text=True)
    assert (
        "Ground: Our policy or terms: Acceptable use policy, clause 4.2" in page and "Clause of the licence" not in page
    )


def test_the_dsa_export_cites_the_clause_and_the_transparency_database_accepts_it(app, session, tmp_path):
    incident = approved_incident(app, session)
    action = enforcement(
        session, incident=incident, ground_type="licence", ground_reference="", licence_id="creativeml-openrail-m",
        licence_clause="4a",
    )  # fmt: skip
    written = service.write_dsa(session, tmp_path, period=Period(2026, 3), settings={**SETTINGS, "puid_prefix": "a-"})
    assert written.counts["statements"] == 1 and written.counts["held_back"] == 0
    (statement,) = [json.loads(line) for line in (tmp_path / "statements-2026Q3.jsonl").open(encoding="utf-8")]
    assert statement["decision_ground"] == "DECISION_GROUND_INCOMPATIBLE_CONTENT"
    assert statement["incompatible_content_ground"] == "CreativeML Open RAIL-M, §4(a)"
    assert statement["incompatible_content_explanation"] == (
        "Redistributed without the use restrictions of §5 as an enforceable provision of its own terms.\n\n"
        + action.explanation
    )
    assert (
        statement["decision_ground_reference_url"] == "https://huggingface.co/spaces/CompVis/stable-diffusion-license"
    )
    with FakeTransparencyDatabase(token="t-licence") as tdb:
        app.config.update(DSA_TDB_URL=tdb.url, DSA_TDB_TOKEN="t-licence")
        report = dsa_submit.submit_period(app, session, "2026Q3", sleep=lambda _s: None, rand=lambda: 0.0)
        assert (report.accepted, report.rejected) == (1, {})
        assert tdb.stored[f"enforcement-action-{action.id}"]["incompatible_content_ground"] == (
            "CreativeML Open RAIL-M, §4(a)"
        )


def test_a_reference_written_beyond_the_clause_goes_after_it_in_the_export(app, session, tmp_path):
    enforcement(
        session, incident=approved_incident(app, session), ground_type="licence",
        ground_reference="Attachment A, restriction 2 (minors)", licence_id="creativeml-openrail-m",
        licence_clause="A2",
    )  # fmt: skip
    service.write_dsa(session, tmp_path, period=Period(2026, 3), settings={**SETTINGS, "puid_prefix": "a-"})
    (statement,) = [json.loads(line) for line in (tmp_path / "statements-2026Q3.jsonl").open(encoding="utf-8")]
    assert statement["incompatible_content_ground"] == (
        "CreativeML Open RAIL-M, Attachment A, restriction 2 (Attachment A, restriction 2 (minors))"
    )


def test_the_appeal_page_shows_the_citation_and_a_reversal_keeps_it(app, client, session, make_staff):
    author = session.get(StaffUser, make_staff("triager").id)
    action = suspend(session, author, ground_type="licence", ground_reference="", licence_id="mit",
                     licence_clause="notice")  # fmt: skip
    file_appeal(client, token_for(app, session, author, action))
    appeal = session.exec(select(Appeal)).one()
    admin = make_staff("admin")
    page = signed_in_client(app, admin).get(f"/staff/appeals/{appeal.id}").get_data(as_text=True)
    assert (
        '<dd>licence: MIT License, Conditions paragraph (<a href="/licences/mit#clause-mit-notice"><code>mit</code> '
        "<code>notice</code></a>)</dd>"
    ) in page
    appeal_decisions.decide_appeal(
        session, appeal, actor=session.get(StaffUser, admin.id), outcome=AppealOutcome.REVERSED,
        reasons="The notice is in the repository after all.", keys=platform_keys(app),
    )  # fmt: skip
    session.expire_all()
    reinstatement = session.get(EnforcementAction, session.get(Appeal, appeal.id).reinstatement_id)
    assert (reinstatement.ground_type, reinstatement.licence_id, reinstatement.licence_clause) == (
        "licence",
        "mit",
        "notice",
    )


def test_the_transparency_figures_count_actions_on_the_licence_ground(app, session):
    from reporting.aggregate import raw_figures

    incident = approved_incident(app, session)
    enforcement(session, incident=incident)
    enforcement(session, incident=incident, ground_type="licence", ground_reference="", licence_id="gemma",
                licence_clause="pup-2")  # fmt: skip
    assert raw_figures(session, Period(2026, 3)).actions_by_ground == {"law": 0, "policy": 1, "licence": 1}
