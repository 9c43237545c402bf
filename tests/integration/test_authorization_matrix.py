"""Every staff route x every role (and anonymous), against a table of expected statuses written by hand.

The objects are a public-channel report, an incident and a model. Statuses other than 403 for an
allowed role come from the view itself (a redirect, or 400 because the test sends an empty form),
which shows the role gate let the request through. The last test fails when a /staff route is
added without a row here.
"""

import io
import re

import pytest
from sqlmodel import select

from incidents.models import Incident, ModelRecord
from tests.conftest import csrf_from, signed_in_client
from tests.factories.triage import stored_report

ROLES = ("admin", "triager", "recipient", "publisher")
ALL = dict.fromkeys(ROLES, 200)
WORKERS_404 = {"admin": 404, "triager": 404, "recipient": 404, "publisher": 403}

# (method, path template) -> {role: expected status}; anonymous gets 302 (GET) or 401 (POST).
MATRIX = {
    ("GET", "/staff/"): ALL,
    ("GET", "/staff/account"): ALL,
    ("POST", "/staff/account"): dict.fromkeys(ROLES, 400),
    ("GET", "/staff/dashboard"): ALL,
    ("GET", "/staff/transparency"): {"admin": 200, "triager": 403, "recipient": 403, "publisher": 200},
    ("POST", "/staff/transparency"): {"admin": 403, "triager": 403, "recipient": 403, "publisher": 404},
    ("POST", "/staff/transparency/publish"): {"admin": 403, "triager": 403, "recipient": 403, "publisher": 400},
    # A quarter's qualitative text: an admin or a publisher (the empty form saves empty text, then redirects).
    ("GET", "/staff/transparency/2026Q3/text"): {"admin": 200, "triager": 403, "recipient": 403, "publisher": 200},
    ("POST", "/staff/transparency/2026Q3/text"): {"admin": 302, "triager": 403, "recipient": 403, "publisher": 302},
    # A publication's errata: a publisher (there is no publication 999).
    ("GET", "/staff/transparency/999/errata"): {"admin": 403, "triager": 403, "recipient": 403, "publisher": 404},
    ("POST", "/staff/transparency/999/errata"): {"admin": 403, "triager": 403, "recipient": 403, "publisher": 404},
    ("GET", "/staff/exports"): {"admin": 200, "triager": 403, "recipient": 403, "publisher": 200},
    ("POST", "/staff/exports"): {"admin": 400, "triager": 403, "recipient": 403, "publisher": 400},
    ("GET", "/staff/exports/999/incidents.csv"): {"admin": 404, "triager": 403, "recipient": 403, "publisher": 404},
    ("GET", "/staff/queue"): {"admin": 200, "triager": 200, "recipient": 200, "publisher": 403},
    ("GET", "/staff/reports"): {"admin": 302, "triager": 302, "recipient": 302, "publisher": 403},
    ("GET", "/staff/reports/{report}"): {"admin": 200, "triager": 200, "recipient": 403, "publisher": 403},
    ("GET", "/staff/reports/{report}/attachments/999"): {
        "admin": 404,
        "triager": 404,
        "recipient": 403,
        "publisher": 403,
    },
    ("POST", "/staff/reports/{report}/actions/acknowledge"): {
        "admin": 400,
        "triager": 400,
        "recipient": 403,
        "publisher": 403,
    },
    ("POST", "/staff/reports/{report}/enforcement"): {"admin": 400, "triager": 400, "recipient": 403, "publisher": 403},
    ("POST", "/staff/reports/{report}/reply"): {"admin": 400, "triager": 400, "recipient": 403, "publisher": 403},
    ("POST", "/staff/reports/{report}/feedback-extension"): {
        "admin": 400,
        "triager": 400,
        "recipient": 403,
        "publisher": 403,
    },
    ("GET", "/staff/recipients"): {"admin": 200, "triager": 403, "recipient": 200, "publisher": 403},
    # The admin's account pages: the empty form is refused (400); there is no account 999.
    ("GET", "/staff/accounts"): {"admin": 200, "triager": 403, "recipient": 403, "publisher": 403},
    ("POST", "/staff/accounts"): {"admin": 400, "triager": 403, "recipient": 403, "publisher": 403},
    ("POST", "/staff/accounts/999/reset"): {"admin": 404, "triager": 403, "recipient": 403, "publisher": 403},
    ("POST", "/staff/accounts/999/active"): {"admin": 404, "triager": 403, "recipient": 403, "publisher": 403},
    ("POST", "/staff/accounts/999/role"): {"admin": 404, "triager": 403, "recipient": 403, "publisher": 403},
    ("POST", "/staff/recipients"): {"admin": 403, "triager": 403, "recipient": 302, "publisher": 403},
    ("GET", "/staff/incidents"): ALL,
    ("POST", "/staff/incidents"): {"admin": 400, "triager": 400, "recipient": 400, "publisher": 403},
    ("GET", "/staff/incidents/{incident}"): ALL,
    ("POST", "/staff/incidents/{incident}/edit"): {"admin": 400, "triager": 400, "recipient": 400, "publisher": 403},
    ("POST", "/staff/incidents/{incident}/enforcement"): {
        "admin": 400,
        "triager": 400,
        "recipient": 400,
        "publisher": 403,
    },
    ("POST", "/staff/incidents/{incident}/status"): {"admin": 400, "triager": 400, "recipient": 400, "publisher": 403},
    ("POST", "/staff/incidents/{incident}/sharing"): {"admin": 403, "triager": 403, "recipient": 403, "publisher": 302},
    ("GET", "/staff/incidents/{incident}/sources/new"): {
        "admin": 200,
        "triager": 200,
        "recipient": 200,
        "publisher": 403,
    },
    ("POST", "/staff/incidents/{incident}/sources/new"): {
        "admin": 400,
        "triager": 400,
        "recipient": 400,
        "publisher": 403,
    },
    ("POST", "/staff/incidents/{incident}/classifications/csetv1"): {
        "admin": 400,
        "triager": 400,
        "recipient": 400,
        "publisher": 403,
    },
    # No source 999 on the incident: those who may edit sources learn it is not there; a publisher may not ask.
    ("GET", "/staff/incidents/{incident}/sources/999"): {
        "admin": 404,
        "triager": 404,
        "recipient": 404,
        "publisher": 403,
    },
    ("POST", "/staff/incidents/{incident}/sources/999"): {
        "admin": 404,
        "triager": 404,
        "recipient": 404,
        "publisher": 403,
    },
    ("POST", "/staff/incidents/{incident}/sources/999/remove"): {
        "admin": 404,
        "triager": 404,
        "recipient": 404,
        "publisher": 403,
    },
    ("GET", "/staff/partners"): {"admin": 200, "triager": 403, "recipient": 403, "publisher": 403},
    ("POST", "/staff/partners"): {"admin": 400, "triager": 403, "recipient": 403, "publisher": 403},
    ("POST", "/staff/partners/999/revoke"): {"admin": 404, "triager": 403, "recipient": 403, "publisher": 403},
    ("GET", "/staff/models"): ALL,
    ("POST", "/staff/models"): {"admin": 400, "triager": 400, "recipient": 403, "publisher": 403},
    ("GET", "/staff/models/{model}"): ALL,
    ("POST", "/staff/models/{model}/lifecycle/review"): {
        "admin": 400,
        "triager": 400,
        "recipient": 403,
        "publisher": 403,
    },
    ("POST", "/staff/models/{model}/proposals"): {"admin": 400, "triager": 400, "recipient": 403, "publisher": 403},
    ("POST", "/staff/models/{model}/details"): {"admin": 400, "triager": 400, "recipient": 403, "publisher": 403},
    ("POST", "/staff/models/{model}/card"): {"admin": 400, "triager": 400, "recipient": 403, "publisher": 403},
    ("POST", "/staff/models/{model}/card/items/contact"): {
        "admin": 400,
        "triager": 400,
        "recipient": 403,
        "publisher": 403,
    },
    ("POST", "/staff/proposals/999/decision"): {"admin": 404, "triager": 404, "recipient": 403, "publisher": 403},
    # The pre-upload review and the value chain: everyone sees the queue, registry editors act. The matrix's
    # model is listed, so resubmitting it is refused (409) once past the gate; no proposal or flag 999 exists.
    ("GET", "/staff/models/review"): ALL,
    ("POST", "/staff/models/{model}/listing"): {"admin": 400, "triager": 400, "recipient": 403, "publisher": 403},
    ("POST", "/staff/models/{model}/listing/999/decision"): {
        "admin": 404,
        "triager": 404,
        "recipient": 403,
        "publisher": 403,
    },
    ("POST", "/staff/models/{model}/listing/resubmit"): {
        "admin": 409,
        "triager": 409,
        "recipient": 403,
        "publisher": 403,
    },
    ("POST", "/staff/models/{model}/flags/999/clear"): {
        "admin": 404,
        "triager": 404,
        "recipient": 403,
        "publisher": 403,
    },
    # Statements of reasons and appeals: whoever works reports; no action or appeal 999 exists.
    ("GET", "/staff/enforcement/999/statement"): WORKERS_404,
    ("POST", "/staff/enforcement/999/statement"): WORKERS_404,
    ("POST", "/staff/enforcement/999/statement/send"): WORKERS_404,
    ("GET", "/staff/appeals"): {"admin": 200, "triager": 200, "recipient": 200, "publisher": 403},
    ("GET", "/staff/appeals/999"): WORKERS_404,
    ("POST", "/staff/appeals/999/decision"): WORKERS_404,
    ("GET", "/staff/appeals/999/files/999"): WORKERS_404,
    # An appeal of an action taken on the public report: for who may see that report; to a recipient it is not there.
    ("GET", "/staff/appeals/{appeal}"): {"admin": 200, "triager": 200, "recipient": 404, "publisher": 403},
    ("GET", "/staff/appeals/{appeal}/files/{appeal_file}"): {
        "admin": 200,
        "triager": 200,
        "recipient": 404,
        "publisher": 403,
    },
    ("POST", "/staff/appeals/{appeal}/decision"): {"admin": 400, "triager": 400, "recipient": 404, "publisher": 403},
}
# Pages that need no login, and logout (it ends the session, so it is tested on its own).
PUBLIC = {"/staff/login", "/staff/setup", "/staff/logout"}


