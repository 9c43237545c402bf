"""The consistent release: its privacy accounting, one set of totals, rounding, and honest error bounds."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anonymize import consistent, privacy
from incidents.models import Category, Channel, Severity
from reporting import figures
from reporting.aggregate import NOTICE_SOURCES
from tests.factories.raw_figures import ACTORS, KINDS, raw_from, synthetic_quarter

COUNTS = Decimal("0.777777")  # the count share of epsilon 1: 7/9, rounded down


def test_a_report_of_either_channel_spends_the_count_budget_once():
    shares = consistent.epsilons(figures.DESIGN, COUNTS)
    # 3/16, 5/16, 3/16, 3/16, 2/16 of 0.777777 for a public report; 3/16, 7/16, 6/16 for a whistleblower report
    # (0.777777 / 16 = 0.04861106..., each product rounded down to the millionth).
    assert shares == {
        "received_by_channel": Decimal("0.145833"),
        "public_by_category": Decimal("0.243055"),
        "public_by_actor": Decimal("0.145833"),
        "public_by_severity_and_deadline": Decimal("0.145833"),
        "public_by_source_and_kind": Decimal("0.097222"),
        "whistleblower_by_group": Decimal("0.340277"),
        "whistleblower_by_deadline": Decimal("0.291666"),
    }
    losses = consistent.per_report_loss(figures.DESIGN, COUNTS)
    assert losses["public"] == pytest.approx(0.777776) and losses["whistleblower"] == pytest.approx(0.777776)
    assert figures.SHARES == {"report_counts": 7, "hours_to_first_response": 1, "hours_to_action": 1}


def test_a_design_whose_populations_spend_differently_is_refused():
    with pytest.raises(ValueError, match="same number"):
        consistent.Design(
            totals="t",
            populations=("a", "b"),
            totals_weight=1,
            partitions=(consistent.Partition("x", "a", ("1", "2"), 2), consistent.Partition("y", "b", ("1",), 1)),
        )
    with pytest.raises(ValueError, match="exactly its cells"):
        consistent.release(figures.DESIGN, {"received_by_channel": {"public": 1}}, COUNTS)


def test_projection_and_rounding_by_hand():
    # Sorted 5, 2, -3: the threshold is (5 + 2 - 6) / 2 = 0.5, and -3 drops out.
    assert consistent.project_to_total([5, -3, 2], 6) == [4.5, 0.0, 1.5]
    assert consistent.project_to_total([3, 1], 0) == [0.0, 0.0]
    assert consistent.project_to_total([-4, -1], 3) == [0.0, 3.0]
    # Floors 4, 0, 1 leave one to give: the remainders tie at 0.5, so the earlier cell gets it.
    assert consistent.round_to_total([4.5, 0.0, 1.5], 6) == [5, 0, 1]
    assert consistent.round_to_total([0.2, 0.3, 2.5], 3) == [0, 0, 3]


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.floats(min_value=-500, max_value=500, allow_nan=False), min_size=1, max_size=15),
    total=st.integers(min_value=0, max_value=2000),
)
def test_any_noisy_table_becomes_whole_non_negative_cells_with_the_total(values, total):
    cells = consistent.round_to_total(consistent.project_to_total(values, total), total)
    assert all(isinstance(v, int) and v >= 0 for v in cells) and sum(cells) == total


@settings(max_examples=100, deadline=None)
@given(cells=st.lists(st.integers(min_value=0, max_value=300), min_size=1, max_size=15))
def test_a_table_already_consistent_is_left_as_it_is(cells):
    assert consistent.round_to_total(consistent.project_to_total(cells, sum(cells)), sum(cells)) == cells


reports = st.tuples(
    st.sampled_from([c.value for c in Channel]),
    st.sampled_from([c.value for c in Category]),
    st.sampled_from(ACTORS),
    st.sampled_from([s.value for s in Severity]),
    st.sampled_from([None, "on time", "late"]),
    st.sampled_from(NOTICE_SOURCES),
    st.sampled_from(KINDS),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(quarter=st.lists(reports, max_size=400), epsilon=st.sampled_from(["0.01", "0.2", "0.777777", "5"]))
def test_every_table_adds_up_to_the_same_published_totals(quarter, epsilon):
    tables, _ = figures.release_counts(raw_from(quarter), epsilon)
    for name, table in tables.items():
        assert all(isinstance(v, int) and v >= 0 for v in table["cells"].values()), name
        assert table["total"] == sum(table["cells"].values()), name
    channel = tables["received_by_channel"]["cells"]
    public = ("notices_by_source", "public_by_kind", "public_by_category", "public_by_actor", "public_by_severity")
    assert set(tables) == {*public, "received_by_channel", "whistleblower_by_group", "deadlines_met"}
    for name in public:
        assert tables[name]["total"] == channel["public"], name
    assert tables["whistleblower_by_group"]["total"] == channel["whistleblower"]
    assert tables["received_by_channel"]["total"] == channel["public"] + channel["whistleblower"]
    # Deadline outcomes are counted inside the serious incidents of the public channel and the whistleblower channel.
    serious = tables["public_by_severity"]["cells"][Severity.SERIOUS_INCIDENT.value]
    assert tables["deadlines_met"]["total"] <= serious + channel["whistleblower"]


def test_the_bound_of_a_single_noisy_count_is_the_discrete_laplace_quantile():
    design = consistent.Design(totals="t", populations=("a",), totals_weight=1, partitions=())
    # Scale 4: P(|X| > k) = 2 p^(k+1) / (1 + p) with p = exp(-1/4) is 0.056 at k = 11 and 0.044 at k = 12.
    assert consistent.error_bounds(design, "0.25", {"x": {"a": (("t", "a"),)}}) == {
        "x": {"cells": {"a": 12}, "total": 12}
    }
    # OpenDP's accuracy is P(|X| >= a) <= 5%, one more for a count.
    assert privacy.error_bound(privacy.laplace_scale("0.25")) == 13


def test_the_stated_bounds_are_tighter_than_the_equal_splits():
    tables, _ = figures.release_counts(synthetic_quarter(60, seed=1), COUNTS)
    # The equal split stated 14 for the channels (2/9 of epsilon) and 28 for every other table (1/9). Since the
    # notices by source and kind joined the release (consistent-tables/2) the public channel's bound is 16, two
    # more than the equal split's: the price of two more tables, paid mostly by the totals.
    assert all(b <= 16 for b in tables["received_by_channel"]["error_bound_95"].values())
    # Each bound covers the worst case (every report in one cell: tests/unit/test_bounds_worst_case.py).
    assert all(b <= 16 for b in tables["public_by_category"]["error_bound_95"].values())
    for name in ("public_by_actor", "public_by_severity", "whistleblower_by_group", "deadlines_met"):
        assert all(b <= 24 for b in tables[name]["error_bound_95"].values()), name
    # The notices by source and kind are sums of six and three cells of the smallest share: honest, and wide.
    assert all(
        b < 60 for name in ("notices_by_source", "public_by_kind") for b in tables[name]["error_bound_95"].values()
    )


@pytest.mark.parametrize("count", [60, 6000])
def test_empirical_error_stays_within_the_stated_bounds_after_rounding(count):
    """The bounds come from the estimator before rounding and clamping; the published figures must honour them."""
    raw = synthetic_quarter(count, seed=count)
    truth = {name: getattr(raw, name) for name in figures.PUBLISHED}
    draws = 1200
    outside: dict[tuple[str, str], int] = {}
    for _ in range(draws):
        tables, _ = figures.release_counts(raw, COUNTS)
        for name, table in tables.items():
            for cell, value in (*table["cells"].items(), ("total", table["total"])):
                true = sum(truth[name].values()) if cell == "total" else truth[name][cell]
                bound = table["total_error_bound_95"] if cell == "total" else table["error_bound_95"][cell]
                outside[name, cell] = outside.get((name, cell), 0) + (abs(value - true) > bound)
    rates = {key: n / draws for key, n in outside.items()}
    assert max(rates.values()) <= 0.05 + 0.02, sorted(rates.items(), key=lambda kv: -kv[1])[:5]
    assert sum(rates.values()) / len(rates) <= 0.05
    if count == 6000:  # no cell near zero: rounding and clamping help nothing, and the bounds are not loose
        assert sum(rates.values()) / len(rates) >= 0.02
