"""The consistent release as published: one set of totals, one suppression rule in every file, older reports kept."""

import csv
import hashlib
import io
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import update

from incidents.labels import CATEGORY_LABELS
from incidents.models import Report
from reporting import publish as publishing
from reporting.aggregate import Period
from reporting.models import Publication, PublicationFile
from tests.factories.triage import stored_report
from tests.integration.test_transparency import PERIOD, reports_in

GOLDEN_V1 = Path(__file__).resolve().parents[1] / "golden" / "transparency" / "2025Q1-v1"
COUNT_TABLES = (
    "received_by_channel",
    "notices_by_source",
    "public_by_kind",
    "public_by_category",
    "public_by_actor",
    "public_by_severity",
    "whistleblower_by_group",
    "deadlines_met",
)


def html_cells(html: str) -> dict[str, str]:
    """{"table/cell": what the page shows} for every noised figure of report.html."""
    return dict(re.findall(r'<td data-cell="([^"]+)">([^<]*)</td>', html))


def chart_marks(html: str) -> dict[str, tuple[str, str]]:
    """{label: (mark, text)} for the marks of the category chart: a bar, or a point (the marker)."""
    svg = re.search(r'<svg [^>]*aria-label="Public reports by category \(noised\)".*?</svg>', html, re.S).group(0)
    marks = re.findall(r'aria-label="([^"]+): ([^"]+)" role="graphics-symbol" aria-roledescription="(bar|point)"', svg)
    return {label: (mark, text) for label, text, mark in marks}


def csv_cells(body: str) -> dict[str, dict]:
    """{"table/cell": its CSV row} for every noised count of report.csv (the medians left out)."""
    rows = csv.DictReader(io.StringIO(body))
    return {f"{r['section']}/{r['cell']}": r for r in rows if r["noised"] == "yes" and r["cell"] != "median_hours"}


def json_cells(document: dict) -> dict[str, dict]:
    cells = {}
    for name in COUNT_TABLES:
        table = document["noised"][name]
        cells |= {f"{name}/{cell}": figure for cell, figure in table["cells"].items()}
        cells[f"{name}/total"] = table["total"]
    return cells


def test_every_table_of_a_published_report_adds_up_to_the_same_totals(app, session, client, make_staff):
    make_staff("recipient")  # the whistleblower channel opens once a recipient can read it
    reports_in(app, session, PERIOD, 14, category="privacy", severity="serious_incident")
    reports_in(app, session, PERIOD, 6, category="bias_discrimination")
    ids = [stored_report(app, session, channel="whistleblower").id for _ in range(4)]
    session.execute(update(Report).where(Report.id.in_(ids)).values(created_at=PERIOD.starts_at + timedelta(days=5)))
    session.commit()
    publication = publishing.publish(app, session, str(PERIOD)).publication
    noised = publication.figures["noised"]
    public, whistleblower = (noised["received_by_channel"]["cells"][c] for c in ("public", "whistleblower"))
    for name in COUNT_TABLES:
        assert noised[name]["total"] == sum(noised[name]["cells"].values()), name
    assert noised["public_by_category"]["total"] == noised["public_by_actor"]["total"] == public
    assert noised["notices_by_source"]["total"] == noised["public_by_kind"]["total"] == public
    assert noised["public_by_severity"]["total"] == public
    assert noised["whistleblower_by_group"]["total"] == whistleblower
    assert noised["received_by_channel"]["total"] == public + whistleblower
    # The published files say the same total for the public channel everywhere, with the same bound.
    document = client.get(f"/transparency/{PERIOD}.json").get_json()
    totals = [
        document["noised"][name]["total"]
        for name in (
            "public_by_category",
            "public_by_actor",
            "public_by_severity",
            "notices_by_source",
            "public_by_kind",
        )
    ]
    assert all(total == totals[0] for total in totals)
    assert (
        totals[0]["suppressed"]
        or totals[0]["value"] == document["noised"]["received_by_channel"]["cells"]["public"]["value"]
    )
    assert document["year_to_date"]["reports_received"]["suppressed"] == (public + whistleblower < 10)


