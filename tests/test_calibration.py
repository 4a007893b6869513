"""Calibration of verbalized probabilities: hand cases, the ideal sampler, a miscalibrated model."""

from __future__ import annotations

import json
import math
import random

import numpy as np
import pytest
from inspect_ai.model import ChatMessage, GenerateConfig, get_model
from scipy import stats

from tests.utils.evals import run
from vs_bench.metrics.calibration import (
    calibration,
    expected_calibration_error,
    probability_sums,
    verbalized_distribution,
)

nan = float("nan")


def test_verbalized_distribution_averages_then_renormalises() -> None:
    answers = np.array([0, 0, 2, -1, 1])
    stated = np.array([0.2, 0.4, 0.6, 0.9, nan])  # invalid and unstated candidates ignored
    # s = (0.3, -, 0.6) → q = (1/3, 0, 2/3)
    assert verbalized_distribution(answers, stated, 3) == pytest.approx([1 / 3, 0, 2 / 3])


def test_ece_by_hand() -> None:
    stated = np.array([0.05, 0.15, 0.15, 0.95])
    target = np.array([0.10, 0.10, 0.30, 0.50])
    # bins: {0.05} gap .05 ; {0.15, 0.15} mean .15 vs .20 gap .05 ; {0.95} gap .45
    expected = (1 * 0.05 + 2 * 0.05 + 1 * 0.45) / 4
    assert expected_calibration_error(stated, target) == pytest.approx(expected)


def test_calibration_against_scipy_and_by_hand() -> None:
    answers = np.array([0, 1, 1, 2])
    stated = np.array([0.5, 0.3, 0.3, 0.2])
    target = np.array([0.25, 0.25, 0.5])
    result = calibration(answers, stated, target)
    q = np.array([0.5, 0.3, 0.2])
    assert result.kl == pytest.approx(stats.entropy(q, target))
    assert result.tv == pytest.approx(0.5 * (0.25 + 0.05 + 0.3))
    assert result.brier == pytest.approx((0.25**2 + 2 * 0.05**2 + 0.3**2) / 4)


def test_no_stated_probability_is_undefined() -> None:
    result = calibration(np.array([0, 1]), np.array([nan, nan]), np.array([0.5, 0.5]))
    assert all(math.isnan(v) for v in (result.kl, result.tv, result.ece, result.brier))


def test_probability_sums_per_call() -> None:
    sums = probability_sums(np.array([0, 0, 1, 1, 1]), np.array([0.5, 0.25, 0.1, nan, 0.3]))
    assert sums.tolist() == pytest.approx([0.75, 0.4])


def scores(log: object) -> dict[str, float]:
    (sample,) = log.samples  # type: ignore[attr-defined]
    return sample.scores["distribution_scorer"].value | sample.scores["calibration_scorer"].value  # type: ignore[no-any-return]


def test_ideal_sampler_is_calibrated() -> None:
    values = scores(run("rand_num_vs_standard", seed=4))
    n, k, size = 100, 5, 10
    # every stated probability is 1/K, so against the empirical frequencies
    # ECE = Σ p̂² − 1/K = X² / (N K): a χ²₉ draw over 1000, < 0.05 unless X² > 50 (p ≈ 1e-7)
    assert values["calib_ece"] == pytest.approx(values["chi2"] / (n * size))
    assert values["calib_ece"] < 0.05
    assert values["calib_ece_reference"] == pytest.approx(0.0, abs=1e-12)
    assert values["calib_brier_reference"] == pytest.approx(0.0, abs=1e-12)
    assert values["calib_kl_reference"] == pytest.approx(-math.log(values["coverage"]))
    assert values["prob_sum_mean"] == pytest.approx(k / size)
    assert values["prob_missing_rate"] == 0.0


def overconfident(rng: random.Random) -> object:
    """VS replies with uniform draws over 0..9 but every probability stated as 0.5."""

    def reply(_input: list[ChatMessage], _config: GenerateConfig) -> str:
        items = [{"text": str(rng.randrange(10)), "probability": 0.5} for _ in range(5)]
        return json.dumps({"responses": items})

    return reply


def test_miscalibrated_model_has_the_known_error() -> None:
    model = get_model("scripted/overconfident", replies=[overconfident(random.Random(9))])
    values = scores(run("rand_num_vs_standard", model=model))
    # stated 0.5 against the true 0.1 of every answer
    assert values["calib_ece_reference"] == pytest.approx(0.4)
    assert values["calib_brier_reference"] == pytest.approx(0.16)
    assert values["prob_sum_mean"] == pytest.approx(2.5)
    # against the draws: 0.5 − Σ p̂² = 0.5 − (1/K + X²/(N K))
    assert values["calib_ece"] == pytest.approx(0.5 - (0.1 + values["chi2"] / 1000))
