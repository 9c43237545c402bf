import logging

from core.logs import AnonymousRequestFilter


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
