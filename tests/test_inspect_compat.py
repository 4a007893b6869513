"""The metric catalogue drives the scorers' Inspect metrics; Inspect's own commands on our logs."""

from __future__ import annotations

import numpy as np
import pytest
from inspect_ai.scorer import Score

from vs_bench import leaderboard
from vs_bench.answer_set import AnswerSet
from vs_bench.draws import Draw, SampleDraws
from vs_bench.scorers import catalogue
from vs_bench.scorers.calibration_scorer import calibration_score
from vs_bench.scorers.common import epoch_reducer
from vs_bench.scorers.distribution_scorer import distribution_score


def test_each_scorer_reports_exactly_its_catalogue_keys() -> None:
    dist = distribution_score(np.array([3.0, 1.0, 0.0]), invalid=1, parse_failures=1, replies=4)
    assert set(dist) == set(catalogue.keys_of(catalogue.DISTRIBUTION))
    answers = AnswerSet.from_aliases([["a"], ["b"]])
    draws = SampleDraws(requested=2, replies=1, draws=[Draw("a", 0.5, 0, 0), Draw("b", 0.5, 0, 0)])
    calib = calibration_score(draws, answers)
    assert set(calib) == set(catalogue.keys_of(catalogue.CALIBRATION))


def test_primary_metrics_lead_and_have_a_direction() -> None:
    assert catalogue.keys_of(catalogue.DISTRIBUTION)[0] == "kl"
    assert catalogue.keys_of(catalogue.DIVERSITY)[0] == "semantic_diversity"
    assert catalogue.primary_metric("answer_set").higher_is_better is False
    assert catalogue.primary_metric("creative").higher_is_better is True
    # the leaderboard's primary metric is the first of its METRICS a task reports
    assert list(leaderboard.METRICS)[0] == "kl"
    assert all(m.label == catalogue.CATALOGUE[k].label for k, m in leaderboard.METRICS.items())


def test_epoch_reducer_sums_counts_and_averages_the_rest() -> None:
    reduce = epoch_reducer()
    scores = [
        Score(value={"kl": 0.2, "n_valid": 10.0, "parse_failures": 1.0, "unknown": 1.0}),
        Score(value={"kl": 0.4, "n_valid": 20.0, "parse_failures": 0.0, "unknown": 3.0}),
    ]
    value = reduce(scores).value
    assert isinstance(value, dict)
    assert value == {
        "kl": pytest.approx(0.3),
        "n_valid": 30.0,
        "parse_failures": 1.0,
        "unknown": 2.0,
    }
