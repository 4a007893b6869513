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

from inspect_ai.dataset import Sample

from vs_bench import prompts
from vs_bench.scorers.diversity_scorer import diversity_scorer, diversity_scoring
from vs_bench.scorers.synthetic_scorer import (
    synthetic_math_scorer,
    synthetic_negative_scorer,
    ungraded_math,
    ungraded_negative,
)
from vs_bench.tasks._family import DATA, family, lines

PROBLEMS_FILE = "synthetic_negative.txt"


@cache
def instruction() -> str:
    """The paper's instruction (stored with the indentation of its source: removed)."""
    return inspect.cleandoc((DATA / "synthetic_math.txt").read_text(encoding="utf-8"))


def negative_prompt(problem: str) -> str:
    return f"{problem}\n\n{prompts.NEGATIVE_INSTRUCTION}"


def math_scoring(
    prompt: str, texts: list[str], probabilities: list[float | None]
) -> dict[str, float]:
    """``vs-bench score`` (no grader): diversity and valid_rate."""
    return diversity_scoring(prompt, texts) | ungraded_math(texts)


def negative_scoring(
    prompt: str, texts: list[str], probabilities: list[float | None]
) -> dict[str, float]:
    """``vs-bench score`` (no grader): diversity and valid_rate."""
    return diversity_scoring(prompt, texts) | ungraded_negative(texts)


@family(
    n=30, k=5, plausible=False, ideal=("synthetic_math",), rescore=math_scoring,
    scorers=lambda own: [diversity_scorer(own["embedder"]), synthetic_math_scorer()],
    kind="synthetic", primary="semantic_diversity",
)
def synthetic_math(*, embedder: str | None = None) -> list[Sample]:
    """New grade-school math problems with answers; diversity, valid and correct rates.

    Args:
        embedder: the semantic-diversity embedder (default: packaged all-MiniLM-L6-v2).
    """
    return [Sample(input=instruction(), id=1)]


@family(
    n=10, k=5, plausible=False, ideal=("synthetic_negative",), rescore=negative_scoring,
    scorers=lambda own: [diversity_scorer(own["embedder"]), synthetic_negative_scorer()],
    kind="synthetic", primary="semantic_diversity",
)
def synthetic_negative(*, embedder: str | None = None) -> list[Sample]:
    """Plausible incorrect solutions of math problems; diversity, incorrect rate, coverage.

    Args:
        embedder: the semantic-diversity embedder (default: packaged all-MiniLM-L6-v2).
    """
    return [
        Sample(input=negative_prompt(p), id=i, metadata={"problem": p})
        for i, p in enumerate(lines(PROBLEMS_FILE), start=1)
    ]
