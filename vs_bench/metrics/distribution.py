"""Distribution metrics over a finite support with a uniform reference, as the paper
scores its number and answer-set tasks (KL to uniform, coverage, precision), and the
small-sample estimators beside them (Miller-Madow KL, Hill numbers, Chao1, sample
coverage, rarefaction).

Pure functions: counts in, floats out. An empty count vector has no distribution,
so its statistics are NaN (reported as missing), never a number that looks real.
The estimators take counts over the last axis (a 1-D vector gives a float, a 2-D
array of many count vectors one value per row), N = Σ counts, S_obs = the number of
answers drawn at least once, f_j = the number of answers drawn exactly j times.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special, stats

Counts = npt.ArrayLike
FloatOrArray = float | npt.NDArray[np.float64]
Z_95 = 1.96  # two-sided 95% normal quantile, rounded as in EstimateS and scikit-bio


def _as_counts(counts: Counts) -> npt.NDArray[np.float64]:
    observed = np.asarray(counts, dtype=float)
    if observed.ndim == 0 or observed.shape[-1] == 0:
        raise ValueError("counts: pass a vector (or rows) of counts over the support")
    return observed


def _out(values: npt.NDArray[np.float64]) -> FloatOrArray:
    return float(values) if values.ndim == 0 else values


def _frequencies(observed: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """p = counts / N along the last axis; NaN rows where N = 0."""
    n = observed.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, observed / np.where(n > 0, n, 1.0), np.nan)


@dataclass(frozen=True)
class ChiSquare:
    """Pearson's X², its degrees of freedom and upper-tail p (floats, or arrays for rows)."""

    statistic: FloatOrArray
    dof: int
    p_value: FloatOrArray  # upper tail P(χ²_dof >= X²): small when the draws are collapsed

    @property
    def p_under(self) -> FloatOrArray:
        """Lower tail P(χ²_dof <= X²): small when the counts are too even for
        independent draws (e.g. a list that names each answer once)."""
        return _out(np.asarray(stats.chi2.cdf(self.statistic, self.dof), dtype=float))


def chi_square_uniform(counts: Counts) -> ChiSquare:
    """Pearson goodness-of-fit of ``counts`` to the uniform distribution, per row.

    X² = Σ_i (O_i − E)² / E with E = N / K over the K support points,
    dof = K − 1, p = P(χ²_dof ≥ X²) (``scipy.stats.chisquare``); NaN for a row
    with N = 0 and for K < 2.
    """
    observed = _as_counts(counts)
    k = observed.shape[-1]
    n = observed.sum(axis=-1, keepdims=True)
    if k < 2:
        nan = _out(np.full(observed.shape[:-1], np.nan))
        return ChiSquare(nan, max(k - 1, 0), nan)
    drawn = n > 0
    # a row without draws is tested as all ones (scipy needs equal sums), then set to NaN
    expected = np.broadcast_to(np.where(drawn, n, k) / k, observed.shape)
    result = stats.chisquare(np.where(drawn, observed, 1.0), expected, axis=-1)
    drawn = drawn[..., 0]
    return ChiSquare(
        _out(np.where(drawn, result.statistic, np.nan)),
        k - 1,
        _out(np.where(drawn, result.pvalue, np.nan)),
    )


def kl_from_uniform(counts: Counts) -> FloatOrArray:
    """KL(P ‖ U) in nats per row, P = counts / Σcounts, U uniform over the K support points.

    KL = Σ_i p_i ln(p_i K) = ln K − H(P); points with p_i = 0 contribute 0
    (``scipy.special.xlogy``). Equal to ``scipy.stats.entropy(counts, ones(K))``;
    NaN when N = 0. The plug-in estimate: biased upward by about (K − 1)/(2N) for
    the uniform sampler (``kl_mm`` removes that term).
    """
    observed = _as_counts(counts)
    p = _frequencies(observed)
    return _out(np.sum(special.xlogy(p, p * observed.shape[-1]), axis=-1))


def coverage(counts: Counts) -> FloatOrArray:
    """Coverage-N per row: distinct support points observed / K."""
    observed = _as_counts(counts)
    return _out(np.asarray(np.count_nonzero(observed, axis=-1) / observed.shape[-1]))


