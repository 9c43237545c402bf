"""The bound of a half-year's cell holds for real sums of two released quarters, after their rounding."""

from decimal import Decimal

from reporting import figures, period_bounds
from tests.factories.raw_figures import synthetic_quarter

COUNTS = Decimal("0.777777")  # the count share of epsilon 1


def test_empirical_error_of_a_sum_of_quarters_stays_within_its_bound():
    quarters = [synthetic_quarter(60, seed=1), synthetic_quarter(400, seed=2)]
    truth = {
        name: {cell: sum(getattr(raw, name)[cell] for raw in quarters) for cell in getattr(quarters[0], name)}
        for name in figures.PUBLISHED
    }
    stated = {"methodology": {"shares": {figures.COUNTS: str(COUNTS)}}}
    bounds = period_bounds.sum_bounds([stated, stated])
    draws = 500
    outside: dict[tuple[str, str], int] = {}
    for _ in range(draws):
        released = [figures.release_counts(raw, COUNTS)[0] for raw in quarters]
        for name, bound in bounds.items():
            for cell in (*bound["cells"], "total"):
                if cell == "total":
                    value = sum(table[name]["total"] for table in released)
                    true, limit = sum(truth[name].values()), bound["total"]
                else:
                    value = sum(table[name]["cells"][cell] for table in released)
                    true, limit = truth[name][cell], bound["cells"][cell]
                outside[name, cell] = outside.get((name, cell), 0) + (abs(value - true) > limit)
    rates = {key: n / draws for key, n in outside.items()}
    assert max(rates.values()) <= 0.05 + 0.025, sorted(rates.items(), key=lambda kv: -kv[1])[:5]
    assert sum(rates.values()) / len(rates) <= 0.05