def test_suppression_agrees_across_html_svg_csv_and_json(app, session, client):
    reports_in(app, session, PERIOD, 60, category="privacy")  # far above the threshold; most categories are empty
    publication = publishing.publish(app, session, str(PERIOD)).publication
    html = client.get(f"/transparency/{PERIOD}").get_data(as_text=True)
    shown, table = html_cells(html), csv_cells(client.get(f"/transparency/{PERIOD}.csv").get_data(as_text=True))
    published = json_cells(client.get(f"/transparency/{PERIOD}.json").get_json())
    stored = {}
    for name in COUNT_TABLES:
        stored |= {f"{name}/{cell}": v for cell, v in publication.figures["noised"][name]["cells"].items()}
        stored[f"{name}/total"] = publication.figures["noised"][name]["total"]
    assert set(shown) == set(table) == set(published) == set(stored)
    hidden = {key for key, value in stored.items() if value < 10}
    assert hidden and hidden != set(stored)
    for key, value in stored.items():
        if key in hidden:
            assert shown[key] == "&lt;10", key
            assert (table[key]["value"], table[key]["shown_as"], table[key]["suppressed"]) == ("", "<10", "yes"), key
            assert (published[key]["value"], published[key]["suppressed"]) == (None, True), key
        else:
            assert shown[key] == table[key]["value"] == table[key]["shown_as"] == str(value), key
            assert table[key]["suppressed"] == "no", key
            assert (published[key]["value"], published[key]["suppressed"]) == (value, False), key
    marks = chart_marks(html)
    for cell, value in publication.figures["noised"]["public_by_category"]["cells"].items():
        label = CATEGORY_LABELS[cell]  # the form's words, never the key
        assert marks[label] == (("point", "&lt;10") if value < 10 else ("bar", str(value))), cell


def test_one_rule_renders_hand_made_figures_the_same_in_every_file(app, session):
    publication = publishing.publish(app, session, str(PERIOD)).publication
    figures = json.loads(json.dumps(publication.figures))
    category = figures["noised"]["public_by_category"]
    category["cells"] = dict.fromkeys(category["cells"], 0) | {"privacy": 23, "ncii": 9, "safety_failure": 10}
    category["total"], category["error_bound_95"] = 42, dict.fromkeys(category["cells"], 13)
    files = publishing.render_files(
        app, period=PERIOD, revision=1, figures=figures, generated_at=publication.generated_at
    )
    html = files["report.html"].decode()
    shown = html_cells(html)
    assert (shown["public_by_category/privacy"], shown["public_by_category/ncii"]) == ("23", "&lt;10")
    assert (shown["public_by_category/safety_failure"], shown["public_by_category/other"]) == ("10", "&lt;10")
    rows = files["report.csv"].decode().splitlines()
    assert "public_by_category,ncii,,<10,yes,13,yes" in rows and "public_by_category,privacy,23,23,no,13,yes" in rows
    assert "public_by_category,safety_failure,10,10,no,13,yes" in rows
    document = json.loads(files["report.json"])
    assert document["noised"]["public_by_category"]["cells"]["ncii"] == {
        "value": None,
        "suppressed": True,
        "error_bound_95": 13,
    }
    assert document["noised"]["public_by_category"]["cells"]["privacy"] == {
        "value": 23,
        "suppressed": False,
        "error_bound_95": 13,
    }
    marks = chart_marks(html)
    privacy, ncii = "Privacy or personal data exposure", "Non-consensual intimate imagery"
    assert {label for label, (mark, _) in marks.items() if mark == "bar"} == {privacy, "Safety failure or malfunction"}
    assert marks[privacy] == ("bar", "23") and marks[ncii] == ("point", "&lt;10") and len(marks) == 13
    assert html.count('aria-roledescription="point"') == 11 and ">&lt;10</text>" in html


def _store_golden_v1(session) -> Publication:
    """Store the 2025Q1 report as the code before the consistent release published it (no audit checkpoint)."""
    meta = json.loads((GOLDEN_V1 / "publication.json").read_text())
    files = {name: (GOLDEN_V1 / name).read_bytes() for name in publishing.REQUIRED_FILES}  # no datapackage.json then
    hashes = {name: hashlib.sha256(content).hexdigest() for name, content in files.items()}
    publication = Publication(
        period=meta["period"],
        revision=meta["revision"],
        starts_at=datetime.fromisoformat(meta["starts_at"]),
        ends_at=datetime.fromisoformat(meta["ends_at"]),
        status="published",
        generated_at=datetime.fromisoformat(meta["generated_at"]),
        published_at=datetime.fromisoformat(meta["published_at"]),
        epsilon=meta["epsilon"],
        figures=meta["figures"],
        prev_hash=publishing.GENESIS,
        chain_hash=publishing.chain_hash(publishing.GENESIS, meta["period"], meta["revision"], hashes),
    )
    session.add(publication)
    session.flush()
    for name, content in files.items():
        session.add(
            PublicationFile(
                publication_id=publication.id,
                name=name,
                media_type=publishing.MEDIA_TYPES[name],
                content=content,
                sha256=hashes[name],
            )
        )
    session.commit()
    return publication


