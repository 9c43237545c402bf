"""Exports end to end through the database: golden files, round trip, held-back records, PII, CLI,
the staff page, and the refresh after a publication. Runs on SQLite and on PostgreSQL."""

import csv
import io
import json
import os
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest
from sqlmodel import select

from exports import service
from exports.models import ExportRun
from incidents.cases import service as cases
from incidents.models import Incident
from tests.conftest import FIXED_DAY, signed_in_client
from tests.factories.exports import LONG, approved_incident, enforcement, staff_user
from tests.factories.triage import stored_report

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "exports"
# The exports check that no date lies in the future, so every test here runs on one fixed day:
# the clock is frozen at noon (it ticks on from there), for the factories as for the export.
pytestmark = pytest.mark.time_machine(FIXED_DAY)
TODAY = FIXED_DAY.date()
SETTINGS = {
    "namespace": "https://incidents.example.org",
    "submitter": "Anonymous",
    "language": "en",
    "puid_prefix": "example-action-",
}
SHARED_AT = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)

# Personal data planted in everything that could leave the platform.
PII = {
    "email": "jane.doe@example.com",
    "phone": "+44 20 7946 0958",
    "ip": "203.0.113.42",
    "card": "4111 1111 1111 1111",
    "iban": "DE89 3704 0044 0532 0130 00",
    "street": "221B Baker Street",
    "receipt": "7KQ4-9MZT-3HXV-P2RD",
}


def _fix_sharing_date(session, incident):
    incident.shared_at = SHARED_AT
    session.add(incident)
    session.commit()


def fixture_data(app, session):
    """Three approved incidents (exported, no public URL, held back) and three actions (two owe no statement)."""
    first = approved_incident(app, session)
    approved_incident(
        app,
        session,
        title="Voice clone used in a bank fraud call",
        source_urls=[],
        developers=["Sonic Voice Ltd."],
        description=LONG,
    )
    approved_incident(app, session, title="No deployer recorded", deployers=[])
    for incident in session.exec(select(Incident)).all():
        _fix_sharing_date(session, incident)
    enforcement(session, incident=first)
    enforcement(session, incident=first, action_type="warning")
    enforcement(
        session,
        incident=first,
        action_type="suspension",
        target_kind="account",
        ground_type="law",
        ground_reference="Regulation (EU) 2024/1689, Art. 5(1)(a)",
        territorial_scope=["FR", "BE", "US"],
        ends_on=date(2026, 11, 30),
    )
    return first


def write_both(session, out: Path):
    from core.periods import Period

    a = service.write_aiid(session, out, settings=SETTINGS, today=TODAY)
    d = service.write_dsa(session, out, period=Period(2026, 3), settings=SETTINGS)
    return a, d


GOLDEN_FILES = (
    "submissions.json",
    "entities.json",
    "incidents.csv",
    "reports.csv",
    "statements-2026Q3.jsonl",
    "statements-2026Q3-batch-001.json",
)


def test_golden_files(app, session, tmp_path):
    fixture_data(app, session)
    aiid_written, dsa_written = write_both(session, tmp_path)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(parents=True, exist_ok=True)
        for name in GOLDEN_FILES:
            (GOLDEN / name).write_bytes((tmp_path / name).read_bytes())
    for name in GOLDEN_FILES:
        assert (tmp_path / name).read_bytes() == (GOLDEN / name).read_bytes(), f"{name} differs from the golden file"
    assert aiid_written.counts == {
        "approved": 3,
        "exported": 1,
        "submissions": 1,
        "without_public_source": 1,
        "held_back": 1,
    }
    assert dsa_written.counts["statements"] == 2
    assert dsa_written.counts["no statement: a warning restricts nothing, so it owes no statement of reasons"] == 1
    # Pinned by hand: the takedown of a model removes it, for good; the account's suspension ends on its day.
    takedown, suspension = (json.loads(line) for line in (tmp_path / "statements-2026Q3.jsonl").open())
    assert takedown["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_REMOVED"]
    assert not any(name.startswith("end_date_") for name in takedown)
    assert suspension["decision_account"] == "DECISION_ACCOUNT_SUSPENDED"
    assert (suspension["application_date"], suspension["end_date_account_restriction"]) == ("2026-08-21", "2026-11-30")
    envelope = json.loads((tmp_path / "statements-2026Q3-batch-001.json").read_text())
    assert envelope == {"statements": [takedown, suspension]}


