"""Transparency reports: stable publication, tamper detection, the budget, periods, pages, drafts, signing."""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree

import pytest
from sqlalchemy import text, update
from sqlmodel import select

from core import clock
from core.audit import AuditEvent
from incidents.models import Report
from reporting import publish as publishing
from reporting.aggregate import Period
from reporting.models import PrivacyRelease, Publication, PublicationFile
from tests.conftest import signed_in_client
from tests.factories.triage import stored_report

PERIOD = Period.containing(clock.now()).previous()


def reports_in(app, session, period: Period, n: int, **fields):
    ids = [stored_report(app, session, **fields).id for _ in range(n)]
    session.execute(update(Report).where(Report.id.in_(ids)).values(created_at=period.starts_at + timedelta(days=3)))
    session.commit()
    return ids


def test_publication_is_stable_and_verifies(app, session, runner):
    reports_in(app, session, PERIOD, 30)
    first = publishing.publish(app, session, str(PERIOD))
    assert first.created and first.publication.status == "published"
    files = {f.name: f.content for f in session.exec(select(PublicationFile))}
    again = publishing.publish(app, session, str(PERIOD))
    assert not again.created and again.publication.id == first.publication.id
    assert {f.name: f.content for f in session.exec(select(PublicationFile))} == files
    # Rendering the stored figures again gives the same bytes.
    rendered = publishing.render_files(
        app, period=PERIOD, revision=1, figures=first.publication.figures, generated_at=first.publication.generated_at
    )
    assert rendered == files
    document = json.loads(files["report.json"])
    assert document["schema"] == "transparency-report/v2"
    assert document["methodology"]["epsilon"] == "1.0" and document["methodology"]["method"] == "consistent-tables/2"
    # The count tables are one release (7/9 of epsilon) and each median has 1/9: three ledger rows.
    ledger = {r.statistic: r.epsilon for r in session.exec(select(PrivacyRelease))}
    assert ledger == {"report_counts": "0.777777", "hours_to_first_response": "0.111111", "hours_to_action": "0.111111"}
    result = runner.invoke(args=["reports", "verify"])
    assert result.exit_code == 0 and "All 1 publications verify" in result.output


def test_a_changed_file_fails_verify(app, session, runner):
    reports_in(app, session, PERIOD, 5)
    publishing.publish(app, session, str(PERIOD))
    session.execute(
        text("UPDATE publication_file SET content = :c WHERE name = 'report.csv'"),
        {"c": b"section,cell,value\nreceived,total,1\n"},
    )
    session.commit()
    result = runner.invoke(args=["reports", "verify"])
    assert result.exit_code == 1 and "report.csv was altered" in result.output


def test_a_broken_chain_link_fails_verify(app, session, runner):
    publishing.publish(app, session, str(PERIOD.previous()))
    publishing.publish(app, session, str(PERIOD))
    session.execute(update(Publication).where(Publication.period == str(PERIOD)).values(prev_hash="f" * 64))
    session.commit()
    result = runner.invoke(args=["reports", "verify"])
    assert result.exit_code == 1 and "link to the previous publication is broken" in result.output


def test_the_budget_refuses_a_release_it_cannot_pay(app, session):
    publishing.publish(app, session, str(PERIOD))
    with pytest.raises(publishing.PublicationRefused, match="privacy budget"):
        publishing.publish(app, session, str(PERIOD), correction=True)
    app.config["TRANSPARENCY_RELEASE_EPSILON"] = 0.4
    other = PERIOD.previous()
    publishing.publish(app, session, str(other))
    corrected = publishing.publish(app, session, str(other), correction=True)
    assert corrected.created and corrected.publication.revision == 2
    with pytest.raises(publishing.PublicationRefused, match="privacy budget"):
        publishing.publish(app, session, str(other), correction=True)  # 0.4 + 0.4 + 0.4 > 1.0


def test_periods_must_be_ended_quarters_and_disjoint(app, session):
    with pytest.raises(ValueError):
        publishing.publish(app, session, "2026-07")
    with pytest.raises(publishing.PublicationRefused, match="has not ended"):
        publishing.publish(app, session, str(Period.containing(clock.now())))
    # A stored publication covering a range that overlaps another quarter blocks that quarter.
    odd = Publication(
        period="LEGACY",
        starts_at=PERIOD.starts_at + timedelta(days=40),
        ends_at=PERIOD.ends_at + timedelta(days=40),
        epsilon="1.0",
        figures={},
        prev_hash="0" * 64,
        chain_hash="1" * 64,
    )
    session.add(odd)
    session.commit()
    with pytest.raises(publishing.PublicationRefused, match="overlaps"):
        publishing.publish(app, session, str(PERIOD))


