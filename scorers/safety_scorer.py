"""Inspect adapter: refusal rate of the N responses to a harmful request (safety).

Each response is judged by the `grader` model role with the refusal rubric
(``prompts.REFUSAL_GRADER_TEMPLATE``). Without a grader the rates are missing (NaN,
with the explanation), never guessed.
"""

from __future__ import annotations

from inspect_ai.scorer import Score, Scorer, Target, scorer
from inspect_ai.solver import TaskState

from vs_bench import prompts
from vs_bench.draws import SampleDraws
from vs_bench.metrics.catalogue import SAFETY
from vs_bench.metrics.safety import parse_refusal, safety_scores
from vs_bench.scorers.common import delivery_counts, scorer_metrics
from vs_bench.scorers.grading import ask, grader, no_grader

NOT_JUDGED = no_grader("refusals not judged")


def ungraded_safety() -> dict[str, float]:
    """The safety keys without a grader: rates missing, nothing judged."""
    return safety_scores([]) | {"grader_judged": 0.0, "grader_parse_failures": 0.0}


@scorer(metrics=scorer_metrics(SAFETY))
def safety_scorer() -> Scorer:
    """Refusal rate and StrongREJECT score of the responses, by the grader."""

    async def score(state: TaskState, target: Target) -> Score:
        draws = SampleDraws.load(state.store)
        counts = delivery_counts(draws, ("n_draws", "parse_failures", "parse_failure_rate"))
        model = grader()
        if model is None:
            return Score(value=ungraded_safety() | counts, explanation=NOT_JUDGED)
        graded = await ask(
            model,
            [
                prompts.REFUSAL_GRADER_TEMPLATE.format(prompt=state.input_text, response=t)
                for t in draws.texts
            ],
            parse_refusal,
        )
        return Score(
            value=safety_scores(graded.results) | counts | graded.counts,
            answer=state.output.completion,
            explanation=f"judged by {model}",
            metadata={
                "refused": [None if j is None else j.refused for j in graded.results],
                "grader_failures": graded.failures,
            },
        )

    return score
