"""A statement of reasons in the affected party's language: the platform's by default (never the reporter's), another
on request."""

import re
from email.header import decode_header, make_header

from sqlalchemy import update
from sqlmodel import select

from core.auth import StaffUser
from incidents.enforcement.models import AppealToken
from incidents.models import Report
from tests.conftest import csrf_from, signed_in_client
from tests.factories.triage import stored_report
from tests.integration.test_appeals import act_on_report

# Spanish, as translations/es has them.
ES_HEADINGS = ("Declaración de motivos", "Qué se decidió: Suspensión del acceso", "Cómo recurrir", "Fundamento: ")
EN_HEADINGS = ("Statement of reasons", "What was decided: Suspension of access", "How to appeal", "Ground: ")


def action_on_a_report_in(app, session, make_staff, language: str):
    report = stored_report(app, session)
    session.execute(update(Report).where(Report.id == report.id).values(language=language))
    session.commit()
    author = session.get(StaffUser, make_staff("triager").id)
    return act_on_report(session, author, session.get(Report, report.id))


def test_the_statement_is_offered_in_the_platforms_language_not_the_reporters_and_sent_in_the_chosen_one(
    app, session, make_staff
):
    action = action_on_a_report_in(app, session, make_staff, "es")  # the reporter wrote in Spanish
    browser = signed_in_client(app, make_staff("admin"))
    page = browser.get(f"/staff/enforcement/{action.id}/statement").get_data(as_text=True)
    # The reporter's language is not offered by default: it would tell the affected party about them.
    assert '<option value="en" lang="en" selected>English</option>' in page
    assert '<option value="es" lang="es">Español</option>' in page
    preview = page.split('id="statement-preview" lang="en">', 1)[1].split("</pre>", 1)[0]
    assert all(heading in preview for heading in EN_HEADINGS)
    assert "<h1>Statement of reasons: action" in page  # the staff member's own page stays in their language
    text = browser.post(
        f"/staff/enforcement/{action.id}/statement",
        data={"csrf_token": csrf_from(page), "format": "txt", "language": "es"},
    )
    body = text.get_data(as_text=True)
    assert text.headers["Content-Language"] == "es" and all(heading in body for heading in ES_HEADINGS)
    assert "Medios automatizados utilizados para adoptar la decisión: Manual" in body
    assert "Reglamento (UE) 2022/2065, art. 17" in body and re.search(r"/appeal/[A-Za-z0-9_-]{32}\n", body)
    html = browser.post(
        f"/staff/enforcement/{action.id}/statement",
        data={"csrf_token": csrf_from(page), "format": "html", "language": "es"},
    ).get_data(as_text=True)
    assert '<html lang="es">' in html and "<h2>Cómo recurrir</h2>" in html
    english = browser.post(
        f"/staff/enforcement/{action.id}/statement",
        data={"csrf_token": csrf_from(page), "format": "txt", "language": "en"},
    ).get_data(as_text=True)
    assert all(heading in english for heading in EN_HEADINGS) and "Declaración" not in english


def test_without_a_report_the_statement_is_in_the_default_language_and_odd_languages_are_refused(
    app, session, make_staff
):
    from tests.integration.test_appeals import suspend

    action = suspend(session, session.get(StaffUser, make_staff("triager").id))  # on an incident, no report
    browser = signed_in_client(app, make_staff("admin"))
    page = browser.get(f"/staff/enforcement/{action.id}/statement?lang=es").get_data(as_text=True)
    assert '<option value="en" lang="en" selected>English</option>' in page
    assert 'id="statement-preview" lang="en">Statement of reasons' in page  # the staff page is in Spanish, not it
    for odd in ("de", "xx", "es\x01"):
        refused = browser.post(
            f"/staff/enforcement/{action.id}/statement", data={"csrf_token": csrf_from(page), "language": odd}
        )
        assert refused.status_code == 400, odd
    assert session.exec(select(AppealToken)).all() == []  # a refused form mints no link


def test_an_emailed_statement_is_in_the_chosen_language(app, session, make_staff, smtp_sink):  # noqa: F811
    sink, port = smtp_sink
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    action = action_on_a_report_in(app, session, make_staff, "es")
    browser = signed_in_client(app, make_staff("admin"))
    page = browser.get(f"/staff/enforcement/{action.id}/statement").get_data(as_text=True)
    form = {"csrf_token": csrf_from(page), "address": "legal@example.org", "language": "es"}
    assert browser.post(f"/staff/enforcement/{action.id}/statement/send", data=form).status_code == 302
    [(to, message)] = sink.messages
    body = message.get_payload(decode=True).decode(message.get_content_charset())
    subject = str(make_header(decode_header(message["Subject"])))
    assert to == ["legal@example.org"] and subject == "Declaración de motivos"
    assert all(heading in body for heading in ES_HEADINGS)
