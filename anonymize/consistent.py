"""One consistent release of a period's counts: a few noisy tables, reconciled by least squares.

Pure functions over plain numbers, like anonymize.privacy. A design names the tables that are
measured. Each measured table partitions one population of reports (the public channel, the
whistleblower channel) into cells, and one more table holds each population's total. A report sits
in exactly one cell of every table of its population and in its population's total, so one report
changes one cell of each of those tables by one: its privacy loss is the sum of their epsilons, which
the design's weights make equal to the count budget for every population (`per_report_loss` asks
OpenDP). The populations hold different reports, so their tables compose in parallel: a
whistleblower table costs a public report nothing.

After OpenDP's discrete Laplace noise, everything is post-processing and costs no privacy:
1. Least squares. A population's total is the inverse-variance mean of its noisy total and of each
   of its tables' noisy sums; each table is then moved evenly onto that total. This is the
   generalized least-squares estimate under "every table of a population sums to its total".
2. Rounding. The total becomes a whole non-negative number; each table becomes the nearest
   non-negative cells that add up to it (Euclidean projection on the simplex), then whole numbers by
   the largest remainders, which keeps the sum.
Published tables are sums of released cells (`Release.derive`), so they agree with each other too.

The 95% error bound of a published cell comes from the design alone, never from the data, so it
costs nothing: the 95% quantile of the whole release's error (estimate, project, round) over
`BOUND_DRAWS` simulated noise draws with a fixed seed, in the worst of a few truths. Clamping at zero
biases a table whose reports sit in one cell (the empty cells' positive noise is paid for by the
full one), so the bound is taken where that is worst, every population in one cell of each table,
as well as for a table spread evenly; the tests check coverage on such one-cell quarters too.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from functools import lru_cache
from typing import Any, TypeAlias

import numpy as np

from anonymize import privacy

BOUND_DRAWS = 20_000
BOUND_SEED = 17_2026
# The population of the worst-case truths the bounds are simulated on: far above any noise, so no total is clamped.
WORST_CASE_REPORTS = 10_000
# A published cell is a sum of released cells: (measured table, cell). The totals table's cells are the populations.
Ref: TypeAlias = tuple[str, str]
Published: TypeAlias = Mapping[str, Mapping[str, Sequence[Ref]]]


@dataclass(frozen=True)
class Partition:
    """A measured table: each report of `population` in exactly one of `cells`; `weight` is its share."""

    name: str
    population: str
    cells: tuple[str, ...]
    weight: int


@dataclass(frozen=True)
class Design:
    """The tables a count release measures: each population's total (one table) and its partitions."""

    totals: str
    populations: tuple[str, ...]
    totals_weight: int
    partitions: tuple[Partition, ...]

    def __post_init__(self) -> None:
        names = [self.totals, *(p.name for p in self.partitions)]
        if len(set(names)) != len(names) or len(set(self.populations)) != len(self.populations):
            raise ValueError("table and population names must be unique")
        if any(p.population not in self.populations for p in self.partitions):
            raise ValueError("every partition belongs to one of the design's populations")
        if any(not p.cells or len(set(p.cells)) != len(p.cells) for p in self.partitions):
            raise ValueError("a partition needs distinct cells")
        if self.totals_weight <= 0 or any(p.weight <= 0 for p in self.partitions):
            raise ValueError("weights must be positive")
        if len({self.weight_of(population) for population in self.populations}) != 1:
            raise ValueError("every population's weights must add up to the same number")

    def of(self, population: str) -> tuple[Partition, ...]:
        """The partitions of one population."""
        return tuple(p for p in self.partitions if p.population == population)

    def weight_of(self, population: str) -> int:
        """What a report of `population` touches: its total and each of its partitions."""
        return self.totals_weight + sum(p.weight for p in self.of(population))

    def tables(self) -> dict[str, tuple[str, ...]]:
        """Every measured table and its cells, the totals table first."""
        return {self.totals: self.populations} | {p.name: p.cells for p in self.partitions}


