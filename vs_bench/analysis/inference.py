"""Comparisons of two formats whose interval and p-value are one method (test inversion).

Every primary metric has an interval function, level -> (value, lo, hi), checked for
coverage by ``benchmarks/interval_coverage.py``: KL (``stats.kl_estimate``), semantic
diversity (``stats.diversity_estimate``), a metric against a reference distribution
(``reference_interval``) and a rate or score per prompt (``units_interval``); also a
mean over texts grouped by prompt (``clustered_mean_interval``, the creativity index)
and a two-sample KS statistic of pooled values against a fixed reference sample
(``ks_interval``, the donations), not in that benchmark. A comparison
of format a with format b on the same prompts (``compare``):

- difference d = value(a) − value(b), the difference of the reported values;
- interval: MOVER (Zou & Donner 2008) from the two intervals at the same level,
  d ∓ √((θ̂_a − far_a)² + (θ̂_b − far_b)²); with Wilson intervals this is Newcombe's
  hybrid score interval for two rates (Newcombe 1998);
- p-value: the inversion of that interval, p = inf{α : 0 ∉ CI_{1−α}}, found by bisection
  on log α with ``ALPHA`` as the first split, so that "the 95% interval excludes 0" holds
  exactly when p < 0.05. The intervals nest in the level, so the set is one interval.
  p floors at ``P_FLOOR`` (its resolution; printed "< 0.001").

References: Zou, G. Y. & Donner, A. (2008) Stat. Med. 27, 1693-1702. Newcombe, R. G.
(1998) Stat. Med. 17, 873-890. Davison, A. C. & Hinkley, D. V. (1997) Bootstrap Methods
and their Application, §5.2 (the basic interval). Wilson, E. B. (1927) JASA 22, 209-212.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats as sps

from vs_bench.analysis.stats import check_level, diversity_levels, kl_estimate, mover
from vs_bench.metrics.reference_distribution import (
    ModelDistribution,
    chi_square_reference,
    kl_shared_support,
    model_distribution,
    total_variation,
)

FloatArray = npt.NDArray[np.float64]
# level -> (value, lo, hi): a primary metric's interval at any confidence level
Interval = Callable[[float], tuple[float, float, float]]
ALPHA = 0.05  # the verdicts' level (two-sided), applied to Holm-adjusted p-values
LEVEL = 0.95
P_FLOOR = 1e-4  # smallest p reported: the interval at level 1 − 1e-4 still excludes 0
_STEPS = 12  # bisection steps on log α: p to a relative 0.2% (its bracket spans 1e-4..1)
# Resamples of a reference metric's bootstrap (recomputed in Python per resample)
RESAMPLES = 1999
SEED = 0
_NAN = math.nan


@dataclass(frozen=True)
class Comparison:
    """value(a) − value(b), its interval, and the p-value of the same interval's inversion."""

    diff: float
    lo: float
    hi: float
    p: float  # two-sided, >= P_FLOOR; NaN when there is nothing to compare

    @property
    def floored(self) -> bool:
        """p is at its floor: the true inversion is smaller still."""
        return self.p <= P_FLOOR


NAN_COMPARISON = Comparison(_NAN, _NAN, _NAN, _NAN)