def test_files_are_deterministic_and_written_as_aiid_writes_them(app, session, tmp_path):
    fixture_data(app, session)
    write_both(session, tmp_path / "one")
    write_both(session, tmp_path / "two")
    for name in (*GOLDEN_FILES, service.HELD_BACK):
        one = (tmp_path / "one" / name).read_bytes()
        assert one == (tmp_path / "two" / name).read_bytes()
        one.decode("utf-8")
    # AIID's snapshot files end their lines with LF (mongoexport; convert_json_to_csv.py); ours held-back.csv CRLF.
    for name in ("incidents.csv", "reports.csv"):
        assert b"\r" not in (tmp_path / "one" / name).read_bytes()
    held = (tmp_path / "one" / service.HELD_BACK).read_bytes()
    assert held.count(b"\n") == held.count(b"\r\n") >= 1
    incidents_header, reports_header = (
        (tmp_path / "one" / name).read_text(encoding="utf-8").split("\n")[0]
        for name in ("incidents.csv", "reports.csv")
    )
    assert incidents_header == (
        "_id,incident_id,date,reports,Alleged deployer of AI system,Alleged developer of AI system,"
        "Alleged harmed or nearly harmed parties,description,title"
    )
    assert reports_header == (
        '"_id","authors","date_downloaded","date_modified","date_published","date_submitted","description",'
        '"epoch_date_downloaded","epoch_date_modified","epoch_date_published","epoch_date_submitted","image_url",'
        '"language","ref_number","report_number","source_domain","submitters","text","title","url","tags"'
    )


def test_snapshot_files_read_back_with_pandas(app, session, tmp_path):
    first = fixture_data(app, session)
    odd = approved_incident(
        app,
        session,
        title='Quotes "inside", commas, and a\nnew line',
        description=LONG + " ünïcødé",
        source_urls=["https://example.org/1", "https://example.org/2"],
    )
    service.write_aiid(session, tmp_path, settings=SETTINGS, today=TODAY)
    incidents = pd.read_csv(tmp_path / "incidents.csv", dtype=str, keep_default_na=False, encoding="utf-8")
    assert incidents["title"].tolist() == [first.title, odd.title]
    assert incidents["incident_id"].tolist() == ["", ""] and incidents["reports"].tolist() == ["", ""]
    assert json.loads(incidents["Alleged developer of AI system"][1]) == ["aurora-labs"]
    assert incidents["_id"][0].startswith("ObjectId(") and len(incidents["_id"][0]) == len("ObjectId()") + 24
    reports = pd.read_csv(tmp_path / "reports.csv", dtype=str, keep_default_na=False, encoding="utf-8", escapechar="\\")
    assert len(reports) == 3
    assert reports["url"].tolist() == [
        "https://www.example.com/news/aurora-pump",
        "https://example.org/1",
        "https://example.org/2",
    ]
    row = reports.iloc[0]
    assert (row["authors"], row["date_published"], row["epoch_date_published"]) == (
        "Jane Reporter",
        "2026-08-18T00:00:00Z",
        "1787011200",
    )
    assert (row["ref_number"], row["report_number"]) == ("", "")
    assert (
        row["tags"]
        == f"https://incidents.example.org#incident-{first.id}, https://incidents.example.org#incident-{first.id}-source-1"
    )


