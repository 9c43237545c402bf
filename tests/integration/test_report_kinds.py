"""Report forms by kind: the no-JavaScript form flow, storage (columns vs sealed), the vague licence, the API and the
hub, the staff report page, the queue's filter and counts, and the raw figures by kind."""

from __future__ import annotations

import re

from markupsafe import escape
from sqlalchemy import text
from sqlmodel import select

from core import sealing
from incidents.intake.service import platform_keys
from incidents.models import Report
from incidents.registry import licence_data
from tests.conftest import csrf_from, signed_in_client
from tests.factories.reports import (
    HOLDER_TEXT,
    RECEIPT_RE,
    RISK_TEXT,
    RULE_TEXT,
    WORK_TEXT,
    kind_form,
    submit_kind,
)
from tests.integration.test_api import api_payload
from tests.integration.test_hub_webhook import EVENT, deliver, hub  # noqa: F401 (the hub fixture)
from tests.integration.test_partners import add_partner, bearer

OPENRAIL_REASON = licence_data.OPENRAIL.vague
SEALED_WORDS = (WORK_TEXT, HOLDER_TEXT, RISK_TEXT, RULE_TEXT, "Marrowfield", "Zebediah")


def plain_columns(session, report_id: int) -> dict:
    """Every column of a report row but the sealed content and its keys, as the database holds them."""
    row = session.connection().execute(text("SELECT * FROM report WHERE id = :id"), {"id": report_id}).mappings().one()
    return {key: value for key, value in row.items() if key not in ("sealed", "wrapped_keys")}


def opened(app, report: Report) -> dict:
    keys = platform_keys(app)
    return sealing.unseal_json(report.sealed, report.wrapped_keys, sealing.PLATFORM, keys.private)


def form_values(html: str) -> dict:
    """The text inputs' and textareas' values on a page, by name."""
    values = dict(re.findall(r'<input id="f-([a-z_]+)" name="[a-z_]+" type="(?:text|url)" value="([^"]*)"', html))
    values |= dict(re.findall(r'<textarea id="f-([a-z_]+)"[^>]*>([^<]*)</textarea>', html))
    return values


# --- the public form, without JavaScript ----------------------------------------------------------------------


def test_the_form_asks_the_kind_first_and_the_general_kind_is_todays_form(client):
    html = client.get("/report").get_data(as_text=True)
    picker = html[html.index('<nav id="f-kind"') : html.index("</nav>", html.index('<nav id="f-kind"'))]
    assert html.index('<nav id="f-kind"') < html.index("<form")
    assert re.findall(r'<a href="([^"]+)"( aria-current="page")?>', picker) == [
        ("/report", ' aria-current="page"'),
        ("/report?kind=abuse", ""),
        ("/report?kind=private_information", ""),
        ("/report?kind=intellectual_property", ""),
        ("/report?kind=licence_violation", ""),
        ("/report?kind=acceptable_use", ""),
    ]
    # Today's questions, and none of another kind's.
    for name in ("title", "description", "category", "severity", "serious_flags", "actor", "country", "affected"):
        assert f'id="f-{name}"' in html, name
    assert 'name="kind" value="general"' in html and 'name="work"' not in html and "<script" not in html


def test_each_kind_shows_its_own_questions_and_only_the_shared_ones_it_asks(client):
    ip = client.get("/report?kind=intellectual_property").get_data(as_text=True)
    for name in ("work", "rights_holder", "notice_type", "good_faith", "reporter_role", "title", "model_name"):
        assert f'id="f-{name}"' in ip, name
    for name in ("category", "severity", "serious_flags", "affected", "country", "licence"):
        assert f'id="f-{name}"' not in ip, name
    assert "Which work or right is infringed?" in ip and 'value="DMCA"' in ip and 'value="CourtOrder"' in ip
    assert "<legend>Are you the rights holder?</legend>" in ip and 'action="/report?kind=intellectual_property"' in ip
    licence = client.get("/report?kind=licence_violation").get_data(as_text=True)
    assert '<option value="openrail">Open RAIL (family)</option>' in licence
    assert '<optgroup label="Llama 2 Community License Agreement">' in licence
    assert '<optgroup label="Open RAIL (family)">' not in licence  # a vague licence has no clauses to choose
    private = client.get("/report?kind=private_information").get_data(as_text=True)
    assert 'id="f-risk"' in private and 'id="f-severity"' in private and 'id="f-category"' not in private


