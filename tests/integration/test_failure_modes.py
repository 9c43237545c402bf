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
        assert client.get("/").status_code == 200  # the home page still shows, offering every channel
        page = client.get("/followup")  # no database needed to show the form
        receipt = {"csrf_token": csrf_from(page.get_data(as_text=True)), "receipt": "AAAA-BBBB-CCCC-DDDD"}
        assert_unavailable(client.post("/followup", data=receipt))
    assert "storage unavailable (OperationalError)" in caplog.text
    assert "unhandled" not in caplog.text


def test_an_outage_on_an_appeal_link_logs_the_path_without_its_token(app_config, caplog):
    app = make_app(app_config, DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:1/test")
    token = "Zq3_x-9aBcDeFgHiJkLmNoPqRsTuVwXy"  # token-shaped: the view looks it up, and the database is down
    with caplog.at_level(logging.ERROR):
        assert_unavailable(app.test_client().get(f"/appeal/{token}"), json=False)
    assert "storage unavailable (OperationalError) on GET /appeal/<token>" in caplog.text
    assert token not in caplog.text


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


@pytest.fixture
def full_disk(tmp_path):
    """A real filesystem of 2 MiB, mounted for the test and then filled up (needs root, as CI runs)."""
    import os
    import subprocess

    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount_point)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here (needs root): {mounted.stderr.decode().strip()}")

    def fill(leave: int = 0) -> None:
        """Write a file that takes all but `leave` bytes of the free space."""
        stats = os.statvfs(mount_point)
        with open(mount_point / "filler", "wb") as filler:
            filler.write(b"\0" * max(stats.f_bavail * stats.f_frsize - leave, 0))

    yield mount_point, fill
    subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_a_database_on_a_full_disk_answers_503(app_config, full_disk, session, caplog):
    import shutil

    if not app_config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip(
            "the SQLite file on a full disk; on PostgreSQL the disk is the server's (the outage test stands in)"
        )
    mount_point, fill = full_disk
    database = mount_point / "app.db"
    shutil.copy(app_config["DATABASE_URL"].removeprefix("sqlite:///"), database)
    app = make_app(app_config, DATABASE_URL=f"sqlite:///{database}")
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    fill()
    with caplog.at_level(logging.ERROR):
        response, receipt, _ = submit(client, "/report", files=[(io.BytesIO(b"evidence\n" * 20000), "log.txt")])
    assert receipt is None
    assert_unavailable(response)
    assert "storage unavailable (OperationalError)" in caplog.text


def test_an_export_on_a_full_disk_fails_its_job_with_a_clear_message(app_config, full_disk, make_staff, caplog):
    from core.tasks import work_off
    from tests.conftest import signed_in_client

    mount_point, fill = full_disk
    app = make_app(app_config, EXPORT_DIR=str(mount_point / "exports"))
    publisher = signed_in_client(app, make_staff("publisher"))
    page = publisher.get("/staff/exports")
    fill()
    # "Export now" only queues the job: the request writes nothing to the full disk.
    form = {"csrf_token": csrf_from(page.get_data(as_text=True)), "kind": "aiid"}
    assert publisher.post("/staff/exports", data=form).status_code == 302
    with caplog.at_level(logging.ERROR):
        assert work_off(app) == 1
    html = publisher.get("/staff/exports").get_data(as_text=True)
    assert '<span class="job-state job-failed">failed</span>' in html
    assert "The storage was unavailable (OSError): the database or the disk could not take the work. Try again." in html
    assert "Traceback" not in html and "No space left" not in html
    assert "job 1 (export) failed: OSError" in caplog.text


def test_a_missing_table_is_a_bug_not_an_outage(app, client, session, caplog):
    """An error that retrying cannot cure (a skipped migration) must not hide behind a 'try again' 503."""
    session.execute(text("ALTER TABLE report RENAME TO report_hidden"))  # put back below: the schema is shared
    session.commit()
    page = client.get("/followup")
    form = {"csrf_token": csrf_from(page.get_data(as_text=True)), "receipt": "AAAA-BBBB-CCCC-DDDD"}
    try:
        with caplog.at_level(logging.ERROR):
            response = client.post("/followup", data=form)
    finally:
        session.rollback()
        session.execute(text("ALTER TABLE report_hidden RENAME TO report"))
        session.commit()
    assert response.status_code == 500 and "Retry-After" not in response.headers
    assert "unhandled" in caplog.text and "storage unavailable" not in caplog.text


def test_a_read_only_postgresql_standby_answers_503(app, client, db_backend, caplog):
    """After a failover the app may reach a standby: its writes fail with SQLSTATE 25006, which a retry cures."""
    if db_backend != "postgresql":
        pytest.skip("a read-only standby is PostgreSQL's case; this run is on SQLite")
    from core.db import get_engine

    engine = get_engine(app)

    @event.listens_for(engine, "connect")
    def read_only(dbapi_connection, _record):
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET default_transaction_read_only = on")
        dbapi_connection.commit()  # a SET inside the driver's open transaction would be rolled back with it

    engine.dispose()
    assert client.get("/healthz").status_code == 200
    with caplog.at_level(logging.ERROR):
        response, receipt, _ = submit(client, "/report")
    assert receipt is None
    assert_unavailable(response)
