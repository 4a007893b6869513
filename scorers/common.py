"""Run-level metrics shared by the vs_bench scorers."""

from __future__ import annotations

import math

from inspect_ai.scorer import Metric, SampleScore, metric


def _values(scores: list[SampleScore]) -> list[float]:
    return [float(s.score.as_float()) for s in scores]


@metric
def mean_defined() -> Metric:
    """Mean over prompts where the value is defined (NaN marks 'no valid draws')."""

    def compute(scores: list[SampleScore]) -> float:
        values = [v for v in _values(scores) if not math.isnan(v)]
        return sum(values) / len(values) if values else float("nan")

    return compute


@metric
def total() -> Metric:
    """Sum over prompts (for counts such as parse failures)."""

    def compute(scores: list[SampleScore]) -> float:
        return sum(_values(scores))

    return compute
