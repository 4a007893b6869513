"""Inspect adapter: a sample's draws against its answer set's reference distribution.

For tasks whose answer set carries weights (``state_probe``, ``target_dist``): the
sample metadata holds the alias groups under ``answer_set`` (as every answer-set
task) and the weights under ``reference_weights``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from inspect_ai.scorer import Score, Scorer, Target, scorer
from inspect_ai.solver import TaskState

from vs_bench.answer_set import AnswerSet
from vs_bench.draws import SampleDraws
from vs_bench.metrics.catalogue import REFERENCE, WEIGHTS_KEY, keys_of
from vs_bench.metrics.distribution import coverage, precision
from vs_bench.metrics.prompt_scores import delivery_values
from vs_bench.metrics.reference_distribution import (
    SMOOTHING,
    ModelDistribution,
    model_distribution,
    reference_scores,
)
from vs_bench.scorers.common import scorer_metrics

KEYS = keys_of(REFERENCE)


def to_metadata(answers: AnswerSet) -> dict[str, Any]:
    """Sample metadata of a weighted answer set."""
    return {"answer_set": answers.to_metadata(), WEIGHTS_KEY: answers.reference.tolist()}


def from_metadata(metadata: Mapping[str, Any]) -> AnswerSet:
    answers = AnswerSet.from_aliases(metadata["answer_set"])
    weights = metadata.get(WEIGHTS_KEY)
    return answers if weights is None else answers.with_weights(weights)


def reference_score(
    answers: AnswerSet,
    texts: Sequence[str],
    probabilities: Sequence[float | None],
    parse_failures: int | None = None,
    replies: int = 0,
) -> tuple[dict[str, float], ModelDistribution]:
    """Every key of ``KEYS`` for one prompt's draws (parse failures left out when None)."""
    nan = float("nan")
    index = np.array([-1 if (i := answers.match(t)) is None else i for t in texts], dtype=np.int64)
    stated = np.array([nan if p is None else p for p in probabilities], dtype=float)
    model = model_distribution(index, stated, answers.size)
    n_draws, n_valid = len(texts), model.n
    values = reference_scores(model, answers.reference) | {
        "coverage": float(coverage(model.counts)),
        "precision": float(precision(model.counts, n_draws - n_valid)),
        "invalid_rate": (n_draws - n_valid) / n_draws if n_draws else nan,
        "n_valid": float(n_valid),
    }
    if parse_failures is not None:
        delivered = delivery_values(n_draws, parse_failures, replies)
        values |= {key: delivered[key] for key in ("parse_failures", "parse_failure_rate")}
    return values, model


def explanation(model: ModelDistribution) -> str:
    source = "verbalized probabilities, renormalised" if model.verbalized else "draw frequencies"
    return (
        f"model distribution from the {source} of {model.n} valid draws; kl_reference "
        f"smooths it with {SMOOTHING} pseudo-draw per answer"
    )


@scorer(metrics=scorer_metrics(REFERENCE))
def reference_scorer() -> Scorer:
    """KL both ways, the paper's lenient KL, TV and chi-square against the reference."""

    async def score(state: TaskState, target: Target) -> Score:
        answers = from_metadata(state.metadata)
        draws = SampleDraws.load(state.store)
        values, model = reference_score(
            answers,
            draws.texts,
            [d.probability for d in draws.draws],
            len(draws.failures),
            draws.replies,
        )
        return Score(
            value=values,
            answer=state.output.completion,
            explanation=explanation(model),
            metadata={
                "distribution": dict(zip(answers.canonical, model.q.tolist(), strict=True)),
                "verbalized": model.verbalized,
                "counts": dict(zip(answers.canonical, model.counts.tolist(), strict=True)),
                "failures": [f.error for f in draws.failures],
            },
        )

    return score