def appeal_with_a_file(app, session, author, report) -> tuple[int, int]:
    """Record a suspension on the report by `author`, and file its appeal with one file; return both ids."""
    from core import clock
    from incidents.enforcement import appeals, statement
    from incidents.enforcement.models import AppealFile
    from incidents.enforcement.service import record_enforcement
    from incidents.intake.service import Upload, platform_keys

    data = {
        "action_type": "suspension", "target_kind": "account", "target": "Account 4411",
        "ground_type": "policy", "ground_reference": "Terms, clause 9", "detection": "manual",
        "decision": "manual", "decided_on": clock.today(),
    }  # fmt: skip
    action = record_enforcement(session, actor=author, data=data, report=report)
    keys = platform_keys(app)
    token = statement.issue_statement(session, actor=author, action=action, keys=keys)
    upload = Upload(filename="log.txt", media_type="text/plain", data=b"the account's log\n")
    filed = appeals.file_action_appeal(
        session, token=token, arguments="The account broke no clause.", uploads=[upload], keys=keys, days=30
    )
    appeal_file = session.exec(select(AppealFile).where(AppealFile.appeal_id == filed.appeal_id)).one()
    return filed.appeal_id, appeal_file.id


@pytest.fixture
def objects(app, session, make_staff):
    from core.auth import StaffUser

    report = stored_report(app, session)
    session.add(Incident(title="An incident for the matrix"))
    session.add(ModelRecord(name="Matrix model"))
    session.commit()
    author = session.get(StaffUser, make_staff("triager").id)
    appeal, appeal_file = appeal_with_a_file(app, session, author, report)
    return {
        "report": report.id,
        "incident": session.exec(select(Incident)).one().id,
        "model": session.exec(select(ModelRecord)).one().id,
        "appeal": appeal,
        "appeal_file": appeal_file,
    }


