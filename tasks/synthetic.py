"""Synthetic data: synthetic_math (new problems) and synthetic_negative (wrong solutions).

synthetic_math sends the paper's one instruction (``data/synthetic_math.txt``: a grade
school word problem with its answer after '####') N times; synthetic_negative asks,
for each of 100 GSM8K problems (``data/synthetic_negative.txt``), for plausible but
incorrect solutions. Both are scored by the text diversity of the N responses (as the
creative tasks), ``valid_rate``, and, with a `grader` model that solves the problems,
``correct_rate`` (math) or ``incorrect_rate`` and ``incorrect_coverage`` (negative).
"""

from __future__ import annotations

import inspect
from functools import cache

from inspect_ai import Task
from inspect_ai.dataset import Sample

from vs_bench import prompts
from vs_bench.answer_set import AnswerSet
from vs_bench.scorers.diversity_scorer import diversity_scorer, diversity_scoring
from vs_bench.scorers.synthetic_scorer import (
    synthetic_math_scorer,
    synthetic_negative_scorer,
    ungraded_math,
    ungraded_negative,
)
from vs_bench.tasks._common import build_task
from vs_bench.tasks._family import DATA, Shared, canned, family, lines

PROBLEMS_FILE = "synthetic_negative.txt"


@cache
def instruction() -> str:
    """The paper's instruction (stored with the indentation of its source: removed)."""
    return inspect.cleandoc((DATA / "synthetic_math.txt").read_text(encoding="utf-8"))


def negative_prompt(problem: str) -> str:
    return f"{problem}\n\n{prompts.NEGATIVE_INSTRUCTION}"


def _synthetic_math(shared: Shared, *, embedder: str | None = None) -> Task:
    """New grade-school math problems with answers; diversity, valid and correct rates.

    Args:
        embedder: the semantic-diversity embedder (default: packaged all-MiniLM-L6-v2).
    """
    sample = Sample(input=instruction(), id=1)
    return build_task(
        [sample],
        [diversity_scorer(embedder), synthetic_math_scorer()],
        plausible=False,
        **shared,
    )


def _synthetic_negative(shared: Shared, *, embedder: str | None = None) -> Task:
    """Plausible incorrect solutions of math problems; diversity, incorrect rate, coverage.

    Args:
        embedder: the semantic-diversity embedder (default: packaged all-MiniLM-L6-v2).
    """
    samples = [
        Sample(input=negative_prompt(p), id=i, metadata={"problem": p})
        for i, p in enumerate(lines(PROBLEMS_FILE), start=1)
    ]
    return build_task(
        samples,
        [diversity_scorer(embedder), synthetic_negative_scorer()],
        plausible=False,
        **shared,
    )


synthetic_math = family(_synthetic_math, n=30, k=5)
synthetic_negative = family(_synthetic_negative, n=10, k=5)


@cache
def _negative_prompts() -> frozenset[str]:
    return frozenset(negative_prompt(p) for p in lines(PROBLEMS_FILE))


def reference(prompt: str) -> AnswerSet | None:
    """The ideal sampler's texts: canned problems, or canned wrong solutions."""
    if prompt == instruction():
        return canned("synthetic_math")
    if prompt in _negative_prompts():
        return canned("synthetic_negative")
    return None


def math_scoring(prompt: str, texts: list[str]) -> dict[str, float]:
    """``vs-bench score`` (no grader): diversity and valid_rate."""
    return diversity_scoring(prompt, texts) | ungraded_math(texts)


def negative_scoring(prompt: str, texts: list[str]) -> dict[str, float]:
    """``vs-bench score`` (no grader): diversity and valid_rate."""
    return diversity_scoring(prompt, texts) | ungraded_negative(texts)
