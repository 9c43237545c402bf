"""An approved incident in AIID's shapes: a submission per source, snapshot rows, entities, held-back reasons."""

import io
from datetime import date

from exports import aiid, snapshot
from exports.aiid_rules import Problem

# The rules take "today" as an argument and never read the clock, so a fixed day needs no freezing here.
AS_OF = date(2026, 11, 28)
FIRST = {
    "id": 31,
    "url": "https://www.example.com/a",
    "title": "Assistant explained an insulin pump bypass",
    "publication": "Example Times",
    "authors": ["Jane Reporter", "Max Müller"],
    "published_on": "2026-08-20",
    "retrieved_on": "2026-08-22",
    "excerpt": "An assistant built on Aurora 2 explained how to disable the interlock of an insulin pump. " * 2,
    "language": "en",
}
SECOND = {
    "id": 35,
    "url": "https://m.news.example.org/b",
    "title": "Pump makers warn of chatbot advice",
    "publication": "News Example",
    "authors": [],
    "published_on": "2026-08-25",
    "retrieved_on": "2026-08-26",
    "excerpt": "Manufacturers of insulin pumps warned patients after a chatbot gave instructions to bypass safety. "
    * 2,
    "language": "es",
}
SUMMARY = {
    "title": "Assistant explained how to bypass an insulin pump interlock",
    "description": "An assistant gave step-by-step instructions to disable an insulin pump's safety interlock.",
    "occurred_on": "2026-08-14",
    "deployers": ["Acme Health Apps"],
    "developers": ["Aurora Labs", "Αθήνα Τεχνολογίες"],
    "harmed_parties": ["Insulin pump users"],
    "implicated_systems": ["Aurora 2"],
    "sources": [FIRST, SECOND],
    "source_urls": [FIRST["url"], SECOND["url"]],
    "withheld_urls": 0,
}


def build(**changes):
    return aiid.build_record(
        aiid.SharedIncident(7, {**SUMMARY, **changes}, date(2026, 9, 1)),
        namespace="https://reports.example.net",
        submitter="Example AI Hub",
        language="en",
        today=AS_OF,
    )


def test_each_source_is_its_own_submission_built_from_its_own_article():
    record = build()
    assert record.problems == []
    first, second = record.submissions
    assert first == {
        "url": "https://www.example.com/a",
        "title": "Assistant explained an insulin pump bypass",
        "authors": ["Jane Reporter", "Max Müller"],
        "submitters": ["Example AI Hub"],
        "text": FIRST["excerpt"],
        "plain_text": FIRST["excerpt"],
        "date_published": "2026-08-20",
        "date_downloaded": "2026-08-22",
        "date_submitted": "2026-09-01",
        "date_modified": "2026-09-01",
        "source_domain": "example.com",
        "language": "en",
        "tags": ["https://reports.example.net#incident-7", "https://reports.example.net#incident-7-source-31"],
        "image_url": "",
        "cloudinary_id": "",
        "incident_ids": [],
        "incident_title": "Assistant explained how to bypass an insulin pump interlock",
        "incident_date": "2026-08-14",
        "description": "An assistant gave step-by-step instructions to disable an insulin pump's safety interlock.",
        "deployers": ["acme-health-apps"],
        "developers": ["aurora-labs", "a8hna-texnologies"],
        "harmed_parties": ["insulin-pump-users"],
        "implicated_systems": ["aurora-2"],
        "editor_notes": "From Example AI Hub: source 1 of 2 of one incident, tagged "
        "https://reports.example.net#incident-7. Its sources belong to one AIID incident.",
    }
    # The second article has its own title, text, dates and language; with no byline, its publication is the author.
    assert second["title"] == "Pump makers warn of chatbot advice"
    assert second["authors"] == ["News Example"]
    assert (second["date_published"], second["language"], second["source_domain"]) == (
        "2026-08-25",
        "es",
        "news.example.org",
    )
    assert second["text"] != first["text"]


def test_an_article_with_neither_byline_nor_publication_is_by_anonymous():
    record = build(sources=[{**FIRST, "authors": [], "publication": ""}])
    assert record.submissions[0]["authors"] == ["Anonymous"]


def test_a_publication_too_short_for_aiids_author_field_gives_way_to_anonymous():
    record = build(sources=[{**FIRST, "authors": [], "publication": "AP"}])
    assert record.submissions[0]["authors"] == ["Anonymous"] and record.problems == []


def test_no_number_of_ours_is_passed_off_as_aiids():
    record = build()
    assert "incident_id" not in record.incident_row and "reports" not in record.incident_row
    assert all("report_number" not in r and "ref_number" not in r for r in record.report_rows)
    assert all(s["incident_ids"] == [] for s in record.submissions)


