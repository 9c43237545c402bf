"""The DSA template's sections of the transparency report: exact tables pinned by hand, the time to action, labels."""

import dataclasses
import hashlib
import json
import re
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import select

from incidents.models import EnforcementAction, Report
from reporting import publish as publishing
from reporting import render
from reporting.aggregate import raw_figures
from reporting.figures import HOUR_BUCKETS, protect
from reporting.models import PublicationFile
from tests.factories.triage import stored_report
from tests.integration.test_transparency import PERIOD, reports_in

DAY = PERIOD.starts_at + timedelta(days=10)


def action(action_type, *, report_id=None, target_kind="model", detection="manual", when=DAY, **fields):
    return EnforcementAction(
        action_type=action_type, report_id=report_id, target_kind=target_kind, target="m", ground_type="policy",
        ground_reference="Terms 4.2", detection=detection, decision="manual", decided_at=when, **fields,
    )  # fmt: skip


def quarter_with_notices_and_actions(app, session, make_staff):
    """Public reports from every source, one whistleblower report, and actions of every origin, all in PERIOD."""
    make_staff("recipient")  # the whistleblower channel opens once a recipient can read it
    individual = reports_in(app, session, PERIOD, 3, category="privacy")
    hub = reports_in(app, session, PERIOD, 2, category="fraud_deception")
    flagged = reports_in(app, session, PERIOD, 2, category="hate_harassment")
    ordered = reports_in(app, session, PERIOD, 1, category="privacy")
    for ids, source in ((hub, "hub"), (flagged, "trusted_flagger"), (ordered, "authority")):
        session.execute(update(Report).where(Report.id.in_(ids)).values(source_type=source))
    session.execute(update(Report).where(Report.id == flagged[0]).values(kind="abuse"))
    whistle = stored_report(app, session, channel="whistleblower").id
    session.execute(update(Report).where(Report.id == whistle).values(created_at=DAY))
    session.add_all(
        [
            action("takedown", report_id=individual[0]),
            action("takedown", report_id=individual[1], detection="automated"),
            action("takedown", report_id=flagged[0]),
            action("suspension", report_id=ordered[0], target_kind="account"),
            action("suspension", report_id=whistle),
            action("takedown", detection="automated"),  # no notice: our own initiative
            action("warning"),  # our own initiative too, and no restriction
            action("takedown", report_id=hub[0], when=PERIOD.ends_at + timedelta(days=1)),  # the next quarter
        ]
    )
    session.commit()


def test_the_template_sections_count_exactly_what_happened(app, session, make_staff):
    quarter_with_notices_and_actions(app, session, make_staff)
    raw = raw_figures(session, PERIOD)
    # Hub reports are individuals' notices (as the DSA export sources them); the authority's is an order.
    assert raw.notices_by_source == {"individual": 5, "trusted_flagger": 2, "authority": 1}
    assert {cell: n for cell, n in raw.public_by_source_and_kind.items() if n} == {
        "individual/general": 5,
        "trusted_flagger/general": 1,
        "trusted_flagger/abuse": 1,
        "authority/general": 1,
    }
    assert raw.public_by_kind == {
        "general": 7, "abuse": 1, "private_information": 0, "intellectual_property": 0, "licence_violation": 0,
        "acceptable_use": 0,
    }  # fmt: skip
    assert raw.received_by_channel == {"public": 8, "whistleblower": 1}
    # Restrictions by type, the notice's category (a whistleblower report's is not told) and detection.
    assert raw.actions_by_restriction == {
        "suspension/privacy/manual": 1,
        "suspension/whistleblower/manual": 1,
        "takedown/hate_harassment/manual": 1,
        "takedown/own_initiative/automated": 1,
        "takedown/privacy/automated": 1,
        "takedown/privacy/manual": 1,
    }
    assert {k: n for k, n in raw.own_initiative_by_type.items() if n} == {"takedown": 1, "warning": 1}
    assert raw.suspensions_by_target == {"model": 1, "account": 1, "content": 0, "application": 0}
    assert {k: n for k, n in raw.actions_by_type.items() if n} == {"takedown": 4, "suspension": 2, "warning": 1}
    assert raw.actions_by_decision == {"manual": 7, "automated": 0}
    assert raw.actions_by_ground == {"law": 0, "policy": 7, "licence": 0}


def test_the_published_report_shows_the_exact_sections_in_words(app, session, make_staff, client):
    quarter_with_notices_and_actions(app, session, make_staff)
    publication = publishing.publish(app, session, str(PERIOD)).publication
    exact = publication.figures["exact"]
    assert exact["own_initiative_by_type"]["takedown"] == 1 and exact["suspensions_by_target"]["account"] == 1
    assert exact["appeals"] == {"received": 0, "decided": 0, "reversed": 0, "median_days_to_decide": None}
    html = client.get(f"/transparency/{PERIOD}").get_data(as_text=True)
    cells = dict(re.findall(r'<td data-exact="([^"]+)">([^<]*)</td>', html))
    assert cells["actions_by_restriction/takedown/own_initiative/automated"] == "1"
    assert cells["suspensions_by_target/account"] == "1" and cells["own_initiative_by_type/warning"] == "1"
    assert cells["appeals/received"] == "0" and cells["appeals/median_days_to_decide"] == "none decided"
    row = re.search(r"<tr><th scope=\"row\">([^<]+)</th><td>([^<]+)</td><td>([^<]+)</td><td data-exact=\""
                    r"actions_by_restriction/suspension/whistleblower/manual\">", html)  # fmt: skip
    assert row.groups() == (
        "Suspension of access",
        "A whistleblower report (its category is not published)",
        "Manual",
    )
    csv = client.get(f"/transparency/{PERIOD}.csv").get_data(as_text=True).splitlines()
    assert "actions_by_restriction,takedown/privacy/automated,1,1,no,,no" in csv
    assert "appeals,reversed,0,0,no,,no" in csv


