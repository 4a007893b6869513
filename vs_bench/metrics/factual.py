"""Factual QA (simpleqa): grades of N answers to one question and their summary (pure).

Grades are "correct", "incorrect", "not_attempted", or None for an answer whose
grade is unknown (the grader's reply did not parse). Per question:

- ``top1_accuracy``: the top answer is correct. The top answer is the one with the
  highest stated probability, or the first answer when none is stated (the paper's
  Top@1); ties go to the earlier answer.
- ``pass_at_n``: any of the N answers is correct (the paper's Pass@N).
- ``accuracy``: correct / graded answers; ``not_attempted_rate``: not attempted /
  graded answers.

Without a grader, an answer is correct when it equals the gold answer after
``normalize_answer`` (exact match), and "incorrect" otherwise; nothing is then
judged "not attempted", so that rate is NaN.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Sequence
from typing import Literal

from vs_bench.parsing import ParseError, load_json

Grade = Literal["correct", "incorrect", "not_attempted"]
GRADES: tuple[Grade, ...] = ("correct", "incorrect", "not_attempted")
_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCTUATION = str.maketrans("", "", string.punctuation)
# the longest label first: "INCORRECT" contains "CORRECT"
_BARE = re.compile(r"\b(NOT[ _]ATTEMPTED|INCORRECT|CORRECT)\b", re.IGNORECASE)


def normalize_answer(text: str) -> str:
    """Lower-case, punctuation and articles (a, an, the) removed, whitespace collapsed.

    The SQuAD answer normalisation (Rajpurkar et al. 2016).
    """
    text = str(text).lower().translate(_PUNCTUATION)
    return " ".join(_ARTICLES.sub(" ", text).split())


def exact_match(answer: str, gold: str) -> Grade:
    return "correct" if normalize_answer(answer) == normalize_answer(gold) else "incorrect"


def parse_grade(reply: str) -> Grade:
    """The grade of a grader reply: ``{"grade": ...}`` or a bare label; ParseError else."""
    label: str | None = None
    try:
        data = load_json(reply, "{")
        if isinstance(data, dict) and isinstance(data.get("grade"), str):
            label = data["grade"]
    except ParseError:
        pass
    match = _BARE.search(label if label is not None else reply)
    if match is None:
        raise ParseError("no CORRECT / INCORRECT / NOT_ATTEMPTED in the grader's reply")
    word = match.group(1).lower().replace(" ", "_")
    return word  # type: ignore[return-value]


def top_index(probabilities: Sequence[float | None]) -> int:
    """Index of the answer with the highest stated probability; 0 when none is stated."""
    best, best_p = 0, -math.inf
    for index, p in enumerate(probabilities):
        if p is not None and not math.isnan(p) and p > best_p:
            best, best_p = index, p
    return best


def factual_scores(
    grades: Sequence[Grade | None], probabilities: Sequence[float | None], judged: bool
) -> dict[str, float]:
    """top1_accuracy, pass_at_n, accuracy and not_attempted_rate of one question.

    ``judged``: the grades come from a grader (else from exact match, where "not
    attempted" is unknown). An unknown grade makes a value that depends on it NaN.
    """
    nan = float("nan")
    known = [g for g in grades if g is not None]
    if not grades:
        return dict.fromkeys(("top1_accuracy", "pass_at_n", "accuracy", "not_attempted_rate"), nan)
    top = grades[top_index(probabilities)]
    # one correct answer passes; with none, an unknown grade might have been correct
    passed = 1.0 if "correct" in known else 0.0 if len(known) == len(grades) else nan
    return {
        "top1_accuracy": nan if top is None else float(top == "correct"),
        "pass_at_n": passed,
        "accuracy": known.count("correct") / len(known) if known else nan,
        "not_attempted_rate": (
            known.count("not_attempted") / len(known) if known and judged else nan
        ),
    }
