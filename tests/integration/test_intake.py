"""Intake through the real forms: sealing, receipts, follow-up, attachments, duplicates, errors."""

import io
import json
import re

import pytest
from sqlalchemy import text
from sqlmodel import select

from core import sealing
from core.audit import AuditEvent
from incidents.intake import reading
from incidents.intake import service as intake
from incidents.models import Attachment, Message, Report
from tests.conftest import FIXED_DAY, assert_own_buckets, csrf_from, signed_in_client
from tests.factories import files
from tests.factories.reports import SECRET_TEXT, receipt_shown, submit


def followup(client, receipt):
    page = client.get("/followup")
    return client.post("/followup", data={"csrf_token": csrf_from(page.get_data(as_text=True)), "receipt": receipt})


def test_public_report_is_sealed_and_gets_a_receipt(client, session):
    response, receipt, _data = submit(client)
    assert response.status_code == 200 and receipt
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}", receipt)
    report = session.exec(select(Report)).one()
    assert report.channel == "public" and report.category == "safety_failure" and report.flag_health
    assert report.country == "DE" and report.share_consent and report.model_name == "Aurora"
    assert SECRET_TEXT.encode() not in report.sealed
    assert set(report.wrapped_keys) == {"platform", "reporter"}
    assert receipt.replace("-", "") not in json.dumps(report.model_dump(mode="json", exclude={"sealed"}))
    assert report.receipt_mac and len(report.receipt_mac) == 64


def test_database_holds_no_submitted_text_or_address(client, app, session):
    submit(client, files=[(io.BytesIO(files.TEXT), "notes.txt")])
    dump = []
    for table in ("report", "message", "attachment", "audit_event"):
        for row in session.execute(text(f"SELECT * FROM {table}")):
            dump.append(repr(tuple(row)))
    everything = "\n".join(dump)
    for needle in ("Zebediah", "insulin", "secret-contact", "Chatbot gave", "127.0.0.1", "Steps: ask the model"):
        assert needle not in everything


def test_receipt_opens_the_report_and_staff_replies(client, app, session, make_staff, login):
    _response, receipt, _data = submit(client)
    page = followup(client, receipt)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Chatbot gave dangerous medical advice" in html and "Received." in html

    staff_client = signed_in_client(app, make_staff("triager"))
    report = session.exec(select(Report)).one()
    staff_page = staff_client.get(f"/staff/reports/{report.id}")
    assert staff_page.status_code == 200 and SECRET_TEXT in staff_page.get_data(as_text=True)
    reply = staff_client.post(
        f"/staff/reports/{report.id}/reply",
        data={
            "csrf_token": csrf_from(staff_page.get_data(as_text=True)),
            "body": "Thank you. Which app was it?",
            "message_token": "t-1",
        },
    )
    assert reply.status_code == 302

    thread = followup(client, receipt).get_data(as_text=True)
    assert "Thank you. Which app was it?" in thread
    answer = client.post(
        "/followup/message",
        data={
            "csrf_token": csrf_from(thread),
            "receipt": receipt.lower().replace("-", " "),
            "body": "It was the WellDose app.",
            "message_token": "m-1",
            "files": [(io.BytesIO(files.jpeg_with_gps()), "screen.jpg")],
        },
        content_type="multipart/form-data",
    )
    assert answer.status_code == 200 and "Your message was added." in answer.get_data(as_text=True)
    again = client.post(
        "/followup/message",
        data={
            "csrf_token": csrf_from(thread),
            "receipt": receipt,
            "body": "It was the WellDose app.",
            "message_token": "m-1",
        },
    )
    assert again.status_code == 200
    assert len(session.exec(select(Message).where(Message.author == "reporter")).all()) == 1, "resend adds once"
    staff_html = staff_client.get(f"/staff/reports/{report.id}").get_data(as_text=True)
    assert "It was the WellDose app." in staff_html and "screen.jpg" in staff_html
    events = [e.action for e in session.exec(select(AuditEvent))]
    assert events.count("report.opened") >= 2 and "message.staff" in events and "message.reporter" in events


def test_wrong_receipts_get_one_generic_answer(client):
    submit(client)
    answers = set()
    for typed in ("AAAA-BBBB-CCCC-DDDD", "nonsense", "0000-0000-0000-0000"):
        response = followup(client, typed)
        assert response.status_code == 403
        answers.add(re.sub(r'value="[^"]*"', "", response.get_data(as_text=True)))
    assert len(answers) == 1


