"""The privacy maths: sensitivity, budget arithmetic, consistency after post-processing, stated error."""

from decimal import Decimal

import pytest

from anonymize import privacy


def test_mechanism_cost_follows_the_sensitivity():
    m = privacy.count_mechanism(5, 0.5)
    assert m.map(1) == pytest.approx(0.5)  # one report moves one cell by one
    assert m.map(2) == pytest.approx(1.0)  # twice the distance costs twice the epsilon
    assert privacy.laplace_scale(0.5) == 2.0
    assert privacy.count_mechanism(3, 0.5, sensitivity=2).map(2) == pytest.approx(0.5)


def test_budget_arithmetic_is_exact_and_refuses_overspending():
    budget = privacy.Budget(total=Decimal("1.0"))
    for _ in range(10):
        budget = budget.charge("0.1")
    assert budget.spent == Decimal("1.0") and budget.remaining == 0
    with pytest.raises(privacy.BudgetExceeded):
        budget.charge("0.000001")
    with pytest.raises(ValueError):
        privacy.Budget(total=Decimal(1)).charge(0)
    shares = privacy.split("1.0", {"channel": 1, "category": 2, "actor": 1, "severity": 1, "speed": 1})
    assert sum(shares.values()) <= Decimal("1.0")
    assert abs(shares["category"] - 2 * shares["channel"]) <= Decimal("0.000001")


def test_consistency_after_post_processing():
    for _ in range(200):
        released = privacy.release_breakdown({"a": 0, "b": 3, "c": 40, "d": 1}, epsilon=0.2)
        assert all(v >= 0 and isinstance(v, int) for v in released.cells.values())
        assert released.total == sum(released.cells.values())
    assert privacy.post_process({"x": -4, "y": 7}) == ({"x": 0, "y": 7}, 7)


def test_empirical_error_stays_within_the_stated_bound():
    epsilon = 0.25
    released = privacy.release_breakdown({"cell": 1000}, epsilon)
    bound = released.bound
    draws = [privacy.release_breakdown({"cell": 1000}, epsilon).cells["cell"] - 1000 for _ in range(4000)]
    outside = sum(abs(d) > bound for d in draws) / len(draws)
    assert outside <= 0.05 + 0.015  # the bound holds with 95% confidence (plus sampling slack)
    assert outside >= 0.02  # and it is not wildly loose
    assert bound == privacy.error_bound(privacy.laplace_scale(epsilon))


def test_display_threshold():
    assert privacy.display(0) == "<10" and privacy.display(9) == "<10"
    assert privacy.display(10) == "10" and privacy.display(1234) == "1234"


def test_private_median_picks_a_bucket_near_the_truth():
    candidates = [1, 2, 4, 8, 12, 24, 48, 72, 120, 168]
    values = [1] * 50 + [4] * 100 + [12] * 200 + [24] * 100 + [72] * 50  # the median is 12
    picks = [privacy.private_median(values, candidates, epsilon=1.0) for _ in range(50)]
    assert all(p in candidates for p in picks)
    assert sum(p == 12 for p in picks) >= 45
    with pytest.raises(ValueError):
        privacy.private_median(values, [5, 1], epsilon=1.0)


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError):
        privacy.release_breakdown({}, 1.0)
    with pytest.raises(ValueError):
        privacy.release_breakdown({"a": -1}, 1.0)
    with pytest.raises(ValueError):
        privacy.as_epsilon("nan")


def test_median_scores_match_opendps_own():
    import random

    import opendp.prelude as dp

    candidates = [1, 2, 4, 8, 24, 72]
    rng = random.Random(3)
    for _ in range(20):
        values = [rng.randrange(0, 100) for _ in range(rng.randrange(1, 60))]
        native = dp.t.make_quantile_score_candidates(
            dp.vector_domain(dp.atom_domain(T=int)), dp.symmetric_distance(), candidates=candidates, alpha=0.5
        )
        histogram = {}
        for v in values:
            histogram[v] = histogram.get(v, 0) + 1
        assert privacy.quantile_scores(histogram, candidates) == list(native(values))


def test_one_report_moves_each_median_score_by_at_most_one():
    candidates = [1, 2, 4, 8, 24, 72]
    base = {0: 3, 2: 5, 9: 4, 100: 2}
    for extra in (0, 1, 2, 3, 8, 50, 500):
        more = {**base, extra: base.get(extra, 0) + 1}
        before, after = privacy.quantile_scores(base, candidates), privacy.quantile_scores(more, candidates)
        assert max(abs(a - b) for a, b in zip(before, after, strict=True)) <= 1
