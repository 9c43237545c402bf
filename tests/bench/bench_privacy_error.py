"""The noise of a period's counts: the consistent release against today's equal split, on the same data.

Run: .venv/bin/python -m tests.bench.bench_privacy_error [--draws 2000] [--epsilon 1.0]
Goal: at epsilon 1, the consistent release's mean empirical 95% error over the published cells is at
most 0.6 of the equal split's, measured in the same run over at least 1,000 draws.

The equal split is the design published until issue 17 (`equal_split` below, kept here as the
baseline): each of nine statistics gets its weight's share of epsilon (2/9 for reports by channel,
1/9 for every other table and each median) and each table is noised alone with OpenDP, clamped at
zero and totalled, so its totals disagree. The consistent release is reporting.figures'
`release_counts`. Both run on the same raw figures: a quarter shaped like the one issue 17 quotes
(about 60 reports, counts around 50 in the largest tables, most category cells small) and a quarter
a hundred times larger, where clamping at zero helps neither design. A published cell's empirical
95% error is the 95th percentile of |published - true| over the draws; the figure is its mean over
the 31 cells of the six noised tables, and also over the cells and the tables' totals.
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal

import numpy as np

from tests.bench.common import ROOT

GOAL = 0.6
MIN_DRAWS = 1000
# Today's weights (reporting/figures.py before issue 17): nine shares of epsilon.
EQUAL_SPLIT_WEIGHTS = {
    "received_by_channel": 2,
    "public_by_category": 1,
    "public_by_actor": 1,
    "public_by_severity": 1,
    "whistleblower_by_group": 1,
    "hours_to_first_response": 1,
    "hours_to_action": 1,
    "deadlines_met": 1,
}
TABLES = (
    "received_by_channel",
    "public_by_category",
    "public_by_actor",
    "public_by_severity",
    "whistleblower_by_group",
    "deadlines_met",
)


def quarter(reports: int, seed: int):
    """Raw figures of a synthetic quarter: the demo seed's mix of channels, categories and severities."""
    sys.path.insert(0, str(ROOT))
    from tests.factories.raw_figures import synthetic_quarter

    return synthetic_quarter(reports, seed)


def equal_split(raw, epsilon: Decimal) -> dict[str, dict]:
    """Today's design: every table noised alone with its share, clamped at zero, totalled alone."""
    from anonymize import privacy

    shares = privacy.split(epsilon, EQUAL_SPLIT_WEIGHTS)
    tables = {}
    for name in TABLES:
        released = privacy.release_breakdown(getattr(raw, name), shares[name])
        tables[name] = {"cells": released.cells, "total": released.total, "bound": released.bound}
    return tables


def consistent_release(raw, epsilon: Decimal) -> dict[str, dict]:
    """The consistent release, with the count share that reporting.figures gives it."""
    from anonymize import privacy
    from reporting import figures

    shares = privacy.split(epsilon, figures.SHARES)
    tables, _released = figures.release_counts(raw, shares[figures.COUNTS])
    return {
        name: {
            "cells": table["cells"],
            "total": table["total"],
            "bound": table["error_bound_95"],
            "total_bound": table["total_error_bound_95"],
        }
        for name, table in tables.items()
        if name in TABLES
    }


def measure(design, raw, epsilon: Decimal, draws: int) -> dict[str, float]:
    """Draw the release `draws` times; return the mean 95% error over cells (and with totals) and bound coverage."""
    truth = {name: getattr(raw, name) for name in TABLES}
    errors: dict[tuple[str, str], list[int]] = {}
    inside = outside = 0
    for _ in range(draws):
        tables = design(raw, epsilon)
        for name in TABLES:
            table = tables[name]
            for cell, value in table["cells"].items():
                error = value - truth[name][cell]
                errors.setdefault((name, cell), []).append(error)
                bound = table["bound"][cell] if isinstance(table["bound"], dict) else table["bound"]
                inside, outside = (inside + 1, outside) if abs(error) <= bound else (inside, outside + 1)
            errors.setdefault((name, "total"), []).append(table["total"] - sum(truth[name].values()))
    p95 = {key: float(np.percentile(np.abs(values), 95)) for key, values in errors.items()}
    cells = [value for (_, cell), value in p95.items() if cell != "total"]
    return {
        "cells": float(np.mean(cells)),
        "with_totals": float(np.mean(list(p95.values()))),
        "coverage": inside / (inside + outside),
        "per_table": {
            name: float(np.mean([v for (t, c), v in p95.items() if t == name and c != "total"])) for name in TABLES
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--draws", type=int, default=2000)
    parser.add_argument("--epsilon", default="1.0")
    args = parser.parse_args()
    if args.draws < MIN_DRAWS:
        parser.error(f"--draws must be at least {MIN_DRAWS}")
    epsilon = Decimal(args.epsilon)
    for label, reports in (("a quarter like issue 17's (60 reports)", 60), ("a quarter of 6,000 reports", 6000)):
        raw = quarter(reports, seed=17)
        print(f"{label}: by channel {raw.received_by_channel}, public by category {raw.public_by_category}")
        baseline = measure(equal_split, raw, epsilon, args.draws)
        new = measure(consistent_release, raw, epsilon, args.draws)
        for name, result in (("equal split", baseline), ("consistent", new)):
            tables = ", ".join(f"{t} {v:.1f}" for t, v in result["per_table"].items())
            print(
                f"  {name:11}: mean 95% error {result['cells']:.2f} over cells, {result['with_totals']:.2f} "
                f"with totals; stated bounds cover {result['coverage']:.3f} of cell draws ({tables})"
            )
        ratio = new["cells"] / baseline["cells"]
        print(
            f"  ratio consistent / equal split at epsilon {epsilon}, {args.draws:,} draws: {ratio:.3f} over cells "
            f"({'meets' if ratio <= GOAL else 'MISSES'} the goal of at most {GOAL}), "
            f"{new['with_totals'] / baseline['with_totals']:.3f} with totals",
            flush=True,
        )


if __name__ == "__main__":
    main()