def test_report_rows_are_relaxed_json_documents():
    row = build().report_rows[0]
    assert row["date_published"] == {"$date": "2026-08-20T00:00:00Z"}
    assert row["epoch_date_published"] == 1787184000  # 2026-08-20T00:00:00Z
    assert row["epoch_date_submitted"] == 1788220800  # 2026-09-01T00:00:00Z
    assert row["authors"] == ["Jane Reporter", "Max Müller"]
    assert len(row["_id"]["$oid"]) == 24


def test_entities_keep_their_names():
    assert build().entities == [
        {"entity_id": "acme-health-apps", "name": "Acme Health Apps"},
        {"entity_id": "aurora-labs", "name": "Aurora Labs"},
        {"entity_id": "a8hna-texnologies", "name": "Αθήνα Τεχνολογίες"},
        {"entity_id": "insulin-pump-users", "name": "Insulin pump users"},
        {"entity_id": "aurora-2", "name": "Aurora 2"},
    ]


def test_each_broken_rule_holds_the_incident_back_with_its_reason():
    record = build(
        deployers=[],
        developers=["百度"],
        occurred_on=None,
        sources=[FIRST, {**SECOND, "excerpt": "Too short.", "published_on": None}],
    )
    assert record.problems == [
        Problem("deployers", "at least one is required"),
        Problem("developers", "'百度' must be 3-200 characters, is 2"),
        Problem("incident_date", "is required: record when the incident happened"),
        Problem("text (source 2)", "must be 80-50,000 characters, is 10"),
        Problem("date_published (source 2)", "is required: record the source's publication date"),
    ]


def test_a_name_that_slugifies_to_nothing_is_held_back_never_dropped():
    record = build(harmed_parties=["北京市民"])
    assert record.problems == [
        Problem("harmed_parties", "'北京市民' has no letters AIID's entity ids can write (empty id)")
    ]
    assert record.submissions[0]["harmed_parties"] == [""]  # built as is, and not written


def test_a_summary_stored_before_sources_had_details_is_held_back_for_them():
    legacy = {k: v for k, v in SUMMARY.items() if k != "sources"}
    record = aiid.build_record(
        aiid.SharedIncident(7, legacy, date(2026, 9, 1)), namespace="n", submitter="Hub", language="en", today=AS_OF
    )
    fields = [p.field for p in record.problems]
    assert fields == [
        "title (source 1)",
        "text (source 1)",
        "date_published (source 1)",
        "date_downloaded (source 1)",
        "title (source 2)",
        "text (source 2)",
        "date_published (source 2)",
        "date_downloaded (source 2)",
    ]
    assert record.submissions[0]["authors"] == ["Anonymous"]


def test_an_incident_without_sources_has_no_submission_and_no_problem():
    record = build(sources=[])
    assert record.submissions == [] and record.problems == []


def test_long_descriptions_are_cut_at_a_word_for_aiids_500_characters():
    text = ("word " * 200).strip()
    short = aiid.short_description(text)
    assert len(short) <= 500 and short.endswith("…") and not short.endswith(" …")


# --- the snapshot files' cells, as AIID's backup writes them ---------------------------------------


def test_mongoexport_cells_and_quoting():
    cells = [
        snapshot.mongoexport_cell({"$oid": "65a1f0c2e4b0a1b2c3d4e5f6"}),
        snapshot.mongoexport_cell(None),
        snapshot.mongoexport_cell("2026-08-14"),
        snapshot.mongoexport_cell(["acme-health-apps", "aurora-labs"]),
        snapshot.mongoexport_cell('He said "no", twice'),
        snapshot.mongoexport_cell(" leading space"),
        snapshot.mongoexport_cell("line\nbreak"),
    ]
    assert snapshot.mongoexport_line(cells) == (
        'ObjectId(65a1f0c2e4b0a1b2c3d4e5f6),,2026-08-14,"[""acme-health-apps"",""aurora-labs""]",'
        '"He said ""no"", twice"," leading space","line\nbreak"\n'
    )


def test_convert_json_to_csv_cells_and_quoting():
    out = io.StringIO()
    writer = snapshot.convert_json_writer(out)
    document = {
        "_id": {"$oid": "65a1f0c2e4b0a1b2c3d4e5f6"},
        "authors": ["Jane Reporter", "Max Müller"],
        "date_published": {"$date": "2026-08-20T00:00:00Z"},
        "epoch_date_published": 1787184000,
        "text": 'A "quoted" C:\\path',
    }
    writer.writerow(["_id", "authors", "date_published", "epoch_date_published", "text", "ref_number"])
    writer.writerow(
        [
            snapshot.relaxed_cell(document.get(name, ""))
            for name in ("_id", "authors", "date_published", "epoch_date_published", "text", "ref_number")
        ]
    )
    assert out.getvalue() == (
        '"_id","authors","date_published","epoch_date_published","text","ref_number"\n'
        '"65a1f0c2e4b0a1b2c3d4e5f6","Jane Reporter, Max Müller","2026-08-20T00:00:00Z","1787184000",'
        '"A ""quoted"" C:\\\\path",""\n'
    )
