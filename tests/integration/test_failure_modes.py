"""When storage fails the app says so with a 503 and Retry-After, keeps its clear message, and logs no content.

Each failure is a real one from the real driver: PostgreSQL refusing connections, SQLite out of
pages (SQLITE_FULL, what a full disk gives), and a database opened read-only.
"""

from __future__ import annotations

import io
import logging

import pytest
from sqlalchemy import event, text

from tests.conftest import csrf_from
from tests.factories.reports import SECRET_TEXT, submit

NOT_SAVED = "it was not saved: send it again"


def make_app(app_config, **changes):
    from wsgi import create_app

    return create_app({**app_config, **changes})


def assert_unavailable(response, *, json: bool = False):
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    if json:
        assert response.get_json()["error"]["code"] == 503
    else:
        assert NOT_SAVED in response.get_data(as_text=True)


def test_a_database_outage_answers_503_with_retry_after(app_config, caplog):
    # Nothing listens on port 1: psycopg's connection is refused, as when the database server is down.
    app = make_app(app_config, DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:1/test")
    client = app.test_client()
    with caplog.at_level(logging.ERROR):
        assert_unavailable(client.get("/healthz"), json=False)
        assert_unavailable(client.get("/api/v1/incidents"), json=True)
        page = client.get("/followup")  # no database needed to show the form
        receipt = {"csrf_token": csrf_from(page.get_data(as_text=True)), "receipt": "AAAA-BBBB-CCCC-DDDD"}
        assert_unavailable(client.post("/followup", data=receipt))
    assert "storage unavailable (OperationalError)" in caplog.text
    assert "unhandled" not in caplog.text


def test_a_full_database_answers_503_and_logs_no_report_text(app, client, caplog, db_backend):
    from core.db import get_engine

    if db_backend != "sqlite":
        pytest.skip("SQLITE_FULL through max_page_count: this run is on PostgreSQL, where the outage test stands in")
    engine = get_engine(app)

    @event.listens_for(engine, "connect")
    def no_room(dbapi_connection, _record):
        # Cap the file at the pages it has: the next write fails with SQLITE_FULL, as on a full disk.
        cursor = dbapi_connection.cursor()
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages}")
        cursor.close()

    engine.dispose()
    with caplog.at_level(logging.ERROR):
        # The sealed attachment needs pages the file may not grow to.
        evidence = [(io.BytesIO(b"a line of plain evidence\n" * 8000), "notes.txt")]
        response, receipt, _ = submit(client, "/report", files=evidence)
    assert receipt is None
    assert_unavailable(response)
    assert "storage unavailable (OperationalError)" in caplog.text
    assert "Zebediah" in SECRET_TEXT
    assert "Zebediah" not in caplog.text and "INSERT" not in caplog.text


@pytest.fixture
def read_only_url(app, session, database_url, db_backend):
    if db_backend != "sqlite":
        pytest.skip("a read-only file is SQLite's case; on PostgreSQL read-only is a role, not a file")
    from core.db import get_engine

    session.execute(text("SELECT 1"))
    session.close()
    get_engine(app).dispose()
    path = database_url.removeprefix("sqlite:///")
    return f"sqlite:///file:{path}?mode=ro&uri=true"


def test_a_read_only_database_still_serves_reads(app_config, read_only_url):
    app = make_app(app_config, DATABASE_URL=read_only_url)
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    for path in ("/", "/report", "/followup", "/transparency/", "/api/v1/incidents", "/staff/login"):
        assert client.get(path).status_code == 200, path
    # A write is refused with the same clear 503, not a 500.
    page = client.get("/followup")
    response = client.post("/followup", data={"csrf_token": csrf_from(page.get_data(as_text=True)), "receipt": "x"})
    assert response.status_code in (400, 403)  # a wrong receipt writes nothing, so it is answered as usual
    response, receipt, _ = submit(client, "/report")
    assert receipt is None
    assert_unavailable(response)


def test_a_refused_publication_prints_one_line_not_a_traceback(app, session, runner):
    from datetime import timedelta

    from core import clock
    from core.periods import Period
    from reporting.models import Publication

    last = Period.containing(clock.now()).previous()
    session.add(
        Publication(
            period="LEGACY",
            starts_at=last.starts_at + timedelta(days=10),
            ends_at=last.ends_at + timedelta(days=10),
            epsilon="1.0",
            figures={},
            prev_hash="0" * 64,
            chain_hash="1" * 64,
        )
    )
    session.commit()
    result = runner.invoke(args=["scheduler", "run-job", "publish-last-quarter"])
    assert result.exit_code == 0
    assert result.output == f"{last}: refused: {last} overlaps the published period LEGACY\n"
    assert "Traceback" not in result.output


def test_a_job_that_fails_says_so_in_one_line(app, runner, monkeypatch):
    import incidents.jobs

    def broken(_app):
        raise RuntimeError("details that stay out of the output")

    monkeypatch.setitem(incidents.jobs.JOBS, "purge-expired-content", (broken, {"hour": 3}))
    result = runner.invoke(args=["scheduler", "run-job", "purge-expired-content"])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: purge-expired-content failed (RuntimeError)"