def compare(
    a: Interval,
    b: Interval,
    level: float = LEVEL,
    scale: tuple[float, float] = (-math.inf, math.inf),
    with_p: bool = True,
) -> Comparison:
    """a − b with its MOVER interval at ``level`` and the p-value that inverts it.

    ``scale``: the range of the metric (e.g. (0, 100)); the difference lies within ± its
    width. A side's bound that reaches the range is certain, not an estimate: if
    l_b is the metric's least value, θ_a − θ_b ≤ u_a − l_b whenever θ_a ≤ u_a, and the
    difference's bound is that sum, not MOVER's quadrature of half-widths, which counts
    θ̂_b − l_b as noise and undercovers a side biased away from its bound (TV of an ideal
    sampler: 0.05 on average for a true 0).
    ``with_p=False`` leaves p NaN: the inversion evaluates the interval at some 30 levels,
    and whether p < 1 − level is whether the interval excludes 0.
    """
    check_level(level)
    value_a, value_b = a(level)[0], b(level)[0]
    diff = value_a - value_b
    if math.isnan(diff):
        return NAN_COMPARISON
    least, most = scale
    width = most - least

    def interval(at: float) -> tuple[float, float]:
        (va, la, ha), (vb, lb, hb) = a(at), b(at)
        if any(math.isnan(x) for x in (la, ha, lb, hb)):
            return _NAN, _NAN
        lo, hi = mover([va, vb], [(la, ha), (lb, hb)], [1.0, -1.0])
        if lb <= least or ha >= most:
            hi = max(hi, ha - lb)
        if la <= least or hb >= most:
            lo = min(lo, la - hb)
        return max(lo, -width), min(hi, width)

    lo, hi = interval(level)
    if math.isnan(lo):
        return Comparison(diff, _NAN, _NAN, _NAN)

    if not with_p:
        return Comparison(diff, lo, hi, _NAN)

    def excludes(alpha: float) -> bool:
        low, high = interval(1.0 - alpha)
        return not low <= 0.0 <= high

    return Comparison(diff, lo, hi, _invert(excludes, 1.0 - level))


def _invert(excludes: Callable[[float], bool], alpha: float) -> float:
    """inf{α : excludes(α)} for intervals nested in the level; the first split at
    ``alpha`` decides which side of it p lies on, the midpoint of the last bracket is p."""
    if excludes(P_FLOOR):
        return P_FLOOR
    top = 1.0 - 1e-9
    if not excludes(top):
        return 1.0
    low, high = (P_FLOOR, alpha) if excludes(alpha) else (alpha, top)
    for _ in range(_STEPS):
        middle = math.sqrt(low * high)
        low, high = (low, middle) if excludes(middle) else (middle, high)
    return math.sqrt(low * high)


def p_text(p: float) -> str:
    """``p < 0.001``, ``p = 0.004``, ``p = 0.04``, ``p = 0.41`` (never ``p = 0.000``)."""
    if math.isnan(p):
        return "p n/a"
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.3f}" if p < 0.01 else f"p = {p:.2f}"


# ---------------------------------------------------------------------------- rates, scores


def units_interval(values: Sequence[float], rate: bool) -> Interval:
    """The mean of per-prompt (or per-epoch) values and its interval at any level:
    Wilson's score interval for a rate in [0, 1] (exact in coverage terms for 0/1 values,
    conservative for fractions, whose variance is at most μ(1 − μ)), else Student's t;
    NaN bounds for a single value of a score that is not a rate."""
    x = np.asarray([v for v in values if not math.isnan(v)], dtype=np.float64)

    def at(level: float) -> tuple[float, float, float]:
        alpha = check_level(level)
        if not x.size:
            return _NAN, _NAN, _NAN
        mean, n = float(x.mean()), x.size
        if rate:
            z = float(sps.norm.ppf(1.0 - alpha))
            centre = (mean + z * z / (2 * n)) / (1 + z * z / n)
            half = z / (1 + z * z / n) * math.sqrt(
                max(mean * (1 - mean), 0.0) / n + z * z / (4 * n * n))
            return mean, max(min(centre - half, mean), 0.0), min(max(centre + half, mean), 1.0)
        if n < 2:
            return mean, _NAN, _NAN
        half = float(sps.t.ppf(1.0 - alpha, n - 1)) * float(x.std(ddof=1)) / math.sqrt(n)
        return mean, mean - half, mean + half

    return at


