"""Half-yearly and yearly reports: sums of the published quarters, with no new noise and honest bounds.

The quarters' figures are pinned by hand and stored as published quarters, so the sums are checked
against numbers written here, not against the code's own tables.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlmodel import select

from anonymize import consistent
from core.periods import Period
from reporting import period_bounds
from reporting.figures import DESIGN, METHOD, PUBLISHED
from reporting.models import PrivacyRelease, Publication
from reporting.periods import Span
from tests.conftest import FIXED_DAY

pytestmark = pytest.mark.time_machine(FIXED_DAY)

COUNT_EPSILON = "0.777777"  # the count tables' share of epsilon 1.0 (7 of 9)


def quarter_figures(noised: dict[str, dict[str, int]], exact: dict, *, method: str = METHOD) -> dict:
    """A quarter's stored figures in the current format: every published table, the pinned cells, zeros elsewhere."""
    tables = {}
    for name, cells in PUBLISHED.items():
        values = dict.fromkeys(cells, 0) | noised.get(name, {})
        tables[name] = {
            "cells": values,
            "total": sum(values.values()),
            "error_bound_95": dict.fromkeys(cells, 9),
            "total_error_bound_95": 9,
        }
    for name, median in (("hours_to_first_response", 20), ("hours_to_action", None)):
        tables[name] = {"median_hours": median, "buckets": [1, 2], "epsilon": "0.111111"}
    return {
        "noised": tables,
        "deadline_compliance": None,
        "exact": {
            "incidents": {"opened": 0, "closed": 0},
            "actions_by_type": {"takedown": 0, "warning": 0},
            "actions_by_ground": {"law": 0, "policy": 0},
            "actions_by_decision": {"automated": 0, "manual": 0},
            "referrals": 0,
            "models": [],
        }
        | exact,
        "methodology": {"method": method, "epsilon": "1.0", "shares": {"report_counts": COUNT_EPSILON}},
    }


def store(session, period: str, figures: dict, *, status: str = "published") -> Publication:
    quarter = Period.parse(period)
    publication = Publication(
        period=period,
        starts_at=quarter.starts_at,
        ends_at=quarter.ends_at,
        status=status,
        published_at=datetime(2026, 10, 2, tzinfo=UTC) if status == "published" else None,
        epsilon="1.0",
        figures=figures,
        prev_hash="0" * 64,
        chain_hash="0" * 64,
    )
    session.add(publication)
    session.commit()
    return publication


Q1 = quarter_figures(
    {
        "received_by_channel": {"public": 40, "whistleblower": 5},
        "public_by_category": {"privacy": 23, "ncii": 4},
        "deadlines_met": {"on time": 6, "late": 1},
    },
    {"actions_by_type": {"takedown": 2, "warning": 1}, "referrals": 1, "models": [{"name": "m1", "version": "1"}]},
)
Q2 = quarter_figures(
    {
        "received_by_channel": {"public": 3, "whistleblower": 6},
        "public_by_category": {"privacy": 4, "ncii": 5},
        "deadlines_met": {"on time": 2, "late": 3},
    },
    {"actions_by_type": {"takedown": 3, "warning": 0}, "referrals": 2, "models": [{"name": "m2", "version": "2"}]},
)