def epsilons(design: Design, epsilon: privacy.EpsilonLike) -> dict[str, Decimal]:
    """Each measured table's epsilon: the count budget times its weight over a report's whole weight, rounded down."""
    budget = privacy.as_epsilon(epsilon)
    whole = design.weight_of(design.populations[0])
    weights = {design.totals: design.totals_weight} | {p.name: p.weight for p in design.partitions}
    return {
        name: (budget * weight / whole).quantize(Decimal("0.000001"), rounding=ROUND_DOWN)
        for name, weight in weights.items()
    }


def per_report_loss(design: Design, epsilon: privacy.EpsilonLike) -> dict[str, float]:
    """What one report of each population costs, by OpenDP's accounting of each table's mechanism."""
    shares = epsilons(design, epsilon)
    return _losses(
        design, {name: privacy.count_mechanism(len(cells), shares[name]) for name, cells in design.tables().items()}
    )


def _losses(design: Design, mechanisms: Mapping[str, Any]) -> dict[str, float]:
    losses = {}
    for population in design.populations:
        names = [design.totals, *(p.name for p in design.of(population))]
        # One report moves one cell of each of its tables by one: an L1 distance of 1 in each.
        losses[population] = sum(float(mechanisms[name].map(1)) for name in names)
    return losses


def discrete_laplace_variance(scale: float) -> float:
    """The variance of the discrete Laplace distribution with this scale (P(k) proportional to exp(-|k|/scale))."""
    p = math.exp(-1 / scale)
    return 2 * p / (1 - p) ** 2


def _variances(design: Design, shares: Mapping[str, Decimal]) -> dict[str, float]:
    return {name: discrete_laplace_variance(privacy.laplace_scale(shares[name])) for name in design.tables()}


