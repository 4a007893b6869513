"""The metric catalogue drives the scorers' Inspect metrics; Inspect's own commands on our logs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from inspect_ai.log import EvalLog, read_eval_log
from inspect_ai.scorer import Score

from tests.utils.evals import run
from vs_bench.analysis import leaderboard
from vs_bench.answer_set import AnswerSet
from vs_bench.draws import Draw, ParseFailure, SampleDraws
from vs_bench.metrics import catalogue
from vs_bench.metrics.prompt_scores import calibration_score, distribution_score
from vs_bench.scorers.common import epoch_reducer
from vs_bench.scorers.distribution_scorer import explanation
from vs_bench.tasks.numbers import DICE_ANSWERS


def test_each_scorer_reports_exactly_its_catalogue_keys() -> None:
    dist = distribution_score(np.array([3.0, 1.0, 0.0]), invalid=1, parse_failures=1, replies=4)
    assert set(dist) == set(catalogue.keys_of(catalogue.DISTRIBUTION))
    answers = AnswerSet.from_aliases([["a"], ["b"]])
    draws = SampleDraws(requested=2, replies=1, draws=[Draw("a", 0.5, 0, 0), Draw("b", 0.5, 0, 0)])
    calib = calibration_score(draws, answers)
    assert set(calib) == set(catalogue.keys_of(catalogue.CALIBRATION))


def test_every_family_declares_a_primary_metric_with_a_direction() -> None:
    from vs_bench.tasks import SPECS

    assert catalogue.keys_of(catalogue.DISTRIBUTION)[0] == "kl"
    for spec in SPECS.values():
        assert spec.primary in catalogue.CATALOGUE, spec.name
        assert spec.higher_is_better == catalogue.CATALOGUE[spec.primary].higher_is_better
    assert (SPECS["dice"].kind, SPECS["dice"].primary) == ("answer_set", "kl_mm")
    assert SPECS["joke"].higher_is_better is True
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


def scorers_of(log: EvalLog) -> dict[str, dict[str, float]]:
    """Scorer -> its run-level values, in the log's order."""
    assert log.results is not None
    values: dict[str, dict[str, float]] = {}
    for score in log.results.scores:
        for metric in score.metrics.values():
            values.setdefault(score.scorer, {})[score.name] = metric.value
    return values


def test_inspect_score_rescores_a_log_with_every_scorer(tmp_path: Path) -> None:
    log = run("dice_vs_standard", task_args={"n": 30}, epochs=2, log_dir=str(tmp_path))
    before = scorers_of(log)
    assert list(before) == ["distribution_scorer", "calibration_scorer"]
    # the primary metric leads: Inspect's headline (the viewer's log list and header)
    assert log.results is not None and log.results.headline is not None
    assert (log.results.headline.scorer, log.results.headline.score) == (
        "distribution_scorer",
        "kl",
    )
    # Inspect's own command, without --scorer: it rebuilds the scorers the log names
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "inspect_ai",
            "score",
            log.location,
            "--action",
            "overwrite",
            "--overwrite",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    rescored = read_eval_log(log.location)
    after = scorers_of(rescored)
    assert list(after) == ["distribution_scorer", "calibration_scorer"]
    for scorer, values in before.items():
        assert after[scorer].keys() == values.keys()
        for key, value in values.items():
            assert after[scorer][key] == pytest.approx(value, nan_ok=True), (scorer, key)
    assert after["distribution_scorer"]["n_valid"] == 2 * 30  # counts still summed over epochs
    assert rescored.results is not None and rescored.results.headline is not None
    assert rescored.results.headline.score == "kl"
    # each sample's score says what it is, over how many draws
    assert rescored.samples is not None
    for sample in rescored.samples:
        score = sample.scores["distribution_scorer"]  # type: ignore[index]
        assert isinstance(score.value, dict) and next(iter(score.value)) == "kl"
        assert score.explanation == (
            f"KL (Miller-Madow) {max(score.value['kl_mm'], 0.0):.3f}, plug-in "
            f"{score.value['kl']:.3f}, over 30 draws, 30 in the answer set"
        )


def test_explanation_shows_parse_failures_and_delivery() -> None:
    draws = SampleDraws(
        requested=10,
        replies=4,
        draws=[Draw(str(face), None, call, 0) for call, face in enumerate([1, 2, 2, 7, 3])],
        failures=[
            ParseFailure(4, 0, "no JSON object in reply", "I rolled"),
            ParseFailure(5, 0, "no JSON object in reply", "Sure"),
        ],
        over_delivered=3,
        under_delivered=2,
    )
    counts, invalid = DICE_ANSWERS.counts(draws.texts)
    values = distribution_score(
        counts,
        invalid,
        len(draws.failures),
        draws.replies,
        draws.over_delivered,
        draws.under_delivered,
    )
    assert (values["parse_failures"], values["over_delivered"], values["under_delivered"]) == (
        2,
        3,
        2,
    )
    assert explanation(values, draws) == (
        f"KL (Miller-Madow) {max(values['kl_mm'], 0.0):.3f}, plug-in {values['kl']:.3f}, "
        "over 5 draws, 4 in the answer set; 2 of 4 replies did not parse (first: no JSON object in "
        "reply); 3 candidates beyond the k asked were dropped; 2 candidates short of the "
        "k asked"
    )
