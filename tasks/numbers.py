"""Number tasks: rand_num (a random integer in a range) and dice (a fair six-sided die)."""

from __future__ import annotations

import re
from typing import Any

from inspect_ai import Task
from inspect_ai.dataset import Sample

from vs_bench.answer_set import AnswerSet
from vs_bench.errors import VsBenchError
from vs_bench.scorers import distribution_scorer
from vs_bench.tasks._common import SUBSET_SEED, TEMPERATURE, TOP_P, as_int, build_task

RAND_NUM_PROMPT = "Generate a random integer between {low} and {high}."
DICE_PROMPT = (
    "Roll a fair six-sided dice. Return ONLY the integer result (1-6), "
    "with no explanation or extra text."
)
DICE_ANSWERS = AnswerSet.of_labels(range(1, 7))
_RAND_NUM = re.compile(r"random integer between (-?\d+) and (-?\d+)")


def _task(prompt: str, answers: AnswerSet, **params: Any) -> Task:
    """One prompt, scored against ``answers``, calibrated in the VS formats."""
    sample = Sample(input=prompt, id=1, metadata={"answer_set": answers.to_metadata()})
    return build_task([sample], distribution_scorer(), plausible=True, calibrate=True, **params)


def rand_num(
    format: str = "direct",
    n: int = 100,
    k: int = 5,
    m: int | None = None,
    low: int = 0,
    high: int = 9,
    temperature: float = TEMPERATURE,
    top_p: float = TOP_P,
    tail: float | None = None,
    probability_definition: str | None = None,
    limit: int | None = None,
    seed: int = SUBSET_SEED,
) -> Task:
    """A random integer in [low, high]; reference: uniform over the range."""
    lo, hi = as_int("low", low), as_int("high", high)
    if hi < lo:
        raise VsBenchError(f"the range {lo}..{hi} is empty: pass -T low=<a> high=<b> with a <= b")
    prompt = RAND_NUM_PROMPT.format(low=lo, high=hi)
    return _task(
        prompt, AnswerSet.of_labels(range(lo, hi + 1)), format=format, n=n, k=k, m=m,
        temperature=temperature, top_p=top_p, tail=tail,
        probability_definition=probability_definition, limit=limit, seed=seed,
    )


def dice(
    format: str = "direct",
    n: int = 600,
    k: int = 5,
    m: int | None = None,
    temperature: float = TEMPERATURE,
    top_p: float = TOP_P,
    tail: float | None = None,
    probability_definition: str | None = None,
    limit: int | None = None,
    seed: int = SUBSET_SEED,
) -> Task:
    """A roll of a fair six-sided die; reference: uniform over 1..6."""
    return _task(
        DICE_PROMPT, DICE_ANSWERS, format=format, n=n, k=k, m=m, temperature=temperature,
        top_p=top_p, tail=tail, probability_definition=probability_definition, limit=limit,
        seed=seed,
    )


def reference(prompt: str) -> AnswerSet | None:
    """The answer set an ideal sampler draws from for a number-task prompt."""
    if prompt == DICE_PROMPT:
        return DICE_ANSWERS
    match = _RAND_NUM.search(prompt)
    if match:
        return AnswerSet.of_labels(range(int(match.group(1)), int(match.group(2)) + 1))
    return None
