"""Calibration of verbalized probabilities over a finite answer set (pure functions).

Inputs are per candidate: the answer-group index (−1 when the text is invalid) and
the probability the model stated for it (NaN when it stated none); plus a target
distribution x over the K groups (the empirical frequencies of the N draws, or the
reference distribution).

The verbalized distribution q is the mean stated probability of each group that was
stated at least once, renormalised over those groups:

    s(a) = mean{p_c : a_c = a},   q(a) = s(a) / Σ_b s(b).

Against a target x:

- KL(q ‖ x) = Σ_a q(a) ln(q(a) / x(a)) (nats; ``scipy.stats.entropy``). Finite for the
  empirical target (every stated group was drawn) and for a full-support reference.
- TV(q, x) = ½ Σ_a |q(a) − x(a)|.
- ECE: the stated p_c, binned into ``bins`` equal-width bins on [0, 1], against the
  target probability x(a_c) of the stated answer:
  ECE = Σ_b (n_b / n) |mean_{c∈b} p_c − mean_{c∈b} x(a_c)|.
- Brier = mean_c (p_c − x(a_c))².

ECE and Brier use the raw stated numbers; KL and TV the renormalised q.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Calibration:
    kl: float
    tv: float
    ece: float
    brier: float


def verbalized_distribution(answers: IntArray, probabilities: FloatArray, size: int) -> FloatArray:
    """q over the K groups from the stated probabilities of valid candidates.

    All zeros when no valid candidate states a positive probability.
    """
    keep = (answers >= 0) & ~np.isnan(probabilities)
    sums = np.bincount(answers[keep], weights=probabilities[keep], minlength=size)
    stated = np.bincount(answers[keep], minlength=size)
    means = np.divide(sums, stated, out=np.zeros(size), where=stated > 0)
    total = means.sum()
    return means / total if total > 0 else means


def empirical_distribution(answers: IntArray, size: int) -> FloatArray:
    """x(a) = the share of group a among the valid candidates (index >= 0), the empirical
    target; NaN throughout when no candidate is valid."""
    counts = np.bincount(answers[answers >= 0], minlength=size).astype(float)
    total = counts.sum()
    return counts / total if total else np.full(size, np.nan)


def expected_calibration_error(stated: FloatArray, target: FloatArray, bins: int = 10) -> float:
    """ECE of stated probabilities against target probabilities (equal-width bins)."""
    if stated.size == 0:
        return float("nan")
    index = np.minimum((stated * bins).astype(np.int64), bins - 1)
    count = np.bincount(index, minlength=bins)
    gap = np.abs(
        np.bincount(index, weights=stated, minlength=bins)
        - np.bincount(index, weights=target, minlength=bins)
    )
    # Σ_b (n_b/n)|mean_b stated − mean_b target| = Σ_b |Σ_b stated − Σ_b target| / n
    return float(gap[count > 0].sum() / stated.size)


def calibration(
    answers: IntArray, probabilities: FloatArray, target: FloatArray, bins: int = 10
) -> Calibration:
    """KL, TV, ECE and Brier of the stated probabilities against ``target``."""
    nan = float("nan")
    keep = (answers >= 0) & ~np.isnan(probabilities)
    if not keep.any():
        return Calibration(nan, nan, nan, nan)
    q = verbalized_distribution(answers, probabilities, target.size)
    stated, expected = probabilities[keep], target[answers[keep]]
    return Calibration(
        kl=float(stats.entropy(q, target)) if q.sum() > 0 else nan,
        tv=float(0.5 * np.abs(q - target).sum()) if q.sum() > 0 else nan,
        ece=expected_calibration_error(stated, expected, bins),
        brier=float(np.mean((stated - expected) ** 2)),
    )


def probability_sums(calls: IntArray, probabilities: FloatArray) -> FloatArray:
    """Σ of the raw stated probabilities of each call (calls stating none are skipped)."""
    keep = ~np.isnan(probabilities)
    if not keep.any():
        return np.zeros(0)
    ids, inverse = np.unique(calls[keep], return_inverse=True)
    return np.bincount(inverse, weights=probabilities[keep], minlength=ids.size).astype(float)
