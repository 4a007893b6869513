"""Inspect adapter: judged quality of each draw by the `grader` model role (optional)."""

from __future__ import annotations

import asyncio
import math

from inspect_ai.model import get_model, model_roles
from inspect_ai.scorer import Score, Scorer, Target, scorer
from inspect_ai.solver import TaskState

from vs_bench.draws import SampleDraws
from vs_bench.metrics.catalogue import QUALITY
from vs_bench.metrics.quality import RUBRICS, criterion_means, parse_judgement, quality
from vs_bench.metrics.similarity import utility_k
from vs_bench.parsing import ParseError
from vs_bench.scorers.common import scorer_metrics

GRADER_ROLE = "grader"
NO_GRADER = f"not judged: pass --model-role {GRADER_ROLE}=<model> to score quality"
# utility_k reads the functional-equivalence classes this scorer (listed before) recorded
DIVERSITY_SCORER = "diversity_scorer"


def _classes(state: TaskState) -> list[int] | None:
    earlier = (state.scores or {}).get(DIVERSITY_SCORER)
    classes = (earlier.metadata or {}).get("classes") if earlier else None
    return classes if isinstance(classes, list) else None


@scorer(metrics=scorer_metrics(QUALITY))
def quality_scorer(rubric: str) -> Scorer:
    """Quality 0-100 of the prompt's draws under ``rubric`` ("creative" or "joke")."""
    chosen = RUBRICS[rubric]

    async def score(state: TaskState, target: Target) -> Score:
        if GRADER_ROLE not in model_roles():
            return Score(
                value={"quality": math.nan, "quality_judged": 0, "quality_parse_failures": 0,
                       "utility_k": math.nan},
                explanation=NO_GRADER,
            )
        grader = get_model(role=GRADER_ROLE, required=True)  # bound: checked above
        texts = SampleDraws.load(state.store).texts
        outputs = await asyncio.gather(
            *(grader.generate(chosen.prompt(state.input_text, text)) for text in texts)
        )
        judgements, failures = [], []
        per_draw: list[float | None] = []  # None: not judged (unparsed, or nothing applied)
        for output in outputs:
            try:
                judgements.append(parse_judgement(output.completion, chosen))
            except ParseError as ex:
                failures.append(str(ex))
                per_draw.append(None)
                continue
            value = quality(judgements[-1:], chosen)
            per_draw.append(None if math.isnan(value) else value)
        classes = _classes(state)
        usable = classes is not None and len(classes) == len(per_draw)
        utility = utility_k(classes, per_draw) if classes is not None and usable else math.nan
        return Score(
            value={
                "quality": quality(judgements, chosen),
                "quality_judged": len(judgements),
                "quality_parse_failures": len(failures),
                "utility_k": utility,
            },
            explanation=None if usable else "utility_k: no functional-equivalence classes "
            f"from {DIVERSITY_SCORER} (partitioner reply unparsed, or the scorer not run)",
            metadata={
                "grader": str(grader),
                "rubric": rubric,
                "criteria": criterion_means(judgements, chosen),
                "failures": failures,
                "quality_per_draw": per_draw,  # None where the grader's reply did not parse
            },
        )

    return score