def clustered_mean_interval(
    groups: Sequence[Sequence[float]], bounds: tuple[float, float] = (-math.inf, math.inf)
) -> Interval:
    """The mean over every value of ``groups`` (per-text values, grouped by prompt; NaN
    left out) and its interval at any level: Student's t with m − 1 degrees of freedom on
    the cluster-robust standard error of the mean, √(m/(m−1) Σ_p r_p²) / n with r_p the
    sum of prompt p's residuals, for the texts of one prompt are not independent draws.
    With one value per prompt it is Student's t interval over the values; NaN bounds with
    fewer than two prompts. ``bounds``: the range of the values (the interval is clipped
    to it)."""
    kept = [x for x in (np.asarray([v for v in g if not math.isnan(v)], dtype=np.float64)
                        for g in groups) if x.size]
    n, m = sum(x.size for x in kept), len(kept)
    mean = float(np.mean(np.concatenate(kept))) if kept else _NAN
    residuals = np.array([float(np.sum(x - mean)) for x in kept])
    se = math.sqrt(m / (m - 1) * float(np.sum(residuals**2))) / n if m >= 2 else _NAN

    def at(level: float) -> tuple[float, float, float]:
        alpha = check_level(level)
        if m < 2:
            return mean, _NAN, _NAN
        half = float(sps.t.ppf(1.0 - alpha, m - 1)) * se
        return mean, max(mean - half, bounds[0]), min(mean + half, bounds[1])

    return at


# ---------------------------------------------------------------------------- pooled KS

_CHUNK = 256  # resamples per block of the KS bootstrap (memory: block x sample size)


def ks_interval(
    sample: Sequence[float], reference: Sequence[float], seed: int = SEED,
    resamples: int = RESAMPLES,
) -> Interval:
    """The two-sample Kolmogorov-Smirnov statistic D = sup_x |F_sample(x) − F_reference(x)|
    (``scipy.stats.ks_2samp``'s) and its interval at any level, conditional on the
    reference (the human sample is the same for every format compared): the sample
    resampled with replacement (pooled), the basic bootstrap interval up to at least the
    percentile interval's upper bound, clipped at 0, and reaching 0 when the two-sample KS
    test does not reject equal distributions at that level (as ``reference_interval``: 0
    is a boundary that an interval around the estimate alone never reaches)."""
    x = np.asarray(sample, dtype=np.float64)
    ref = np.sort(np.asarray(reference, dtype=np.float64))
    if not x.size or not ref.size:
        return lambda level: (_NAN, _NAN, _NAN)
    # D is attained at a value of the pooled samples: the ECDFs on that grid
    grid = np.unique(np.concatenate([x, ref]))
    f_ref = np.searchsorted(ref, grid, side="right") / ref.size
    where = np.searchsorted(grid, x)

    def statistics(picks: npt.NDArray[np.int64]) -> FloatArray:
        rows = picks.shape[0]
        flat = (where[picks] + grid.size * np.arange(rows)[:, None]).ravel()
        counts = np.bincount(flat, minlength=rows * grid.size).reshape(rows, grid.size)
        found: FloatArray = np.abs(np.cumsum(counts, axis=1) / x.size - f_ref).max(axis=1)
        return found

    value = float(statistics(np.arange(x.size)[None, :])[0])
    rng = np.random.default_rng(seed)
    boot = np.concatenate([
        statistics(rng.integers(0, x.size, size=(min(_CHUNK, resamples - start), x.size)))
        for start in range(0, resamples, _CHUNK)
    ])
    pivot = 2.0 * value - boot
    test_p = float(sps.ks_2samp(x, ref).pvalue)

    def at(level: float) -> tuple[float, float, float]:
        alpha = check_level(level)
        lo, hi = np.quantile(pivot, [alpha, 1.0 - alpha])
        top = float(np.quantile(boot, 1.0 - alpha))
        low = 0.0 if test_p > 2 * alpha else max(min(float(lo), value), 0.0)
        return value, low, min(max(float(hi), top, value), 1.0)

    return at


# ---------------------------------------------------------------------------- reference


@dataclass(frozen=True)
class ReferenceDraws:
    """One prompt's draws against its reference: answer index (−1 invalid), stated
    probability (NaN none) per draw, and the reference distribution."""

    index: npt.NDArray[np.int64]
    stated: FloatArray
    reference: FloatArray

    @property
    def stated_any(self) -> bool:
        return bool(np.any((self.index >= 0) & ~np.isnan(self.stated)))


# the reference metrics a primary can be: key -> value of one prompt's model distribution
REFERENCE_METRICS: dict[str, Callable[[ModelDistribution, FloatArray], float]] = {
    "tv": lambda model, ref: total_variation(model.q, ref),
    "kl_paper": lambda model, ref: kl_shared_support(ref, model.q, model.named),
}