def test_pages_serve_the_stored_files(app, client, session):
    reports_in(app, session, PERIOD, 12, category="privacy")
    publishing.publish(app, session, str(PERIOD))
    index = client.get("/transparency/").get_data(as_text=True)
    assert f'href="/transparency/{PERIOD}"' in index
    page = client.get(f"/transparency/{PERIOD}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and html.count("<svg ") == 2 and "<script" not in html
    stored = session.exec(select(PublicationFile).where(PublicationFile.name == "report.html")).one()
    # The page is drawn per request from the figures (reporting/live.py); the page as published is kept, hashed.
    published = client.get(f"/transparency/{PERIOD}/published")
    assert published.data == stored.content and published.headers["X-Content-SHA256"] == stored.sha256
    assert f'href="/transparency/{PERIOD}/published"' in html and b"/published" not in stored.content
    csv_response = client.get(f"/transparency/{PERIOD}.csv")
    assert csv_response.headers["Content-Disposition"].startswith("attachment")
    assert csv_response.get_data(as_text=True).startswith("section,cell,value")
    document = client.get(f"/transparency/{PERIOD}.json").get_json()
    assert document["period"] == str(PERIOD)
    import jsonschema

    jsonschema.validate(document, client.get("/transparency/schema.json").get_json())
    broken = {**document, "noised": {**document["noised"], "received_by_channel": {"cells": {"public": -1}}}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, client.get("/transparency/schema.json").get_json())
    assert "Print view" not in client.get(f"/transparency/{PERIOD}/print").get_data(as_text=True)
    feed = client.get("/transparency/feed.atom")
    assert feed.mimetype == "application/atom+xml" and f"Transparency report {PERIOD}" in feed.get_data(as_text=True)
    assert client.get("/transparency/2019Q1").status_code == 404
    assert client.get("/.well-known/transparency-signing-key").status_code == 404


def test_draft_mode_waits_for_a_publisher(app, session, make_staff, runner):
    app.config["TRANSPARENCY_MODE"] = "draft"
    draft = publishing.publish(app, session, str(PERIOD)).publication
    assert draft.status == "draft"
    client = app.test_client()
    assert client.get(f"/transparency/{PERIOD}").status_code == 404
    publisher = signed_in_client(app, make_staff("publisher"))
    page = publisher.get("/staff/transparency").get_data(as_text=True)
    from tests.conftest import csrf_from

    publisher.post("/staff/transparency", data={"csrf_token": csrf_from(page), "publication_id": str(draft.id)})
    assert client.get(f"/transparency/{PERIOD}").status_code == 404  # the approval is a job on the queue
    # The approval, then the exports' refresh that the approval queued once it was committed.
    assert runner.invoke(args=["tasks", "run-pending"]).output == "ran 2 job(s)\n"
    assert client.get(f"/transparency/{PERIOD}").status_code == 200


def test_signed_publications_verify_with_the_published_key(app, session, runner):
    import nacl.signing

    app.config["TRANSPARENCY_SIGN"] = True
    publication = publishing.publish(app, session, str(PERIOD)).publication
    key_hex = app.test_client().get("/.well-known/transparency-signing-key").get_data(as_text=True).strip()
    nacl.signing.VerifyKey(bytes.fromhex(key_hex)).verify(
        publication.chain_hash.encode(), bytes.fromhex(publication.signature)
    )
    assert runner.invoke(args=["reports", "verify"]).exit_code == 0
    session.execute(update(Publication).values(signature="00" * 64))
    session.commit()
    result = runner.invoke(args=["reports", "verify"])
    assert result.exit_code == 1 and "signature does not verify" in result.output


def test_scheduled_job_publishes_the_last_quarter_once(app, session):
    from reporting.jobs import publish_last_quarter

    assert "created" in publish_last_quarter(app)
    assert "already there" in publish_last_quarter(app)
    assert len(session.exec(select(Publication)).all()) == 1


def test_raw_figures_count_the_periods_appeals(app, session):
    from incidents.enforcement.models import Appeal
    from reporting.aggregate import raw_figures

    day = PERIOD.starts_at + timedelta(days=10)

    def appeal(received, decided=None, outcome=None, kind="action"):
        status = "decided" if decided else "open"
        return Appeal(
            kind=kind, status=status, received_at=received, due_at=received + timedelta(days=30),
            decided_at=decided, outcome=outcome,
        )  # fmt: skip

    session.add_all(
        [
            appeal(day, day + timedelta(days=4), "reversed"),  # 4 days
            appeal(day, day + timedelta(days=10), "upheld", kind="dismissal"),  # 10 days
            appeal(day + timedelta(days=1)),  # still open
            appeal(PERIOD.starts_at - timedelta(days=5), day + timedelta(days=1), "partly_reversed"),  # 16 days
            appeal(PERIOD.ends_at - timedelta(days=1), PERIOD.ends_at + timedelta(days=1), "reversed"),  # decided later
            appeal(PERIOD.starts_at - timedelta(days=40), PERIOD.starts_at - timedelta(days=20), "reversed"),  # before
        ]
    )
    session.commit()
    # Received: the three on day 10 and 11 and the one on the period's last day. Decided in the period:
    # after 4, 10 and 16 days (median 10.0), two of them reversed, one of those only partly.
    assert raw_figures(session, PERIOD).appeals == {
        "received": 4,
        "decided": 3,
        "reversed": 2,
        "median_days_to_decide": 10.0,
    }


@pytest.mark.real_clock  # libfaketime breaks subprocess waits (EINVAL, or a 60 s hang) in the child processes
def test_two_processes_publish_one_quarter_once(app, session, database_url, db_backend, tmp_path):
    """Two publishers started at once against the same database produce one publication."""
    reports_in(app, session, PERIOD, 5)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "s" * 32,
        "PLATFORM_SECRET": "test-platform-secret-for-the-test-suite",
        # The queue (and any export) in this test's folder, not the checkout's instance folder.
        "FLASK_TASKS_BACKEND": "sqlite",
        "FLASK_TASKS_SQLITE_PATH": str(tmp_path / "tasks.db"),
        "FLASK_EXPORT_DIR": str(tmp_path / "exports"),
    }
    flask = Path(sys.executable).parent / "flask"
    root = Path(__file__).resolve().parents[2]
    procs = [
        subprocess.Popen(
            [str(flask), "--app", "wsgi", "reports", "publish", "--period", str(PERIOD)],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    assert sorted("published;" in o for o in outputs) == [False, True], outputs
    session.expire_all()
    assert len(session.exec(select(Publication)).all()) == 1
    assert len(session.exec(select(PrivacyRelease)).all()) == 3


def test_raw_figures_count_from_plain_columns(app, session):
    from reporting.aggregate import raw_figures

    ids = reports_in(app, session, PERIOD, 4, category="privacy")
    start = PERIOD.starts_at + timedelta(days=3)
    session.execute(
        update(Report)
        .where(Report.id.in_(ids[:3]))
        .values(first_response_at=start + timedelta(hours=5, minutes=59), actioned_at=start + timedelta(days=2))
    )
    session.commit()
    reports_in(app, session, PERIOD.previous(), 2)  # outside the period
    raw = raw_figures(session, PERIOD)
    assert raw.received_by_channel == {"public": 4, "whistleblower": 0}
    assert raw.public_by_category["privacy"] == 4 and sum(raw.public_by_category.values()) == 4
    assert raw.hours_to_first_response == {5: 3} and raw.hours_to_action == {48: 3}


@pytest.mark.real_clock  # libfaketime breaks subprocess waits (EINVAL, or a 60 s hang) in the child processes
def test_two_scheduler_processes_started_at_once_publish_once(app, session, database_url, tmp_path):
    """Both schedulers catch up the last quarter at start; the lock lets exactly one publish it."""
    import signal

    reports_in(app, session, PERIOD, 5)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "s" * 32,
        "PLATFORM_SECRET": "test-platform-secret-for-the-test-suite",
        # The queue (and any export) in this test's folder, not the checkout's instance folder.
        "FLASK_TASKS_BACKEND": "sqlite",
        "FLASK_TASKS_SQLITE_PATH": str(tmp_path / "tasks.db"),
        "FLASK_EXPORT_DIR": str(tmp_path / "exports"),
    }
    flask = Path(sys.executable).parent / "flask"
    root = Path(__file__).resolve().parents[2]
    procs = [
        subprocess.Popen(
            [str(flask), "--app", "wsgi", "scheduler", "run"],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = []
    try:
        for proc in procs:
            lines = []
            while True:
                line = proc.stdout.readline()
                if not line:
                    break
                lines.append(line)
                if line.startswith("scheduler running"):
                    break
            outputs.append("".join(lines))
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.communicate(timeout=60)
    catch_ups = [
        line for out in outputs for line in out.splitlines() if line.startswith("catch-up publish-last-quarter")
    ]
    assert sorted(line.endswith("created") for line in catch_ups) == [False, True], outputs
    session.expire_all()
    assert len(session.exec(select(Publication)).all()) == 1
    assert len(session.exec(select(PrivacyRelease)).all()) == 3


def test_an_empty_feed_dates_from_the_platforms_first_event_not_1970(client, session, make_staff):
    atom = "{http://www.w3.org/2005/Atom}"
    fresh = ElementTree.fromstring(client.get("/transparency/feed.atom").get_data())
    assert fresh.find(f"{atom}entry") is None
    assert not fresh.find(f"{atom}updated").text.startswith("1970")
    make_staff("admin")  # the first audit event: the platform's setup
    first = session.exec(select(AuditEvent).order_by(AuditEvent.seq)).first()
    feed = ElementTree.fromstring(client.get("/transparency/feed.atom").get_data())
    updated = datetime.fromisoformat(feed.find(f"{atom}updated").text)
    assert updated == first.at.replace(microsecond=0).astimezone(UTC)
