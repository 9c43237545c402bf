"""An incident's sources over HTTP: add, correct, remove; errors keep what was typed; changes withdraw sharing.
And the migration that turns the old list of URLs into sources."""

import json
from datetime import date

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlmodel import select

from core.audit import AuditEvent
from incidents.cases.models import IncidentSource
from tests.conftest import FIXED_DAY, signed_in_client
from tests.factories.exports import approved_incident
from tests.integration.test_migrations import empty_database_url, migrated_app  # noqa: F401 (a fixture)
from tests.integration.test_triage_views import token

pytestmark = pytest.mark.time_machine(FIXED_DAY)
EXCERPT = "A chatbot told a user, step by step, how to switch off the safety lock of an insulin pump at home."


@pytest.fixture
def triager(app, make_staff):
    return signed_in_client(app, make_staff("triager"))


def form(client, incident, **fields):
    return {
        "csrf_token": token(client, f"/staff/incidents/{incident.id}/sources/new"),
        "version": str(incident.version),
        "url": "https://news.example.org/story",
        "title": "Chatbot explains pump bypass",
        "publication": "Example News",
        "authors": "Jane Reporter\nMax Müller",
        "published_on": "2026-08-18",
        "retrieved_on": "2026-08-19",
        "excerpt": EXCERPT,
        "language": "en",
        **fields,
    }


def test_adding_a_source_stores_it_audits_it_and_withdraws_the_approval(app, session, triager):
    incident = approved_incident(app, session, source_urls=[])
    assert incident.shared_at is not None
    response = triager.post(f"/staff/incidents/{incident.id}/sources/new", data=form(triager, incident))
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/staff/incidents/{incident.id}#sources"
    )
    source = session.exec(select(IncidentSource).where(IncidentSource.incident_id == incident.id)).one()
    assert (source.url, source.title, source.publication) == (
        "https://news.example.org/story",
        "Chatbot explains pump bypass",
        "Example News",
    )
    assert source.authors == ["Jane Reporter", "Max Müller"]
    assert (source.published_on, source.retrieved_on, source.excerpt) == (date(2026, 8, 18), date(2026, 8, 19), EXCERPT)
    session.refresh(incident)
    assert incident.shared_at is None and incident.public_summary is None
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "incident.source_added")).one()
    assert event.details["source"] == source.id and "excerpt" in event.details["fields"]
    assert EXCERPT not in str(event.details)  # the audit names fields, never their text
    page = triager.get(f"/staff/incidents/{incident.id}").get_data(as_text=True)
    assert "Chatbot explains pump bypass" in page and "Example News" in page


@pytest.mark.parametrize(
    "change, message",
    [
        ({"url": "not a url"}, "https://"),
        ({"published_on": "2099-01-01"}, "The date cannot be in the future."),
        ({"published_on": "18/08/2026"}, "Enter a date like 2026-03-31."),
        ({"language": "english"}, "Enter a two-letter language code"),
        ({"language": "en\n"}, "Enter a two-letter language code"),
        ({"authors": "x" * 201}, "Too long: write at most 200 characters (you wrote 201)."),
    ],
)
def test_a_bad_field_is_named_and_nothing_typed_is_lost(app, session, triager, change, message):
    incident = approved_incident(app, session, source_urls=[])
    response = triager.post(f"/staff/incidents/{incident.id}/sources/new", data=form(triager, incident, **change))
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html
    assert "Chatbot explains pump bypass" in html and EXCERPT in html  # the typed values are still there
    assert session.exec(select(IncidentSource)).all() == []


def test_correcting_and_removing_a_source(app, session, triager):
    incident = approved_incident(app, session)
    source = session.exec(select(IncidentSource).where(IncidentSource.incident_id == incident.id)).one()
    session.refresh(incident)
    path = f"/staff/incidents/{incident.id}/sources/{source.id}"
    assert "Example Health News" in triager.get(path).get_data(as_text=True)  # the form holds today's values
    response = triager.post(path, data=form(triager, incident, title="A corrected headline for the story"))
    assert response.status_code == 302
    session.refresh(source)
    assert source.title == "A corrected headline for the story"
    # A second edit from the page as it was before the first: refused, and the first stands.
    response = triager.post(path, data=form(triager, incident, title="A stale edit of the headline"))
    assert response.status_code == 409 and "Someone else changed this record" in response.get_data(as_text=True)
    session.refresh(source)
    assert source.title == "A corrected headline for the story"
    session.refresh(incident)
    data = {"csrf_token": token(triager, f"/staff/incidents/{incident.id}"), "version": str(incident.version)}
    assert triager.post(f"{path}/remove", data=data).status_code == 302
    assert session.exec(select(IncidentSource)).all() == []
    actions = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.seq))]
    assert actions.count("incident.source_edited") == 1 and actions.count("incident.source_removed") == 1