@pytest.mark.parametrize("role", (None, *ROLES), ids=("anonymous", *ROLES))
def test_every_staff_route_for_every_role(app, make_staff, objects, role):
    client = signed_in_client(app, make_staff(role)) if role else app.test_client()
    csrf = csrf_from(client.get("/staff/login" if role is None else "/staff/").get_data(as_text=True))
    failures = []
    for (method, template), expected in MATRIX.items():
        path = template.format(**objects)
        response = client.get(path) if method == "GET" else client.post(path, data={"csrf_token": csrf})
        want = expected[role] if role else (302 if method == "GET" else 401)
        if response.status_code != want:
            failures.append(f"{role or 'anonymous'} {method} {path}: {response.status_code}, expected {want}")
        if role is None and method == "GET":
            assert "/staff/login" in response.headers["Location"]
    assert failures == []


def test_the_matrix_covers_every_staff_route(app):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/staff") or rule.rule in PUBLIC:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert any(m == method and _same_shape(t, rule.rule) for m, t in MATRIX), (
                f"no matrix row for {method} {rule.rule}"
            )


def _same_shape(template: str, rule: str) -> bool:
    """Compare '/staff/reports/{report}/actions/acknowledge' with '/staff/reports/<int:report_id>/actions/<action>'."""
    a, b = template.strip("/").split("/"), rule.strip("/").split("/")
    return len(a) == len(b) and all(x == y or y.startswith("<") for x, y in zip(a, b, strict=True))