def precision(counts: Counts, invalid: npt.ArrayLike = 0) -> FloatOrArray:
    """Draws inside the answer set / draws, per row: N / (N + invalid), N = Σ counts;
    NaN without any draw."""
    n = _as_counts(counts).sum(axis=-1)
    total = n + np.asarray(invalid, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return _out(np.where(total > 0, n / np.where(total > 0, total, 1.0), np.nan))


def uniform_scores(counts: Counts, invalid: npt.ArrayLike = 0) -> dict[str, FloatOrArray]:
    """The uniform-reference metrics of count rows at once (one value per row): KL,
    coverage, precision and Pearson's chi-square with its p-value.

    One row is one prompt's score (``distribution_scorer``); many rows are, e.g., the
    random subsets of the sample-size curves, at one call per metric instead of one
    per subset.
    """
    chi2 = chi_square_uniform(counts)
    return {
        "kl": kl_from_uniform(counts),
        "coverage": coverage(counts),
        "precision": precision(counts, invalid),
        "chi2": chi2.statistic,
        "chi2_p": chi2.p_value,
    }


# ---------------------------------------------------------------- small-sample estimators


def entropy_plugin(counts: Counts) -> FloatOrArray:
    """Plug-in (maximum-likelihood) Shannon entropy in nats, H = −Σ_i p_i ln p_i.

    Equal to ``scipy.stats.entropy(counts)``; NaN when N = 0. Biased low by about
    (S − 1)/(2N) for S answers with positive probability (Miller 1955).
    """
    p = _frequencies(_as_counts(counts))
    return _out(np.sum(special.entr(p), axis=-1))


def entropy_miller_madow(counts: Counts) -> FloatOrArray:
    """Miller-Madow entropy, H_MM = H_plugin + (S_obs − 1)/(2N), in nats.

    Adds the first-order term of the plug-in's bias, using the observed S_obs for the
    unknown number of answers with positive probability.

    Miller, G. (1955). Note on the bias of information estimates. In H. Quastler (ed.),
    Information Theory in Psychology, 95-100. Free Press.
    """
    observed = _as_counts(counts)
    n = observed.sum(axis=-1)
    s_obs = np.count_nonzero(observed, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        correction = np.where(n > 0, (s_obs - 1) / (2 * np.where(n > 0, n, 1.0)), np.nan)
    return _out(np.asarray(entropy_plugin(observed)) + correction)


def kl_mm(counts: Counts) -> FloatOrArray:
    """KL(P ‖ U) to the uniform over the K support points with the Miller-Madow entropy:

        KL_MM = ln K − (H_plugin + (S_obs − 1)/(2N)) = KL_plugin − (S_obs − 1)/(2N).

    The plug-in KL = ln K − H_plugin is biased upward by about (K − 1)/(2N) nats for
    the ideal (uniform) sampler, the size of a real difference between formats at
    N = 100 for K = 50. KL_MM removes that first-order term.

    Not clipped at 0: for a near-uniform sampler the estimate scatters around the true
    value, so it can be slightly negative. Clipping would put back a positive bias
    (for the ideal sampler it is E[max(0, KL_MM)] > 0, shown by
    ``benchmarks/estimators.py``), and run-level values average over prompts, where
    the bias of each clipped value would add up. NaN when N = 0.

    Miller (1955), as in ``entropy_miller_madow``.
    """
    observed = _as_counts(counts)
    return _out(np.log(observed.shape[-1]) - np.asarray(entropy_miller_madow(observed)))


def hill_number(counts: Counts, order: float) -> FloatOrArray:
    """Hill number (effective number of answers) of order q from the plug-in p:

        ⁰D = S_obs (observed richness),
        ¹D = exp(H) = exp(−Σ p_i ln p_i) (the limit q → 1),
        ᵠD = (Σ p_i^q)^(1/(1−q)) otherwise; ²D = 1 / Σ p_i² (inverse Simpson).

    ᵠD is the number of equally likely answers that would give the same diversity:
    K for the ideal sampler over K answers, 1 for a model that always gives one answer.
    Equal to ``skbio.diversity.alpha.hill(counts, order)`` (and ``inv_simpson`` for
    q = 2). NaN when N = 0.

    Hill, M. O. (1973). Diversity and evenness: a unifying notation and its
    consequences. Ecology 54(2), 427-432.
    """
    observed = _as_counts(counts)
    if order < 0:
        raise ValueError(f"hill_number: order must be >= 0, got {order}")
    if order == 0:
        value = np.count_nonzero(observed, axis=-1).astype(float)
    elif order == 1:
        value = np.exp(np.asarray(entropy_plugin(observed)))
    else:
        p = _frequencies(observed)
        with np.errstate(divide="ignore"):
            value = np.sum(np.where(p > 0, p, 0.0) ** order, axis=-1) ** (1.0 / (1.0 - order))
    return _out(np.where(observed.sum(axis=-1) > 0, value, np.nan))


def sample_coverage(counts: Counts) -> FloatOrArray:
    """Good-Turing sample coverage, Ĉ = 1 − f1/N: the estimated probability mass of the
    answers already drawn (1 − the chance that the next draw is a new answer).

    Equal to ``skbio.diversity.alpha.goods_coverage``. Near 1: more draws would add few
    new answers, so richness and Hill numbers are close to their limits. NaN when N = 0.

    Good, I. J. (1953). The population frequencies of species and the estimation of
    population parameters. Biometrika 40, 237-264; Chao, A. & Jost, L. (2012).
    Coverage-based rarefaction and extrapolation. Ecology 93(12), 2533-2547.
    """
    observed = _as_counts(counts)
    n = observed.sum(axis=-1)
    f1 = np.sum(observed == 1, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return _out(np.where(n > 0, 1.0 - f1 / np.where(n > 0, n, 1.0), np.nan))


@dataclass(frozen=True)
class Chao1:
    """Chao1 richness estimate and its 95% interval (floats, or arrays for rows)."""

    estimate: FloatOrArray
    low: FloatOrArray
    high: FloatOrArray


def chao1(counts: Counts, z: float = Z_95) -> Chao1:
    """Bias-corrected Chao1 estimate of the number of distinct answers, with its interval.

    With S_obs observed answers, f1 singletons, f2 doubletons and N draws:

        Ŝ = S_obs + f1 (f1 − 1) / (2 (f2 + 1))                      (Chao 1984, 1987)

    a lower bound of the richness that is nearly unbiased when the unseen answers are
    rare. Interval (EstimateS equations, as ``skbio.diversity.alpha.chao1_ci``):

    - f1 > 0: log-normal interval of Chao (1987) for T = Ŝ − S_obs,
      [S_obs + T/C, S_obs + T·C], C = exp(z √ln(1 + var/T²)), with
      var = f1(f1−1)/(2(f2+1)) + f1(2f1−1)²/(4(f2+1)²) + f1²f2(f1−1)²/(4(f2+1)⁴)
      (f2 > 0), or f1(f1−1)/2 + f1(2f1−1)²/4 − f1⁴/(4Ŝ) (f2 = 0). T = 0 (f1 = 1)
      gives the point [S_obs, S_obs].
    - f1 = 0: with P = exp(−N/S_obs), [max(S_obs, S_obs/(1−P) − z√(S_obs P/(1−P))),
      S_obs/(1−P) + z√(S_obs P/(1−P))].

    All NaN when N = 0. The interval's coverage at the sizes used here is measured by
    ``benchmarks/estimators.py`` (it under-covers when many answers are unseen).

    Chao, A. (1984). Nonparametric estimation of the number of classes in a population.
    Scandinavian Journal of Statistics 11, 265-270. Chao, A. (1987). Estimating the
    population size for capture-recapture data with unequal catchability. Biometrics
    43, 783-791. Colwell, R. K. EstimateS User's Guide, Appendix B.
    """
    observed = _as_counts(counts)
    n = observed.sum(axis=-1)
    s_obs = np.count_nonzero(observed, axis=-1).astype(float)
    f1 = np.sum(observed == 1, axis=-1).astype(float)
    f2 = np.sum(observed == 2, axis=-1).astype(float)
    estimate = s_obs + f1 * (f1 - 1) / (2 * (f2 + 1))
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        var = np.where(
            f2 > 0,
            f1 * (f1 - 1) / (2 * (f2 + 1))
            + f1 * (2 * f1 - 1) ** 2 / (4 * (f2 + 1) ** 2)
            + f1**2 * f2 * (f1 - 1) ** 2 / (4 * (f2 + 1) ** 4),
            f1 * (f1 - 1) / 2 + f1 * (2 * f1 - 1) ** 2 / 4 - f1**4 / (4 * estimate),
        )
        t = estimate - s_obs
        c = np.exp(z * np.sqrt(np.log1p(var / t**2)))
        lognormal_low = np.where(f1 > 1, s_obs + t / c, s_obs)
        lognormal_high = np.where(f1 > 1, s_obs + t * c, s_obs)
        p = np.exp(-n / s_obs)
        centre = s_obs / (1 - p)
        spread = z * np.sqrt(s_obs * p / (1 - p))
        low = np.where(f1 > 0, lognormal_low, np.maximum(s_obs, centre - spread))
        high = np.where(f1 > 0, lognormal_high, centre + spread)
    empty = n <= 0
    return Chao1(
        _out(np.where(empty, np.nan, estimate)),
        _out(np.where(empty, np.nan, low)),
        _out(np.where(empty, np.nan, high)),
    )


def rarefied_richness(
    counts: Counts, sizes: npt.ArrayLike, invalid: int = 0
) -> npt.NDArray[np.float64]:
    """Expected number of distinct answers in a subsample of m of the N draws, drawn
    without replacement, for each m in ``sizes`` (exact rarefaction):

        E[S_m] = Σ_i [1 − C(N − X_i, m) / C(N, m)]                 (Hurlbert 1971)

    X_i the count of answer i, N = Σ X_i + ``invalid`` (draws outside the answer set
    are subsampled too, but are no answer). This is the mean over every subset of size
    m, so it is smoother than averaging a few random subsets. NaN for m > N.

    Hurlbert, S. H. (1971). The nonconcept of species diversity: a critique and
    alternative parameters. Ecology 52(4), 577-586; Chao & Jost (2012).
    """
    observed = np.asarray(counts, dtype=float)
    if observed.ndim != 1:
        raise ValueError("rarefied_richness: pass one vector of counts")
    observed = observed[observed > 0]
    n = observed.sum() + invalid
    m = np.asarray(sizes, dtype=float).reshape(-1, 1)
    rest = n - observed  # draws that are not answer i
    # ln C(N − X_i, m) − ln C(N, m), −inf where N − X_i < m (answer i is always drawn)
    with np.errstate(invalid="ignore"):
        log_ratio = (
            special.gammaln(rest + 1)
            - special.gammaln(np.maximum(rest - m, 0) + 1)
            - special.gammaln(n + 1)
            + special.gammaln(n - m + 1)
        )
        missing = np.where(rest >= m, np.exp(log_ratio), 0.0)
    expected = np.sum(1.0 - missing, axis=-1)
    return np.where(m[:, 0] <= n, expected, np.nan)


def rarefied_coverage(
    counts: Counts, sizes: npt.ArrayLike, invalid: int = 0
) -> npt.NDArray[np.float64]:
    """Expected coverage (distinct answers / K) of a subsample of m of the N draws, for
    each m in ``sizes``: ``rarefied_richness`` / K, K = the length of ``counts``."""
    expected: npt.NDArray[np.float64] = (
        rarefied_richness(counts, sizes, invalid) / np.asarray(counts).shape[-1]
    )
    return expected


def expected_coverage_uniform(k: int, sizes: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Expected coverage of n draws of the ideal sampler over K answers, 1 − (1 − 1/K)^n
    (``expected_richness_uniform`` / K)."""
    return expected_richness_uniform(k, sizes) / k


def expected_richness_uniform(k: int, sizes: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Expected distinct answers in n independent draws from the uniform over K answers
    (the ideal sampler): E[S_n] = K (1 − (1 − 1/K)^n)."""
    n = np.asarray(sizes, dtype=float)
    return np.asarray(k * (1.0 - (1.0 - 1.0 / k) ** n), dtype=float)
