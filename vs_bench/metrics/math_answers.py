"""Synthetic math data: the '#### <number>' answers of generated texts and their rates (pure).

- ``final_answer``: the number after the last "####" of a text (commas, a leading "$"
  and a trailing "." allowed), else None.
- synthetic_math (generated problems with their answers): ``valid_rate`` = texts
  with a final answer / N; ``correct_rate`` = texts whose stated answer equals the
  grader's own solution of the problem / texts graded (a text without an answer is
  graded incorrect without asking).
- synthetic_negative (asked for incorrect solutions of one problem): with s the
  grader's solution, ``incorrect_rate`` = texts whose answer is a number other than
  s / N, ``incorrect_coverage`` = distinct such answers / N (the paper's coverage).

Two answers are equal when ``math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from vs_bench.parsing import ParseError

_ANSWER = re.compile(r"####\s*\$?\s*(-?\d[\d,]*(?:\.\d+)?|-?\.\d+)")
_ANSWER_MARK = re.compile(r"^\s*answer\s*:", re.IGNORECASE | re.MULTILINE)
_QUESTION_MARK = re.compile(r"^\s*question\s*:\s*", re.IGNORECASE)


def final_answer(text: str) -> float | None:
    """The number after the last '####' in ``text``; None when there is none."""
    found = _ANSWER.findall(text)
    return float(found[-1].replace(",", "")) if found else None


def parse_solution(reply: str) -> float:
    """A grader's solution: its '####' answer; ParseError when it has none."""
    answer = final_answer(reply)
    if answer is None:
        raise ParseError("the grader's solution has no '#### <number>' answer")
    return answer


def question_of(text: str) -> str:
    """The problem statement of a generated 'Question: ... Answer: ...' text."""
    marker = _ANSWER_MARK.search(text)
    question = text[: marker.start()] if marker else text.split("####")[0]
    return _QUESTION_MARK.sub("", question.strip(), count=1).strip()


def same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def valid_rate(answers: Sequence[float | None]) -> float:
    return sum(a is not None for a in answers) / len(answers) if answers else float("nan")


def correct_rate(answers: Sequence[float | None], solutions: Sequence[float | None]) -> float:
    """Share of texts whose answer the grader's solution confirms.

    ``solutions[i]``: the grader's answer to text i's problem, None where its reply
    did not parse (text left out); a text without an answer counts as not correct.
    """
    graded = [
        s is not None and same(a, s) if a is not None else False
        for a, s in zip(answers, solutions, strict=True)
        if a is None or s is not None
    ]
    return sum(graded) / len(graded) if graded else float("nan")


def incorrect_scores(answers: Sequence[float | None], solution: float | None) -> dict[str, float]:
    """incorrect_rate and incorrect_coverage against the grader's solution (NaN if None)."""
    nan = float("nan")
    if solution is None or not answers:
        return {"incorrect_rate": nan, "incorrect_coverage": nan}
    wrong = [a for a in answers if a is not None and not same(a, solution)]
    distinct: list[float] = []
    for a in wrong:
        if not any(same(a, d) for d in distinct):
            distinct.append(a)
    return {
        "incorrect_rate": len(wrong) / len(answers),
        "incorrect_coverage": len(distinct) / len(answers),
    }
