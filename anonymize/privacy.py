"""Differential privacy for published statistics: noisy counts, their error bounds, a budget.

Pure functions over plain numbers. The privacy unit is one report: each report (with its
follow-ups) falls in exactly one cell of a breakdown, so adding or removing a report moves a
breakdown by at most 1 in L1 distance. Counts are noised with OpenDP's discrete Laplace
mechanism (`make_laplace` on integers); medians use OpenDP's noisy max over the median
scores of fixed candidate buckets. Everything after the mechanisms (clamping, totals, "<10") is
post-processing and costs no privacy. A period's counts are released together, consistent across
tables, by anonymize.consistent; `release_breakdown` noises one table alone (the design before
issue 17, which the error benchmark keeps as its baseline).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeAlias

import opendp.prelude as dp
from opendp.accuracy import discrete_laplacian_scale_to_accuracy

dp.enable_features("contrib")

DISPLAY_THRESHOLD = 10
CONFIDENCE = 0.95
# Sensitivity of one breakdown of reports: a report sits in exactly one cell.
BREAKDOWN_SENSITIVITY = 1
# An epsilon as callers hold it: a decimal, a number from the settings, or its text; as_epsilon takes all three.
EpsilonLike: TypeAlias = Decimal | float | str


class BudgetExceeded(Exception):
    """The release would spend more epsilon than the period has left."""


def as_epsilon(value: EpsilonLike) -> Decimal:
    """Epsilons are kept as decimals, so ten releases of 0.1 add up to exactly 1.0."""
    epsilon = Decimal(str(value))
    if not epsilon.is_finite() or epsilon <= 0:
        raise ValueError("epsilon must be a positive number")
    return epsilon


@dataclass(frozen=True)
class Budget:
    """A period's epsilon budget and what has been spent of it."""

    total: Decimal
    spent: Decimal = Decimal(0)

    @property
    def remaining(self) -> Decimal:
        return self.total - self.spent

    def charge(self, epsilon: EpsilonLike) -> Budget:
        """Return the budget after spending `epsilon`, or raise BudgetExceeded."""
        epsilon = as_epsilon(epsilon)
        if epsilon > self.remaining:
            raise BudgetExceeded(
                f"this release needs epsilon {epsilon}, but only {self.remaining} of the period's {self.total} is left"
            )
        return Budget(total=self.total, spent=self.spent + epsilon)


def split(epsilon: EpsilonLike, weights: Mapping[str, int]) -> dict[str, Decimal]:
    """Split an epsilon over named statistics in proportion to integer weights (exactly, in decimals)."""
    epsilon = as_epsilon(epsilon)
    total = sum(weights.values())
    if total <= 0 or any(w <= 0 for w in weights.values()):
        raise ValueError("weights must be positive")
    shares = {name: epsilon * weight / total for name, weight in weights.items()}
    # Round down to 6 places so the shares never add up to more than the whole.
    return {name: share.quantize(Decimal("0.000001"), rounding="ROUND_DOWN") for name, share in shares.items()}


def laplace_scale(epsilon: EpsilonLike, sensitivity: int = BREAKDOWN_SENSITIVITY) -> float:
    """The discrete Laplace scale that gives `epsilon` for a query of this L1 sensitivity."""
    return sensitivity / float(as_epsilon(epsilon))


def count_mechanism(cells: int, epsilon: EpsilonLike, sensitivity: int = BREAKDOWN_SENSITIVITY) -> dp.Measurement:
    """OpenDP's discrete Laplace over a vector of `cells` counts, checked to cost at most `epsilon`."""
    measurement = dp.m.make_laplace(
        dp.vector_domain(dp.atom_domain(T=int), size=cells),
        dp.l1_distance(T=int),
        scale=laplace_scale(epsilon, sensitivity),
    )
    # opendp's Measurement.map is unannotated.
    if measurement.map(sensitivity) > float(as_epsilon(epsilon)) * (1 + 1e-9):  # type: ignore[no-untyped-call]
        raise ValueError("the mechanism would exceed its epsilon")
    return measurement


def error_bound(scale: float, confidence: float = CONFIDENCE) -> int:
    """The noise magnitude a cell stays within with the given confidence (OpenDP's accuracy formula)."""
    accuracy: float = discrete_laplacian_scale_to_accuracy(scale, 1 - confidence)
    return math.ceil(accuracy)


