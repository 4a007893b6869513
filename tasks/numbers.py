"""Number tasks: rand_num (a random integer in a range) and dice (a fair six-sided die)."""

from __future__ import annotations

import re

from inspect_ai.dataset import Sample
from inspect_ai.scorer import Scorer

from vs_bench.answer_set import AnswerSet
from vs_bench.checks import integer
from vs_bench.errors import VsBenchError
from vs_bench.scorers import distribution_scorer
from vs_bench.tasks._family import Own, family

RAND_NUM_PROMPT = "Generate a random integer between {low} and {high}."
DICE_PROMPT = (
    "Roll a fair six-sided dice. Return ONLY the integer result (1-6), "
    "with no explanation or extra text."
)
DICE_ANSWERS = AnswerSet.of_labels(range(1, 7))
LOW, HIGH = 0, 9  # rand_num's default range
_RAND_NUM = re.compile(r"random integer between (-?\d+) and (-?\d+)")
# a range as a response file's prompt may word it: "between 1 and 10", "from 1 to 10", "1-10"
_RANGE = re.compile(r"(-?\d+)\s*(?:and|to|through|-|–|\.\.)\s*(-?\d+)")


def _scorers(own: Own) -> list[Scorer]:
    return [distribution_scorer()]


def _sample(prompt: str, answers: AnswerSet) -> list[Sample]:
    return [Sample(input=prompt, id=1, metadata={"answer_set": answers.to_metadata()})]


def range_answers(prompt: str) -> AnswerSet:
    """``vs-bench score``: the integers of the range the prompt names, else the default."""
    found = _RANGE.search(prompt)
    if found and int(found.group(1)) <= int(found.group(2)):
        return AnswerSet.of_labels(range(int(found.group(1)), int(found.group(2)) + 1))
    return AnswerSet.of_labels(range(LOW, HIGH + 1))


def rand_num_reference(prompt: str) -> AnswerSet | None:
    """The answer set of a rand_num prompt (the task's own wording), None for any other."""
    match = _RAND_NUM.search(prompt)
    if match is None:
        return None
    return AnswerSet.of_labels(range(int(match.group(1)), int(match.group(2)) + 1))


@family(
    n=100, k=5, scorers=_scorers, calibrate=True, answers=range_answers,
    reference=rand_num_reference, kind="answer_set", primary="kl_mm",
)
def rand_num(*, low: int = LOW, high: int = HIGH) -> list[Sample]:
    """A random integer in [low, high]; reference: uniform over the range.

    Args:
        low: the smallest integer of the range.
        high: the largest integer of the range (at least ``low``).
    """
    lo, hi = integer("low", low), integer("high", high)
    if hi < lo:
        raise VsBenchError(f"the range {lo}..{hi} is empty: pass -T low=<a> high=<b> with a <= b")
    return _sample(RAND_NUM_PROMPT.format(low=lo, high=hi), AnswerSet.of_labels(range(lo, hi + 1)))


@family(
    n=600, k=5, scorers=_scorers, calibrate=True, answers=lambda prompt: DICE_ANSWERS,
    reference=lambda prompt: DICE_ANSWERS if prompt == DICE_PROMPT else None,
    kind="answer_set", primary="kl_mm",
)
def dice() -> list[Sample]:
    """A roll of a fair six-sided die; reference: uniform over 1..6."""
    return _sample(DICE_PROMPT, DICE_ANSWERS)
