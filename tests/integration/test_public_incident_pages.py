"""The public incident pages: shared incidents only, search, filters, keyset pages, 404s, Atom feeds, the citation."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
import time_machine
from sqlalchemy import select

from incidents.models import Incident, ModelRecord, Report
from tests.conftest import FIXED_DAY
from tests.factories.exports import approved_incident, enforcement

pytestmark = pytest.mark.time_machine(FIXED_DAY)
ATOM = "{http://www.w3.org/2005/Atom}"


def _ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<h3><a href="/incidents/(\d+)', html)]


def _next(html: str) -> str | None:
    found = re.search(r'<a href="([^"]+)" rel="next">', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_the_list_shows_shared_incidents_only_newest_shared_first(app, session, client):
    first = approved_incident(app, session, title="Chatbot gave dosage advice for a child")
    second = approved_incident(app, session, title="Résumé screener rejected older applicants")
    hidden = approved_incident(app, session, share=False, title="Waiting for a publisher to approve")
    refused = approved_incident(app, session, consent=False, share=False, title="A reporter did not consent")
    response = client.get("/incidents")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _ids(html) == [second.id, first.id]
    assert "Waiting for a publisher" not in html and "did not consent" not in html
    assert hidden.id not in _ids(html) and refused.id not in _ids(html)
    assert "<script" not in html  # works with JavaScript off: nothing to run


def test_search_is_over_the_public_text_without_case_or_accents(app, session, client):
    resume = approved_incident(app, session, title="Résumé screener rejected older applicants")
    approved_incident(app, session, title="Chatbot gave dosage advice for a child")
    spanish = approved_incident(
        app, session, title="Asistente médico dio una dosis errónea", description="El ASISTENTE MÉDICO falló."
    )
    for query, expected in (
        ("resume", [resume.id]),
        ("RÉSUMÉ older", [resume.id]),
        ("medico", [spanish.id]),
        ("MÉDICO erronea", [spanish.id]),
        ("older chatbot", []),
        ("100%", []),
        ("_", []),
    ):
        assert _ids(client.get("/incidents", query_string={"q": query}).get_data(as_text=True)) == expected, query


def test_search_falls_back_to_a_summary_shared_before_the_search_column(app, session, client):
    old = approved_incident(app, session, title="Translation tool inverted a court ruling")
    session.get(Incident, old.id).public_search = None
    session.commit()
    assert _ids(client.get("/incidents?q=COURT+ruling").get_data(as_text=True)) == [old.id]
    assert _ids(client.get("/incidents?q=appeal").get_data(as_text=True)) == []


def test_filters_by_category_model_and_date(app, session, client):
    aurora = ModelRecord(name="Aurora", version="2", provider="Aurora Labs")
    boreal = ModelRecord(name="Boreal", version="1", provider="Boreal AI")
    session.add_all([aurora, boreal])
    session.commit()
    august = approved_incident(app, session, title="Aurora pump incident in August")  # report: safety_failure, aurora
    september = approved_incident(app, session, title="Boreal incident in September", occurred_on=date(2026, 9, 3))
    enforcement(session, incident=september, model_id=boreal.id, target="boreal-1")
    html = client.get("/incidents").get_data(as_text=True)
    assert "Cualquier categoría" not in html and "Any category" in html
    assert f'<option value="{aurora.id}">Aurora 2</option>' in html
    category = session.scalars(select(Report.category).where(Report.incident_id == august.id)).one()
    other = "privacy" if category != "privacy" else "fraud_deception"
    for report in session.scalars(select(Report).where(Report.incident_id == september.id)):
        report.category = other
    session.commit()
    assert _ids(client.get(f"/incidents?category={category}").get_data(as_text=True)) == [august.id]
    assert _ids(client.get(f"/incidents?category={other}").get_data(as_text=True)) == [september.id]
    assert _ids(client.get(f"/incidents?model={boreal.id}").get_data(as_text=True)) == [september.id]
    assert _ids(client.get("/incidents?since=2026-09-01").get_data(as_text=True)) == [september.id]
    assert _ids(client.get("/incidents?until=2026-08-31").get_data(as_text=True)) == [august.id]
    both = "/incidents?since=2026-08-14&until=2026-09-03&category=&model=&q="
    assert _ids(client.get(both).get_data(as_text=True)) == [september.id, august.id]


def test_pages_follow_each_other_without_gaps_or_repeats(app, session, client):
    made = []
    for n in range(45):
        with time_machine.travel(FIXED_DAY + timedelta(minutes=n), tick=False):
            made.append(approved_incident(app, session, title=f"Shared incident number {n:02d}").id)
    # Two incidents shared in the same microsecond: the id breaks the tie.
    tie = session.get(Incident, made[-2])
    tie.shared_at = session.get(Incident, made[-1]).shared_at
    session.commit()
    seen, url, pages = [], "/incidents?q=incident+number", 0
    while url:
        html = client.get(url).get_data(as_text=True)
        seen += _ids(html)
        url = _next(html)
        pages += 1
        if url:
            assert "q=incident+number" in url
    assert pages == 3
    assert seen == [made[-2], made[-1], *reversed(made[:-2])] or seen == [made[-1], made[-2], *reversed(made[:-2])]
    assert sorted(seen) == sorted(made) and len(set(seen)) == 45


def test_bad_input_is_a_clear_400_and_keeps_what_was_typed(app, session, client):
    approved_incident(app, session)
    for query, field in (
        ("since=14/08/2026", "since"),
        ("since=2026-09-01&until=2026-08-01", "until"),
        ("category=nonsense", "category"),
        ("model=abc", "model"),
        ("model=99999999999", "model"),
        ("model=12345", "model"),
        ("after=garbage", "after"),
        ("after=1-99999999999", "after"),
        ("q=" + "x" * 201, "q"),
    ):
        response = client.get(f"/incidents?{query}&q2=kept")
        html = response.get_data(as_text=True)
        assert response.status_code == 400, query
        assert f'href="#f-{field}"' in html, query
    html = client.get("/incidents?q=insulin+pump&since=14/08/2026").get_data(as_text=True)
    assert 'value="insulin pump"' in html and 'value="14/08/2026"' in html


def test_unshared_unknown_and_odd_ids_are_404(app, session, client):
    hidden = approved_incident(app, session, share=False)
    for url in (
        f"/incidents/{hidden.id}",
        "/incidents/999999",
        f"/incidents/{2**70}",
        "/incidents/abc",
        "/incidents/-1",
    ):
        assert client.get(url).status_code == 404, url


def test_an_incident_page_shows_its_sources_actions_and_withdrawn_models(app, session, client):
    model = ModelRecord(
        name="Aurora",
        version="2",
        provider="Aurora Labs",
        status="decommissioned",
        public_reason="Unsafe medical advice.",
        effective_on=date(2026, 9, 1),
    )
    session.add(model)
    session.commit()
    incident = approved_incident(app, session)
    enforcement(session, incident=incident, model_id=model.id, decided_on=date(2026, 8, 20))
    html = client.get(f"/incidents/{incident.id}?lang=es").get_data(as_text=True)
    assert "Assistant explained how to bypass an insulin pump interlock" in html
    assert "https://www.example.com/news/aurora-pump" in html and "Example Health News" in html
    assert "Retirada de un modelo o contenido" in html  # the takedown's Spanish label, not "takedown"
    assert "Nuestra política o condiciones" in html  # the policy ground's label
    assert "2026-08-20" in html
    assert f'href="/models/{model.id}?lang=es"' in html and "Retirado" in html
    assert "takedown" not in html.replace("aurora-2-uncensored", "")
    assert "aurora-2-uncensored" not in html  # the action's target and explanation are not public fields
    assert "refusal training" not in html


def test_the_citation_names_the_stable_url(app, session, client):
    incident = approved_incident(app, session, title="Chatbot said 50% & more_{risky}")
    html = client.get(f"/incidents/{incident.id}?lang=es").get_data(as_text=True)
    url = f"http://localhost/incidents/{incident.id}"
    bibtex = (
        f"@misc{{incident-{incident.id},\n"
        "  title = {{Chatbot said 50\\% \\&amp; more\\_\\{risky\\}}},\n"
        "  author = {{Informes de incidentes de IA}},\n"
        f"  howpublished = {{Informes de incidentes de IA, Incidente {incident.id}}},\n"
        "  year = {2026},\n"
        "  month = {11},\n"
        f"  url = {{{url}}},\n"
        "  urldate = {2026-11-28}\n"
        "}"
    )
    assert bibtex in html
    plain = (
        f"Informes de incidentes de IA. “Chatbot said 50% &amp; more_{{risky}}”. Incidente {incident.id}, "
        f"compartido el 2026-11-28. {url} (consultado el 2026-11-28)."
    )
    assert plain in html
    assert f'<link rel="canonical" href="{url}">' in html


def test_the_citation_uses_the_configured_public_address(app, session, client):
    app.config["PUBLIC_BASE_URL"] = "https://incidents.example.org/"
    incident = approved_incident(app, session)
    html = client.get(f"/incidents/{incident.id}").get_data(as_text=True)
    assert f"  url = {{https://incidents.example.org/incidents/{incident.id}}}," in html


def _feed(client, url):
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    return ET.fromstring(response.data)


def test_the_incident_feed_lists_newly_shared_incidents(app, session, client):
    old = approved_incident(app, session, title="First <shared> & escaped")
    with time_machine.travel(FIXED_DAY + timedelta(hours=2), tick=False):
        new = approved_incident(app, session, title="Second shared incident")
    approved_incident(app, session, share=False, title="Not shared at all")
    feed = _feed(client, "/incidents/feed.atom")
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Second shared incident", "First <shared> & escaped"]
    assert [e.findtext(f"{ATOM}id") for e in entries] == [
        f"http://localhost/incidents/{new.id}",
        f"http://localhost/incidents/{old.id}",
    ]
    assert feed.findtext(f"{ATOM}updated") == "2026-11-28T14:00:00+00:00"


def test_empty_feeds_are_dated_from_something_real(client):
    for url in ("/incidents/feed.atom", "/models/withdrawn/feed.atom"):
        feed = _feed(client, url)
        assert feed.findall(f"{ATOM}entry") == []
        assert not feed.findtext(f"{ATOM}updated").startswith("1970"), url


def test_the_withdrawn_models_feed(session, client):
    with time_machine.travel(FIXED_DAY - timedelta(days=3), tick=False):
        session.add(ModelRecord(name="Aurora", version="2", status="decommissioned", effective_on=date(2026, 9, 1)))
        session.add(ModelRecord(name="Boreal", version="1", status="active"))
        session.add(ModelRecord(name="Hidden", version="1", status="suspended", listing="in_review"))
        session.commit()
    with time_machine.travel(FIXED_DAY - timedelta(days=1), tick=False):
        session.add(ModelRecord(name="Cirrus", version="3", status="suspended", public_reason="Leaked <weights>."))
        session.commit()
    feed = _feed(client, "/models/withdrawn/feed.atom")
    titles = [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")]
    assert titles == ["Cirrus 3: Suspended", "Aurora 2: Decommissioned"]
    assert feed.findtext(f"{ATOM}updated") == "2026-11-27T12:00:00+00:00"
    assert "Leaked <weights>." in feed.find(f"{ATOM}entry").findtext(f"{ATOM}summary")


def test_the_public_pages_speak_spanish(app, session, client):
    approved_incident(app, session)
    html = client.get("/incidents?lang=es").get_data(as_text=True)
    assert "Incidentes compartidos" in html and 'name="lang" value="es"' in html
    assert "Cualquier categoría" in html


def test_a_whistleblower_report_linked_after_sharing_shows_nowhere_on_the_public_pages(
    app, session, client, make_staff
):
    from tests.factories.triage import stored_report

    make_staff("recipient")
    make_staff("recipient")
    other = ModelRecord(name="Zephyr", version="9", provider="Zephyr Labs")
    session.add(other)
    session.commit()
    incident = approved_incident(app, session, title="Aurora pump incident in August")
    before = client.get(f"/incidents/{incident.id}").get_data(as_text=True)
    # After the approval, a consenting whistleblower report naming another model, in another category, is linked.
    report = stored_report(
        app, session, channel="whistleblower", share_consent=True, category="privacy", model_name="Zephyr"
    )
    report.incident_id = incident.id
    session.commit()
    after = client.get(f"/incidents/{incident.id}").get_data(as_text=True)
    assert "Privacy or personal data exposure" not in after
    assert "Privacy or personal data exposure" not in before
    assert f"/incidents/{incident.id}" not in client.get(f"/incidents?model={other.id}").get_data(as_text=True)
    assert f"/incidents/{incident.id}" not in client.get("/incidents?category=privacy").get_data(as_text=True)


def test_a_control_character_in_a_shared_title_leaves_the_feed_well_formed(app, session, client):
    approved_incident(app, session, title="Aurora pump incident\x0b in August\x0c")
    feed = ET.fromstring(client.get("/incidents/feed.atom").get_data())
    titles = [t.text for t in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert "Aurora pump incident in August" in titles