def test_logout_is_a_post_for_the_signed_in_only(app, make_staff):
    client = signed_in_client(app, make_staff("triager"))
    csrf = csrf_from(client.get("/staff/").get_data(as_text=True))
    assert client.get("/staff/logout").status_code == 405
    assert client.post("/staff/logout", data={"csrf_token": csrf}).status_code == 302
    assert client.get("/staff/queue").status_code == 302


# A whistleblower report, per person rather than per role: who may see it decides every row.
# "reader" is a recipient it is sealed to; "late_recipient" was set up after it arrived and has
# not been granted access. Statuses other than 403 and 404 show the request got past the rule
# (400: the test's empty or minimal form; 302: the action or download went through).
PERSONS = ("reader", "late_recipient", "admin", "triager", "publisher")
REPORT_MATRIX = {
    ("GET", "/staff/reports/{report}"): {
        "reader": 200,
        "late_recipient": 403,
        "admin": 403,
        "triager": 403,
        "publisher": 403,
    },
    ("GET", "/staff/reports/{report}/attachments/{attachment}"): {
        "reader": 200,
        "late_recipient": 403,
        "admin": 403,
        "triager": 403,
        "publisher": 403,
    },
    ("POST", "/staff/reports/{report}/reply"): {
        "reader": 400,
        "late_recipient": 403,
        "admin": 403,
        "triager": 403,
        "publisher": 403,
    },
    ("POST", "/staff/reports/{report}/feedback-extension"): {
        "reader": 400,
        "late_recipient": 403,
        "admin": 403,
        "triager": 403,
        "publisher": 403,
    },
    ("POST", "/staff/reports/{report}/actions/request_info"): {
        "reader": 400,
        "late_recipient": 403,
        "admin": 403,
        "triager": 403,
        "publisher": 403,
    },
    ("POST", "/staff/reports/{report}/actions/acknowledge"): {
        "reader": 302,
        "late_recipient": 403,
        "admin": 403,
        "triager": 403,
        "publisher": 403,
    },
    ("POST", "/staff/reports/{report}/actions/assign"): {
        "reader": 302,
        "late_recipient": 403,
        "admin": 403,
        "triager": 403,
        "publisher": 403,
    },
    ("POST", "/staff/reports/{report}/actions/dismiss"): {
        "reader": 302,
        "late_recipient": 403,
        "admin": 403,
        "triager": 403,
        "publisher": 403,
    },
    ("POST", "/staff/reports/{report}/enforcement"): {
        "reader": 400,
        "late_recipient": 403,
        "admin": 403,
        "triager": 403,
        "publisher": 403,
    },
}
# The minimal valid parameters of the actions that should go through for the reader.
FORMS = {
    "acknowledge": {"note": ""},
    "assign": {"assignee_id": ""},
    "dismiss": {"reason": "out_of_scope"},
}


@pytest.fixture
def sealed_report(app, client, session, make_staff):
    """A whistleblower report with one attachment, sealed to two recipients; then a third recipient joins."""
    from incidents.models import Attachment, Report
    from tests.factories.reports import submit

    people = {"reader": make_staff("recipient"), "second_reader": make_staff("recipient")}
    response, receipt, _ = submit(client, "/whistleblow", files=[(io.BytesIO(b"plain evidence text\n"), "notes.txt")])
    assert receipt, response.get_data(as_text=True)
    report = session.exec(select(Report)).one()
    people["late_recipient"] = make_staff("recipient")
    for role in ("admin", "triager", "publisher"):
        people[role] = make_staff(role)
    attachment = session.exec(select(Attachment).where(Attachment.report_id == report.id)).one()
    return {"report": report.id, "attachment": attachment.id, "version": report.version}, people


