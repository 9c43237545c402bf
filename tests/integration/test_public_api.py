"""The public read API: approved incidents only, paging, clear 400s, withdrawn models, transparency reports."""

from datetime import date

import pytest

from incidents.models import ModelRecord
from tests.conftest import FIXED_DAY
from tests.factories.exports import approved_incident

# Incidents of August 2026, a model withdrawn on 2026-09-01 and the 2026Q3 report: set in late November.
pytestmark = pytest.mark.time_machine(FIXED_DAY)


def test_lists_only_approved_incidents_a_page_at_a_time(app, session, client):
    shared = [approved_incident(app, session, title=f"Approved incident number {n}") for n in range(3)]
    approved_incident(app, session, share=False, title="Waiting for a publisher")
    first = client.get("/api/v1/incidents?limit=2").get_json()
    assert [i["id"] for i in first["incidents"]] == [shared[0].id, shared[1].id]
    second = client.get(first["next"]).get_json()
    assert [i["id"] for i in second["incidents"]] == [shared[2].id] and second["next"] is None
    one = client.get(f"/api/v1/incidents/{shared[0].id}").get_json()
    assert one["title"] == "Approved incident number 0" and one["date"] == "2026-08-14"
    assert one["developers"] == ["Aurora Labs"] and one["source_urls"] == ["https://www.example.com/news/aurora-pump"]
    assert set(one) == {
        "id",
        "title",
        "description",
        "date",
        "deployers",
        "developers",
        "harmed_parties",
        "implicated_systems",
        "source_urls",
        "sources",
        "shared_on",
    }
    assert one["sources"] == [
        {
            "url": "https://www.example.com/news/aurora-pump",
            "title": "Chatbot told users how to disable an insulin pump's safety lock",
            "publication": "Example Health News",
            "authors": ["Jane Reporter"],
            "published_on": "2026-08-18",
            "language": "en",
            "excerpt": "Users of a health assistant built on the Aurora model were told, step by step, how to bypass "
            "the safety interlock of a home insulin pump when they framed the request as maintenance.",
        }
    ]


def test_unapproved_and_unknown_incidents_are_not_found(app, session, client):
    hidden = approved_incident(app, session, share=False)
    for url in (f"/api/v1/incidents/{hidden.id}", "/api/v1/incidents/999999", f"/api/v1/incidents/{2**70}"):
        response = client.get(url)
        assert response.status_code == 404 and response.get_json()["error"]["code"] == 404


def test_bad_paging_gets_a_clear_400(client):
    for query in ("limit=0", "limit=101", "limit=ten", "after=-1"):
        response = client.get(f"/api/v1/incidents?{query}")
        assert response.status_code == 400, query
        assert response.get_json()["errors"]


def test_withdrawn_models_and_transparency_reports(app, session, client, runner):
    session.add(
        ModelRecord(
            name="Aurora",
            version="2",
            provider="Aurora Labs",
            status="decommissioned",
            public_reason="Unsafe medical advice.",
            effective_on=date(2026, 9, 1),
        )
    )
    session.add(ModelRecord(name="Boreal", version="1", status="active"))
    session.commit()
    models = client.get("/api/v1/models/withdrawn").get_json()["models"]
    assert [(m["name"], m["status"], m["effective_on"]) for m in models] == [("Aurora", "decommissioned", "2026-09-01")]
    assert client.get("/api/v1/transparency-reports").get_json() == {"reports": []}
    assert runner.invoke(args=["reports", "publish", "--period", "2026Q3"]).exit_code == 0
    listed = client.get("/api/v1/transparency-reports").get_json()["reports"]
    assert [r["period"] for r in listed] == ["2026Q3"]
    report = client.get("/api/v1/transparency-reports/2026Q3").get_json()
    stored = client.get(listed[0]["links"]["json"])
    assert report["sha256"] == stored.headers["X-Content-SHA256"]
    assert report["report"] == stored.get_json()
    assert client.get("/api/v1/transparency-reports/2026Q2").status_code == 404


def test_the_openapi_document_lists_the_read_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {
        "/api/v1/incidents",
        "/api/v1/incidents/{incident_id}",
        "/api/v1/models/withdrawn",
        "/api/v1/transparency-reports",
        "/api/v1/transparency-reports/{period}",
        "/api/v1/reports",
    } <= set(paths)
    posts = {"/api/v1/reports", "/api/v1/hub/webhook/{partner_id}"}
    assert all(list(operations) == ["get"] for path, operations in paths.items() if path not in posts)


def test_every_operation_has_an_operation_id_and_tags(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operations = [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]
    assert len(operations) >= 7
    ids = [operation.get("operationId") for _, _, operation in operations]
    assert all(ids) and len(set(ids)) == len(ids), ids
    assert all(operation.get("tags") for _, _, operation in operations)
    declared = {tag["name"] for tag in document["tags"]}
    assert {tag for _, _, operation in operations for tag in operation["tags"]} <= declared
    assert document["paths"]["/api/v1/incidents"]["get"]["operationId"] == "listIncidents"
    assert document["paths"]["/api/v1/reports"]["post"]["tags"] == ["Reports"]


def test_the_embedded_transparency_report_is_typed(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    report = schemas["TransparencyReport"]["allOf"][1]["properties"]["report"]
    assert report == {"$ref": "#/components/schemas/TransparencyReportFile"}
    versions = schemas["TransparencyReportFile"]["oneOf"]
    assert [v["properties"]["schema"] for v in versions] == [
        {"enum": ["transparency-report/v2"]},
        {"enum": ["transparency-report/v1"]},
    ]
    text = str(schemas["TransparencyReportFile"])
    assert "'const'" not in text and "'if'" not in text and "$schema" not in text  # OpenAPI 3.0 words only


def test_the_api_reference_page_renders_the_document_without_script(client):
    document = client.get("/api/v1/openapi.json").get_json()
    response = client.get("/api/docs?lang=es")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Referencia de la API" in html
    assert "<script" not in html and "http://" not in html.replace("http://localhost", "")
    for item in document["paths"].values():
        for operation in item.values():
            assert f'id="{operation["operationId"]}"' in html
    assert 'id="schema-TransparencyReportFile"' in html and 'id="schema-PublicIncident"' in html
