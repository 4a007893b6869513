"""Intervals, paired tests and their multiplicity correction for the main job's verdict.

Pure functions (arrays in, dataclasses out). Inference is conditional on the prompts: a
run's prompts are fixed, the draws (texts) of each prompt are the random part, assumed
independent. A run-level value is the mean over prompts of the per-prompt value, as in the
scorers. Every method below was chosen by, and is checked by, the simulation in
``benchmarks/interval_coverage.py`` (coverage >= 93% at nominal 95%, false-positive rate
within the binomial bound of 5%).

KL to the uniform reference, prompt j with counts c over its K answers, N = Σc valid draws,
P̂ = c / N, S = answers drawn at least once:

- plug-in  KL̂ = ln K − H(P̂) = Σ p̂ ln(p̂ K), biased upward by about (K − 1)/(2N);
- value    KL_MM = max(0, KL̂ − (S − 1)/(2N)), the Miller–Madow corrected estimate
  (Miller 1955: H_MM = H(P̂) + (S − 1)/(2N)), clipped at 0 because KL >= 0;
- interval the hull of two 95% intervals, each valid in its own regime:
  (a) inversion of the likelihood-ratio statistic G = 2N·KL̂, which is approximately
  noncentral χ²_{K−1}(λ = 2N·KL) (the large-sample power of G², e.g. Agresti 2013), so
  that the interval for λ is {λ : α/2 <= P(χ²_{K−1}(λ) >= G) <= 1 − α/2} (Saxena & Alam
  1982; Kent & Hainsworth 1995), with λ = 0 kept whenever the G test does not reject
  uniformity — KL = 0 is a boundary, and an interval around KL̂ alone never covers it.
  Sparse tables (N/K of a few) make G larger than χ²_{K−1} under uniformity; G is
  shifted by E₀[G] − (K − 1), E₀[G] computed exactly from the Binomial(N, 1/K) counts (a
  one-moment correction in the spirit of Williams 1976). Prompts add: ΣG ~ χ²_{Σ(K_j−1)}(Σλ),
  Σλ = 2 Σ N_j KL_j, bounded by 2·m·N_min·KL̄ and 2·m·N_max·KL̄ for the mean KL̄ of m prompts;
  (b) a Wald interval KL_MM ± z·se, se² = Var_P̂(ln p̂)/N + (S − 1)/(2N²) (delta method
  plus the χ² term), clipped at 0: it covers far from uniform, where (a) relies on the
  noncentral approximation. The value always lies inside (b), so inside the interval.

Comparisons of two formats (difference, its MOVER interval and the p-value that inverts
it, so that the interval excludes 0 exactly when p < 0.05) are
``vs_bench.analysis.inference.compare``'s.

Semantic diversity (``vs_bench.metrics.embedding.semantic_diversity``) of a prompt is a
U-statistic (Hoeffding 1948) of the pairwise distance h = 100·(1 − clip(cos, 0, 1)). Its
interval is the hull of (a) the jackknife-t interval, U ± t_{n−1}·se, se² the leave-one-out
jackknife variance (Arvesen 1969; conservative, Efron & Stein 1981), and (b) the jackknife
empirical-likelihood interval (Jing, Yuan & Zhou 2009; F-calibrated, Owen 2001), whose
−2 log R is tabulated once per prompt (only its critical value depends on the level) and
whose bounds err wide by at most 2^-20 of the distance from the mean to the edge. (a) alone
covered about 93% for 30 texts of a collapsed sampler, where the estimate and its standard
error fall together; (b) adapts to that skew. Prompts, and the two sides of a difference,
are combined by MOVER (Zou & Donner 2008).

Several comparisons in a run: Holm's step-down adjustment (Holm 1979).

References: Miller, G. A. (1955) Note on the bias of information estimates. Agresti, A.
(2013) Categorical Data Analysis, 3rd ed. Saxena, K. M. L. & Alam, K. (1982) Ann. Statist.
10, 1012-1016. Kent, J. T. & Hainsworth, T. J. (1995) J. Stat. Plann. Inference 46,
147-159. Williams, D. A. (1976) Biometrika 63, 33-37. Zou, G. Y. & Donner, A. (2008) Stat.
Med. 27, 1693-1702.
Hoeffding, W. (1948) Ann. Math. Statist. 19, 293-325. Arvesen, J. N. (1969) Ann. Math.
Statist. 40, 2076-2100. Efron, B. & Stein, C. (1981) Ann. Statist. 9, 586-596. Jing,
B.-Y., Yuan, J. & Zhou, W. (2009) J. Amer. Statist. Assoc. 104, 1224-1232. Owen, A. B.
(2001) Empirical Likelihood. Holm, S. (1979) Scand. J. Statist. 6, 65-70.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from scipy import special, stats

from vs_bench.analysis.empirical_likelihood import ElIntervals
from vs_bench.errors import VsBenchError

# The scorers' functions, one formula for the logged keys and the verdict: the plug-in
# KL̂ = Σ p̂ ln(p̂ K) (the scorer's ``kl``) and KL̂ − (S − 1)/(2N) unclipped (``kl_mm``);
# ``kl_estimate`` clips its reported value at 0, the scorer's key stays unclipped.
from vs_bench.metrics.distribution import kl_from_uniform as plugin_kl
from vs_bench.metrics.distribution import kl_mm as miller_madow_kl
from vs_bench.metrics.embedding import SCALE, semantic_diversity

FloatArray = npt.NDArray[np.float64]
_NAN = math.nan


@dataclass(frozen=True)
class Estimate:
    """A run-level value with its interval; NaN throughout when there is nothing to measure."""

    value: float  # the reported point estimate, inside [lo, hi]
    lo: float
    hi: float
    n: int  # valid draws (KL) or texts (diversity) used
    prompts: int = 0  # prompts used


_NAN_ESTIMATE = Estimate(_NAN, _NAN, _NAN, 0, 0)


def check_level(level: float) -> float:
    if not 0.0 < level < 1.0:
        raise VsBenchError(f"confidence level {level} is not in (0, 1): pass e.g. 0.95")
    return (1.0 - level) / 2.0


def _count_rows(counts: Sequence[npt.ArrayLike]) -> list[npt.NDArray[np.int64]]:
    rows = []
    for index, raw in enumerate(counts):
        row = np.asarray(raw, dtype=np.float64)
        if row.ndim != 1 or row.size == 0:
            raise VsBenchError(
                f"counts of prompt {index} have shape {row.shape}: pass one count per answer"
            )
        if not np.all(np.isfinite(row)) or np.any(row < 0) or np.any(row != np.round(row)):
            raise VsBenchError(
                f"counts of prompt {index} are not non-negative integers: pass draw counts"
            )
        rows.append(row.astype(np.int64))
    return rows


@lru_cache(maxsize=256)
def null_mean_g(n: int, k: int) -> float:
    """E[G] for N draws from the uniform over K answers, exactly.

    G = 2 Σ_i c_i ln(c_i K / N) and each c_i ~ Binomial(N, 1/K), so
    E[G] = 2K Σ_c P(c) c ln(cK/N). Tends to K − 1 (the χ² mean) as N/K grows.
    """
    c = np.arange(n + 1, dtype=np.float64)
    pmf = stats.binom.pmf(c, n, 1.0 / k)
    return 2.0 * k * float(np.sum(pmf * special.xlogy(c, c * k / n)))


def _noncentrality_bounds(g: float, df: float, alpha: float) -> tuple[float, float]:
    """The (1 − 2α) interval for λ of G ~ χ²_df(λ), by inverting the cdf in λ.

    A bound is 0 where even λ = 0 cannot reach it (G is small for that tail).
    """
    if df <= 0:
        return 0.0, 0.0
    g = max(g, 0.0)
    at_zero = float(stats.chi2.cdf(g, df))
    lo = float(special.chndtrinc(g, df, 1.0 - alpha)) if at_zero > 1.0 - alpha else 0.0
    hi = float(special.chndtrinc(g, df, alpha)) if at_zero > alpha else 0.0
    return lo, hi


def _log_variance(row: npt.NDArray[np.int64]) -> float:
    """Var over P̂ of ln p̂ (the delta-method variance of KL̂ times N)."""
    p = row[row > 0] / row.sum()
    log_p = np.log(p)
    return max(float(np.sum(p * log_p**2) - np.sum(p * log_p) ** 2), 0.0)


def kl_estimate(counts: Sequence[npt.ArrayLike], level: float = 0.95) -> Estimate:
    """Miller–Madow KL to the uniform over prompts, with an interval that holds its level.

    ``counts``: one vector per prompt over its K answers (valid draws only). Prompts with no
    valid draw are ignored; with none left, every field is NaN. Value = max(0, mean over
    prompts of KL̂_j − (S_j − 1)/(2N_j)); interval = hull of the G-test inversion and the
    Wald interval (module docstring).
    """
    alpha = check_level(level)
    rows = [r for r in _count_rows(counts) if r.sum() > 0]
    if not rows:
        return _NAN_ESTIMATE
    m = len(rows)
    n = np.array([r.sum() for r in rows], dtype=np.float64)
    k = np.array([r.size for r in rows])
    mm = float(np.mean([miller_madow_kl(r) for r in rows]))
    # (a) summed, sparse-corrected G inverted for Σλ = 2 Σ N_j KL_j
    g = 2.0 * n * np.array([plugin_kl(r) for r in rows])
    shift = np.array([null_mean_g(int(nj), int(kj)) for nj, kj in zip(n, k, strict=True)]) - (k - 1)
    lam_lo, lam_hi = _noncentrality_bounds(float(np.sum(g - shift)), float(np.sum(k - 1)), alpha)
    lo_a, hi_a = lam_lo / (2.0 * m * n.max()), lam_hi / (2.0 * m * n.min())
    # (b) Wald around the corrected mean
    counts_nz = np.array([np.count_nonzero(r) for r in rows])
    var_terms = np.array([_log_variance(r) for r in rows]) / n + (counts_nz - 1) / (2.0 * n**2)
    se = math.sqrt(float(np.sum(var_terms))) / m
    z = float(stats.norm.ppf(1.0 - alpha))
    lo_b, hi_b = max(mm - z * se, 0.0), max(mm + z * se, 0.0)
    return Estimate(max(mm, 0.0), float(min(lo_a, lo_b)), float(max(hi_a, hi_b)), int(n.sum()), m)


def mover(
    values: Sequence[float], intervals: Sequence[tuple[float, float]], weights: Sequence[float]
) -> tuple[float, float]:
    """Interval of Σ w_j θ_j from intervals [l_j, u_j] around estimates θ̂_j (MOVER, Zou &
    Donner 2008): Σ w_j θ̂_j ∓ √(Σ w_j² (θ̂_j − far_j)²), far_j the bound on the side of
    the bound sought (l_j below for w_j > 0, u_j for w_j < 0, and conversely above).
    """
    centre = sum(w * v for w, v in zip(weights, values, strict=True))
    below = above = 0.0
    for w, v, (lo, hi) in zip(weights, values, intervals, strict=True):
        below += (w * (v - lo if w > 0 else hi - v)) ** 2
        above += (w * (hi - v if w > 0 else v - lo)) ** 2
    return centre - math.sqrt(below), centre + math.sqrt(above)


def _embedding_rows(embeddings: Sequence[npt.ArrayLike]) -> list[FloatArray]:
    rows = []
    for index, raw in enumerate(embeddings):
        row = np.asarray(raw, dtype=np.float64)
        if row.ndim != 2 or not np.all(np.isfinite(row)):
            raise VsBenchError(
                f"embeddings of prompt {index} have shape {row.shape} or non-finite values: "
                "pass one finite row per text"
            )
        rows.append(row)
    return rows


def pairwise_distances(vectors: npt.ArrayLike) -> FloatArray:
    """h_ij = 100·(1 − clip(cos(v_i, v_j), 0, 1)), 0 on the diagonal.

    The kernel of ``semantic_diversity``, whose value is the mean of h over pairs i < j.
    """
    rows = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    unit = rows / np.where(norms > 0, norms, 1.0)
    h = SCALE * (1.0 - np.clip(unit @ unit.T, 0.0, 1.0))
    np.fill_diagonal(h, 0.0)
    return np.asarray(h)


def _pseudo_values(h: FloatArray) -> FloatArray:
    """Jackknife pseudo-values of the mean of h over pairs: V_i = n·U − (n − 1)·U₍₋ᵢ₎,
    U₍₋ᵢ₎ = (T − r_i)/C(n − 1, 2), T = Σ_{i<j} h_ij, r_i = Σ_j h_ij. Their mean is U."""
    n = h.shape[0]
    total = h.sum() / 2.0
    return np.asarray(
        n * total / math.comb(n, 2) - (n - 1) * (total - h.sum(axis=1)) / math.comb(n - 1, 2)
    )


def _prompt_parts(h: FloatArray) -> tuple[float, FloatArray | None, float]:
    """Semantic diversity of one prompt (from its distance matrix), its jackknife
    pseudo-values and standard error (None, NaN below 3 texts): what its interval needs
    at any level."""
    n = h.shape[0]
    value = float(h.sum() / (n * (n - 1)))
    if n < 3:
        return value, None, _NAN
    v = _pseudo_values(h)
    return value, v, float(np.std(v, ddof=1)) / math.sqrt(n)  # the jackknife standard error


def diversity_levels(embeddings: Sequence[npt.ArrayLike]) -> Callable[[float], Estimate]:
    """``diversity_estimate`` of ``embeddings`` at any level, the per-prompt distances,
    pseudo-values and empirical likelihood ratios computed once (a comparison's p-value
    evaluates many levels). Per prompt, the hull of the jackknife-t and the jackknife
    empirical likelihood intervals, in [0, 100]; NaN bounds below 3 texts; the value alone
    when every text is alike (se 0)."""
    rows = [r for r in _embedding_rows(embeddings) if r.shape[0] >= 2]
    parts = [_prompt_parts(pairwise_distances(row)) for row in rows]
    values = [semantic_diversity(row) for row in rows]  # the scorer's figure (equal)
    m, n = len(rows), sum(len(r) for r in rows)
    spread = [(value, v, se) for value, v, se in parts if v is not None and se > 0.0]
    likelihood = ElIntervals([v for _, v, _ in spread]) if spread else None
    sizes = np.array([v.size for _, v, _ in spread], dtype=np.float64)

    def at(level: float) -> Estimate:
        alpha = check_level(level)
        if not rows:
            return _NAN_ESTIMATE
        el = likelihood.bounds(alpha) if likelihood is not None else np.zeros((0, 2))
        halves = special.stdtrit(sizes - 1.0, 1.0 - alpha) * [se for _, _, se in spread]
        hulls = iter(
            (max(min(value - half, lo), 0.0), min(max(value + half, hi), SCALE))
            for (value, _, _), half, (lo, hi) in zip(spread, halves, el, strict=True)
        )
        intervals = [
            (_NAN, _NAN) if v is None else (value, value) if se == 0.0 else next(hulls)
            for value, v, se in parts
        ]
        lo, hi = mover(values, intervals, [1.0 / m] * m)
        return Estimate(float(np.mean(values)), max(lo, 0.0), min(hi, SCALE), n, m)

    return at


def diversity_estimate(
    embeddings: Sequence[npt.ArrayLike], level: float = 0.95, seed: int = 0
) -> Estimate:
    """Mean over prompts of semantic diversity, with an interval over the texts.

    ``embeddings``: one (N_j × d) array per prompt. Prompts with fewer than 2 texts are
    ignored; the interval is NaN when a used prompt has fewer than 3. Per prompt, the hull
    of the jackknife-t and jackknife empirical likelihood intervals; over prompts, MOVER.
    Deterministic: ``seed`` is accepted for a signature common to all.
    """
    del seed
    return diversity_levels(embeddings)(level)


def holm(pvalues: Sequence[float]) -> list[float]:
    """Holm–Bonferroni adjusted p-values (Holm 1979), in the input order.

    Sorted ascending p₍₁₎ <= … <= p₍ₘ₎ over the m non-NaN values:
    p̃₍ᵢ₎ = min(1, max_{j<=i} (m − j + 1)·p₍ⱼ₎). NaN (no comparison) stays NaN and does not
    count in m. Rejecting where p̃ <= α controls the family-wise error rate at α.
    """
    p = np.asarray(pvalues, dtype=np.float64).reshape(-1)
    known = np.flatnonzero(~np.isnan(p))
    if np.any((p[known] < 0) | (p[known] > 1)):
        raise VsBenchError("holm: p-values must lie in [0, 1]: pass probabilities")
    order = known[np.argsort(p[known], kind="stable")]
    m = order.size
    adjusted = np.full(p.shape, _NAN)
    adjusted[order] = np.minimum(np.maximum.accumulate((m - np.arange(m)) * p[order]), 1.0)
    return [float(x) for x in adjusted]