def person_failures(client, matrix: dict, ids: dict, person: str, form=lambda path: {}) -> list[str]:
    """Send each row's request as `person`; list the answers the matrix does not expect. `form`: a POST's fields."""
    csrf = csrf_from(client.get("/staff/").get_data(as_text=True))
    failures = []
    for (method, template), expected in matrix.items():
        path = template.format(**ids)
        response = client.get(path) if method == "GET" else client.post(path, data={"csrf_token": csrf, **form(path)})
        if response.status_code != expected[person]:
            failures.append(f"{person} {method} {path}: {response.status_code}, expected {expected[person]}")
    return failures


@pytest.mark.parametrize("person", PERSONS)
def test_who_may_see_a_whistleblower_report_decides_every_action_on_it(app, session, sealed_report, person):
    from incidents.models import Report

    ids, people = sealed_report

    def form(path: str) -> dict:
        version = session.exec(select(Report.version).where(Report.id == ids["report"])).one()
        session.expire_all()
        return {"version": str(version), **FORMS.get(path.rsplit("/", 1)[-1], {})}

    assert person_failures(signed_in_client(app, people[person]), REPORT_MATRIX, ids, person, form) == []


@pytest.mark.parametrize("person", PERSONS)
def test_the_queue_lists_a_report_only_to_who_may_see_it(app, sealed_report, person):
    ids, people = sealed_report
    client = signed_in_client(app, people[person])
    response = client.get("/staff/queue")
    if person == "publisher":
        assert response.status_code == 403
        return
    page = response.get_data(as_text=True)
    listed = f'href="/staff/reports/{ids["report"]}"' in page
    assert listed == (person == "reader"), person
    if person == "late_recipient":
        assert "Aurora" not in page  # not even the model name of a report they cannot see


def test_a_late_recipient_sees_the_report_once_granted(app, sealed_report):
    ids, people = sealed_report
    reader = signed_in_client(app, people["reader"])
    page = reader.get("/staff/recipients")
    granted = reader.post(
        "/staff/recipients",
        data={"csrf_token": csrf_from(page.get_data(as_text=True)), "grantee_id": people["late_recipient"].id},
    )
    assert granted.status_code == 302
    late = signed_in_client(app, people["late_recipient"])
    assert late.get(f"/staff/reports/{ids['report']}").status_code == 200
    assert f'href="/staff/reports/{ids["report"]}"' in late.get("/staff/queue").get_data(as_text=True)


def test_a_report_cannot_be_assigned_to_a_colleague_who_cannot_see_it(app, session, sealed_report):
    from incidents.models import Report

    ids, people = sealed_report
    reader = signed_in_client(app, people["reader"])
    page = reader.get(f"/staff/reports/{ids['report']}")
    html = page.get_data(as_text=True)
    assert f'value="{people["second_reader"].id}"' in html  # a colleague who can see it is offered
    assert f'value="{people["late_recipient"].id}"' not in html  # one who cannot is not
    response = reader.post(
        f"/staff/reports/{ids['report']}/actions/assign",
        data={
            "csrf_token": csrf_from(html),
            "version": str(ids["version"]),
            "assignee_id": people["late_recipient"].id,
        },
    )
    assert response.status_code == 400
    session.expire_all()
    assert session.get(Report, ids["report"]).assignee_id is None


def _backlog_rows(html: str) -> dict[str, int]:
    section = html.split('id="h-backlog"', 1)[1].split("</table>", 1)[0]
    return {status: int(n) for status, n in re.findall(r">([A-Za-z ]+)</a></td><td>(\d+)</td>", section)}


@pytest.mark.parametrize("person, received", [("reader", 1), ("late_recipient", 0)])
def test_the_dashboard_counts_only_what_the_viewer_may_see(app, sealed_report, person, received):
    _ids, people = sealed_report
    html = signed_in_client(app, people[person]).get("/staff/dashboard").get_data(as_text=True)
    assert _backlog_rows(html)["Received"] == received
    weekly = html.split('id="h-intake"', 1)[1].split("</table>", 1)[0] if 'id="h-intake"' in html else html
    assert sum(int(n) for n in re.findall(r"<td>\d{4}-\d{2}-\d{2}</td><td>(\d+)</td>", weekly)) == received


def test_an_incident_page_counts_the_linked_reports_a_viewer_may_not_open(app, session, sealed_report):
    ids, people = sealed_report
    from incidents.models import Incident, Report

    incident = Incident(title="A whistleblower's incident")
    session.add(incident)
    session.commit()
    report = session.get(Report, ids["report"])
    report.incident_id = incident.id
    session.add(report)
    session.commit()
    for person, listed in (("reader", True), ("late_recipient", False), ("triager", False), ("publisher", False)):
        html = signed_in_client(app, people[person]).get(f"/staff/incidents/{incident.id}").get_data(as_text=True)
        assert (f">#{ids['report']}</a> · " in html) is listed, person
        assert ("Linked reports that are not yours to open: 1." in html) is not listed, person


