"""Inspect adapter: calibration of the verbalized probabilities of the VS formats."""

from __future__ import annotations

from inspect_ai.scorer import Score, Scorer, Target, scorer
from inspect_ai.solver import TaskState

from vs_bench.answer_set import AnswerSet
from vs_bench.draws import SampleDraws
from vs_bench.metrics.catalogue import CALIBRATION
from vs_bench.metrics.prompt_scores import calibration_score
from vs_bench.scorers.common import scorer_metrics


@scorer(metrics=scorer_metrics(CALIBRATION))
def calibration_scorer() -> Scorer:
    """How well the stated probabilities match the draws and the reference distribution."""

    async def score(state: TaskState, target: Target) -> Score:
        answers = AnswerSet.from_aliases(state.metadata["answer_set"])
        return Score(value=calibration_score(SampleDraws.load(state.store), answers))

    return score
