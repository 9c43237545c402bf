"""Property: no staff page answers 5xx, whatever ids and query arguments its URL carries.

Every GET rule under /staff is found in app.url_map (a new page is covered without editing this
file); its <int:...> parts get generated integers, zero and huge ones included, its other parts
generated text, and the query string any of the arguments the staff pages read, with generated
values. The caller is a signed-in admin, over the app's real routing, views and database.
The public GET rules get the same treatment without a login, and the JSON intake API gets
generated JSON documents.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import IntegerConverter

from core.ids import MAX_ID
from incidents.models import Incident, ModelRecord
from tests.conftest import signed_in_client
from tests.factories.triage import stored_report

QUERY_ARGS = [
    "status",
    "category",
    "severity",
    "kind",
    "assignee",
    "model",
    "q",
    "sort",
    "after",
    "before",
    "page",
    "shared",
    "overdue",
    "open",
    "template",
    "lang",
    "next",
    "token",
]
# The pages' own words, so a generated URL also reaches past each filter's first check.
KNOWN = [
    "me",
    "none",
    "new",
    "open",
    "closed",
    "1",
    "0",
    "-1",
    "due",
    "oldest",
    "newest",
    "thanks",
    "es",
    "safety_failure",
    "intellectual_property",
]

ids = st.one_of(
    st.integers(0, 5),
    st.integers(0, MAX_ID),
    st.integers(MAX_ID, 10**30),
    st.sampled_from([0, MAX_ID, MAX_ID + 1, 2**63 - 1, 2**63, 2**64, 10**20]),
)
words = st.one_of(
    st.text(max_size=30),
    st.sampled_from(KNOWN),
    st.integers(-(10**25), 10**25).map(str),
    st.sampled_from(
        ["²", "٣", "#2147483648", "2026-01-01T00:00:00+00:00~1", "\U0010ffff", "a\ud7ff", "%00", "/\t/x", "a\x00b"]
    ),
)
queries = st.dictionaries(st.sampled_from(QUERY_ARGS), words, max_size=4)
EXAMPLES_PER_RULE = 20


def staff_get_rules(app) -> list:
    rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods and r.rule.startswith("/staff")]
    assert len(rules) >= 15, [r.rule for r in rules]
    return rules


def build_path(rule, draw) -> str:
    """Fill a rule's parts: generated ints for <int:...>, generated text for the rest."""
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        if isinstance(converter, IntegerConverter):
            values[name] = str(draw(ids))
        else:
            values[name] = quote(draw(st.text(min_size=1, max_size=20)), safe="")
    path = rule.rule
    for name, value in values.items():
        path = path.replace(f"<int:{name}>", value).replace(f"<{name}>", value)
    return path


@pytest.fixture
def admin_world(app, session, make_staff):
    """A signed-in admin, and one report, incident and model for the ids to find."""
    stored_report(app, session)
    session.add(Incident(title="An incident to find"))
    session.add(ModelRecord(name="Aurora", version="13B"))
    session.commit()
    return signed_in_client(app, make_staff("admin"))


def never_5xx(client, rule) -> None:
    """Run this rule's share of examples: generated ids, path parts and query arguments."""

    @settings(max_examples=EXAMPLES_PER_RULE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data())
    def check(data):
        path = build_path(rule, data.draw)
        query = data.draw(queries, label="query")
        response = client.get(path, query_string=query)
        assert response.status_code < 500, (path, query, response.status_code)

    check()


def test_no_staff_page_answers_5xx(app, admin_world):
    """Each staff GET rule gets its own run of examples (17 rules today: about 340 requests)."""
    for rule in staff_get_rules(app):
        never_5xx(admin_world, rule)


def test_no_public_page_answers_5xx(app, client, admin_world):
    """The same property for every other GET rule (the public pages and APIs), without signing in."""
    rules = [
        r
        for r in app.url_map.iter_rules()
        if "GET" in r.methods and not r.rule.startswith("/staff") and r.endpoint != "static"
    ]
    assert len(rules) >= 10, [r.rule for r in rules]
    for rule in rules:
        never_5xx(client, rule)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
report_like = st.fixed_dictionaries(
    {},
    optional={
        name: json_values
        for name in (
            "title",
            "description",
            "category",
            "severity",
            "channel",
            "attachments",
            "evidence_links",
            "kind",
            "licence",
            "licence_clause",
            "good_faith",
            "work",
        )
    },
)


def test_the_json_intake_api_never_answers_5xx(app, client):
    """Any JSON sent to POST /api/v1/reports is a 201 or a 4xx with a reason."""
    app.config["RATELIMIT_ENABLED"] = False

    @settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(body=st.one_of(json_values, report_like))
    def check(body):
        response = client.post("/api/v1/reports", json=body)
        assert response.status_code in (201, 400, 413, 422), (body, response.status_code)

    check()
