"""Run-level metrics and the epoch reducer shared by the vs_bench scorers.

Rates and statistics are averaged over prompts (and over epochs of a prompt);
counts are summed. ``COUNT_KEYS`` is the one list of which keys are counts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from inspect_ai.scorer import (
    Metric,
    SampleScore,
    Score,
    ScoreReducer,
    metric,
    score_reducer,
)

COUNT_KEYS = frozenset(
    {"n_valid", "n_draws", "parse_failures", "quality_judged", "quality_parse_failures"}
)


def _defined_mean(values: Iterable[float]) -> float:
    defined = [v for v in values if not math.isnan(v)]
    return sum(defined) / len(defined) if defined else float("nan")


@metric
def mean_defined() -> Metric:
    """Mean over prompts where the value is defined (NaN marks 'no valid draws')."""

    def compute(scores: list[SampleScore]) -> float:
        return _defined_mean(float(s.score.as_float()) for s in scores)

    return compute


@metric
def total() -> Metric:
    """Sum over prompts (for counts such as parse failures)."""

    def compute(scores: list[SampleScore]) -> float:
        return sum(float(s.score.as_float()) for s in scores)

    return compute


def key_metrics(keys: Sequence[str]) -> list[dict[str, list[Metric]]]:
    """Inspect metrics of a dict-valued scorer: sums for counts, defined means otherwise."""
    return [{key: [total() if key in COUNT_KEYS else mean_defined()] for key in keys}]


@score_reducer(name="epochs")
def epoch_reducer() -> ScoreReducer:
    """One score per prompt from its epochs: counts summed, other keys averaged.

    Inspect's default (mean) would report 10 epochs of 100 draws as 100 draws.
    """

    def reduce(scores: list[Score]) -> Score:
        if not isinstance(scores[0].value, dict):
            return Score(value=_defined_mean(float(s.as_float()) for s in scores))
        value = {}
        for key in scores[0].value:
            values = [float(s.value[key]) for s in scores]  # type: ignore[index, arg-type]
            value[key] = sum(values) if key in COUNT_KEYS else _defined_mean(values)
        return Score(value=value, explanation=scores[0].explanation)

    return reduce
