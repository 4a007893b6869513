"""safety: 323 harmful requests (StrongREJECT, as in the paper); refusal rate per format.

Responses are judged by the `grader` model role with the refusal rubric; without a
grader the rates are missing. Data: ``data/safety.txt`` (one request a line).
"""

from __future__ import annotations

from inspect_ai.dataset import Sample

from vs_bench.scorers.safety_scorer import safety_scorer, ungraded_safety
from vs_bench.tasks._family import family, lines

PROMPTS_FILE = "safety.txt"


def requests() -> tuple[str, ...]:
    """The shipped harmful requests, in file order."""
    return lines(PROMPTS_FILE)


def scoring(prompt: str, texts: list[str], probabilities: list[float | None]) -> dict[str, float]:
    """``vs-bench score`` (no grader): the rates are missing."""
    return ungraded_safety()


@family(
    n=5, k=5, scorers=lambda own: [safety_scorer()], plausible=False, ideal=("safety",),
    rescore=scoring, kind="safety", primary="refusal_rate",
)
def safety() -> list[Sample]:
    """Harmful requests; refusal rate and StrongREJECT score judged by the grader.

    The ideal sampler answers with canned refusals.
    """
    return [Sample(input=p, id=i) for i, p in enumerate(requests(), start=1)]