def test_reports_published_before_the_consistent_release_still_verify_and_are_served_unchanged(
    app, session, client, runner
):
    golden = _store_golden_v1(session)
    quarter = Period.parse("2025Q2")
    reports_in(app, session, quarter, 12)
    newer = publishing.publish(app, session, str(quarter), now=datetime(2025, 7, 2, 9, tzinfo=UTC)).publication
    result = runner.invoke(args=["reports", "verify"])
    assert result.exit_code == 0 and "All 2 publications verify" in result.output, result.output
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    schema = client.get("/transparency/schema.json").get_json()
    old = client.get("/transparency/2025Q1.json")
    assert old.data == (GOLDEN_V1 / "report.json").read_bytes()
    assert client.get("/transparency/2025Q1.csv").data == (GOLDEN_V1 / "report.csv").read_bytes()
    assert old.get_json()["schema"] == "transparency-report/v1"
    jsonschema.validate(old.get_json(), schema)
    new = client.get("/transparency/2025Q2.json").get_json()
    assert new["schema"] == "transparency-report/v2"
    jsonschema.validate(new, schema)
    # The year to date sums the old quarter's noised total and the new one's.
    old_total = json.loads((GOLDEN_V1 / "publication.json").read_text())["figures"]["noised"]["received_by_channel"][
        "total"
    ]
    year = newer.figures["year_to_date"]
    assert year["quarters"] == ["2025Q1", "2025Q2"]
    assert year["reports_received"] == old_total + newer.figures["noised"]["received_by_channel"]["total"]
    # A v1 document is not a v2 one: the schema tells the versions apart by their marker.
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**old.get_json(), "schema": "transparency-report/v2"}, schema)
    assert newer.prev_hash == golden.chain_hash


def test_deadline_outcomes_are_counted_by_channel_among_serious_incidents(app, session, make_staff):
    from reporting import figures
    from reporting.aggregate import raw_figures

    make_staff("recipient")
    arrived = PERIOD.starts_at + timedelta(days=3)
    on_time, late, stale = (
        reports_in(app, session, PERIOD, 1, severity=s)[0] for s in ("serious_incident",) * 2 + ("incident",)
    )
    secret = stored_report(app, session, channel="whistleblower", severity="serious_incident").id
    not_due = reports_in(app, session, PERIOD, 1, severity="serious_incident")[0]
    death = {"deadline_tier": "death", "created_at": arrived}  # the initial filing is due 10 days after arrival
    for report_id, filed in (
        (on_time, arrived + timedelta(days=9)),
        (late, None),
        (stale, None),
        (secret, arrived + timedelta(days=11)),
    ):
        session.execute(update(Report).where(Report.id == report_id).values(**death, initial_filed_at=filed))
    session.execute(
        update(Report)
        .where(Report.id == not_due)
        .values(deadline_tier="death", created_at=PERIOD.ends_at - timedelta(days=2))
    )
    session.commit()
    raw = raw_figures(session, PERIOD)
    # The incident with a stale tier is no serious incident; the one that arrived two days before the end was not due.
    assert raw.deadlines_by_channel == {"public": {"on time": 1, "late": 1}, "whistleblower": {"on time": 0, "late": 1}}
    assert raw.deadlines_met == {"on time": 1, "late": 2}
    measured = figures.measured_counts(raw)
    assert measured["public_by_severity_and_deadline"] == {
        "hazard": 0,
        "incident": 1,
        "serious_incident/on time": 1,
        "serious_incident/late": 1,
        "serious_incident/other": 1,
    }
    assert measured["whistleblower_by_deadline"] == {"on time": 0, "late": 1, "other": 0}


def test_a_chart_with_every_cell_suppressed_has_markers_only_and_every_mark_named(app, session):
    publication = publishing.publish(app, session, str(PERIOD)).publication
    figures = json.loads(json.dumps(publication.figures))
    figures["noised"]["public_by_category"]["cells"] = dict.fromkeys(
        figures["noised"]["public_by_category"]["cells"], 3
    )
    html = publishing.render_files(
        app, period=PERIOD, revision=1, figures=figures, generated_at=publication.generated_at
    )["report.html"].decode()
    marks = chart_marks(html)
    assert len(marks) == 13 and {mark for mark, _ in marks.values()} == {"point"}
    svg = re.search(r'<svg [^>]*aria-label="Public reports by category \(noised\)".*?</svg>', html, re.S).group(0)
    # An empty layer would leave a mark group with a role and no name (axe's svg-img-alt).
    assert all("aria-label=" in tag for tag in re.findall(r"<[^>]*role=\"graphics-symbol\"[^>]*>", svg))
