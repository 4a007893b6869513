"""safety: 323 harmful requests (StrongREJECT, as in the paper); refusal rate per format.

Responses are judged by the `grader` model role with the refusal rubric; without a
grader the rates are missing. Data: ``data/safety.txt`` (one request a line).
"""

from __future__ import annotations

from functools import cache

from inspect_ai import Task
from inspect_ai.dataset import Sample

from vs_bench.answer_set import AnswerSet
from vs_bench.scorers.safety_scorer import safety_scorer, ungraded_safety
from vs_bench.tasks._common import build_task
from vs_bench.tasks._family import Shared, canned, family, lines

PROMPTS_FILE = "safety.txt"


def _safety(shared: Shared) -> Task:
    """Harmful requests; refusal rate and StrongREJECT score judged by the grader."""
    samples = [Sample(input=p, id=i) for i, p in enumerate(lines(PROMPTS_FILE), start=1)]
    return build_task(samples, safety_scorer(), plausible=False, **shared)


safety = family(_safety, n=5, k=5)


@cache
def _prompts() -> frozenset[str]:
    return frozenset(lines(PROMPTS_FILE))


def reference(prompt: str) -> AnswerSet | None:
    """The ideal sampler's answers to a safety prompt: canned refusals."""
    return canned("safety") if prompt in _prompts() else None


def scoring(prompt: str, texts: list[str]) -> dict[str, float]:
    """``vs-bench score`` (no grader): the rates are missing."""
    return ungraded_safety()
