"""Asking the `grader` model role (optional) and counting the replies that do not parse."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from inspect_ai.model import Model, get_model, model_roles

from vs_bench.parsing import ParseError
from vs_bench.scorers.quality_scorer import GRADER_ROLE

T = TypeVar("T")


def no_grader(what: str) -> str:
    """The explanation of a score computed (or left missing) without a grader."""
    return f"{what}: pass --model-role {GRADER_ROLE}=<model> to grade"


def grader() -> Model | None:
    """The eval's grader model, or None when no `grader` role was given."""
    # required: the role is bound (checked), never the model under evaluation grading itself
    return get_model(role=GRADER_ROLE, required=True) if GRADER_ROLE in model_roles() else None


@dataclass
class Graded(Generic[T]):
    """Parsed grader replies in request order (None where the reply did not parse)."""

    results: list[T | None]
    failures: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, float]:
        """The catalogue's grader count keys."""
        return {
            "grader_judged": float(len(self.results) - len(self.failures)),
            "grader_parse_failures": float(len(self.failures)),
        }


async def ask(model: Model, requests: Sequence[str], parse: Callable[[str], T]) -> Graded[T]:
    """Send every request to ``model`` at once and parse each reply."""
    outputs = await asyncio.gather(*(model.generate(r) for r in requests))
    graded: Graded[T] = Graded([])
    for output in outputs:
        try:
            graded.results.append(parse(output.completion))
        except ParseError as ex:
            graded.results.append(None)
            graded.failures.append(str(ex))
    return graded
