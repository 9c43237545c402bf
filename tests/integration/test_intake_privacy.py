"""Over real HTTP: after submissions and follow-ups, neither the logs nor the database hold what was sent."""

import http.cookiejar
import logging
import re
import urllib.parse
import urllib.request

from sqlalchemy import text

from tests.factories.reports import SECRET_TEXT, receipt_shown, report_form

USER_AGENT = "Canary-Browser/7.7 (privacy-check)"


def http_client():
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))


def fetch(opener, url, data=None):
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"User-Agent": USER_AGENT})
    with opener.open(request, timeout=10) as response:
        return response.read().decode()


def test_logs_and_database_hold_no_report_content_or_address(live_server, session, caplog, make_staff):
    caplog.set_level(logging.DEBUG)
    make_staff("recipient")
    receipts = []
    for path in ("/report", "/whistleblow"):
        opener = http_client()
        page = fetch(opener, live_server.url + path)
        data = report_form(
            csrf_token=re.search(r'name="csrf_token" value="([^"]+)"', page).group(1),
            intake_token=re.search(r'name="intake_token" value="([^"]+)"', page).group(1),
        )
        done = fetch(opener, live_server.url + path, data)
        receipt = receipt_shown(done)
        receipts.append(receipt)
        follow = fetch(opener, live_server.url + "/followup")
        token = re.search(r'name="csrf_token" value="([^"]+)"', follow).group(1)
        thread = fetch(opener, live_server.url + "/followup", {"csrf_token": token, "receipt": receipt})
        message_token = re.search(r'name="message_token" value="([^"]+)"', thread).group(1)
        fetch(
            opener,
            live_server.url + "/followup/message",
            {
                "csrf_token": token,
                "receipt": receipt,
                "message_token": message_token,
                "body": "Extra detail: Zebediah saw it again.",
            },
        )

    logged = caplog.text
    assert len([r for r in caplog.records if r.name == "werkzeug"]) >= 10
    rows = []
    for table in ("report", "message", "attachment", "audit_event", "staff_session"):
        rows += [repr(tuple(row)) for row in session.execute(text(f"SELECT * FROM {table}"))]
    stored = "\n".join(rows)
    for needle in (
        "127.0.0.1",
        "Canary-Browser",
        "Zebediah",
        "insulin",
        "secret-contact",
        SECRET_TEXT[:30],
        *[r.replace("-", "") for r in receipts],
        *receipts,
    ):
        assert needle not in logged, needle
        assert needle not in stored, needle
