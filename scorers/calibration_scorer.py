"""Inspect adapter: calibration of the verbalized probabilities of the VS formats."""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
from inspect_ai.scorer import Score, Scorer, Target, scorer
from inspect_ai.solver import TaskState

from vs_bench.answer_set import AnswerSet
from vs_bench.draws import SampleDraws
from vs_bench.scorers.calibration import (
    calibration,
    empirical_distribution,
    probability_sums,
)
from vs_bench.scorers.catalogue import CALIBRATION, keys_of
from vs_bench.scorers.common import scorer_metrics

# key suffix per target distribution
TARGETS = {"empirical": "", "reference": "_reference"}
# the keys of ``calibration_score``, in display order (the metric catalogue's rows)
KEYS = keys_of(CALIBRATION)


def calibration_score(draws: SampleDraws, answers: AnswerSet) -> dict[str, float]:
    """Calibration keys of one prompt's draws against its empirical and uniform targets."""
    nan = float("nan")
    index = np.array(
        [-1 if (i := answers.match(d.text)) is None else i for d in draws.draws], dtype=np.int64
    )
    stated = np.array(
        [nan if d.probability is None else d.probability for d in draws.draws], dtype=float
    )
    turns = {key: i for i, key in enumerate(dict.fromkeys((d.call, d.turn) for d in draws.draws))}
    calls = np.array([turns[(d.call, d.turn)] for d in draws.draws], dtype=np.int64)
    targets = {
        "empirical": empirical_distribution(index, answers.size),
        "reference": np.full(answers.size, 1.0 / answers.size),
    }
    sums = probability_sums(calls, stated)
    values = {
        "prob_sum_mean": float(sums.mean()) if sums.size else nan,
        "prob_missing_rate": float(np.isnan(stated).mean()) if stated.size else nan,
    }
    for target, distribution in targets.items():
        result = asdict(calibration(index, stated, distribution))
        values |= {f"calib_{name}{TARGETS[target]}": v for name, v in result.items()}
    return values


@scorer(metrics=scorer_metrics(CALIBRATION))
def calibration_scorer() -> Scorer:
    """How well the stated probabilities match the draws and the reference distribution."""

    async def score(state: TaskState, target: Target) -> Score:
        answers = AnswerSet.from_aliases(state.metadata["answer_set"])
        return Score(value=calibration_score(SampleDraws.load(state.store), answers))

    return score
