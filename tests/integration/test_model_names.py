"""A model's name is one line: a line break would break e-mail subjects (and the owner e-mails behind them)."""

from __future__ import annotations

from sqlmodel import select

from incidents.models import ModelRecord
from incidents.triage.notifications import Mailer
from tests.conftest import signed_in_client
from tests.factories.registry import csrf


def test_a_name_with_a_line_break_is_refused_on_the_form(app, session, make_staff):
    staff = signed_in_client(app, make_staff("triager"))
    data = {"csrf_token": csrf(staff, "/staff/models"), "name": "Evil\r\nBcc: x@example.org", "version": "1"}
    response = staff.post("/staff/models", data=data)
    assert response.status_code == 400
    assert "Write this on one line, without control characters." in response.get_data(as_text=True)
    assert session.exec(select(ModelRecord)).first() is None


def test_the_mailer_sends_a_subject_with_a_line_break_on_one_line(smtp_sink):
    sink, port = smtp_sink
    mailer = Mailer(server="127.0.0.1", port=port, sender="incidents@localhost", base_url="http://localhost")
    assert mailer.send(["owner@example.org"], "Upstream of Old\r\nName changed", "body")
    ((recipients, message),) = sink.messages
    assert recipients == ["owner@example.org"]
    assert message["Subject"] == "Upstream of Old Name changed"
    assert message["Bcc"] is None
