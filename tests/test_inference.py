"""Comparisons: the interval and the p-value are one method (MOVER and its inversion)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from vs_bench.analysis.inference import (
    P_FLOOR,
    ReferenceDraws,
    compare,
    diversity_interval,
    kl_interval,
    p_text,
    reference_interval,
    units_interval,
)
from vs_bench.analysis.stats import kl_estimate


def excludes_zero(lo: float, hi: float) -> bool:
    return not lo <= 0.0 <= hi


def test_identical_sides_differ_by_nothing() -> None:
    counts = [[30, 10, 5, 5], [12, 12, 1, 0]]
    result = compare(kl_interval(counts), kl_interval(counts))
    assert result.diff == 0.0 and result.p == 1.0
    assert result.lo < 0.0 < result.hi


def test_the_interval_excludes_zero_exactly_when_p_is_below_005() -> None:
    rng = np.random.default_rng(3)
    seen = {True: 0, False: 0}
    for index in range(60):
        top = 0.2 + 0.6 * rng.random()
        p = np.full(6, (1 - top) / 5)
        p[0] = top
        a = [rng.multinomial(40 + index, p)]
        b = [rng.multinomial(40, np.full(6, 1 / 6))]
        result = compare(kl_interval(a), kl_interval(b))
        assert excludes_zero(result.lo, result.hi) == (result.p < 0.05)
        seen[result.p < 0.05] += 1
        x = [rng.normal(size=(8, 5)) * (1 + rng.random()), rng.normal(size=(8, 5))]
        y = [rng.normal(size=(8, 5)), rng.normal(size=(8, 5))]
        result = compare(diversity_interval(x), diversity_interval(y), scale=(0, 100))
        assert excludes_zero(result.lo, result.hi) == (result.p < 0.05)
        rates = compare(units_interval(list(rng.random(30) < 0.5), True),
                        units_interval(list(rng.random(30) < 0.2 + 0.4 * rng.random()), True))
        assert excludes_zero(rates.lo, rates.hi) == (rates.p < 0.05)
        seen[rates.p < 0.05] += 1
    assert min(seen.values()) >= 5  # both sides of 0.05 were tried


def test_p_is_the_level_where_the_interval_touches_zero() -> None:
    a = units_interval([1.0] * 14 + [0.0] * 6, rate=True)
    b = units_interval([1.0] * 7 + [0.0] * 13, rate=True)
    result = compare(a, b)
    assert P_FLOOR < result.p < 1.0
    # at level 1 − p the MOVER interval's lower bound is 0
    (va, la, _), (vb, _, hb) = a(1 - result.p), b(1 - result.p)
    # (to the bisection's precision: p within 0.2% of the touching level)
    assert va - vb - math.hypot(va - la, hb - vb) == pytest.approx(0.0, abs=1e-3)


def test_p_floors_at_its_resolution_and_never_prints_zero() -> None:
    collapsed = np.full(10, 0.2 / 9)
    collapsed[0] = 0.8
    rng = np.random.default_rng(4)
    result = compare(kl_interval([rng.multinomial(300, collapsed)]),
                     kl_interval([rng.multinomial(300, np.full(10, 0.1))]))
    assert result.p == P_FLOOR and result.floored
    assert p_text(result.p) == "p < 0.001"
    assert result.diff == pytest.approx(kl_estimate([rng.multinomial(1, collapsed)]).value * 0
                                        + result.diff)
    assert result.lo > 0.0


def test_wilson_interval_is_scipys() -> None:
    values = [1.0] * 7 + [0.0] * 13
    _, lo, hi = units_interval(values, rate=True)(0.95)
    expected = stats.binomtest(7, 20).proportion_ci(0.95, method="wilson")
    assert (lo, hi) == pytest.approx((expected.low, expected.high), abs=1e-12)


def test_tv_interval_reaches_zero_when_the_draws_fit_the_reference() -> None:
    reference = np.array([0.5, 0.3, 0.2])
    index = np.repeat([0, 1, 2], [50, 30, 20])
    fit = reference_interval("tv", [ReferenceDraws(index, np.full(100, np.nan), reference)])
    value, lo, hi = fit(0.95)
    assert value == pytest.approx(0.0, abs=1e-12) and lo == 0.0 and hi > 0.0
    skewed = np.repeat([0, 1, 2], [80, 15, 5])
    value, lo, hi = reference_interval(
        "tv", [ReferenceDraws(skewed, np.full(100, np.nan), reference)])(0.95)
    assert value == pytest.approx(0.3) and 0.0 < lo < value < hi


def test_without_p_the_interval_is_the_same_and_p_is_nan() -> None:
    rng = np.random.default_rng(5)
    x = [rng.normal(size=(8, 5)) * 1.5, rng.normal(size=(8, 5))]
    y = [rng.normal(size=(8, 5)), rng.normal(size=(8, 5))]
    full = compare(diversity_interval(x), diversity_interval(y))
    bare = compare(diversity_interval(x), diversity_interval(y), with_p=False)
    assert (bare.diff, bare.lo, bare.hi) == (full.diff, full.lo, full.hi)
    assert math.isnan(bare.p) and not math.isnan(full.p)


def test_a_bound_on_the_metrics_range_adds_linearly() -> None:
    """b's interval reaches TV's least value 0: θ_b >= 0 is certain, so the difference's
    upper bound is u_a − 0 = 0.30, not MOVER's 0.15 + √(0.10² + 0.05²) = 0.2618."""

    def a(level: float) -> tuple[float, float, float]:
        return 0.20, 0.10, 0.30

    def b(level: float) -> tuple[float, float, float]:
        return 0.05, 0.00, 0.12

    free = compare(a, b, with_p=False)
    assert free.hi == pytest.approx(0.15 + math.hypot(0.10, 0.05))
    assert free.lo == pytest.approx(0.15 - math.hypot(0.10, 0.07))
    bounded = compare(a, b, scale=(0.0, 1.0), with_p=False)
    assert bounded.hi == pytest.approx(0.30)
    assert bounded.lo == pytest.approx(free.lo)  # a's lower bound 0.10 is not on the range
    # a side at the top of the range bounds the other way: θ_a <= 1 is certain
    top = compare(lambda level: (0.9, 0.8, 1.0), lambda level: (0.3, 0.2, 0.4),
                  scale=(0.0, 1.0), with_p=False)
    assert top.hi == pytest.approx(1.0 - 0.2)  # MOVER: 0.6 + √(0.1² + 0.1²) = 0.741
