"""Distribution metrics against a non-uniform reference distribution (pure functions).

Inputs per prompt: R, the reference distribution over the K answers (all positive);
the model's distribution Q over the same K answers; the count vector of the valid
draws; and which answers the model named at all. Q is the verbalized distribution
when the draws state probabilities (the mean stated probability of each answer,
renormalised, ``calibration.verbalized_distribution``), else the empirical one
(counts / n).

- ``kl_reference`` = KL(R ‖ Q̃) in nats over all K answers, the direction of the
  paper's pretraining probe. Q̃ is Q smoothed with α = ½ pseudo-count per answer
  (Krichevsky-Trofimov), Q̃(a) = (n·Q(a) + α) / (n + α·K), n = valid draws; for the
  empirical Q this is the add-½ estimate (c_a + ½) / (n + K/2). Finite for every Q.
- ``kl_model`` = KL(Q ‖ R), unsmoothed (finite: R is positive everywhere).
- ``kl_paper`` = the paper authors' lenient KL(R ‖ Q) over the answers both sides
  name only: add ε = 1e-10 to both, renormalise both over those answers, Σ r ln(r/q).
  0 when the model names all answers in proportion, whatever it leaves out.
- ``tv`` = ½ Σ |Q − R|.
- chi-square: Pearson's X² of the valid draw counts against the expected counts
  n·R, dof K − 1 (``scipy.stats.chisquare`` with ``f_exp``).

Every value is NaN when there is no valid draw.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

from vs_bench.metrics.calibration import verbalized_distribution
from vs_bench.metrics.distribution import ChiSquare

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

SMOOTHING = 0.5  # pseudo-count per answer of the smoothed model distribution
PAPER_EPSILON = 1e-10  # the authors' additive constant in the lenient KL


@dataclass(frozen=True)
class ModelDistribution:
    """The model's distribution over the K answers and how it was obtained."""

    q: FloatArray  # sums to 1 (all zeros when there is no valid draw)
    counts: IntArray  # valid draws per answer
    named: npt.NDArray[np.bool_]  # answers drawn at least once
    verbalized: bool  # from stated probabilities (else the empirical frequencies)

    @property
    def n(self) -> int:
        return int(self.counts.sum())


def model_distribution(
    answers: IntArray, probabilities: FloatArray, size: int
) -> ModelDistribution:
    """Q from per-draw answer indices (−1 = invalid) and stated probabilities (NaN = none).

    Verbalized when any valid draw states a positive probability, else empirical.
    """
    answers = np.asarray(answers, dtype=np.int64)
    probabilities = np.asarray(probabilities, dtype=float)
    valid = answers >= 0
    counts = np.bincount(answers[valid], minlength=size).astype(np.int64)
    verbalized = verbalized_distribution(answers, probabilities, size)
    if verbalized.sum() > 0:
        return ModelDistribution(verbalized, counts, counts > 0, True)
    n = counts.sum()
    q = counts / n if n else np.zeros(size)
    return ModelDistribution(q.astype(float), counts, counts > 0, False)


def smoothed(q: FloatArray, n: int, alpha: float = SMOOTHING) -> FloatArray:
    """Q̃(a) = (n·Q(a) + α) / (n + α·K): ``alpha`` pseudo-draws spread over every answer."""
    q = np.asarray(q, dtype=float)
    return (n * q + alpha) / (n + alpha * q.size)


def kl_divergence(p: FloatArray, q: FloatArray) -> float:
    """KL(P ‖ Q) = Σ p ln(p/q) in nats (``scipy.stats.entropy``; inf where q = 0 < p)."""
    # clipped: rounding leaves −1e-17 for P = Q, which would print as −0.000
    return max(0.0, float(stats.entropy(p, q)))


def total_variation(p: FloatArray, q: FloatArray) -> float:
    """TV(P, Q) = ½ Σ |p − q|."""
    return float(0.5 * np.abs(np.asarray(p, dtype=float) - np.asarray(q, dtype=float)).sum())


def kl_shared_support(
    reference: FloatArray,
    model: FloatArray,
    named: npt.NDArray[np.bool_],
    epsilon: float = PAPER_EPSILON,
) -> float:
    """The paper's lenient KL(R ‖ Q) over the answers the model named (R names all).

    r, q ← (r + ε, q + ε) on the named answers, each renormalised; Σ r ln(r/q).
    NaN when the model named none.
    """
    shared = np.asarray(named, dtype=bool)
    if not shared.any():
        return float("nan")
    r = np.asarray(reference, dtype=float)[shared] + epsilon
    q = np.asarray(model, dtype=float)[shared] + epsilon
    r, q = r / r.sum(), q / q.sum()
    return max(0.0, float(np.sum(r * np.log(r / q))))


def chi_square_reference(counts: npt.ArrayLike, reference: FloatArray) -> ChiSquare:
    """Pearson's X² = Σ (O − nR)² / (nR) of the counts against the reference, dof K − 1."""
    observed = np.asarray(counts, dtype=float)
    k, n = observed.size, observed.sum()
    if n == 0 or k < 2:
        return ChiSquare(float("nan"), max(k - 1, 0), float("nan"))
    expected = n * np.asarray(reference, dtype=float) / np.sum(reference)
    result = stats.chisquare(observed, expected)
    return ChiSquare(float(result.statistic), k - 1, float(result.pvalue))


def reference_scores(model: ModelDistribution, reference: FloatArray) -> dict[str, float]:
    """Every reference-distribution metric of one prompt (NaN without a valid draw)."""
    nan = float("nan")
    chi2 = chi_square_reference(model.counts, reference)
    if model.n == 0:
        return {
            "kl_reference": nan,
            "kl_paper": nan,
            "kl_model": nan,
            "tv": nan,
            "chi2": nan,
            "chi2_dof": float(chi2.dof),
            "chi2_p": nan,
        }
    return {
        "kl_reference": kl_divergence(reference, smoothed(model.q, model.n)),
        "kl_paper": kl_shared_support(reference, model.q, model.named),
        "kl_model": kl_divergence(model.q, reference),
        "tv": total_variation(model.q, reference),
        "chi2": float(chi2.statistic),
        "chi2_dof": float(chi2.dof),
        "chi2_p": float(chi2.p_value),
    }