def _reference_value(key: str, draws: ReferenceDraws, pick: npt.NDArray[np.int64] | None) -> float:
    index = draws.index if pick is None else draws.index[pick]
    stated = draws.stated if pick is None else draws.stated[pick]
    model = model_distribution(index, stated, draws.reference.size)
    return REFERENCE_METRICS[key](model, draws.reference) if model.n else _NAN


def _tv_se(draws: ReferenceDraws) -> float:
    """Delta-method standard error of TV from draw frequencies: TV = ½ Σ s_i (q_i − r_i),
    s = sign(q̂ − r), so Var = (Σ s_i² q_i − (Σ s_i q_i)²) / (4n)."""
    valid = draws.index[draws.index >= 0]
    q = np.bincount(valid, minlength=draws.reference.size) / valid.size
    s = np.sign(q - draws.reference)
    return math.sqrt(max(float(np.sum(s * s * q) - np.sum(s * q) ** 2), 0.0) / (4 * valid.size))


def reference_interval(
    key: str, prompts: Sequence[ReferenceDraws], seed: int = SEED, resamples: int = RESAMPLES
) -> Interval:
    """A reference metric (``REFERENCE_METRICS``), mean over prompts, and its interval at
    any level: the basic bootstrap interval (draws, with their stated probabilities,
    resampled within each prompt) up to at least the percentile interval's upper bound,
    for TV from frequencies widened to its delta-method Wald interval, clipped at 0, and
    reaching 0 when the draws state no probabilities and Pearson's X² (summed over
    prompts) does not reject the reference at that level: 0 is a boundary that an
    interval around the estimate alone never reaches."""
    used = [d for d in prompts if np.any(d.index >= 0)]
    if not used:
        return lambda level: (_NAN, _NAN, _NAN)
    rng = np.random.default_rng(seed)
    value = float(np.mean([_reference_value(key, d, None) for d in used]))
    boot = np.zeros(resamples)
    for draws in used:
        n = draws.index.size
        picks = rng.integers(0, n, size=(resamples, n))
        values = np.array([_reference_value(key, draws, pick) for pick in picks])
        boot += np.nan_to_num(values, nan=0.0)  # a resample without a valid draw counts 0
    boot /= len(used)
    pivot = value - (boot - value)  # the basic bootstrap's
    frequencies = not any(d.stated_any for d in used)
    se = math.sqrt(sum(_tv_se(d) ** 2 for d in used)) / len(used) if (
        key == "tv" and frequencies) else 0.0
    tests = [chi_square_reference(np.bincount(d.index[d.index >= 0],
                                              minlength=d.reference.size), d.reference)
             for d in used] if frequencies else []
    dof = sum(t.dof for t in tests)
    gof_p = float(sps.chi2.sf(sum(t.statistic for t in tests), dof)) if dof else 0.0

    def at(level: float) -> tuple[float, float, float]:
        alpha = check_level(level)
        lo, hi = np.quantile(pivot, [alpha, 1.0 - alpha])
        z = float(sps.norm.ppf(1.0 - alpha))
        # near 0 the basic interval reflects the resamples below the value: the percentile
        # upper bound keeps the sampling noise above it
        top = float(np.quantile(boot, 1.0 - alpha))
        lo, hi = min(float(lo), value - z * se), max(float(hi), value + z * se, top)
        if gof_p > 2 * alpha:
            lo = 0.0
        return value, max(min(lo, value), 0.0), max(hi, value)

    return at


# ---------------------------------------------------------------------------- KL, diversity


def kl_interval(counts: Sequence[npt.ArrayLike]) -> Interval:
    """``stats.kl_estimate`` of the counts (one vector per prompt) at any level."""

    def at(level: float) -> tuple[float, float, float]:
        found = kl_estimate(counts, level)
        return found.value, found.lo, found.hi

    return at


def diversity_interval(embeddings: Sequence[npt.ArrayLike]) -> Interval:
    """``stats.diversity_estimate`` of the embeddings (one array per prompt) at any level."""
    levels = diversity_levels(embeddings)

    def at(level: float) -> tuple[float, float, float]:
        found = levels(level)
        return found.value, found.lo, found.hi

    return at
