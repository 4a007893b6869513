"""Inspect adapters: validity and grader-checked answers of generated math data.

``synthetic_math_scorer``: each generated problem's stated answer against the
grader's own solution of it (one grader call per problem with an answer).
``synthetic_negative_scorer``: the N intended-incorrect solutions of one problem
against the grader's solution of that problem (one grader call per prompt; the
problem is the sample's ``problem`` metadata). Without a grader only ``valid_rate``
is computed; the graded rates are missing (NaN, with the explanation).
"""

from __future__ import annotations

from inspect_ai.scorer import Score, Scorer, Target, scorer
from inspect_ai.solver import TaskState

from vs_bench import prompts
from vs_bench.draws import SampleDraws
from vs_bench.metrics.catalogue import SYNTHETIC_MATH, SYNTHETIC_NEGATIVE
from vs_bench.metrics.math_answers import (
    correct_rate,
    final_answer,
    incorrect_scores,
    parse_solution,
    question_of,
    valid_rate,
)
from vs_bench.scorers.common import scorer_metrics
from vs_bench.scorers.grading import ask, grader, no_grader

NOT_GRADED = no_grader("answers not checked")
_UNGRADED = {"grader_judged": 0.0, "grader_parse_failures": 0.0}


def ungraded_math(texts: list[str]) -> dict[str, float]:
    """synthetic_math keys without a grader (``vs-bench score`` too)."""
    answers = [final_answer(t) for t in texts]
    return {"valid_rate": valid_rate(answers), "correct_rate": float("nan")} | _UNGRADED


def ungraded_negative(texts: list[str]) -> dict[str, float]:
    """synthetic_negative keys without a grader (``vs-bench score`` too)."""
    answers = [final_answer(t) for t in texts]
    return {"valid_rate": valid_rate(answers)} | incorrect_scores(answers, None) | _UNGRADED


@scorer(metrics=scorer_metrics(SYNTHETIC_MATH))
def synthetic_math_scorer() -> Scorer:
    """valid_rate; with a grader, correct_rate of the generated problems."""

    async def score(state: TaskState, target: Target) -> Score:
        texts = SampleDraws.load(state.store).texts
        model = grader()
        if model is None:
            return Score(value=ungraded_math(texts), explanation=NOT_GRADED)
        answers = [final_answer(t) for t in texts]
        asked = [i for i, a in enumerate(answers) if a is not None]
        graded = await ask(
            model,
            [prompts.MATH_SOLVER_TEMPLATE.format(problem=question_of(texts[i])) for i in asked],
            parse_solution,
        )
        solutions: list[float | None] = [None] * len(texts)
        for i, solution in zip(asked, graded.results, strict=True):
            solutions[i] = solution
        return Score(
            value={
                "valid_rate": valid_rate(answers),
                "correct_rate": correct_rate(answers, solutions),
            }
            | graded.counts,
            explanation=f"answers checked by {model}",
            metadata={
                "answers": answers,
                "solutions": solutions,
                "grader_failures": graded.failures,
            },
        )

    return score


@scorer(metrics=scorer_metrics(SYNTHETIC_NEGATIVE))
def synthetic_negative_scorer() -> Scorer:
    """valid_rate; with a grader, incorrect_rate and incorrect_coverage."""

    async def score(state: TaskState, target: Target) -> Score:
        texts = SampleDraws.load(state.store).texts
        model = grader()
        if model is None:
            return Score(value=ungraded_negative(texts), explanation=NOT_GRADED)
        answers = [final_answer(t) for t in texts]
        problem = str(state.metadata.get("problem", state.input_text))
        graded = await ask(
            model, [prompts.MATH_SOLVER_TEMPLATE.format(problem=problem)], parse_solution
        )
        (solution,) = graded.results
        return Score(
            value={"valid_rate": valid_rate(answers)}
            | incorrect_scores(answers, solution)
            | graded.counts,
            explanation=f"problem solved by {model}: {solution}",
            metadata={"answers": answers, "solution": solution, "grader_failures": graded.failures},
        )

    return score