def visible_text(html: str) -> str:
    """What a reader sees: the text and the screen readers' labels, without the tags' other attributes."""
    labels = " ".join(re.findall(r'aria-label="([^"]*)"', html))
    return re.sub(r"<[^>]+>", " ", html) + " " + labels


def test_the_report_speaks_the_readers_language_and_shows_no_raw_key(app, session, make_staff, client):
    quarter_with_notices_and_actions(app, session, make_staff)
    publishing.publish(app, session, str(PERIOD))
    published = client.get(f"/transparency/{PERIOD}/published")
    assert published.headers["X-Content-SHA256"]  # the stored file, as published
    english = client.get(f"/transparency/{PERIOD}")
    spanish = client.get(f"/transparency/{PERIOD}?lang=es")
    assert spanish.headers["Content-Language"] == "es"
    body = spanish.get_data(as_text=True)
    assert '<html lang="es">' in body
    spanish_words = ("En resumen", "Informes recibidos", "Odio o acoso", "Órdenes de autoridades", "Metodología")
    for words in (*spanish_words, "Alertadores fiables", "Reclamaciones y recursos", "Informes públicos por categoría"):
        assert words in body, words
    for page in (published.get_data(as_text=True), english.get_data(as_text=True), body):
        text = visible_text(page)
        assert not re.findall(r"\b[a-z]+_[a-z_]+\b", text), re.findall(r"\b[a-z]+_[a-z_]+\b", text)[:5]
        assert "ncii" not in text and "hate harassment" not in text
    # The browser's language chooses too; the print view follows it.
    by_header = client.get(f"/transparency/{PERIOD}/print", headers={"Accept-Language": "es"})
    assert '<html lang="es">' in by_header.get_data(as_text=True)


def test_time_to_action_counts_the_reports_acted_on_in_the_quarter(app, session):
    """Issue 17: a quarter with 11 actions had no median, because it counted only reports received in it."""
    earlier = PERIOD.starts_at - timedelta(days=2)
    ids = [stored_report(app, session).id for _ in range(11)]
    session.execute(
        update(Report)
        .where(Report.id.in_(ids))
        .values(created_at=earlier, actioned_at=earlier + timedelta(hours=100, minutes=30))
    )
    late = reports_in(app, session, PERIOD, 2)  # received in the quarter, acted on in the next: not this quarter's
    session.execute(update(Report).where(Report.id.in_(late)).values(actioned_at=PERIOD.ends_at + timedelta(hours=1)))
    session.commit()
    raw = raw_figures(session, PERIOD)
    assert raw.hours_to_action == {100: 11}
    assert raw_figures(session, PERIOD.previous()).hours_to_action == {}
    # Whether a median is shown follows the exact count of our own actions (published anyway), never the
    # median's own sample size, which would be released without noise.
    acted = dataclasses.replace(raw, actions_by_type={"takedown": 11})
    figures, _ = protect(acted, "1.0")
    assert figures["noised"]["hours_to_action"]["median_hours"] in HOUR_BUCKETS
    few_actions = dataclasses.replace(raw, actions_by_type={"takedown": 9})
    assert protect(few_actions, "1.0")[0]["noised"]["hours_to_action"]["median_hours"] is None
    no_values = dataclasses.replace(raw, actions_by_type={"takedown": 11}, hours_to_action={})
    assert protect(no_values, "1.0")[0]["noised"]["hours_to_action"]["median_hours"] in HOUR_BUCKETS


def test_a_report_of_the_earlier_method_is_served_as_stored_in_any_language(app, session, client):
    """consistent-tables/1 figures have no notices by source or kind: no page is rendered again from them."""
    publication = publishing.publish(app, session, str(PERIOD)).publication
    figures = json.loads(json.dumps(publication.figures))
    figures["methodology"]["method"] = "consistent-tables/1"
    publication.figures = figures
    session.add(publication)
    session.commit()
    stored = client.get(f"/transparency/{PERIOD}")
    spanish = client.get(f"/transparency/{PERIOD}?lang=es")
    assert spanish.get_data() == stored.get_data() and spanish.headers["X-Content-SHA256"]
    assert '<html lang="en">' in spanish.get_data(as_text=True) and "Content-Language" not in spanish.headers


def test_a_report_of_the_earlier_method_keeps_its_own_report_json_and_is_served_as_stored(app, session, client):
    """A consistent-tables/1 publication as it was stored (its figures lack today's tables, and its report.json is
    those figures written out, so the current code gives the same file): the page is the stored one, never a 500."""
    reports_in(app, session, PERIOD, 12)
    publication = publishing.publish(app, session, str(PERIOD)).publication
    figures = json.loads(json.dumps(publication.figures))
    for name in ("notices_by_source", "public_by_kind"):
        figures["noised"].pop(name)
    for name in ("actions_by_restriction", "own_initiative_by_type", "suspensions_by_target", "appeals"):
        figures["exact"].pop(name, None)
    figures["methodology"]["method"] = "consistent-tables/1"
    publication.figures = figures
    document = render.report_document(
        period=PERIOD, revision=publication.revision, figures=figures, generated_at=publication.generated_at
    )
    stored = session.exec(
        select(PublicationFile).where(
            PublicationFile.publication_id == publication.id, PublicationFile.name == "report.json"
        )
    ).one()
    stored.content, stored.sha256 = document, hashlib.sha256(document).hexdigest()
    session.commit()
    for path in (f"/transparency/{PERIOD}", f"/transparency/{PERIOD}/print", f"/transparency/{PERIOD}?lang=es"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["X-Content-SHA256"], path  # the stored page, as published