def test_a_record_that_breaks_a_rule_is_held_back_with_its_reason(app, session, tmp_path, runner):
    bad = approved_incident(app, session, title="No harmed party recorded", harmed_parties=[])
    result = runner.invoke(args=["export", "aiid", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Exporting incidents" in result.output
    assert f"incident {bad.id}: harmed_parties at least one is required" in result.output
    held = list(csv.DictReader(io.StringIO((tmp_path / "held-back.csv").read_text(encoding="utf-8"))))
    assert held == [
        {"record": "incident", "id": str(bad.id), "field": "harmed_parties", "reason": "at least one is required"}
    ]
    assert (tmp_path / "incidents.csv").read_bytes().count(b"\n") == 1  # the header only: nothing half-written
    assert (tmp_path / "reports.csv").read_bytes().count(b"\n") == 1
    assert (tmp_path / "submissions.json").read_text() == "[]\n"


def test_only_approved_incidents_with_every_reporters_consent_leave(app, session, tmp_path):
    approved_incident(app, session, share=False, title="Never approved by a publisher")
    later = approved_incident(app, session, title="A report without consent was linked later")
    refusing = stored_report(app, session, share_consent=False)
    refusing.incident_id = later.id
    session.add(refusing)
    session.commit()
    written = service.write_aiid(session, tmp_path, settings=SETTINGS, today=TODAY)
    assert written.counts["exported"] == 0
    assert written.problems == [
        {
            "record": "incident",
            "id": later.id,
            "field": "consent",
            "reason": "a linked reporter did not consent to sharing",
        }
    ]
    body = (tmp_path / "incidents.csv").read_text() + (tmp_path / "submissions.json").read_text()
    assert "Never approved" not in body and "without consent" not in body


def test_an_edit_withdraws_the_approval_and_its_public_summary(app, session):
    incident = approved_incident(app, session)
    assert incident.public_summary["title"] == incident.title
    cases.update_incident(
        session,
        incident,
        actor=staff_user(session, "triager"),
        data={"title": "A corrected title for the incident", "version": incident.version},
    )
    session.refresh(incident)
    assert incident.shared_at is None and incident.public_summary is None


def test_planted_personal_data_appears_in_no_export_and_no_api_response(app, session, tmp_path, client):
    planted = " ".join(f"{kind}: {value}." for kind, value in PII.items())
    incident = approved_incident(
        app,
        session,
        title=f"Leak of {PII['email']} by the assistant",
        description=f"{LONG} The model printed {planted} It did so repeatedly.",
        deployers=[f"Shop at {PII['street']}"],
        harmed_parties=[f"Customer {PII['phone']}"],
        source_urls=["https://example.com/story", f"https://example.com/u?mail={PII['email']}"],
    )
    enforcement(
        session,
        incident=incident,
        explanation=f"Reported by {PII['email']} from {PII['ip']}. {planted}",
        ground_reference=f"Policy 3 (contact {PII['phone']})",
        decided_on=date(2026, 8, 20),
    )
    _fix_sharing_date(session, incident)
    write_both(session, tmp_path)
    responses = [
        client.get(url).get_data(as_text=True) for url in ("/api/v1/incidents", f"/api/v1/incidents/{incident.id}")
    ]
    texts = {name: (tmp_path / name).read_text(encoding="utf-8") for name in (*GOLDEN_FILES, service.HELD_BACK)}
    texts.update({f"api {i}": body for i, body in enumerate(responses)})
    for where, text in texts.items():
        for kind, value in PII.items():
            assert value not in text, f"{kind} leaked into {where}"
            assert value.replace(" ", "") not in text.replace(" ", ""), f"{kind} leaked into {where}"
    assert "[EMAIL]" in texts["incidents.csv"] and "[RECEIPT]" in texts["reports.csv"]
    assert "[IP ADDRESS]" in texts["statements-2026Q3.jsonl"]
    assert json.loads(responses[1])["source_urls"] == ["https://example.com/story"]  # the URL with PII stays in


def test_a_publication_queues_the_exports_refresh_after_it_commits(app, session, runner):
    from core.tasks import Job

    approved_incident(app, session)
    result = runner.invoke(args=["reports", "publish", "--period", "2026Q3"])
    assert result.exit_code == 0, result.output
    # The publication call wrote no export: it queued the refresh once the publication was committed.
    assert session.exec(select(ExportRun)).all() == []
    job = session.exec(select(Job)).one()
    assert (job.kind, job.params, job.state, job.created_by) == ("export-refresh", {"period": "2026Q3"}, "queued", None)
    assert runner.invoke(args=["tasks", "run-pending"]).output == "ran 1 job(s)\n"
    session.refresh(job)
    runs = session.exec(select(ExportRun).order_by(ExportRun.id)).all()
    assert (job.state, job.message) == ("done", f"aiid run {runs[0].id} written; dsa 2026Q3 run {runs[1].id} written")
    assert [(r.kind, r.period, r.trigger) for r in runs] == [
        ("aiid", None, "publication"),
        ("dsa", "2026Q3", "publication"),
    ]
    assert runs[0].counts["exported"] == 1
    assert (service.run_path(app, runs[0]) / "incidents.csv").is_file()
    # Unchanged data adds no run; the nightly job says so.
    from exports.jobs import nightly_refresh, refresh_exports

    assert refresh_exports(app) == f"aiid run {runs[0].id} unchanged"
    assert nightly_refresh(app) == f"aiid run {runs[0].id} unchanged; dsa 2026Q3 run {runs[1].id} unchanged"


def test_the_nightly_run_catches_up_a_quarters_refresh_that_was_lost(app, session):
    from exports.jobs import nightly_refresh

    approved_incident(app, session)  # its action was decided in 2026Q3; the clock stands in 2026Q4
    assert nightly_refresh(app).endswith("written")
    runs = session.exec(select(ExportRun).order_by(ExportRun.id)).all()
    assert [(r.kind, r.period, r.trigger) for r in runs] == [("aiid", None, "schedule"), ("dsa", "2026Q3", "schedule")]


def test_runs_keep_only_the_newest_and_never_leave_partial_files(app, session):
    app.config["EXPORT_KEEP_RUNS"] = 2
    directories = []
    for n in range(3):
        approved_incident(app, session, title=f"Incident number {n} for pruning")
        outcome = service.run_export(app, session, "aiid", trigger="cli")
        assert outcome.created
        directories.append(service.run_path(app, outcome.run))
    assert [d.is_dir() for d in directories] == [False, True, True]
    assert len(session.exec(select(ExportRun)).all()) == 2
    assert list((service.export_root(app) / ".partial").iterdir()) == []


def test_export_cli_checks_the_period_and_stores_runs(app, runner, session):
    bad = runner.invoke(args=["export", "dsa", "--period", "2026Q5"])
    assert bad.exit_code == 2 and "write it like 2026Q3" in bad.output
    approved_incident(app, session)
    enforcement(session, incident=session.exec(select(Incident)).first())
    stored = runner.invoke(args=["export", "dsa", "--period", "2026q3"])
    assert stored.exit_code == 0, stored.output
    assert "Exporting actions" in stored.output and "statements: 1" in stored.output


def test_staff_download_page(app, session, make_staff):
    approved_incident(app, session)
    publisher = make_staff("publisher")
    browser = signed_in_client(app, publisher)
    page = browser.get("/staff/exports")
    assert page.status_code == 200 and "No export yet." in page.get_data(as_text=True)
    from tests.conftest import csrf_from

    token = csrf_from(page.get_data(as_text=True))
    queued = browser.post("/staff/exports", data={"csrf_token": token, "kind": "aiid"}, follow_redirects=True)
    html = queued.get_data(as_text=True)
    assert "The export is queued as job 1; this page shows its progress." in html
    assert 'data-refresh-seconds="5"' in html and "js/refresh.js" in html and "Waiting for the task worker." in html
    refused = browser.post("/staff/exports", data={"csrf_token": token, "kind": "dsa", "period": "nonsense"})
    assert refused.status_code == 302
    assert session.exec(select(ExportRun)).all() == []  # nothing ran inside the request
    from core.tasks import work_off

    assert work_off(app) == 1
    run = session.exec(select(ExportRun)).one()
    assert run.trigger == "staff" and run.created_by == publisher.id
    html = browser.get("/staff/exports").get_data(as_text=True)
    assert f"/staff/exports/{run.id}/incidents.csv" in html
    assert "AI Incident Database export: new files written." in html and "data-refresh-seconds" not in html
    download = browser.get(f"/staff/exports/{run.id}/incidents.csv")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert download.headers["X-Content-SHA256"] == run.files["incidents.csv"]["sha256"]
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.data == (service.run_path(app, run) / "incidents.csv").read_bytes()
    assert browser.get(f"/staff/exports/{run.id}/..%2Fsecrets.json").status_code == 404
    assert browser.get(f"/staff/exports/{run.id}/app.db").status_code == 404


def test_publisher_sees_the_scrubbed_summary_before_approving(app, session, make_staff):
    incident = approved_incident(app, session, share=False, description=f"{LONG} Contact {PII['email']}.")
    browser = signed_in_client(app, make_staff("publisher"))
    html = browser.get(f"/staff/incidents/{incident.id}").get_data(as_text=True)
    preview = html.split('id="public-preview"')[1].split("</dl>")[0]
    assert "[EMAIL]" in preview and PII["email"] not in preview


def test_an_incident_approved_before_summaries_were_stored_is_scrubbed_at_export(app, session, tmp_path):
    incident = approved_incident(app, session, title=f"Leak of {PII['email']} by the assistant")
    incident.public_summary = None  # as migration 0004 leaves incidents approved earlier
    session.add(incident)
    session.commit()
    service.write_aiid(session, tmp_path, settings=SETTINGS, today=TODAY)
    text = (tmp_path / "incidents.csv").read_text(encoding="utf-8")
    assert "Leak of [EMAIL] by the assistant" in text and PII["email"] not in text


def test_an_action_without_an_explanation_is_held_back_from_the_dsa_export(app, session, tmp_path, runner):
    incident = approved_incident(app, session)
    action = enforcement(session, incident=incident, explanation="")
    result = runner.invoke(args=["export", "dsa", "--period", "2026Q3", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"enforcement_action {action.id}: decision_facts is required" in result.output
    assert (tmp_path / "statements-2026Q3.jsonl").read_bytes() == b""
    held = list(csv.DictReader(io.StringIO((tmp_path / "held-back.csv").read_text(encoding="utf-8"))))
    assert {row["field"] for row in held} == {"incompatible_content_explanation", "decision_facts"}


def test_published_classifications_leave_in_aiids_shape(app, session, tmp_path, make_staff):
    from tests.integration.test_classifications import post

    incident = approved_incident(app, session)
    triager = signed_in_client(app, make_staff("triager"))
    response = post(triager, incident, {"mit-risk-domain": "3. Misinformation", "publish": "1"}, taxonomy="mit")
    assert response.status_code == 302
    session.refresh(incident)
    cases.set_sharing(session, incident, actor=staff_user(session, "publisher"), share=True)
    written = service.write_aiid(session, tmp_path, settings=SETTINGS, today=TODAY)
    assert written.counts["exported"] == 1
    documents = json.loads((tmp_path / "classifications.json").read_text(encoding="utf-8"))
    assert documents == [
        {
            "namespace": "MIT",
            "attributes": [{"short_name": "Risk Domain", "value_json": '"3. Misinformation"'}],
            "incidents": [],
            "reports": [],
            "notes": f"https://incidents.example.org#incident-{incident.id}",
            "publish": True,
        }
    ]


def test_a_free_label_that_holds_personal_data_holds_its_classification_back(app, session, tmp_path, make_staff):
    from tests.integration.test_classifications import GOALS, post

    incident = approved_incident(app, session)
    triager = signed_in_client(app, make_staff("triager"))
    labels = f"Chatbot\nAsk {PII['email']} for the logs"
    assert post(triager, incident, {GOALS: labels, "publish": "1"}, taxonomy="gmf").status_code == 302
    session.refresh(incident)
    cases.set_sharing(session, incident, actor=staff_user(session, "publisher"), share=True)
    written = service.write_aiid(session, tmp_path, settings=SETTINGS, today=TODAY)
    assert written.counts["exported"] == 1  # the incident leaves; its classification does not
    assert (tmp_path / "classifications.json").read_text(encoding="utf-8") == "[]\n"
    assert written.problems == [
        {
            "record": "classification",
            "id": incident.id,
            "field": "GMF Known AI Goal",
            "reason": "a label holds personal data (an address, a number); reword it",
        }
    ]
    names = ("submissions.json", "entities.json", "classifications.json", "incidents.csv", "reports.csv")
    assert not any(PII["email"] in (tmp_path / name).read_text(encoding="utf-8") for name in names)
