"""Inspect adapter: top-1 accuracy and pass@N of a question's N answers (simpleqa).

Graded by the `grader` model role when one is given (each distinct answer once, with
``prompts.FACTUAL_GRADER_TEMPLATE``), else by normalised exact match against the
gold answer (the sample's target); the score's explanation says which.
"""

from __future__ import annotations

from collections.abc import Sequence

from inspect_ai.scorer import Score, Scorer, Target, scorer
from inspect_ai.solver import TaskState

from vs_bench import prompts
from vs_bench.draws import SampleDraws
from vs_bench.metrics.catalogue import FACTUAL
from vs_bench.metrics.factual import (
    Grade,
    exact_match,
    factual_scores,
    normalize_answer,
    parse_grade,
)
from vs_bench.scorers.common import delivery_counts, scorer_metrics
from vs_bench.scorers.grading import ask, grader, no_grader

EXACT_MATCH = no_grader("graded by normalised exact match against the gold answer")


def exact_match_scores(
    answers: Sequence[str], probabilities: Sequence[float | None], gold: str
) -> dict[str, float]:
    """The factual keys of one question graded by exact match (``vs-bench score`` too)."""
    grades: list[Grade | None] = [exact_match(a, gold) for a in answers]
    return factual_scores(grades, probabilities, judged=False)


@scorer(metrics=scorer_metrics(FACTUAL))
def factual_scorer() -> Scorer:
    """Top-1 accuracy and pass@N against the gold answer (grader, else exact match)."""

    async def score(state: TaskState, target: Target) -> Score:
        draws = SampleDraws.load(state.store)
        texts = draws.texts
        probabilities = [d.probability for d in draws.draws]
        gold = target.text
        counts = delivery_counts(draws, ("n_draws", "parse_failures", "parse_failure_rate"))
        model = grader()
        if model is None:
            values = exact_match_scores(texts, probabilities, gold)
            counts |= {"grader_judged": 0.0, "grader_parse_failures": 0.0}
            return Score(
                value=values | counts, answer=state.output.completion, explanation=EXACT_MATCH
            )
        # one grader call per distinct answer
        distinct = list(dict.fromkeys(normalize_answer(t) for t in texts))
        first = {key: next(t for t in texts if normalize_answer(t) == key) for key in distinct}
        graded = await ask(
            model,
            [
                prompts.FACTUAL_GRADER_TEMPLATE.format(
                    question=state.input_text, gold=gold, answer=first[key]
                )
                for key in distinct
            ],
            parse_grade,
        )
        by_key = dict(zip(distinct, graded.results, strict=True))
        grades = [by_key[normalize_answer(t)] for t in texts]
        return Score(
            value=factual_scores(grades, probabilities, judged=True) | counts | graded.counts,
            answer=state.output.completion,
            explanation=f"graded by {model}",
            metadata={"grades": grades, "grader_failures": graded.failures},
        )

    return score
