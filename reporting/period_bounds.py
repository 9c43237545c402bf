"""The 95% error bound of a sum of published quarterly cells, derived from each quarter's noise, not by adding bounds.

A quarter's published cell comes from noisy tables reconciled, projected and rounded (reporting.figures,
anonymize.consistent); its bound is the 95% quantile of the whole release's simulated error in the worst
of a few truths (anonymize.consistent.simulated_errors). The quarters' noises are independent, so the
error of a half-year's or a year's cell is the sum of independent errors. Adding the quarters' bounds
would overstate it (for two quarters of equal noise, by about 30%); taking the root of the sum of
squares would assume normal errors. Instead we draw the same simulation that gave each quarter's bound
(the same design, the quarter's own epsilon, `consistent.BOUND_DRAWS` draws, rounding included) for every
quarter with its own seed, add the draws case by case and cell by cell (the same worst case every
quarter), and take the 95th percentile of the absolute sum in the worst case. With one quarter this
gives exactly that quarter's published bound (a test checks it).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache

import numpy as np

from anonymize import consistent
from reporting.figures import COUNTS, DESIGN, PUBLISHED

Bounds = dict[str, dict]
# One simulation at a time in a process: a cold year page costs seconds and a few hundred MB, and two pages asked
# for at once would otherwise each run their own.
_simulating = threading.Lock()  # {table: {"cells": {cell: bound}, "total": bound}}


@lru_cache(maxsize=16)
def _sum_bounds(epsilons: tuple[Decimal, ...]) -> consistent.Bounds:
    summed: list[dict[str, np.ndarray]] | None = None
    for index, epsilon in enumerate(epsilons):
        # The first quarter draws with consistent's own seed, so a single quarter reproduces its published bound.
        cases = consistent.simulated_errors(DESIGN, epsilon, consistent.BOUND_SEED + index)
        summed = (
            cases
            if summed is None
            else [{name: total[name] + case[name] for name in total} for total, case in zip(summed, cases, strict=True)]
        )
    assert summed is not None
    return consistent.bounds_from_errors(DESIGN, PUBLISHED, summed)


def count_epsilon(figures: dict) -> Decimal:
    """The epsilon a quarter's count tables shared (its methodology states it)."""
    return Decimal(figures["methodology"]["shares"][COUNTS])


def sum_bounds(quarter_figures: Sequence[dict]) -> Bounds:
    """The 95% bounds of the cells and totals of the published tables summed over these quarters."""
    epsilons = tuple(count_epsilon(figures) for figures in quarter_figures)
    with _simulating:
        bounds = _sum_bounds(epsilons)
    return {name: {"cells": dict(cells), "total": total} for name, cells, total in bounds}