# The appeals of a whistleblower report: one against an action taken on it, one against its dismissal. Each is
# for who may see the report, as the report is; to anyone else it is not there (404), in the list too.
APPEAL_MATRIX = {
    ("GET", "/staff/appeals/{action_appeal}"): {
        "reader": 200,
        "late_recipient": 404,
        "admin": 404,
        "triager": 404,
        "publisher": 403,
    },
    ("GET", "/staff/appeals/{action_appeal}/files/{appeal_file}"): {
        "reader": 200,
        "late_recipient": 404,
        "admin": 404,
        "triager": 404,
        "publisher": 403,
    },
    ("POST", "/staff/appeals/{action_appeal}/decision"): {
        "reader": 400,
        "late_recipient": 404,
        "admin": 404,
        "triager": 404,
        "publisher": 403,
    },
    ("GET", "/staff/appeals/{dismissal_appeal}"): {
        "reader": 200,
        "late_recipient": 404,
        "admin": 404,
        "triager": 404,
        "publisher": 403,
    },
    ("POST", "/staff/appeals/{dismissal_appeal}/decision"): {
        "reader": 400,
        "late_recipient": 404,
        "admin": 404,
        "triager": 404,
        "publisher": 403,
    },
}


@pytest.fixture
def sealed_appeals(app, client, session, make_staff):
    """A whistleblower report sealed to two recipients, an action on it and its dismissal, both appealed.

    The second reader took both decisions, so the first may decide the appeals; a third recipient joins after.
    """
    from core.auth import StaffUser
    from incidents.enforcement.models import Appeal
    from tests.integration.test_appeals import dismissed_thread

    people = {"reader": make_staff("recipient"), "second_reader": make_staff("recipient")}
    author = session.get(StaffUser, people["second_reader"].id)
    page, receipt, report = dismissed_thread(client, session, author, "/whistleblow")
    people["late_recipient"] = make_staff("recipient")
    for role in ("admin", "triager", "publisher"):
        people[role] = make_staff(role)
    action_appeal, appeal_file = appeal_with_a_file(app, session, author, report)
    form = {"csrf_token": csrf_from(page), "receipt": receipt, "arguments": "It is in scope: read it again."}
    assert client.post("/followup/appeal", data=form).status_code == 200
    dismissal_appeal = session.exec(select(Appeal.id).where(Appeal.kind == "dismissal")).one()
    ids = {"action_appeal": action_appeal, "appeal_file": appeal_file, "dismissal_appeal": dismissal_appeal}
    return ids, people


@pytest.mark.parametrize("person", PERSONS)
def test_who_may_see_a_whistleblower_report_decides_who_sees_its_appeals(app, sealed_appeals, person):
    ids, people = sealed_appeals
    client = signed_in_client(app, people[person])
    failures = person_failures(client, APPEAL_MATRIX, ids, person)
    listing = client.get("/staff/appeals")
    if person == "publisher":
        assert listing.status_code == 403
    else:
        page = listing.get_data(as_text=True)
        for name in ("action_appeal", "dismissal_appeal"):
            if (f'href="/staff/appeals/{ids[name]}"' in page) != (person == "reader"):
                failures.append(f"{person}: the list {'lacks' if person == 'reader' else 'shows'} {name}")
    assert failures == []


def test_a_late_recipient_reads_an_appeal_once_granted(app, sealed_appeals):
    ids, people = sealed_appeals
    late = signed_in_client(app, people["late_recipient"])
    assert late.get(f"/staff/appeals/{ids['action_appeal']}").status_code == 404
    reader = signed_in_client(app, people["reader"])
    page = reader.get("/staff/recipients").get_data(as_text=True)
    granted = reader.post(
        "/staff/recipients", data={"csrf_token": csrf_from(page), "grantee_id": people["late_recipient"].id}
    )
    assert granted.status_code == 302
    page = late.get(f"/staff/appeals/{ids['action_appeal']}")
    assert page.status_code == 200 and "The account broke no clause." in page.get_data(as_text=True)
    download = late.get(f"/staff/appeals/{ids['action_appeal']}/files/{ids['appeal_file']}")
    assert download.status_code == 200 and download.data == b"the account's log\n"
