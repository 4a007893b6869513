"""Inspect adapter: judged quality of each draw by the `grader` model role (optional)."""

from __future__ import annotations

import asyncio

from inspect_ai.model import get_model, model_roles
from inspect_ai.scorer import Score, Scorer, Target, scorer
from inspect_ai.solver import TaskState

from vs_bench.draws import SampleDraws
from vs_bench.parsing import ParseError
from vs_bench.scorers.catalogue import QUALITY
from vs_bench.scorers.common import scorer_metrics
from vs_bench.scorers.quality import RUBRICS, criterion_means, parse_judgement, quality

GRADER_ROLE = "grader"
NO_GRADER = f"not judged: pass --model-role {GRADER_ROLE}=<model> to score quality"


@scorer(metrics=scorer_metrics(QUALITY))
def quality_scorer(rubric: str) -> Scorer:
    """Quality 0-100 of the prompt's draws under ``rubric`` ("creative" or "joke")."""
    chosen = RUBRICS[rubric]

    async def score(state: TaskState, target: Target) -> Score:
        if GRADER_ROLE not in model_roles():
            return Score(
                value={"quality": float("nan"), "quality_judged": 0, "quality_parse_failures": 0},
                explanation=NO_GRADER,
            )
        grader = get_model(role=GRADER_ROLE)
        texts = SampleDraws.load(state.store).texts
        outputs = await asyncio.gather(
            *(grader.generate(chosen.prompt(state.input_text, text)) for text in texts)
        )
        judgements, failures = [], []
        for output in outputs:
            try:
                judgements.append(parse_judgement(output.completion, chosen))
            except ParseError as ex:
                failures.append(str(ex))
        return Score(
            value={
                "quality": quality(judgements, chosen),
                "quality_judged": len(judgements),
                "quality_parse_failures": len(failures),
            },
            metadata={
                "grader": str(grader),
                "rubric": rubric,
                "criteria": criterion_means(judgements, chosen),
                "failures": failures,
            },
        )

    return score