@dataclass(frozen=True)
class NoisyBreakdown:
    """A released breakdown: non-negative integer cells, their total, and how they were made."""

    cells: dict[str, int]
    total: int
    epsilon: Decimal
    scale: float
    bound: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "cells": self.cells,
            "total": self.total,
            "epsilon": str(self.epsilon),
            "scale": self.scale,
            "error_bound_95": self.bound,
        }


def post_process(noisy: Mapping[str, int]) -> tuple[dict[str, int], int]:
    """Clamp noisy integer cells at zero and total them, so the published total is the sum of the cells."""
    cells = {name: max(0, int(value)) for name, value in noisy.items()}
    return cells, sum(cells.values())


def release_breakdown(
    counts: Mapping[str, int], epsilon: EpsilonLike, sensitivity: int = BREAKDOWN_SENSITIVITY
) -> NoisyBreakdown:
    """Noise every cell of a breakdown (all categories listed, zeros included) and post-process it."""
    names = list(counts)
    if not names:
        raise ValueError("a breakdown needs at least one cell")
    if any(int(v) < 0 for v in counts.values()):
        raise ValueError("counts cannot be negative")
    measurement = count_mechanism(len(names), epsilon, sensitivity)
    noisy = measurement([int(counts[name]) for name in names])
    cells, total = post_process(dict(zip(names, noisy, strict=True)))
    scale = laplace_scale(epsilon, sensitivity)
    return NoisyBreakdown(cells=cells, total=total, epsilon=as_epsilon(epsilon), scale=scale, bound=error_bound(scale))


def suppressed(value: int, threshold: int = DISPLAY_THRESHOLD) -> bool:
    """The one suppression rule: a noisy count under the threshold is not shown (table, chart, CSV and JSON alike)."""
    return value < threshold


def display(value: int, threshold: int = DISPLAY_THRESHOLD) -> str:
    """How a noisy count is shown: values under the threshold are "<10"."""
    return f"<{threshold}" if suppressed(value, threshold) else str(value)


def quantile_scores(histogram: Mapping[int, int], candidates: Sequence[int]) -> list[int]:
    """OpenDP's median scores, |#values below c - #values above c| per candidate, from a histogram.

    The same numbers as `make_quantile_score_candidates` with alpha=1/2 (a unit test checks it),
    computed from counts, so a million durations need not cross into OpenDP one by one.
    """
    values = sorted(histogram)
    scores = []
    for candidate in candidates:
        below = sum(histogram[v] for v in values if v < candidate)
        above = sum(histogram[v] for v in values if v > candidate)
        scores.append(abs(below - above))
    return scores


def _check_candidates(candidates: Sequence[int]) -> None:
    if len(candidates) < 2 or list(candidates) != sorted(set(candidates)):
        raise ValueError("candidates must be at least two increasing values")


def private_median_from_histogram(histogram: Mapping[int, int], candidates: Sequence[int], epsilon: EpsilonLike) -> int:
    """A differentially private median among fixed candidates, from a histogram of integer values.

    One report adds or removes one value, which moves every score by at most 1 (L-infinity
    sensitivity 1, in either direction). OpenDP's noisy max (permute-and-flip) picks the lowest
    score with its scale searched so that the measurement costs at most `epsilon`.
    """
    _check_candidates(candidates)
    scores = quantile_scores(histogram, candidates)
    target = float(as_epsilon(epsilon))

    def build(scale: float) -> dp.Measurement:
        return dp.m.make_noisy_max(
            dp.vector_domain(dp.atom_domain(T="u64")),
            dp.linf_distance(T="u64"),
            dp.max_divergence(),
            scale=scale,
            negate=True,
        )

    scale = dp.binary_search_param(build, d_in=1, d_out=target)
    measurement = build(scale)
    if measurement.map(1) > target * (1 + 1e-9):  # type: ignore[no-untyped-call]  # opendp's map is unannotated
        raise ValueError("the mechanism would exceed its epsilon")
    return int(candidates[measurement(scores)])


def private_median(values: Sequence[int], candidates: Sequence[int], epsilon: EpsilonLike) -> int:
    """A differentially private median of integer values among fixed candidate buckets."""
    _check_candidates(candidates)
    histogram: dict[int, int] = {}
    for value in values:
        histogram[int(value)] = histogram.get(int(value), 0) + 1
    return private_median_from_histogram(histogram, candidates, epsilon)