def test_a_half_year_is_the_sum_of_its_published_quarters(client, session):
    store(session, "2026Q1", Q1)
    store(session, "2026Q2", Q2)
    releases_before = session.exec(select(func.count()).select_from(PrivacyRelease)).one()

    document = client.get("/transparency/2026H1.json").get_json()
    assert document["period"] == "2026H1" and document["quarters"] == ["2026Q1", "2026Q2"]
    assert (document["starts"], document["ends"]) == ("2026-01-01", "2026-07-01")
    channel = document["noised"]["received_by_channel"]
    # 40 + 3 and 5 + 6: each quarter's whistleblower count is under 10, their sum is not.
    assert channel["cells"]["public"]["value"] == 43 and channel["cells"]["whistleblower"]["value"] == 11
    assert channel["total"]["value"] == 54 and channel["total"]["suppressed"] is False
    category = document["noised"]["public_by_category"]["cells"]
    # The bounds of two quarters at epsilon 0.777777, from the simulated releases in their worst case (every
    # report in one cell, whose clamping bias adds up quarter by quarter): 16 alone becomes 27 summed (not 32),
    # and the public channel's 15 becomes 22 (not 30; a total is not clamped, so its noise partly cancels).
    assert category["privacy"] == {"value": 27, "suppressed": False, "error_bound_95": 27}
    assert channel["cells"]["public"]["error_bound_95"] == 22
    # 4 + 5 = 9: the sum is under the threshold, so a flag and no value.
    assert category["ncii"]["value"] is None and category["ncii"]["suppressed"] is True
    assert document["deadline_compliance"] == 0.667  # 8 on time of 12 handled
    exact = document["exact"]
    assert exact["actions_by_type"] == {"takedown": 5, "warning": 1} and exact["referrals"] == 3
    assert [m["name"] for m in exact["models"]] == ["m1", "m2"]
    assert document["medians"]["hours_to_first_response"] == {"2026Q1": 20, "2026Q2": 20}
    assert document["medians"]["hours_to_action"] == {"2026Q1": None, "2026Q2": None}

    html = client.get("/transparency/2026H1").get_data(as_text=True)
    assert 'data-cell="received_by_channel/whistleblower">11<' in html
    assert 'data-cell="public_by_category/ncii">&lt;10<' in html
    assert 'data-cell="public_by_category/privacy">27<' in html
    spanish = client.get("/transparency/2026H1?lang=es").get_data(as_text=True)
    assert "<caption>Canal público, por categoría</caption>" in spanish and "Tiempos medianos" in spanish
    # Nothing was drawn, nothing was charged.
    assert session.exec(select(func.count()).select_from(PrivacyRelease)).one() == releases_before


def test_a_year_exists_only_once_all_its_quarters_are_published(client, session):
    store(session, "2026Q1", Q1)
    store(session, "2026Q2", Q2)
    store(session, "2026Q3", Q1, status="draft")
    response = client.get("/transparency/2026")
    assert response.status_code == 404
    assert "Not published yet: 2026Q3, 2026Q4." in response.get_data(as_text=True)
    assert client.get("/transparency/2026.json").get_json()["missing"] == ["2026Q3", "2026Q4"]
    assert client.get("/transparency/2026H2").status_code == 404
    index = client.get("/transparency/").get_data(as_text=True)
    assert 'href="/transparency/2026H1"' in index
    assert 'href="/transparency/2026H2"' not in index and 'href="/transparency/2026"' not in index


def test_quarters_of_an_earlier_method_are_not_added_up(client, session):
    store(session, "2026Q1", Q1)
    store(session, "2026Q2", quarter_figures({}, {}, method="something-older"))
    response = client.get("/transparency/2026H1")
    assert response.status_code == 404
    assert "Published with an earlier method" in response.get_data(as_text=True)


def test_one_quarters_bound_is_its_published_bound():
    """The simulation for sums, run on one quarter, reproduces the bounds the quarter was published with."""
    alone = period_bounds.sum_bounds([Q1])
    published = consistent.error_bounds(DESIGN, Decimal(COUNT_EPSILON), PUBLISHED)
    assert alone == published


def test_the_bound_of_a_sum_is_less_than_the_sum_of_the_bounds():
    """Independent noise partly cancels: the bound of two quarters is well under twice one quarter's."""
    one = period_bounds.sum_bounds([Q1])
    two = period_bounds.sum_bounds([Q1, Q2])
    four = period_bounds.sum_bounds([Q1, Q2, Q1, Q2])
    for name, table in one.items():
        for cell, bound in table["cells"].items():
            # Noise grows like the root of the number of quarters, a worst case's clamping bias like the number:
            # between the two, and never more than adding the bounds.
            assert 1.25 * bound <= two[name]["cells"][cell] <= 2 * bound, (name, cell)
            assert two[name]["cells"][cell] < four[name]["cells"][cell] <= 4 * bound, (name, cell)
        assert table["total"] < two[name]["total"] < 2 * table["total"]


def test_spans_name_their_quarters():
    assert [str(q) for q in Span.parse("2026h2").quarters] == ["2026Q3", "2026Q4"]
    assert [str(q) for q in Span.parse("2026").quarters] == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    assert Span.parse("2026H3") is None and Span.parse("2026Q1") is None
    assert Span.parse("2026").ends_at == datetime(2027, 1, 1, tzinfo=UTC)
