"""Judged quality of creative texts: rubrics, judge-reply parsing and aggregation.

Aggregation as the paper: for each criterion, the mean of its scores over the judged
texts (texts where it does not apply are left out), normalised by the criterion's top
score; then the mean over criteria, x100.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from vs_bench import prompts
from vs_bench.parsing import ParseError, load_json

Judgement = dict[str, float | None]


@dataclass(frozen=True)
class Rubric:
    kind: str  # what the judge is told it reads
    criteria: tuple[str, ...]
    top: int  # highest score of every criterion
    allow_not_applicable: bool

    def prompt(self, request: str, text: str) -> str:
        return prompts.JUDGE_TEMPLATE.format(
            kind=self.kind,
            top=self.top,
            not_applicable=prompts.JUDGE_NOT_APPLICABLE if self.allow_not_applicable else "",
            criteria="\n".join(f"- {c}" for c in self.criteria),
            prompt=request,
            text=text,
        )


RUBRICS: dict[str, Rubric] = {
    "creative": Rubric("creative writing", prompts.CREATIVE_CRITERIA, 20, True),
    "joke": Rubric("a joke", prompts.JOKE_CRITERIA, 5, False),
}


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def parse_judgement(reply: str, rubric: Rubric) -> Judgement:
    """Scores per criterion from a judge reply; ParseError when any is missing or invalid."""
    data = load_json(reply, "{")
    scores = data.get("scores", data) if isinstance(data, dict) else None
    if not isinstance(scores, dict):
        raise ParseError('expected a JSON object {"scores": {...}}')
    given = {_key(str(name)): value for name, value in scores.items()}
    judgement: Judgement = {}
    for criterion in rubric.criteria:
        if _key(criterion) not in given:
            raise ParseError(f"no score for {criterion!r}")
        value = given[_key(criterion)]
        if value is None and rubric.allow_not_applicable:
            judgement[criterion] = None
            continue
        try:
            number = float(str(value).split("/")[0])  # "15/20" → 15
        except ValueError:
            raise ParseError(f"score {value!r} for {criterion!r} is not a number") from None
        if not 0 <= number <= rubric.top:
            raise ParseError(f"score {number} for {criterion!r} is outside 0..{rubric.top}")
        judgement[criterion] = number
    return judgement


def criterion_means(judgements: Sequence[Mapping[str, float | None]], rubric: Rubric) -> Judgement:
    """Mean normalised score (0..1) per criterion; None where no text had it."""
    means: Judgement = {}
    for criterion in rubric.criteria:
        values = [v for j in judgements if (v := j.get(criterion)) is not None]
        means[criterion] = sum(values) / len(values) / rubric.top if values else None
    return means


def quality(judgements: Sequence[Mapping[str, float | None]], rubric: Rubric) -> float:
    """Mean over criteria of the per-criterion means, x100; NaN when nothing was judged."""
    values = [v for v in criterion_means(judgements, rubric).values() if v is not None]
    return 100 * sum(values) / len(values) if values else float("nan")