def test_another_incidents_source_is_not_found_here(app, session, triager):
    one = approved_incident(app, session)
    other = approved_incident(app, session, title="Another incident with a source")
    source = session.exec(select(IncidentSource).where(IncidentSource.incident_id == other.id)).one()
    assert triager.get(f"/staff/incidents/{one.id}/sources/{source.id}").status_code == 404
    assert triager.get(f"/staff/incidents/{one.id}/sources/{2**70}").status_code == 404


def _row(conn, table: str, **values) -> None:
    """Insert a row naming the given values, and a plain value for every other required column."""
    filler = {"INTEGER": 1, "BOOLEAN": False, "DATE": "2026-01-01", "JSON": "[]", "BLOB": b"", "BYTEA": b""}
    row = dict(values)
    for column in inspect(conn).get_columns(table):
        if column["name"] in row or column["nullable"] or column.get("default") is not None:
            continue
        if column.get("autoincrement") is True or column["name"] == "id":
            continue
        kind = str(column["type"]).upper()
        row[column["name"]] = next(
            (v for k, v in filler.items() if kind.startswith(k)),
            "2026-01-01 00:00:00" if "TIME" in kind else "x",
        )
    names = ", ".join(row)
    conn.execute(text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + n for n in row)})"), row)


def test_the_migration_moves_source_urls_into_sources_and_back_and_keeps_every_link(empty_database_url, tmp_path):  # noqa: F811
    app = migrated_app(empty_database_url, tmp_path)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "0006"]).exit_code == 0
    engine = create_engine(empty_database_url)
    with engine.begin() as conn:
        _row(
            conn,
            "incident",
            id=1,
            title="Migrated",
            source_urls='["https://a.example.org/1", "https://b.example.org/2"]',
        )
        _row(conn, "report", id=1, incident_id=1, channel="public", status="received")
        _row(conn, "enforcement_action", id=1, incident_id=1, report_id=1, territorial_scope="[]")
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output

    def links():
        with engine.begin() as conn:
            return (
                conn.execute(text("SELECT incident_id FROM report WHERE id = 1")).scalar(),
                conn.execute(text("SELECT incident_id, report_id FROM enforcement_action WHERE id = 1")).one(),
            )

    with engine.begin() as conn:
        rows = conn.execute(text("SELECT incident_id, url, title, language FROM incident_source ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [
        (1, "https://a.example.org/1", "", "en"),
        (1, "https://b.example.org/2", "", "en"),
    ]
    # Rebuilding the incident table would have set these to NULL (foreign keys are on): they stay.
    assert links() == (1, (1, 1))
    assert runner.invoke(args=["db", "downgrade", "0006"]).exit_code == 0
    assert links() == (1, (1, 1))
    with engine.begin() as conn:
        urls = conn.execute(text("SELECT source_urls FROM incident")).scalar()
    engine.dispose()
    assert (urls if isinstance(urls, list) else json.loads(urls)) == [
        "https://a.example.org/1",
        "https://b.example.org/2",
    ]


def test_the_publishers_preview_shows_each_source_as_it_would_leave(app, session, make_staff):
    incident = approved_incident(app, session, share=False)
    publisher = signed_in_client(app, make_staff("publisher"))
    page = publisher.get(f"/staff/incidents/{incident.id}").get_data(as_text=True)
    preview = page[page.index('id="public-preview"') :]
    for shown in ("Chatbot told users how to disable", "Example Health News", "Jane Reporter", "2026-08-18"):
        assert shown in preview
    assert "Users of a health assistant built on the Aurora model" in preview  # the excerpt, after scrubbing
