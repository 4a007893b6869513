"""The verdict's statistics: worked examples, library equality and small simulations.

Simulation tolerances: a method claimed to cover at >= 93% (the benchmark's target) fails
here only if its observed coverage is below the 0.1% quantile of Binomial(R, 0.93); a test
of level 5% fails only above the 99.9% quantile of Binomial(R, 0.05).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats

from vs_bench.analysis.empirical_likelihood import _PRECISION, ElIntervals, el_ratio, el_solve
from vs_bench.analysis.inference import compare, diversity_interval, kl_interval
from vs_bench.analysis.stats import (
    _noncentrality_bounds,
    _pseudo_values,
    diversity_estimate,
    holm,
    kl_estimate,
    miller_madow_kl,
    null_mean_g,
    pairwise_distances,
    plugin_kl,
)
from vs_bench.errors import VsBenchError
from vs_bench.metrics.distribution import kl_from_uniform
from vs_bench.metrics.embedding import semantic_diversity

NAN = float("nan")


def coverage_floor(replicates: int, target: float = 0.93) -> float:
    return float(stats.binom.ppf(0.001, replicates, target)) / replicates


def rejection_ceiling(replicates: int, level: float = 0.05) -> float:
    return float(stats.binom.ppf(0.999, replicates, level)) / replicates


# --- Holm -------------------------------------------------------------------------------


def test_holm_hand_example() -> None:
    # sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04 -> running max
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])


def test_holm_caps_at_one_and_keeps_nan_out_of_the_count() -> None:
    assert holm([0.5, 0.6]) == [1.0, 1.0]
    adjusted = holm([0.02, NAN, 0.01])  # m = 2: 0.01*2 = 0.02, max(0.02, 0.02*1)
    assert adjusted[0] == pytest.approx(0.02) and adjusted[2] == pytest.approx(0.02)
    assert math.isnan(adjusted[1])
    assert holm([]) == []


def test_holm_rejects_values_outside_unit_interval() -> None:
    with pytest.raises(VsBenchError, match="p-values"):
        holm([0.5, 1.5])


# --- KL estimate --------------------------------------------------------------------------


def test_kl_value_is_miller_madow_formula() -> None:
    # K = 3, N = 10, S = 3: plug-in 0.6 ln 1.8 + 2 * 0.2 ln 0.6, minus (S - 1)/(2N) = 0.1
    plugin = 0.6 * math.log(1.8) + 0.4 * math.log(0.6)
    assert plugin_kl([6, 2, 2]) == pytest.approx(plugin)
    assert plugin_kl([6, 2, 2]) == pytest.approx(kl_from_uniform([6, 2, 2]))
    assert miller_madow_kl([6, 2, 2]) == pytest.approx(plugin - 0.1)
    estimate = kl_estimate([[6, 2, 2]])
    assert estimate.value == pytest.approx(plugin - 0.1)
    assert (estimate.n, estimate.prompts) == (10, 1)
    assert estimate.lo <= estimate.value <= estimate.hi


def test_kl_value_is_mean_over_prompts_and_ignores_empty_prompts() -> None:
    first, second = [6, 2, 2], [9, 1, 0, 0]
    expected = (miller_madow_kl(first) + miller_madow_kl(second)) / 2
    estimate = kl_estimate([first, [0, 0, 0], second])
    assert estimate.value == pytest.approx(expected)
    assert (estimate.n, estimate.prompts) == (20, 2)
    empty = kl_estimate([[0, 0, 0]])
    assert math.isnan(empty.value) and math.isnan(empty.lo) and empty.n == 0


def test_kl_uniform_counts_give_zero_inside_interval() -> None:
    estimate = kl_estimate([[10] * 6])
    assert estimate.value == 0.0  # Miller-Madow -5/120 clipped at 0
    assert estimate.lo == 0.0 < estimate.hi


def test_kl_interval_contains_value_for_random_counts() -> None:
    rng = np.random.default_rng(3)
    for _ in range(50):
        k = int(rng.integers(2, 30))
        counts = [rng.multinomial(int(rng.integers(1, 300)), rng.dirichlet(np.ones(k) * 0.3))]
        estimate = kl_estimate(counts)
        assert estimate.lo <= estimate.value <= estimate.hi


def test_kl_bad_counts_are_one_line_errors() -> None:
    with pytest.raises(VsBenchError, match="non-negative integers"):
        kl_estimate([[1, -1, 2]])
    with pytest.raises(VsBenchError, match="non-negative integers"):
        kl_estimate([[1.5, 2]])
    with pytest.raises(VsBenchError, match="one count per answer"):
        kl_estimate([[[1, 2]]])
    with pytest.raises(VsBenchError, match="level"):
        kl_estimate([[1, 2]], level=95)


def test_null_mean_g_equals_enumeration_of_the_multinomial() -> None:
    n, k = 4, 3
    total = 0.0
    for cell in itertools.product(range(n + 1), repeat=k):
        if sum(cell) == n:
            c = np.array(cell, dtype=float)
            g = 2 * n * plugin_kl(c)
            total += stats.multinomial.pmf(c, n, [1 / k] * k) * g
    assert null_mean_g(n, k) == pytest.approx(total)
    assert null_mean_g(20000, 6) == pytest.approx(5.0, abs=0.01)  # the chi-square mean


def test_noncentrality_bounds_invert_the_noncentral_chi_square() -> None:
    g, df = 80.0, 9.0
    lo, hi = _noncentrality_bounds(g, df, 0.025)
    assert stats.ncx2.cdf(g, df, lo) == pytest.approx(0.975)
    assert stats.ncx2.cdf(g, df, hi) == pytest.approx(0.025)
    # G below the 97.5% point of chi-square_9 (19.02): uniformity not rejected, lower bound 0
    assert _noncentrality_bounds(15.0, df, 0.025)[0] == 0.0




# --- diversity ----------------------------------------------------------------------------


def clusters(rng: np.random.Generator, n: int, weights: np.ndarray) -> np.ndarray:
    """Texts around fixed cluster centres (seeded per call site)."""
    centres = np.ones((len(weights), 16)) / 4 + 0.9 * np.eye(len(weights), 16)
    which = rng.choice(len(weights), size=n, p=weights)
    return centres[which] + 0.15 * rng.normal(size=(n, 16))


def test_pairwise_distances_are_the_scorer_kernel() -> None:
    rng = np.random.default_rng(5)
    rows = rng.normal(size=(7, 5))
    h = pairwise_distances(rows)
    assert h[np.triu_indices(7, 1)].mean() == pytest.approx(semantic_diversity(rows))
    assert np.all(np.diag(h) == 0) and np.allclose(h, h.T)


def test_diversity_value_is_mean_of_semantic_diversity() -> None:
    rng = np.random.default_rng(6)
    prompts = [rng.normal(size=(n, 8)) + 0.5 for n in (5, 8, 1)]
    estimate = diversity_estimate(prompts)
    expected = (semantic_diversity(prompts[0]) + semantic_diversity(prompts[1])) / 2
    assert estimate.value == pytest.approx(expected)  # the one-text prompt is ignored
    assert (estimate.n, estimate.prompts) == (13, 2)
    assert estimate.lo <= estimate.value <= estimate.hi


def test_diversity_edge_cases() -> None:
    same = np.tile([1.0, 2.0, 3.0], (6, 1))
    estimate = diversity_estimate([same])
    assert (estimate.value, estimate.lo, estimate.hi) == (0.0, 0.0, 0.0)
    two = diversity_estimate([np.eye(2)])  # one pair: a value, no variance
    assert two.value == 100.0 and math.isnan(two.lo)
    assert math.isnan(diversity_estimate([np.eye(3)[:1]]).value)
    with pytest.raises(VsBenchError, match="one finite row per text"):
        diversity_estimate([np.ones(3)])


def test_pseudo_values_average_to_the_u_statistic() -> None:
    rng = np.random.default_rng(7)
    rows = rng.normal(size=(9, 4)) + 0.3
    h = pairwise_distances(rows)
    assert _pseudo_values(h).mean() == pytest.approx(semantic_diversity(rows))


def test_empirical_likelihood_ratio_matches_a_direct_solution() -> None:
    from scipy import optimize

    v = np.array([1.0, 2.0, 2.5, 4.0, 7.0, 9.0])
    theta = 3.0
    d = v - theta
    lam = optimize.brentq(
        lambda x: np.sum(d / (1 + x * d)), -1 / d.max() + 1e-12, -1 / d.min() - 1e-12
    )
    expected = 2 * np.sum(np.log1p(lam * d))
    ratios = el_ratio(v, np.array([theta, v.mean(), 0.5]))
    assert ratios[0] == pytest.approx(expected)
    assert ratios[1] == pytest.approx(0.0, abs=1e-12)
    assert ratios[2] == np.inf


def _grid_el_interval(v: np.ndarray, alpha: float) -> tuple[float, float]:
    """The former method, kept as the reference: each bound bracketed on a 33-point grid
    from the mean to the edge, refined 4 times in the bracketing cell, the outer end kept
    (to (mean → edge)·32^-4 = ·2^-20)."""
    critical = float(stats.f.ppf(1.0 - 2.0 * alpha, 1, v.size - 1))
    near = np.array([v.mean(), v.mean()])
    far = np.array([v.min(), v.max()])
    steps = np.linspace(0.0, 1.0, 33)
    for _ in range(4):
        grid = near[:, None] + steps[None, :] * (far - near)[:, None]
        beyond = el_ratio(v, grid.ravel()).reshape(grid.shape) > critical
        first = np.argmax(beyond, axis=1)
        near, far = grid[[0, 1], first - 1], grid[[0, 1], first]
    return float(far[0]), float(far[1])


def _pseudo_value_sets() -> list[np.ndarray]:
    """Jackknife pseudo-values of diversity (3 to 30 texts, spread and collapsed), and
    skewed, tied and two-valued samples."""
    rng = np.random.default_rng(13)
    found = [
        _pseudo_values(pairwise_distances(clusters(rng, n, weights)))
        for n in (3, 5, 10, 30)
        for weights in (np.full(4, 0.25), np.array([0.85, 0.05, 0.05, 0.05]))
    ]
    return found + [rng.exponential(size=12) ** 2, np.repeat([1.0, 2.0, 4.0], [5, 3, 1]),
                    np.array([0.0, 0.0, 0.0, 1.0])]


LEVELS_ALPHA = (5e-5, 1e-3, 0.025, 0.1, 0.25, 0.45)  # one-sided α, the levels 1 − 2α


def test_el_bounds_agree_with_the_grid_method() -> None:
    # both keep the outer end of a bracket of width <= (mean → edge)·2^-20 around the same
    # bound: they differ by less than that (1e-9 of it for rounding); all prompts in one
    # table, so rows of different lengths share the padded block
    sets = _pseudo_value_sets()
    intervals = ElIntervals(sets)
    for alpha in LEVELS_ALPHA:
        found = intervals.bounds(alpha)
        for v, (lo, hi) in zip(sets, found, strict=True):
            ref_lo, ref_hi = _grid_el_interval(v, alpha)
            tolerance = _PRECISION * (1 + 1e-9) * np.array([v.mean() - v.min(),
                                                           v.max() - v.mean()])
            assert abs(lo - ref_lo) <= tolerance[0], (alpha, v)
            assert abs(hi - ref_hi) <= tolerance[1], (alpha, v)


def test_el_bounds_err_wide_within_their_precision() -> None:
    # −2 log R exceeds the F critical value at each bound and not (mean → edge)·2^-20
    # further in: the bound lies outside the exact interval, by at most that
    sets = _pseudo_value_sets()
    intervals = ElIntervals(sets)
    for alpha in LEVELS_ALPHA:
        for v, (lo, hi) in zip(sets, intervals.bounds(alpha), strict=True):
            critical = stats.f.ppf(1 - 2 * alpha, 1, v.size - 1)
            inward = _PRECISION * np.array([v.mean() - v.min(), v.max() - v.mean()])
            outside = el_ratio(v, np.array([lo, hi]))
            inside = el_ratio(v, np.array([lo + inward[0], hi - inward[1]]))
            assert np.all(outside > critical) and np.all(inside <= critical), (alpha, v)
            assert v.min() <= lo < v.mean() < hi <= v.max()


def test_el_ratio_slope_is_minus_2n_lambda() -> None:
    # the table's slopes (for its interpolant): d(−2 log R)/dθ = −2nλ, against a central
    # difference (error O(h²) ~ 1e-10 relative)
    v = np.random.default_rng(14).exponential(size=9)
    thetas = np.quantile(v, [0.2, 0.45, 0.7, 0.9])
    h = 1e-5
    ratio, lam = el_solve(v[None, :] - thetas[:, None])
    numeric = (el_ratio(v, thetas + h) - el_ratio(v, thetas - h)) / (2 * h)
    assert np.all(np.isfinite(ratio))
    assert -2 * v.size * lam == pytest.approx(numeric, rel=1e-6)


# --- small simulations --------------------------------------------------------------------


def test_kl_interval_coverage_ideal_and_collapsed() -> None:
    # K=50, N=100: the sparse setting where a Wald interval alone covers the collapsed
    # sampler's KL in about 76% of runs and the uncorrected G inversion 0 in about 91%
    rng = np.random.default_rng(10)
    replicates = 300
    collapsed = np.full(50, 0.2 / 49)
    collapsed[0] = 0.8
    for p in (np.full(50, 0.02), collapsed):
        truth = float(np.sum(p * np.log(p * 50)))
        hits = 0
        for _ in range(replicates):
            estimate = kl_estimate([rng.multinomial(100, p)])
            hits += estimate.lo <= truth <= estimate.hi
        assert hits / replicates >= coverage_floor(replicates)


def test_kl_compare_false_positive_rate_of_two_ideal_samplers() -> None:
    rng = np.random.default_rng(11)
    replicates = 300
    rejected = 0
    for _ in range(replicates):
        a, b = ([rng.multinomial(60, np.full(6, 1 / 6))] for _ in range(2))
        rejected += compare(kl_interval(a), kl_interval(b)).p < 0.05
    assert rejected / replicates <= rejection_ceiling(replicates)


def test_diversity_interval_coverage_and_false_positive_rate() -> None:
    rng = np.random.default_rng(12)
    weights = np.array([0.8, 0.1, 0.1])
    truth_rows = clusters(rng, 2000, weights)
    h = pairwise_distances(truth_rows)
    truth = float(h.sum() / (2000 * 1999))
    replicates = 200
    hits = rejected = 0
    for _ in range(replicates):
        a = [clusters(rng, 10, weights) for _ in range(3)]
        b = [clusters(rng, 10, weights) for _ in range(3)]
        estimate = diversity_estimate(a)
        hits += estimate.lo <= truth <= estimate.hi
        # p < 0.05 iff the 95% interval excludes 0 (test_inference checks it): the interval
        # alone, without the p-value's inversion at 30 levels
        difference = compare(diversity_interval(a), diversity_interval(b), with_p=False)
        rejected += not difference.lo <= 0.0 <= difference.hi
    assert hits / replicates >= coverage_floor(replicates)
    assert rejected / replicates <= rejection_ceiling(replicates)
