import logging

import pytest

from core.logs import AnonymousRequestFilter, ClientAddressFilter, without_secrets


def record(msg: str, *args) -> logging.LogRecord:
    return logging.LogRecord("werkzeug", logging.INFO, __file__, 1, msg, args, None)


def test_request_line_loses_address_and_query():
    rec = record(
        '203.0.113.9 - - [28/Nov/2026 10:00:00] "%s" %s %s\n',
        "GET /staff/setup?token=secret HTTP/1.1",
        "200",
        "-",
    )
    assert AnonymousRequestFilter().filter(rec)
    text = rec.getMessage()
    assert "203.0.113.9" not in text and "secret" not in text
    assert text.startswith("- - - [28/Nov/2026") and '"GET /staff/setup HTTP/1.1" 200' in text


def test_other_lines_pass_unchanged():
    rec = record("Running on %s", "http://127.0.0.1:5000")
    assert AnonymousRequestFilter().filter(rec)
    assert rec.getMessage() == "Running on http://127.0.0.1:5000"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Invalid request from ip=203.0.113.9: Request Line is too large (8190 > 4094)",
            "Invalid request from ip=-: Request Line is too large (8190 > 4094)",
        ),
        (
            "Invalid request from ip=::1: Invalid HTTP request line",
            "Invalid request from ip=-: Invalid HTTP request line",
        ),
        ("from ip=2001:db8::7 and ::ffff:192.0.2.1.", "from ip=- and -."),
        ("peer [fe80::1]:443 and 198.51.100.20:5000", "peer [-]:443 and -:5000"),
        (
            "Booting worker with pid: 4021 at 10:00:00, gunicorn 27.0.1",
            "Booting worker with pid: 4021 at 10:00:00, gunicorn 27.0.1",
        ),
    ],
)
def test_client_address_filter_takes_out_every_ip_address(line, expected):
    rec = logging.LogRecord("gunicorn.error", logging.WARNING, __file__, 1, "%s", (line,), None)
    assert ClientAddressFilter().filter(rec)
    assert rec.getMessage() == expected


TOKEN = "Zq3_x-9aBcDeFgHiJkLmNoPqRsTuVwXy"  # the shape of an appeal token: 32 URL-safe characters


@pytest.mark.parametrize(
    ("line", "logged"),
    [
        (f'"GET /appeal/{TOKEN} HTTP/1.1" 200', '"GET /appeal/<token> HTTP/1.1" 200'),
        (f'"POST /appeal/{TOKEN}" 302', '"POST /appeal/<token>" 302'),
        (f"/appeal/{TOKEN}/more", "/appeal/<token>/more"),
        ("/appeal/x", "/appeal/<token>"),  # odd ones too: a mistyped token is still most of a token
        ('"GET /appeal/status HTTP/1.1" 200', '"GET /appeal/status HTTP/1.1" 200'),  # the page's own name stays
        ("/appeal/statusfoo", "/appeal/<token>"),
        ("/followup/appeal", "/followup/appeal"),
        ("/staff/appeals/12", "/staff/appeals/12"),
    ],
)
def test_appeal_tokens_leave_paths_as_written(line, logged):
    assert without_secrets(line) == logged


def test_request_line_loses_the_appeal_token():
    rec = record('203.0.113.9 - - [28/Nov/2026 10:00:00] "%s" %s %s\n', f"GET /appeal/{TOKEN} HTTP/1.1", "200", "-")
    assert AnonymousRequestFilter().filter(rec)
    assert TOKEN not in rec.getMessage() and '"GET /appeal/<token> HTTP/1.1" 200' in rec.getMessage()
