"""Distribution metrics over a finite support with a uniform reference, as the paper
scores its number and answer-set tasks (KL to uniform, coverage, precision).

Pure functions: counts in, floats out. An empty count vector has no distribution,
so its statistics are NaN (reported as missing), never a number that looks real.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

Counts = npt.ArrayLike


@dataclass(frozen=True)
class ChiSquare:
    statistic: float
    dof: int
    p_value: float


def chi_square_uniform(counts: Counts) -> ChiSquare:
    """Pearson goodness-of-fit of ``counts`` to the uniform distribution.

    X² = Σ_i (O_i − E)² / E with E = n / K over the K support points,
    dof = K − 1, p = P(χ²_dof ≥ X²) (``scipy.stats.chisquare``).
    """
    observed = np.asarray(counts, dtype=float)
    k = observed.size
    n = observed.sum()
    if n == 0 or k < 2:
        return ChiSquare(float("nan"), max(k - 1, 0), float("nan"))
    result = stats.chisquare(observed, np.full(k, n / k))
    return ChiSquare(float(result.statistic), k - 1, float(result.pvalue))


def kl_from_uniform(counts: Counts) -> float:
    """KL(P ‖ U) in nats, P = counts / Σcounts, U uniform over the K support points.

    KL = Σ_i p_i ln(p_i K) = ln K − H(P); points with p_i = 0 contribute 0.
    """
    observed = np.asarray(counts, dtype=float)
    n = observed.sum()
    if n == 0:
        return float("nan")
    p = observed[observed > 0] / n
    return float(np.sum(p * np.log(p * observed.size)))


def coverage(counts: Counts) -> float:
    """Coverage-N: distinct support points observed / K."""
    observed = np.asarray(counts)
    return float(np.count_nonzero(observed) / observed.size)