def test_an_unknown_kind_gets_the_kind_picker_and_a_400(client, session):
    response = client.get("/report?kind=complaint")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "We do not know that kind of report. Choose one of the kinds below." in html
    assert (
        '<a href="#f-kind">What are you reporting?: We do not know that kind of report.' in html
        and 'id="f-kind"' in html
        and "<form" not in html.split("</nav>", 2)[-1]
    )
    for odd in ("/report?kind=", "/report?kind=%00", "/report?kind=GENERAL&kind=abuse", "/whistleblow?kind=abuse"):
        assert client.get(odd).status_code in (200, 400), odd
    # Sent with a kind we do not know, the form comes back with everything typed.
    response, receipt, _data = submit_kind(client, "abuse", kind="complaint")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and receipt is None
    assert "Choose a kind of report from the list." in html and 'value="Chatbot gave dangerous medical advice"' in html
    assert session.exec(select(Report)).first() is None


def test_an_intellectual_property_notice_through_the_form(app, client, session):
    response, receipt, _data = submit_kind(client, "intellectual_property")
    assert response.status_code == 200 and receipt, response.get_data(as_text=True)
    report = session.exec(select(Report)).one()
    columns = plain_columns(session, report.id)
    assert {key: columns[key] for key in ("kind", "category", "severity", "reporter_role", "notice_type")} == {
        "kind": "intellectual_property",
        "category": "intellectual_property",
        "severity": "hazard",
        "reporter_role": "representative",
        "notice_type": "DMCA",
    }
    assert bool(columns["good_faith"]) is True
    assert columns["licence"] is None and columns["abuse_type"] is None and columns["country"] is None
    # The free text is sealed with the report, and in no plain column.
    assert not [(key, word) for key, value in columns.items() for word in SEALED_WORDS if word in str(value)]
    content = opened(app, report)
    assert (content["work"], content["rights_holder"]) == (WORK_TEXT, HOLDER_TEXT)
    # The reporter's follow-up page names the kind they filed.
    page = client.get("/followup")
    thread = client.post("/followup", data={"csrf_token": csrf_from(page.get_data(as_text=True)), "receipt": receipt})
    assert "<dt>Kind</dt><dd>Intellectual property</dd>" in thread.get_data(as_text=True)