def test_receipt_attempts_are_rate_limited(app_config):
    from wsgi import create_app

    app_config["RECEIPT_LIMIT"] = "3 per 15 minutes"
    client = create_app(app_config).test_client()
    statuses = [followup(client, f"AAAA-BBBB-CCCC-DDD{i}").status_code for i in range(5)]
    assert statuses == [403, 403, 403, 429, 429]


def test_followup_and_message_spend_one_budget_of_receipt_guesses(app_config):
    """Guessing through /followup/message must not double the guesses /followup allows."""
    from wsgi import create_app

    app_config["RECEIPT_LIMIT"] = "3 per 15 minutes"
    client = create_app(app_config).test_client()
    token = csrf_from(client.get("/followup").get_data(as_text=True))
    statuses = [followup(client, f"AAAA-BBBB-CCCC-DDD{i}").status_code for i in range(2)]
    for i in range(3):
        statuses.append(
            client.post(
                "/followup/message",
                data={"csrf_token": token, "receipt": f"EEEE-FFFF-GGGG-HHH{i}", "body": "more"},
            ).status_code
        )
    assert statuses == [403, 403, 403, 429, 429]
    # The page itself still opens: only guesses are limited.
    assert client.get("/followup").status_code == 200


def test_double_submission_creates_one_report(client, session):
    page = client.get("/report")
    html = page.get_data(as_text=True)
    from tests.factories.reports import report_form

    data = report_form(
        csrf_token=csrf_from(html), intake_token=re.search(r'name="intake_token" value="([^"]+)"', html).group(1)
    )
    first = client.post("/report", data=data)
    second = client.post("/report", data=data)
    shown = receipt_shown(first.get_data(as_text=True))
    assert shown and shown == receipt_shown(second.get_data(as_text=True))
    assert "sent more than once" in second.get_data(as_text=True)
    assert len(session.exec(select(Report)).all()) == 1


