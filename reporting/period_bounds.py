"""The 95% error bound of a sum of published quarterly cells, derived from each quarter's noise, not by adding bounds.

A quarter's published cell is a sum of least-squares estimates over noisy tables (reporting.figures,
anonymize.consistent); its error is a fixed linear function of independent discrete Laplace draws
whose scales follow from the quarter's count epsilon. The quarters' noises are independent, so the
error of a half-year's or a year's cell is the sum of independent errors. Adding the quarters' bounds
would overstate it (for two quarters of equal noise, by about 30%); taking the root of the sum of
squares would assume normal errors. Instead we draw the same simulation that gave each quarter's bound
(the same design, the quarter's own epsilon, `consistent.BOUND_DRAWS` draws) for every quarter with
its own seed, add the draws cell by cell, and take the 95th percentile of the absolute sum. With one
quarter this gives exactly that quarter's published bound (a test checks it).

Rounding: each quarter's release moves a cell by less than one when it rounds (the quarter's ceiling
absorbs that). Summing n quarters can add up to n - 1 more, so the bound adds n - 1: a conservative
allowance, stated in the methodology.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache

import numpy as np

from anonymize import consistent, privacy
from reporting.figures import COUNTS, DESIGN, PUBLISHED

Bounds = dict[str, dict]  # {table: {"cells": {cell: bound}, "total": bound}}


def quarter_errors(epsilon: Decimal, seed: int) -> dict[str, np.ndarray]:
    """One quarter's simulated estimator errors: {measured table: draws x cells}, as consistent draws them."""
    shares = consistent.epsilons(DESIGN, epsilon)
    rng = np.random.default_rng(seed)
    noise = {}
    for name, cells in DESIGN.tables().items():
        success = 1 - math.exp(-1 / privacy.laplace_scale(shares[name]))
        shape = (consistent.BOUND_DRAWS, len(cells))
        noise[name] = (rng.geometric(success, shape) - rng.geometric(success, shape)).astype(float)
    variances = {
        name: consistent.discrete_laplace_variance(privacy.laplace_scale(shares[name])) for name in DESIGN.tables()
    }
    return consistent.estimate(DESIGN, variances, noise)


def _published_errors(errors: dict[str, np.ndarray]) -> dict[str, dict[str, np.ndarray]]:
    column = {name: {cell: j for j, cell in enumerate(cells)} for name, cells in DESIGN.tables().items()}
    return {
        name: {
            cell: sum((errors[table][:, column[table][part]] for table, part in refs), np.zeros(consistent.BOUND_DRAWS))
            for cell, refs in shown.items()
        }
        for name, shown in PUBLISHED.items()
    }


def _quantile(errors: np.ndarray) -> float:
    return float(np.quantile(np.abs(errors), privacy.CONFIDENCE))


def _alike(refs: dict[str, tuple]) -> list[list[str]]:
    """Cells whose errors have the same distribution (as consistent groups them): one bound for each group."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for cell, parts in refs.items():
        kind = tuple(sorted(f"{table}/{part}" if table == DESIGN.totals else table for table, part in parts))
        groups.setdefault(kind, []).append(cell)
    return list(groups.values())


@lru_cache(maxsize=16)
def _sum_bounds(epsilons: tuple[Decimal, ...]) -> tuple[tuple[str, tuple[tuple[str, int], ...], int], ...]:
    summed: dict[str, dict[str, np.ndarray]] = {}
    for index, epsilon in enumerate(epsilons):
        # The first quarter draws with consistent's own seed, so a single quarter reproduces its published bound.
        published = _published_errors(quarter_errors(epsilon, consistent.BOUND_SEED + index))
        for name, cells in published.items():
            table = summed.setdefault(name, {})
            for cell, draws in cells.items():
                table[cell] = table[cell] + draws if cell in table else draws
    rounding = len(epsilons) - 1
    result = []
    for name, cells in summed.items():
        bounds: dict[str, int] = {}
        for group in _alike(dict(PUBLISHED[name])):
            bound = math.ceil(_quantile(np.concatenate([cells[cell] for cell in group])) - 1e-9) + rounding
            bounds |= dict.fromkeys(group, bound)
        total = math.ceil(_quantile(sum(cells.values(), np.zeros(consistent.BOUND_DRAWS))) - 1e-9) + rounding
        result.append((name, tuple(bounds.items()), total))
    return tuple(result)


def count_epsilon(figures: dict) -> Decimal:
    """The epsilon a quarter's count tables shared (its methodology states it)."""
    return Decimal(figures["methodology"]["shares"][COUNTS])


def sum_bounds(quarter_figures: Sequence[dict]) -> Bounds:
    """The 95% bounds of the cells and totals of the published tables summed over these quarters."""
    epsilons = tuple(count_epsilon(figures) for figures in quarter_figures)
    return {name: {"cells": dict(cells), "total": total} for name, cells, total in _sum_bounds(epsilons)}
