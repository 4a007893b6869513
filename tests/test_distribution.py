"""Distribution metrics against scipy on the same counts."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy import stats

from tests.utils.paths import REFERENCE
from vs_bench.metrics.distribution import (
    chi_square_uniform,
    coverage,
    kl_from_uniform,
    uniform_scores,
)
from vs_bench.metrics.prompt_scores import distribution_score


@pytest.mark.parametrize(
    "counts",
    [[0, 124, 201, 183, 92, 0], [118, 114, 71, 67, 111, 119], [10] * 10, [95, 5] + [0] * 48],
)
def test_kl_equals_scipy_entropy_against_uniform(counts: list[int]) -> None:
    p = np.array(counts) / sum(counts)
    expected = stats.entropy(p, np.full(len(counts), 1 / len(counts)))
    assert kl_from_uniform(counts) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(
    ("file", "counts", "kl"),
    [
        ("rng_direct_samples.json", [0, 124, 201, 183, 92, 0], 0.44986267353422604),
        ("rng_vs_samples.json", [118, 114, 71, 67, 111, 119], 0.026005870010225387),
    ],
)
def test_kl_of_the_reference_dice_rolls(file: str, counts: list[int], kl: float) -> None:
    # The paper authors' stored dice rolls (tests/data/reference/dice): KL 0.450 and 0.026.
    rolls = json.loads((REFERENCE / "dice" / file).read_text())
    assert np.bincount(rolls, minlength=7)[1:].tolist() == counts
    assert kl_from_uniform(counts) == pytest.approx(kl)


def test_chi_square_matches_scipy_goodness_of_fit() -> None:
    counts = [12, 7, 9, 11, 14, 6, 10, 8, 13, 10]
    result = chi_square_uniform(counts)
    expected = stats.chisquare(counts)  # scipy's default expectation is uniform
    assert result.statistic == pytest.approx(expected.statistic)
    assert result.p_value == pytest.approx(expected.pvalue)
    assert result.dof == 9
    assert result.p_value == pytest.approx(stats.chi2.sf(result.statistic, 9))
    # X² by hand: E = 10 → Σ(O−E)²/E = (4+9+1+1+16+16+0+4+9+0)/10
    assert result.statistic == pytest.approx(6.0)


def test_empty_counts_are_undefined_not_zero() -> None:
    assert math.isnan(kl_from_uniform([0, 0, 0]))
    assert math.isnan(chi_square_uniform([0, 0, 0]).p_value)
    assert coverage([0, 0, 0]) == 0.0


def test_coverage_counts_distinct_support_points() -> None:
    assert coverage([3, 0, 1, 0]) == 0.5


def test_rows_at_once_are_the_per_prompt_score_of_each_row() -> None:
    # the sample-size curves score many subsets at once: each row is exactly the value
    # the scorer logs for that row alone (one implementation, not a copy kept equal)
    rng = np.random.default_rng(11)
    counts = rng.integers(0, 4, size=(200, 7))
    counts[:3] = 0  # no valid draw: KL and chi-square undefined
    invalid = rng.integers(0, 3, size=200)
    invalid[0] = 0  # no draw at all: precision undefined too
    rows = uniform_scores(counts, invalid)
    assert set(rows) == {"kl", "coverage", "precision", "chi2", "chi2_p"}
    for i in range(len(counts)):
        alone = distribution_score(counts[i], int(invalid[i]))
        for key, values in rows.items():
            assert np.asarray(values)[i] == alone[key] or (
                math.isnan(alone[key]) and math.isnan(np.asarray(values)[i])
            ), (i, key)
    assert math.isnan(distribution_score(counts[0], 0)["precision"])  # no draw at all
    assert distribution_score(counts[1], 2)["precision"] == 0.0  # only invalid draws
    # and each value against scipy, row by row
    drawn = counts[3:]
    assert np.allclose(np.asarray(rows["kl"])[3:], stats.entropy(drawn, np.ones(7), axis=1))
    assert np.allclose(np.asarray(rows["chi2"])[3:], stats.chisquare(drawn, axis=1).statistic)
    total = counts.sum(axis=1) + invalid
    assert np.allclose(np.asarray(rows["precision"])[1:], counts.sum(axis=1)[1:] / total[1:])