def test_validation_errors_keep_everything_typed(client, session):
    response, receipt, _ = submit(
        client,
        title="abc",
        description="too short",
        category="weather",
        model_url="not a url",
        occurred_from="2999-01-01",
        country="XX",
        serious_flags=[],
        evidence_links="https://ok.example.org\nftp://bad",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and receipt is None
    for message in (
        "Too short: write at least 5 characters (you wrote 3).",
        "Choose a category from the list.",
        "Enter a web address starting with https://",
        "This date is in the future.",
        "Choose a country from the list.",
        "Tick at least one serious harm",
    ):
        assert message in html, message
    assert 'value="abc"' in html and "too short</textarea>" in html
    assert "ftp://bad" in html and 'value="Aurora"' in html
    assert session.exec(select(Report)).first() is None


def test_missing_fields(client, session):
    response, _receipt, _ = submit(client, title="", description="", category="", severity="")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Missing data" not in html and "Check the limit" not in html
    assert html.count("Enter an answer: this field is required.") >= 2  # title and description, in summary and field
    assert "Choose how serious it is." in html


def test_overlong_fields(client):
    response, _receipt, _ = submit(client, title="x" * 201, contact="y" * 501)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Too long: write at most 200 characters (you wrote 201)." in html
    assert "Too long: write at most 500 characters (you wrote 501)." in html


def test_forged_csrf_on_intake_is_400_and_stores_nothing(client, session):
    client.get("/report")  # start a session, so the token is forged rather than missing
    from tests.factories.reports import report_form

    response = client.post("/report", data=report_form(csrf_token="forged", intake_token="x"))
    assert response.status_code == 400 and session.exec(select(Report)).first() is None


def test_forged_intake_token_is_refused(client, session):
    page = client.get("/report")
    from tests.factories.reports import report_form

    response = client.post(
        "/report",
        data=report_form(csrf_token=csrf_from(page.get_data(as_text=True)), intake_token="AAAA-BBBB-CCCC-DDDD"),
    )
    assert response.status_code == 400 and "too old to send" in response.get_data(as_text=True)
    assert session.exec(select(Report)).first() is None


def test_attachments_are_stripped_and_sealed(client, app, session):
    uploads = [
        (io.BytesIO(files.jpeg_with_gps()), "IMG_1.jpg"),
        (io.BytesIO(files.docx_with_author()), "memo.docx"),
        (io.BytesIO(files.pdf_with_author()), "evidence.pdf"),
    ]
    response, receipt, _ = submit(client, files=uploads)
    assert receipt, response.get_data(as_text=True)
    rows = session.exec(select(Attachment).order_by(Attachment.id)).all()
    assert [r.media_type.split("/")[-1][:20] for r in rows] == ["jpeg", "vnd.openxmlformats-o", "pdf"]
    keys = intake.platform_keys(app)
    for row in rows:
        assert files.AUTHOR.encode() not in row.sealed
        name, content = reading.open_attachment(row, sealing.PLATFORM, keys.private)
        assert files.AUTHOR.encode() not in content
        assert name in ("IMG_1.jpg", "memo.docx", "evidence.pdf")


@pytest.mark.parametrize(
    "payload,name,message",
    [
        (files.HTML, "report.pdf", "active code"),
        (files.EXE, "photo.jpg", "none of those"),
        (files.OLE_DOC, "old.doc", "old .doc"),
    ],
)
def test_bad_files_get_a_clear_error_and_nothing_is_stored(client, session, payload, name, message):
    response, receipt, _ = submit(client, files=[(io.BytesIO(payload), name)])
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and receipt is None
    assert message in html and name in html and "choose them again" in html
    assert 'value="Chatbot gave dangerous medical advice"' in html
    assert session.exec(select(Report)).first() is None


def test_too_many_and_too_large_files(app_config, session):
    from wsgi import create_app

    app_config.update(MAX_FILES=2, MAX_FILE_BYTES=1000, MAX_CONTENT_LENGTH=10**6)
    client = create_app(app_config).test_client()
    many = [(io.BytesIO(files.TEXT), f"n{i}.txt") for i in range(3)]
    response, receipt, _ = submit(client, files=many)
    assert response.status_code == 400 and "at most 2 files" in response.get_data(as_text=True)
    big = [(io.BytesIO(b"a" * 2000), "big.txt")]
    response, receipt, _ = submit(client, files=big)
    assert response.status_code == 400
    assert "big.txt is larger than 1000 B." in response.get_data(as_text=True)


def test_the_configured_attachment_limits_reach_the_cleaning(app_config, session):
    from wsgi import create_app

    app_config.update(ATTACHMENT_MAX_PIXELS=100)
    client = create_app(app_config).test_client()
    response, receipt, _ = submit(client, files=[(io.BytesIO(files.jpeg_with_gps()), "photo.jpg")])
    assert response.status_code == 400 and receipt is None
    assert "photo.jpg: This image, or an image inside this document, has too many pixels" in response.get_data(
        as_text=True
    )
    assert session.exec(select(Report)).first() is None


def test_files_beyond_the_request_time_budget_are_refused_not_cleaned(app_config, session):
    from wsgi import create_app

    app_config.update(ATTACHMENT_REQUEST_SECONDS=6)  # less than one file's least CPU second and slack
    client = create_app(app_config).test_client()
    response, receipt, _ = submit(client, files=[(io.BytesIO(files.TEXT), "a.txt"), (io.BytesIO(files.TEXT), "b.txt")])
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and receipt is None
    assert "a.txt: there was no time left to clean this file" in html and "b.txt: there was no time left" in html


def test_oversized_upload_is_413(app_config):
    from wsgi import create_app

    app_config.update(MAX_CONTENT_LENGTH=50_000)
    client = create_app(app_config).test_client()
    response, receipt, _ = submit(client, files=[(io.BytesIO(b"a" * 100_000), "huge.txt")])
    assert response.status_code == 413 and "That upload is too large" in response.get_data(as_text=True)


def test_intake_pages_set_only_the_csrf_cookie(client):
    response = client.get("/report")
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 1 and cookies[0].startswith("session=") and "HttpOnly" in cookies[0]
    response, receipt, _ = submit(client)
    assert all(receipt.replace("-", "") not in c for c in response.headers.getlist("Set-Cookie"))
    with client.session_transaction() as sess:
        assert set(sess.keys()) <= {"csrf_token"}


def test_intake_submissions_are_rate_limited(app_config):
    from wsgi import create_app

    app_config["INTAKE_LIMIT"] = "2 per hour"
    client = create_app(app_config).test_client()
    statuses = [submit(client)[0].status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_staff_download_is_an_attachment_never_inline(app, client, session, make_staff):
    submit(client, files=[(io.BytesIO(files.TEXT), "notes.txt"), (io.BytesIO(files.pdf_with_author()), "evidence.pdf")])
    report = session.exec(select(Report)).one()
    staff = signed_in_client(app, make_staff("triager"))
    rows = session.exec(select(Attachment).order_by(Attachment.id)).all()
    response = staff.get(f"/staff/reports/{report.id}/attachments/{rows[1].id}")
    assert response.status_code == 200
    assert (
        response.headers["Content-Disposition"].startswith("attachment;")
        and "evidence.pdf" in response.headers["Content-Disposition"]
    )
    assert response.mimetype == "application/octet-stream"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.data.startswith(b"%PDF") and files.AUTHOR.encode() not in response.data
    assert staff.get(f"/staff/reports/{report.id}/attachments/99999").status_code == 404
    actions = [e.action for e in session.exec(select(AuditEvent))]
    assert "attachment.downloaded" in actions
    recipient_client = signed_in_client(app, make_staff("recipient"))
    assert recipient_client.get(f"/staff/reports/{report.id}/attachments/{rows[1].id}").status_code == 403


def _work_app(app_config, **limits):
    from wsgi import create_app

    app_config.update({"INTAKE_POW_BITS": 8, "INTAKE_LIMIT": "2 per hour", "INTAKE_NOJS_LIMIT": "3 per hour", **limits})
    app = create_app(app_config)
    assert_own_buckets(app, "192.0.2.1", "198.51.100.1", "203.0.113.9", "192.0.2.44")
    return app


def _send_form(client, solve: bool, address: str, nonce: str | None = None):
    from incidents.intake.work import solve as find_nonce
    from tests.factories.reports import report_form

    html = client.get("/report").get_data(as_text=True)
    token = re.search(r'name="intake_token" value="([^"]+)"', html).group(1)
    data = report_form(csrf_token=csrf_from(html), intake_token=token)
    if solve:
        data["work_nonce"] = find_nonce(token, 8)
    elif nonce is not None:
        data["work_nonce"] = nonce
    return client.post("/report", data=data, environ_base={"REMOTE_ADDR": address}).status_code


@pytest.mark.time_machine(FIXED_DAY)
def test_with_proof_of_work_a_solved_form_is_not_held_to_the_per_address_limit(app_config, session):
    """Everyone on Tor shares an address: solved forms from it keep going past INTAKE_LIMIT."""
    client = _work_app(app_config).test_client()
    page = client.get("/report").get_data(as_text=True)
    assert 'data-work-bits="8"' in page and 'name="work_nonce"' in page and "js/work.js" in page
    assert [_send_form(client, True, "192.0.2.1") for _ in range(4)] == [200, 200, 200, 200]
    assert len(session.exec(select(Report)).all()) == 4


@pytest.mark.time_machine(FIXED_DAY)
def test_with_proof_of_work_forms_without_it_meet_the_stricter_limits(app_config, session):
    client = _work_app(app_config).test_client()
    # Per address, as before; a wrong or malformed nonce is no solution.
    assert [_send_form(client, False, "192.0.2.1", nonce=n) for n in (None, "7", "x")] == [200, 200, 429]
    # And all unsolved forms together, from any address, share INTAKE_NOJS_LIMIT (3): two spent above.
    assert _send_form(client, False, "198.51.100.1") == 200
    assert _send_form(client, False, "203.0.113.9") == 429
    assert _send_form(client, True, "203.0.113.9") == 200  # solving still works for that address
    assert len(session.exec(select(Report)).all()) == 4


def test_without_proof_of_work_the_form_has_no_script(client):
    html = client.get("/report").get_data(as_text=True)
    assert "<script" not in html and "work_nonce" not in html


@pytest.mark.time_machine(FIXED_DAY)
def test_a_solution_buys_its_discount_once(app_config, session):
    """The same solved form sent again meets the strict limits: one solution is not a pass for many requests."""
    from incidents.intake.work import solve
    from tests.factories.reports import report_form

    client = _work_app(app_config, INTAKE_LIMIT="1 per hour").test_client()
    html = client.get("/report").get_data(as_text=True)
    token = re.search(r'name="intake_token" value="([^"]+)"', html).group(1)
    form = report_form(csrf_token=csrf_from(html), intake_token=token, work_nonce=solve(token, 8))
    address = {"REMOTE_ADDR": "192.0.2.44"}
    statuses = [client.post("/report", data=form, environ_base=address).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]  # solved, then the strict per-address limit (1), then refused
    assert len(session.exec(select(Report)).all()) == 1  # the second was the same report, found again
