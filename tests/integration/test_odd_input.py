"""Odd input gets a clear 4xx, never a 500: ids no row can have, bad filters, the incident list's pages."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from core.ids import MAX_ID
from incidents.models import Incident, Report
from tests.conftest import csrf_from, signed_in_client
from tests.factories.triage import stored_report

HUGE_IDS = [MAX_ID + 1, 2**63, 10**20, int("9" * 40)]


@pytest.fixture
def admin(app, make_staff):
    return signed_in_client(app, make_staff("admin"))


def int_routes(app) -> list[tuple[str, str]]:
    """Every (method, rule) whose URL holds an <int:...> part."""
    return [
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if "<int:" in rule.rule
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]


def fill(rule: str, number: int) -> str:
    """Put `number` in every <int:...> part of a rule and a plain word in the others."""
    return re.sub(r"<(?:(\w+):)?\w+>", lambda m: str(number) if m.group(1) == "int" else "word", rule)


def test_the_int_routes_are_the_ones_the_issue_names(app):
    routes = int_routes(app)
    assert ("GET", "/staff/reports/<int:report_id>") in routes
    assert ("GET", "/api/v1/incidents/<int:incident_id>") in routes
    assert len({rule for _method, rule in routes}) >= 13


@pytest.mark.parametrize("number", HUGE_IDS)
def test_an_id_no_row_can_have_is_404_on_every_int_route(app, admin, number):
    token = csrf_from(admin.get("/staff/incidents").get_data(as_text=True))
    for method, rule in int_routes(app):
        path = fill(rule, number)
        response = admin.open(path, method=method, data={"csrf_token": token} if method != "GET" else None)
        assert response.status_code == 404, (method, path, response.status_code)


def test_the_largest_possible_id_is_an_ordinary_miss(admin):
    assert admin.get(f"/staff/reports/{MAX_ID}").status_code == 404
    assert admin.get(f"/staff/incidents/{MAX_ID}").status_code == 404


def test_digits_other_than_ascii_do_not_name_a_report(app, session, admin):
    report = stored_report(app, session)
    assert admin.get(f"/staff/reports/{report.id}").status_code == 200
    arabic_indic = "".join(chr(0x0660 + int(d)) for d in str(report.id))
    assert admin.get(f"/staff/reports/{arabic_indic}").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "assignee=%C2%B2",  # "²": str.isdigit() says yes, int() says no
        f"assignee={MAX_ID + 1}",
        "assignee=99999999999999999999",
        "assignee=-1",
        "after=%C2%B2",
        "after=99999999999999999999",
        "sort=due&after=2026-01-01T00:00:00%2B00:00~99999999999999999999",
    ],
)
def test_a_bad_queue_filter_is_400(app, session, admin, query):
    stored_report(app, session)
    response = admin.get(f"/staff/queue?{query}")
    assert response.status_code == 400, response.status_code


@pytest.mark.parametrize("q", ["99999999999999999999", "#2147483648", "0", "\U0010ffff", "model\ud7ff"])
def test_an_odd_search_finds_nothing_without_failing(app, session, admin, q):
    stored_report(app, session)
    response = admin.get("/staff/queue", query_string={"q": q})
    assert response.status_code == 200
    assert 'href="/staff/reports/' not in response.get_data(as_text=True)


@pytest.mark.parametrize("before", ["99999999999999999999", str(MAX_ID + 1), "0", "-3", "abc", "%C2%B2"])
def test_a_bad_incident_list_cursor_is_400(admin, before):
    assert admin.get(f"/staff/incidents?before={before}").status_code == 400


def _incident_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'href="/staff/incidents/(\d+)"', html)]


def _older_link(html: str) -> str | None:
    match = re.search(r'<a href="([^"]+)" rel="next">', html)
    return match.group(1).replace("&amp;", "&") if match else None


def test_pages_two_and_three_of_the_incident_list_are_reachable_and_disjoint(app, session, admin):
    app.config["QUEUE_PAGE_SIZE"] = 3
    session.add_all([Incident(title=f"Incident number {i}") for i in range(8)])
    session.commit()
    pages, path = [], "/staff/incidents?endpoint=evil&_external=1"  # stray arguments stay out of the link
    while path:
        response = admin.get(path)
        assert response.status_code == 200, (path, response.status_code)
        html = response.get_data(as_text=True)
        pages.append(_incident_ids(html))
        path = _older_link(html)
        assert path is None or path.startswith("/staff/incidents?"), path
    assert [len(page) for page in pages] == [3, 3, 2]
    seen = [i for page in pages for i in page]
    assert len(seen) == len(set(seen)) == 8
    assert seen == sorted(seen, reverse=True)


def test_the_older_link_keeps_the_status_filter(app, session, admin):
    app.config["QUEUE_PAGE_SIZE"] = 2
    session.add_all([Incident(title=f"Closed incident {i}", status="closed") for i in range(3)])
    session.add_all([Incident(title=f"Open incident {i}") for i in range(3)])
    session.commit()
    first = admin.get("/staff/incidents?status=closed").get_data(as_text=True)
    second = admin.get(_older_link(first)).get_data(as_text=True)
    assert len(_incident_ids(first)) == 2 and len(_incident_ids(second)) == 1
    assert "status=closed" in _older_link(first)


@pytest.mark.parametrize(
    "path", ["/staff/queue?q=a%00b", "/staff/queue?model=a%00b", "/staff/incidents?status=%00", "/?lang=%00"]
)
def test_a_nul_character_in_a_query_argument_is_400(app, session, admin, path):
    """PostgreSQL cannot hold NUL in text: it was a 500 there, and no browser sends one."""
    stored_report(app, session)
    assert admin.get(path).status_code == 400


def test_a_nul_character_in_a_form_field_is_400(admin, session):
    token = csrf_from(admin.get("/staff/incidents").get_data(as_text=True))
    response = admin.post("/staff/incidents", data={"csrf_token": token, "title": "An incident\x00 with a NUL"})
    assert response.status_code == 400
    assert session.exec(select(Incident)).first() is None


def test_a_nul_character_in_the_json_api_is_400(client, session):
    from tests.integration.test_api import api_payload

    response = client.post("/api/v1/reports", json=api_payload(model_name="Aurora\x00"))
    assert response.status_code == 400
    assert "NUL" in response.get_json()["errors"]["_schema"][0]
    assert session.exec(select(Report)).first() is None


FORM_IDS = [
    ("admin", "/staff/reports/{report}/actions/assign", {"assignee_id": "{huge}", "version": "1"}),
    ("admin", "/staff/reports/{report}/actions/link_incident", {"incident_id": "{huge}", "version": "1"}),
    ("admin", "/staff/reports/{report}/actions/mark_duplicate", {"duplicate_of": "{huge}", "version": "1"}),
    ("admin", "/staff/reports/{report}/actions/acknowledge", {"version": "{huge}"}),
    ("admin", "/staff/incidents/{incident}/status", {"status": "closed", "version": "{huge}"}),
    ("admin", "/staff/models/{model}/lifecycle/review", {"row_version": "{huge}"}),
    ("admin", "/staff/models/{model}/details", {"row_version": "{huge}"}),
    ("admin", "/staff/models/{model}/card", {"row_version": "{huge}", "card_text": "---\nlicense: mit\n---\n# M"}),
    ("triager", "/staff/models/{model}/card/items/licence", {"row_version": "{huge}", "result": "pass"}),
    ("admin", "/staff/reports/{report}/enforcement", {"model_id": "{huge}"}),
    ("recipient", "/staff/recipients", {"grantee_id": "{huge}"}),
    ("publisher", "/staff/transparency", {"publication_id": "{huge}"}),
]


@pytest.mark.parametrize("huge", [str(MAX_ID + 1), "99999999999999999999", "9" * 5000])
@pytest.mark.parametrize(("role", "path", "fields"), FORM_IDS)
def test_a_form_naming_an_id_no_row_can_have_is_refused_not_500(app, session, make_staff, role, path, fields, huge):
    from incidents.models import ModelRecord

    report = stored_report(app, session)
    incident, model = Incident(title="An open incident"), ModelRecord(name="Aurora", version="13B")
    session.add_all([incident, model])
    session.commit()
    staff = signed_in_client(app, make_staff(role))
    url = path.format(report=report.id, incident=incident.id, model=model.id)
    token = csrf_from(staff.get("/staff/incidents").get_data(as_text=True))
    data = {name: value.format(huge=huge) for name, value in fields.items()}
    response = staff.post(url, data={"csrf_token": token, **data})
    assert 400 <= response.status_code < 500 or response.status_code in (302, 303), response.status_code
