"""The finished staff interface over HTTP: words instead of stored values, readable history, the queue's tabs,
sortable columns and badges, the provisional deadline, the reporter's language, and errors beside their fields.
Clocks stand at FIXED_DAY (28 Nov 2026, noon) and tick on."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from core.audit import AuditEvent
from incidents.models import ModelRecord, Report
from tests.conftest import FIXED_DAY, csrf_from, signed_in_client
from tests.factories.triage import stored_report

pytestmark = pytest.mark.time_machine(FIXED_DAY)


@pytest.fixture
def login(make_staff):
    return make_staff("triager", email="alice@example.org")


@pytest.fixture
def alice(app, login):
    return signed_in_client(app, login)


def act(client, report_id, action, **fields):
    path = f"/staff/reports/{report_id}"
    page = client.get(path).get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    data = {"csrf_token": csrf_from(page), "version": version, **fields}
    return client.post(f"{path}/actions/{action}", data=data)


def history_of(html: str) -> list[str]:
    """The history's lines as a reader sees them: tags dropped, spaces squeezed."""
    block = html.split('<ol class="history">', 1)[1].split("</ol>", 1)[0]
    items = re.findall(r"<li>(.*?)</li>", block, re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", item).split()) for item in items]


def test_history_reads_as_sentences_and_shows_one_opening_per_person_per_hour(app, session, alice, login, time_machine):
    report = stored_report(app, session)
    for _ in range(3):
        alice.get(f"/staff/reports/{report.id}")
    act(alice, report.id, "classify", category="safety_failure", severity="serious_incident", flags=["death", "health"])
    for minute in (25, 50):  # past the hour, the session kept alive on the way (it ends after 30 idle minutes)
        time_machine.move_to(datetime(2026, 11, 28, 12, minute, tzinfo=UTC))
        alice.get("/staff/queue")
    time_machine.move_to(datetime(2026, 11, 28, 13, 10, tzinfo=UTC))
    lines = history_of(alice.get(f"/staff/reports/{report.id}").get_data(as_text=True))
    assert lines == [
        "Report received, 28 Nov 2026 12:00",
        "Opened — by alice@example.org, 28 Nov 2026 12:00",
        "Classified as serious incident: death, health; category: Safety failure or malfunction"
        " — by alice@example.org, 28 Nov 2026 12:00",
        "Opened — by alice@example.org, 28 Nov 2026 13:10",
    ]
    opened = session.exec(
        select(AuditEvent).where(AuditEvent.action == "report.opened", AuditEvent.target_id == str(report.id))
    ).all()
    assert len(opened) == 5  # the audit log keeps every opening: three, one to fetch the classify form, one after


def test_history_names_statuses_reasons_and_people_in_words(app, session, alice, make_staff):
    colleague = make_staff("triager", email="bob@example.org")
    report = stored_report(app, session)
    act(alice, report.id, "acknowledge")
    act(alice, report.id, "assign", assignee_id=str(colleague.id))
    act(alice, report.id, "dismiss", reason="not_reproducible")
    html = alice.get(f"/staff/reports/{report.id}").get_data(as_text=True)
    text = " | ".join(history_of(html))
    assert "Acknowledged (status: Received → Acknowledged) — by alice@example.org" in text
    assert "Assigned to bob@example.org — by alice@example.org" in text
    assert "Dismissed: Could not be reproduced (status: Acknowledged → Dismissed)" in text
    assert "report.opened" not in html and "flags=" not in html and "reason=" not in html


def test_flashes_and_statuses_are_words_in_the_staff_members_language(app, session, alice):
    report = stored_report(app, session)
    done = act(alice, report.id, "acknowledge")
    assert done.status_code == 302
    page = alice.get(f"/staff/reports/{report.id}").get_data(as_text=True)
    assert '<p class="flash flash-success">Acknowledged.</p>' in page
    assert '<span class="status status-acknowledged">Acknowledged</span>' in page
    act(alice, report.id, "request_info", question="Which app were you using?")
    spanish = alice.get(f"/staff/reports/{report.id}?lang=es").get_data(as_text=True)
    assert '<span class="status status-needs_info">Esperando al informante</span>' in spanish
    assert "needs_info</" not in spanish and "needs info" not in spanish
    queue = alice.get("/staff/queue?lang=es").get_data(as_text=True)
    assert '<span class="status status-needs_info">Esperando al informante</span>' in queue


def test_file_report_is_offered_only_where_a_regulatory_report_is_owed(app, session, alice):
    ordinary = stored_report(app, session)
    serious = stored_report(app, session, severity="serious_incident", serious_flags=["health"])
    act(alice, serious.id, "acknowledge")  # the reporter's answers set its deadline with the first action
    assert "Record the regulatory report as filed" not in alice.get(f"/staff/reports/{ordinary.id}").get_data(
        as_text=True
    )
    page = alice.get(f"/staff/reports/{serious.id}").get_data(as_text=True)
    assert "Record the regulatory report as filed (initial)" in page


def test_the_reporters_serious_harm_answers_show_at_once_as_a_provisional_deadline(app, session, alice):
    report = stored_report(app, session, severity="serious_incident", serious_flags=["death"])
    assert report.due_at is None  # staff have not acted: no deadline of its own yet
    page = alice.get(f"/staff/reports/{report.id}").get_data(as_text=True)
    assert "Provisional: reporter says: death; initial report due in 9 days if confirmed" in page
    assert "(2026-12-08 12:00 UTC; A death, 10 days)" in page
    queue = alice.get("/staff/queue").get_data(as_text=True)
    assert (
        '<span class="deadline deadline-provisional">Provisional: reporter says: death; '
        "initial report due in 9 d if confirmed</span>" in queue
    )
    quiet = stored_report(app, session)
    assert "No regulatory report owed" in alice.get(f"/staff/reports/{quiet.id}").get_data(as_text=True)


def test_the_reporters_language_shows_and_the_reply_template_is_in_it(app, session, alice):
    report = stored_report(app, session)
    session.get(Report, report.id).language = "es"
    session.commit()
    page = alice.get(f"/staff/reports/{report.id}?template=thanks").get_data(as_text=True)
    assert '<dt>Reporter\'s language</dt><dd lang="es">Spanish</dd>' in page
    assert "The template is written in the reporter's language: Spanish." in page
    assert "Gracias por su informe." in page  # the body the reporter will read, in Spanish
    english = stored_report(app, session)
    page = alice.get(f"/staff/reports/{english.id}?template=thanks").get_data(as_text=True)
    assert "Thank you for your report. Our team has read it" in page


def test_enforcement_errors_appear_beside_the_enforcement_fields(app, session, alice):
    report = stored_report(app, session)
    page = alice.get(f"/staff/reports/{report.id}").get_data(as_text=True)
    response = alice.post(
        f"/staff/reports/{report.id}/enforcement", data={"csrf_token": csrf_from(page), "target": "Aurora"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    summary = html.index('id="enforcement-errors"')
    assert html.index('<h2 id="enforcement">') < summary < html.index('id="e-action_type"')
    assert html.count('class="error-summary"') == 1  # none at the top of the page
    assert '<a href="#e-action_type">' in html
    assert re.search(r'<select id="e-action_type" name="action_type" aria-invalid="true"', html)


def test_queue_counts_are_tabs_and_columns_sort_on_the_server(app, session, make_staff):
    app.config["QUEUE_PAGE_SIZE"] = 2
    client = signed_in_client(app, make_staff("triager"))
    ids = [stored_report(app, session).id for _ in range(3)]
    page = client.get("/staff/queue").get_data(as_text=True)
    assert '<ul class="tabs">' in page
    assert re.search(r'aria-current="page">All <span class="count">3</span>', page)
    header = r'<th scope="col" aria-sort="descending">\s*'
    header += r'<a class="sort-link sort-active" href="/staff/queue\?sort=oldest">'
    assert re.search(header + "Received", page)
    oldest = client.get("/staff/queue?sort=oldest").get_data(as_text=True)
    assert re.findall(r'href="/staff/reports/(\d+)"', oldest) == [str(ids[0]), str(ids[1])]
    assert 'aria-sort="ascending"' in oldest
    following = re.search(r'href="([^"]+)" rel="next"', oldest).group(1).replace("&amp;", "&")
    assert "sort=oldest" in following and "after=" in following
    rest = client.get(following).get_data(as_text=True)
    assert re.findall(r'href="/staff/reports/(\d+)"', rest) == [str(ids[2])]  # the sort holds across pages
    filtered = client.get("/staff/queue?category=safety_failure").get_data(as_text=True)
    assert 'href="/staff/queue?sort=due&amp;category=safety_failure"' in filtered  # a sort link keeps the filters


def test_deadline_badges_say_overdue_and_due_soon_in_words(app, session, alice, login, time_machine):
    soon = stored_report(app, session, severity="serious_incident", serious_flags=["critical_infrastructure"])
    late = stored_report(app, session, severity="serious_incident", serious_flags=["death"])
    act(alice, soon.id, "acknowledge")
    act(alice, late.id, "acknowledge")
    time_machine.move_to(FIXED_DAY + timedelta(hours=12))
    report_page = signed_in_client(app, login).get(f"/staff/reports/{soon.id}").get_data(as_text=True)
    assert re.search(
        r'<span class="deadline deadline-at_risk"><strong class="deadline-word">Due soon:</strong> '
        r"the initial regulatory report is due in 1 days</span>",
        report_page,
    )
    time_machine.move_to(FIXED_DAY + timedelta(days=11, hours=1))
    queue = signed_in_client(app, login).get("/staff/queue?sort=due").get_data(as_text=True)
    assert re.search(
        r'<span class="deadline deadline-overdue"><strong class="deadline-word">Overdue:</strong> '
        r"initial report overdue by 1 d</span>",
        queue,
    )


def test_a_models_lifecycle_stepper_marks_the_current_step(app, session, make_staff):
    model = ModelRecord(name="Aurora", version="13B", status="under_review")
    session.add(model)
    session.commit()
    client = signed_in_client(app, make_staff("triager"))
    page = client.get(f"/staff/models/{model.id}").get_data(as_text=True)
    steps = re.findall(r'<li class="lifecycle-step( current)?"[^>]*>([^<]+)', page)
    assert [(bool(current), text.strip()) for current, text in steps] == [
        (False, "Active"),
        (True, "Under review"),
        (False, "Restricted"),
        (False, "Suspended"),
        (False, "Decommissioned"),
    ]
    assert '<li class="lifecycle-step current" aria-current="step">' in page


def test_a_refusal_from_a_service_reads_in_the_staff_members_language(app, session, alice):
    ordinary = stored_report(app, session)  # owes no regulatory report
    english = act(alice, ordinary.id, "file_report")
    assert english.status_code == 400
    assert "No regulatory report is owed for this report: classify it as a serious incident first." in (
        english.get_data(as_text=True)
    )
    path = f"/staff/reports/{ordinary.id}"
    page = alice.get(f"{path}?lang=es").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    spanish = alice.post(
        f"{path}/actions/file_report?lang=es", data={"csrf_token": csrf_from(page), "version": version}
    )
    assert spanish.status_code == 400
    assert (
        "Este informe no debe ninguna notificación reglamentaria: clasifíquelo primero como incidente grave."
        in spanish.get_data(as_text=True)
    )