def test_an_intellectual_property_notice_needs_its_answers_and_keeps_what_was_typed(client, session):
    response, receipt, _data = submit_kind(
        client, "intellectual_property", good_faith=None, notice_type=None, rights_holder="  ", severity="incident"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and receipt is None
    for message in (
        "Confirm this statement to send the notice.",
        "Choose what kind of right it is.",
        "Name the rights holder.",
        "This kind of report does not ask this; leave it out.",
    ):
        assert message in html, message
    # The list of errors links each one to its field.
    assert '<a href="#f-good_faith">The good-faith statement: Confirm this statement to send the notice.</a>' in html
    assert '<a href="#f-notice_type">' in html and '<a href="#f-rights_holder">' in html
    assert 'id="f-notice_type" class="field field-error"' in html
    values = form_values(html)
    assert values["work"] == str(escape(WORK_TEXT)) and values["title"] == "Chatbot gave dangerous medical advice"
    assert 'value="representative" checked' in html
    assert session.exec(select(Report)).first() is None


def test_a_licence_violation_through_the_form(app, client, session):
    response, receipt, _data = submit_kind(client, "licence_violation", licence="Gemma", licence_clause="gemma:pup-3")
    assert receipt, response.get_data(as_text=True)
    report = session.exec(select(Report)).one()
    assert (report.kind, report.licence, report.licence_clause, report.category, report.severity) == (
        "licence_violation",
        "gemma",
        "pup-3",
        "acceptable_use",
        "hazard",
    )
    assert opened(app, report)["description"].startswith("The model told my neighbour")


def test_a_vague_licence_is_refused_with_its_reason_and_nothing_typed_is_lost(client, session):
    response, receipt, data = submit_kind(
        client, "licence_violation", licence="openrail", licence_clause="creativeml-openrail-m:A5"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and receipt is None
    assert f'<p class="error-message" id="f-licence-error">{escape(OPENRAIL_REASON)} </p>' in html
    assert "Choose the clause that is broken." not in html  # no clause is asked of a licence we cannot act on
    # Everything typed is given back: the licence and the clause chosen too.
    assert '<option value="openrail" selected>' in html and '<option value="creativeml-openrail-m:A5" selected>' in html
    values = form_values(html)
    for name in ("title", "description", "model_name", "model_url", "contact", "evidence_links"):
        assert values[name] == str(escape(data[name])), name
    # And the page offers the kind that fits, after the send button.
    suggestion = '<button type="submit" name="switch_kind" value="acceptable_use" class="link-button">'
    assert suggestion in html and html.index("Send report</button>") < html.index(suggestion)
    assert '<a href="#switch-kind">' in html
    assert session.exec(select(Report)).first() is None

    # The reporter takes the offer: the acceptable-use form, with what they typed, and nothing sent yet.
    form = {**data, "switch_kind": "acceptable_use", "csrf_token": csrf_from(html)}
    form["intake_token"] = re.search(r'name="intake_token" value="([^"]+)"', html).group(1)
    switched = client.post("/report?kind=licence_violation", data=form, content_type="multipart/form-data")
    page = switched.get_data(as_text=True)
    assert switched.status_code == 200 and session.exec(select(Report)).first() is None
    assert 'name="kind" value="acceptable_use"' in page and 'id="f-use_rule"' in page and 'id="f-licence"' not in page
    assert form_values(page)["title"] == "Chatbot gave dangerous medical advice"
    assert form_values(page)["description"] == str(escape(data["description"]))
    assert 'class="error-summary"' not in page
    # Sent as an acceptable-use report, it is stored as one.
    final = {key: value for key, value in form.items() if key not in ("switch_kind", "licence", "licence_clause")}
    final.update(kind="acceptable_use", use_rule="other", severity="hazard", csrf_token=csrf_from(page))
    sent = client.post("/report?kind=licence_violation", data=final, content_type="multipart/form-data")
    assert RECEIPT_RE.search(sent.get_data(as_text=True)), sent.get_data(as_text=True)
    report = session.exec(select(Report)).one()
    assert (report.kind, report.use_rule, report.licence) == ("acceptable_use", "other", None)


def test_the_vague_licence_reason_in_spanish(client):
    response, _receipt, _data = submit_kind(
        client, "licence_violation", lang="es", licence="other", licence_clause=None
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and '<html lang="es">' in html
    assert "«other» no nombra ninguna licencia" in html
    assert "convertirlo en un informe de uso aceptable" in html


def test_every_kind_through_the_form_stores_its_answers(app, client, session):
    expected = {
        "abuse": {"abuse_type": "harassment", "category": "hate_harassment", "severity": "serious_incident"},
        "private_information": {"information_type": "location", "reporter_role": "representative"},
        "acceptable_use": {"use_rule": "deception", "category": "acceptable_use", "actor": "app_developer"},
    }
    for kind, columns in expected.items():
        response, receipt, _data = submit_kind(client, kind)
        assert receipt, (kind, response.get_data(as_text=True))
        report = session.exec(select(Report).where(Report.kind == kind)).one()
        stored = plain_columns(session, report.id)
        assert {key: stored[key] for key in columns} == columns, kind
        assert not [word for value in stored.values() for word in SEALED_WORDS if word in str(value)]
    sealed = {r.kind: opened(app, r) for r in session.exec(select(Report))}
    assert sealed["private_information"]["risk"] == RISK_TEXT
    assert sealed["acceptable_use"]["rule_reference"] == RULE_TEXT


def test_the_whistleblower_form_stays_the_general_report(app, client, session, make_staff):
    make_staff("recipient")
    html = client.get("/whistleblow?kind=intellectual_property").get_data(as_text=True)
    assert 'id="f-kind"' not in html and 'name="kind"' not in html and 'id="f-category"' in html
    data = kind_form("general", kind="intellectual_property", csrf_token=csrf_from(html))
    data["intake_token"] = re.search(r'name="intake_token" value="([^"]+)"', html).group(1)
    response = client.post("/whistleblow", data=data, content_type="multipart/form-data")
    assert RECEIPT_RE.search(response.get_data(as_text=True))
    assert session.exec(select(Report.kind)).one() == "general"


# --- the JSON API, partners and the hub --------------------------------------------------------------------------


def api_kind(report_kind: str, **changes) -> dict:
    payload = {key: value for key, value in api_payload().items() if key not in kind_form("general")}
    payload.update({key: value for key, value in kind_form(report_kind).items() if key not in ("evidence_links",)})
    payload.update(evidence_links=["https://evidence.example.org/a"], share_consent=True)
    if report_kind == "intellectual_property":
        payload["good_faith"] = True
    payload.update(changes)
    return {key: value for key, value in payload.items() if value is not None}


def test_the_api_takes_a_kind_and_its_answers(client, session):
    response = client.post("/api/v1/reports", json=api_kind("intellectual_property"))
    assert response.status_code == 201, response.get_json()
    report = session.exec(select(Report)).one()
    assert (report.kind, report.notice_type, report.good_faith, report.category) == (
        "intellectual_property",
        "DMCA",
        True,
        "intellectual_property",
    )
    # Without a kind, a report is the general one, as before kinds.
    assert client.post("/api/v1/reports", json=api_payload()).status_code == 201
    assert sorted(session.exec(select(Report.kind))) == ["general", "intellectual_property"]


def test_the_api_answers_422_with_each_field(client, session):
    response = client.post("/api/v1/reports", json=api_kind("intellectual_property", work=None, good_faith=False))
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "work": ["Say which work or right is infringed."],
        "good_faith": ["Confirm this statement to send the notice."],
    }
    response = client.post("/api/v1/reports", json=api_kind("licence_violation", licence="openrail"))
    assert response.status_code == 422 and response.get_json()["errors"] == {"licence": [OPENRAIL_REASON]}
    response = client.post("/api/v1/reports", json=api_kind("abuse", abuse_type="trolling", notice_type="DMCA"))
    assert response.status_code == 422 and response.get_json()["errors"] == {
        "abuse_type": ["Choose one of the listed answers."],
        "notice_type": ["This kind of report does not ask this; leave it out."],
    }
    for odd in (
        {"kind": "complaint"},
        {"kind": 7},
        {"kind": ["abuse"]},
        {"kind": "GENERAL "},
        {"good_faith": "perhaps"},
    ):
        response = client.post("/api/v1/reports", json=api_kind("intellectual_property", **odd))
        assert response.status_code == 422 and set(response.get_json()["errors"]) <= {"kind", "good_faith"}, odd
    assert session.exec(select(Report)).first() is None


def test_the_openapi_document_describes_each_kind(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    post = spec["paths"]["/api/v1/reports"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"]["oneOf"] == [
        {"$ref": f"#/components/schemas/Report_{kind}"}
        for kind in (
            "general",
            "abuse",
            "private_information",
            "intellectual_property",
            "licence_violation",
            "acceptable_use",
        )
    ]
    assert {"400", "422"} <= set(post["responses"]) and "licence's own reason" in post["responses"]["422"][
        "description"
    ]
    schemas = spec["components"]["schemas"]
    ip = schemas["Report_intellectual_property"]
    assert set(ip["required"]) == {
        "title",
        "description",
        "kind",
        "work",
        "rights_holder",
        "reporter_role",
        "notice_type",
        "good_faith",
    }
    assert ip["properties"]["kind"]["enum"] == ["intellectual_property"]
    assert ip["properties"]["good_faith"]["enum"] == [True]
    assert ip["properties"]["notice_type"]["enum"] == ["DMCA", "Trademark", "Counterfeit", "CourtOrder", "Other"]
    assert ip["properties"]["severity"]["pattern"] == r"^\s*$"  # not asked: blank or null only
    general = schemas["Report_general"]
    assert set(general["required"]) == {"title", "description", "category", "severity"}
    assert general["properties"]["work"]["pattern"] == r"^\s*$"
    assert set(schemas["Report_licence_violation"]["required"]) == {
        "title",
        "description",
        "kind",
        "licence",
        "licence_clause",
    }


def test_the_vague_licence_reason_comes_in_the_callers_language(client):
    response = client.post(
        "/api/v1/reports", json=api_kind("licence_violation", licence="other"), headers={"Accept-Language": "es"}
    )
    assert response.status_code == 422 and response.get_json()["errors"]["licence"][0].startswith("«other» no nombra")


def test_a_partners_token_files_a_kind_under_the_same_rules(runner, client, session):
    token = add_partner(runner, "Rights Watch", "trusted_flagger")
    refused = client.post(
        "/api/v1/reports", json=api_kind("licence_violation", licence_clause="9.z"), headers=bearer(token)
    )
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {"licence_clause": ["Choose a clause of this licence from the list."]}
    filed = client.post("/api/v1/reports", json=api_kind("licence_violation"), headers=bearer(token))
    assert filed.status_code == 201
    report = session.exec(select(Report)).one()
    assert (report.kind, report.licence, report.licence_clause, report.source_type) == (
        "licence_violation",
        "llama2",
        "aup-3",
        "trusted_flagger",
    )


def test_the_hubs_reports_are_general_and_meet_the_same_rules(client, session, hub):  # noqa: F811
    assert deliver(client, hub).status_code == 201
    report = session.exec(select(Report)).one()
    assert (report.kind, report.category, report.severity, report.source_type) == ("general", "other", "hazard", "hub")
    # A repo name that makes no web address is refused, naming the event's field, before anything is stored.
    event = {**EVENT, "repo": {**EVENT["repo"], "name": "Acme/Aurora 7B"}}
    event["discussion"] = {**EVENT["discussion"], "url": {"web": "https://huggingface.co/Acme/x/discussions/13"}}
    response = deliver(client, hub, event=event)
    assert response.status_code == 400
    assert response.get_json()["errors"] == {"repo.name": ["Enter a web address starting with https://"]}
    assert len(session.exec(select(Report)).all()) == 1


# --- staff: the report page, the queue, the figures ------------------------------------------------------------


def test_the_staff_report_page_shows_the_kind_and_its_answers_in_words(app, client, session, make_staff):
    submit_kind(client, "intellectual_property")
    submit_kind(client, "licence_violation")
    ip, licence = session.exec(select(Report).order_by(Report.id)).all()
    staff = signed_in_client(app, make_staff("triager"))
    page = staff.get(f"/staff/reports/{ip.id}").get_data(as_text=True)
    assert "<dt>Kind</dt><dd>Intellectual property</dd>" in page
    answers = page[page.index('id="kind-answers-h"') : page.index("</section>", page.index('id="kind-answers-h"'))]
    assert re.findall(r"<dt>([^<]+)</dt><dd>(.*?)</dd>", answers.replace("\n", "")) == [
        ("Which work or right is infringed?", f'<div class="sealed-text">{escape(WORK_TEXT)}</div>'),
        ("Who holds the rights?", f'<div class="sealed-text">{HOLDER_TEXT}</div>'),
        (
            "Are you the rights holder?",
            "I act for the rights holder, as their agent (for example their lawyer)",
        ),
        ("What kind of right is it?", "Copyright (for example a text, image, music, video or code) (Lumen: DMCA)"),
        (str(escape(ip_statement())), "Confirmed"),
    ]
    page = staff.get(f"/staff/reports/{licence.id}").get_data(as_text=True)
    assert "<dd>Llama 2 Community License Agreement (llama2)</dd>" in page
    assert (
        "<dd>Acceptable Use Policy §3: Deceiving or misleading others: fraud, disinformation, impersonation, spam.</dd>"
        in page
    )


def ip_statement() -> str:
    from incidents.intake.kinds import INTELLECTUAL_PROPERTY

    return next(q.label for q in INTELLECTUAL_PROPERTY.questions if q.name == "good_faith")


def test_the_queue_filters_by_kind_and_counts_each_kind(app, client, session, make_staff):
    for kind, times in (("intellectual_property", 2), ("licence_violation", 1), ("general", 3)):
        for _ in range(times):
            assert (
                client.post("/api/v1/reports", json=api_kind(kind) if kind != "general" else api_payload()).status_code
                == 201
            )
    staff = signed_in_client(app, make_staff("triager"))
    page = staff.get("/staff/queue").get_data(as_text=True)
    counts = page[page.index('class="status-counts kind-counts"') : page.index("</nav>", page.index("kind-counts"))]
    assert re.findall(r'kind=([a-z_]+)"[^>]*>([^<]+) <span class="count">(\d+\+?)</span>', counts) == [
        ("general", "An incident or harm", "3"),
        ("abuse", "Abuse", "0"),
        ("private_information", "Private information", "0"),
        ("intellectual_property", "Intellectual property", "2"),
        ("licence_violation", "A licence violation", "1"),
        ("acceptable_use", "An acceptable-use violation", "0"),
    ]
    ids = {
        kind: [r.id for r in session.exec(select(Report).where(Report.kind == kind))]
        for kind in ("intellectual_property", "general")
    }
    filtered = staff.get("/staff/queue?kind=intellectual_property").get_data(as_text=True)
    shown = [int(n) for n in re.findall(r'href="/staff/reports/(\d+)"', filtered)]
    assert sorted(shown) == sorted(ids["intellectual_property"])
    assert '<option value="intellectual_property" selected>Intellectual property</option>' in filtered
    assert "<td>Intellectual property</td>" in filtered
    both = staff.get("/staff/queue?kind=general&category=safety_failure").get_data(as_text=True)
    assert sorted(int(n) for n in re.findall(r'href="/staff/reports/(\d+)"', both)) == sorted(ids["general"])
    assert staff.get("/staff/queue?kind=complaint").status_code == 400


def test_kind_counts_stop_at_the_cap(app, client, session, make_staff, monkeypatch):
    from incidents.triage import queue

    for _ in range(3):
        assert client.post("/api/v1/reports", json=api_kind("abuse")).status_code == 201
    monkeypatch.setattr(queue, "OVERDUE_COUNT_CAP", 2)
    staff = signed_in_client(app, make_staff("triager"))
    page = staff.get("/staff/queue").get_data(as_text=True)
    assert re.search(r'kind=abuse"[^>]*>Abuse <span class="count">2\+</span>', page)


def test_the_raw_figures_count_public_reports_by_kind(app, client, session):
    from core.periods import Period
    from reporting.aggregate import raw_figures

    for kind in ("abuse", "abuse", "private_information", "acceptable_use"):
        assert client.post("/api/v1/reports", json=api_kind(kind)).status_code == 201
    assert client.post("/api/v1/reports", json=api_payload()).status_code == 201
    period = Period.containing(session.exec(select(Report.created_at)).first())
    raw = raw_figures(session, period)
    assert raw.public_by_kind == {
        "general": 1,
        "abuse": 2,
        "private_information": 1,
        "intellectual_property": 0,
        "licence_violation": 0,
        "acceptable_use": 1,
    }
    # Before this period, none. The kinds are published noised, as sums of the joint table of source and kind
    # (consistent-tables/2): every one filed here without a partner token, so by individuals.
    assert sum(raw_figures(session, period.previous()).public_by_kind.values()) == 0
    from reporting.figures import measured_counts, protect

    joint = measured_counts(raw)["public_by_source_and_kind"]
    assert {cell: n for cell, n in joint.items() if n} == {
        "individual/general": 1,
        "individual/abuse": 2,
        "individual/private_information": 1,
        "individual/acceptable_use": 1,
    }
    noised = protect(raw, 1)[0]["noised"]
    assert noised["public_by_kind"]["total"] == noised["received_by_channel"]["cells"]["public"]


def test_the_api_takes_only_the_general_kind_on_the_whistleblower_channel(client, session, make_staff):
    make_staff("recipient")  # the channel is open
    refused = client.post("/api/v1/reports", json=api_kind("abuse", channel="whistleblower"))
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {"kind": ["The whistleblower channel takes general reports only."]}
    assert session.exec(select(Report)).first() is None
    accepted = client.post("/api/v1/reports", json=api_payload(channel="whistleblower"))
    assert accepted.status_code == 201, accepted.get_json()
    assert session.exec(select(Report.kind, Report.channel)).one() == ("general", "whistleblower")