def estimate(design: Design, variances: Mapping[str, float], noisy: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The least-squares estimate of every measured table: arrays of draws x cells in, the same shapes out.

    Every table of a population sums to that population's estimated total.
    """
    estimated: dict[str, np.ndarray] = {}
    totals = []
    for i, population in enumerate(design.populations):
        precision = 1 / variances[design.totals]
        weighted = noisy[design.totals][:, i] * precision
        for p in design.of(population):
            table_precision = 1 / (len(p.cells) * variances[p.name])
            weighted = weighted + noisy[p.name].sum(axis=1) * table_precision
            precision += table_precision
        total = weighted / precision
        totals.append(total)
        for p in design.of(population):
            estimated[p.name] = noisy[p.name] + ((total - noisy[p.name].sum(axis=1)) / len(p.cells))[:, None]
    estimated[design.totals] = np.stack(totals, axis=1)
    return estimated


def project_to_total(values: Sequence[float], total: int) -> list[float]:
    """The nearest (Euclidean) non-negative values that add up to `total`."""
    if total <= 0:
        return [0.0] * len(values)
    ordered = sorted(values, reverse=True)
    running, threshold = 0.0, 0.0
    for j, value in enumerate(ordered, start=1):
        running += value
        candidate = (running - total) / j
        if value - candidate > 0:
            threshold = candidate
    return [max(0.0, value - threshold) for value in values]


def round_to_total(values: Sequence[float], total: int) -> list[int]:
    """Whole numbers that add up to `total`: floors, then one more for the largest remainders (earlier cells first)."""
    floors = [math.floor(value) for value in values]
    short = max(0, min(len(values), total - sum(floors)))
    by_remainder = sorted(range(len(values)), key=lambda i: (-(values[i] - floors[i]), i))
    for i in by_remainder[:short]:
        floors[i] += 1
    return floors


@dataclass(frozen=True)
class Release:
    """A consistent release: every measured table as whole non-negative counts, and the epsilon each spent."""

    tables: dict[str, dict[str, int]]
    epsilons: dict[str, Decimal]

    def derive(self, published: Published) -> dict[str, dict[str, int]]:
        """Published tables as sums of released cells."""
        return {
            name: {cell: sum(self.tables[table][part] for table, part in refs) for cell, refs in cells.items()}
            for name, cells in published.items()
        }


def _checked(design: Design, counts: Mapping[str, Mapping[str, int]]) -> dict[str, list[int]]:
    checked = {}
    for name, cells in design.tables().items():
        given = counts.get(name)
        if given is None or set(given) != set(cells):
            raise ValueError(f"counts for {name} must list exactly its cells")
        if any(int(given[cell]) < 0 for cell in cells):
            raise ValueError("counts cannot be negative")
        checked[name] = [int(given[cell]) for cell in cells]
    return checked


def release(design: Design, counts: Mapping[str, Mapping[str, int]], epsilon: privacy.EpsilonLike) -> Release:
    """Noise every measured table with OpenDP, reconcile them by least squares, and round them consistently."""
    exact = _checked(design, counts)
    shares = epsilons(design, epsilon)
    mechanisms = {name: privacy.count_mechanism(len(values), shares[name]) for name, values in exact.items()}
    for population, loss in _losses(design, mechanisms).items():
        if loss > float(privacy.as_epsilon(epsilon)) * (1 + 1e-9):
            raise ValueError(f"a {population} report would cost {loss}, more than the release's epsilon")
    noisy = {name: np.array([mechanisms[name](values)], dtype=float) for name, values in exact.items()}
    estimated = estimate(design, _variances(design, shares), noisy)
    totals = {
        population: max(0, math.floor(float(estimated[design.totals][0, i]) + 0.5))
        for i, population in enumerate(design.populations)
    }
    tables: dict[str, dict[str, int]] = {design.totals: totals}
    for p in design.partitions:
        total = totals[p.population]
        projected = project_to_total(estimated[p.name][0].tolist(), total)
        tables[p.name] = dict(zip(p.cells, round_to_total(projected, total), strict=True))
    return Release(tables=tables, epsilons=shares)


FrozenPublished: TypeAlias = tuple[tuple[str, tuple[tuple[str, tuple[Ref, ...]], ...]], ...]
Bounds: TypeAlias = tuple[tuple[str, tuple[tuple[str, int], ...], int], ...]


def _frozen(published: Published) -> FrozenPublished:
    return tuple(
        (name, tuple((cell, tuple(refs)) for cell, refs in cells.items())) for name, cells in published.items()
    )


def error_bounds(design: Design, epsilon: privacy.EpsilonLike, published: Published) -> dict[str, dict[str, Any]]:
    """The 95% error bound of every published cell and of each published table's total.

    Returns {table: {"cells": {cell: bound}, "total": bound}}. It depends on the design and the
    epsilon only, so it is computed once per design (and cached).
    """
    bounds = _bounds(design, privacy.as_epsilon(epsilon), _frozen(published))
    return {name: {"cells": dict(cells), "total": total} for name, cells, total in bounds}


def _quantile_bound(errors: np.ndarray) -> int:
    return math.ceil(float(np.quantile(np.abs(errors), privacy.CONFIDENCE)) - 1e-9)


def _project_rows(values: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """`project_to_total` for each row of draws x cells at once."""
    ordered = -np.sort(-values, axis=1)
    running = np.cumsum(ordered, axis=1)
    candidates = (running - totals[:, None]) / np.arange(1, values.shape[1] + 1)
    last = (ordered - candidates > 0).cumsum(axis=1).argmax(axis=1)  # the last j where the cell stays positive
    threshold = np.take_along_axis(candidates, last[:, None], axis=1)
    return np.where(totals[:, None] > 0, np.maximum(values - threshold, 0.0), 0.0)


def _round_rows(values: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """`round_to_total` for each row of draws x cells at once."""
    floors = np.floor(values)
    short = np.clip(totals - floors.sum(axis=1), 0, values.shape[1])
    order = np.argsort(-(values - floors), axis=1, kind="stable")  # largest remainders, earlier cells first
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(values.shape[1])[None, :].repeat(len(values), axis=0), axis=1)
    rounded: np.ndarray = floors + (rank < short[:, None])
    return rounded


def _released_errors(
    design: Design, estimated_noise: Mapping[str, np.ndarray], truth: Mapping[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """What `release` publishes minus the truth, for every draw of the noise: estimate, project, round.

    The estimate is linear and leaves consistent tables as they are, so the estimate of truth plus noise is the
    truth plus the estimate of the noise (computed once for every case).
    """
    totals = np.maximum(0.0, np.floor(truth[design.totals][None, :] + estimated_noise[design.totals] + 0.5))
    errors = {design.totals: totals - truth[design.totals][None, :]}
    for p in design.partitions:
        total = totals[:, design.populations.index(p.population)]
        released = _round_rows(_project_rows(truth[p.name][None, :] + estimated_noise[p.name], total), total)
        errors[p.name] = released - truth[p.name][None, :]
    return errors


def _worst_cases(design: Design) -> list[dict[str, np.ndarray]]:
    """Truths that bound a release's error: all of a population in one cell of each table (for each cell), and
    spread evenly. Clamping at zero then lends to the empty cells what the full one loses, which is the worst
    bias a projection onto fixed totals has; a spread table is the case without any clamping."""
    cases = []
    widest = max((len(p.cells) for p in design.partitions), default=1)
    for hot in [*range(widest), None]:
        truth = {design.totals: np.full(len(design.populations), float(WORST_CASE_REPORTS))}
        for p in design.partitions:
            cells = np.zeros(len(p.cells))
            if hot is None:
                cells[:] = np.floor(WORST_CASE_REPORTS / len(p.cells))
                cells[0] += WORST_CASE_REPORTS - cells.sum()
            else:
                cells[hot % len(p.cells)] = WORST_CASE_REPORTS
            truth[p.name] = cells
        cases.append(truth)
    return cases


def simulated_errors(
    design: Design, epsilon: privacy.EpsilonLike, seed: int = BOUND_SEED
) -> list[dict[str, np.ndarray]]:
    """The whole release's errors in each worst case: [{measured table: draws x cells}], one dict per case.

    The same `BOUND_DRAWS` noise draws (from `seed`) serve every case. Errors are whole numbers (a release is).
    """
    shares = epsilons(design, epsilon)
    rng = np.random.default_rng(seed)
    noise = {}
    for name, cells in design.tables().items():
        success = 1 - math.exp(-1 / privacy.laplace_scale(shares[name]))
        shape = (BOUND_DRAWS, len(cells))
        # The difference of two geometric counts is discrete Laplace.
        noise[name] = (rng.geometric(success, shape) - rng.geometric(success, shape)).astype(float)
    estimated_noise = estimate(design, _variances(design, shares), noise)
    return [
        {name: errors.astype(np.int32) for name, errors in _released_errors(design, estimated_noise, truth).items()}
        for truth in _worst_cases(design)
    ]


def bounds_from_errors(design: Design, published: Published, cases: Sequence[Mapping[str, np.ndarray]]) -> Bounds:
    """The 95% bounds of published cells and totals from simulated errors of the measured tables, case by case.

    Each published cell's bound is its 95% quantile in the worst of the cases; cells made of as many cells of the
    same partitions (alike to the estimator) share the largest of theirs, so that two such cells never show bounds
    that differ by the simulation's chance. (A population's total is like no other.)
    """
    column = {name: {cell: j for j, cell in enumerate(cells)} for name, cells in design.tables().items()}
    result = []
    for name, shown in published.items():
        cell_bounds: dict[str, int] = {}
        total_bound = 0
        for errors in cases:
            draws = len(next(iter(errors.values())))
            cell_errors = {
                cell: sum((errors[table][:, column[table][part]] for table, part in refs), np.zeros(draws))
                for cell, refs in shown.items()
            }
            for cell, values in cell_errors.items():
                cell_bounds[cell] = max(cell_bounds.get(cell, 0), _quantile_bound(values))
            total_bound = max(total_bound, _quantile_bound(sum(cell_errors.values(), np.zeros(draws))))
        alike: dict[tuple[str, ...], list[str]] = {}
        for cell, refs in shown.items():
            kind = tuple(sorted(f"{table}/{part}" if table == design.totals else table for table, part in refs))
            alike.setdefault(kind, []).append(cell)
        bounds: dict[str, int] = {}
        for group in alike.values():
            bounds |= dict.fromkeys(group, max(cell_bounds[cell] for cell in group))
        result.append((name, tuple((cell, bounds[cell]) for cell in shown), total_bound))
    return tuple(result)


@lru_cache(maxsize=32)
def _bounds(design: Design, epsilon: Decimal, published: FrozenPublished) -> Bounds:
    shown = {name: dict(cells) for name, cells in published}
    return bounds_from_errors(design, shown, simulated_errors(design, epsilon))
