"""Declare a task family once: a builder plus its defaults; the shared parameters are added.

Inspect reads a task's ``-T`` names from its function signature, so every family has
to show the shared sampling parameters (format, N, k, m, temperature, top_p, tail,
probability_definition, limit, seed). ``family`` writes them into the signature
once, here, around a builder that declares only the family's own parameters::

    def _build(shared: Shared, *, target: str | None = None) -> Task:
        '''Docstring of the task (with an Args: section for the family's parameters).'''
        return build_task(samples, scorer, plausible=True, **shared)

    target_dist = family(_build, n=100, k=5)

The builder's keyword-only parameters (with defaults) follow ``m`` in the signature;
``shared`` is the dict of the shared values, ready for ``build_task(**shared)``.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from inspect_ai import Task

from vs_bench.answer_set import AnswerSet
from vs_bench.tasks._common import SUBSET_SEED, TEMPERATURE, TOP_P

DATA = Path(__file__).parent / "data"

Shared = dict[str, Any]
SHARED_DOC = """
    Shared args (every task):
        format: prompting format (direct, sequence, vs_standard, ...).
        n: draws per prompt (N). k: candidates per call. m: candidates per vs_multi turn.
        temperature, top_p: sampling settings sent with every call.
        tail: VS formats only, cap on each verbalized probability.
        probability_definition: explicit | confidence (VS formats).
        limit, seed: a seeded subset of ``limit`` prompts (all when None).
"""


def _parameter(name: str, default: object, annotation: object) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


def shared_parameters(
    n: int, k: int | None
) -> tuple[list[inspect.Parameter], list[inspect.Parameter]]:
    """The shared parameters before and after a family's own, with its N and k defaults."""
    head = [
        _parameter("format", "direct", str),
        _parameter("n", n, int),
        _parameter("k", k, int if k is not None else int | None),
        _parameter("m", None, int | None),
    ]
    tail = [
        _parameter("temperature", TEMPERATURE, float),
        _parameter("top_p", TOP_P, float),
        _parameter("tail", None, float | None),
        _parameter("probability_definition", None, str | None),
        _parameter("limit", None, int | None),
        _parameter("seed", SUBSET_SEED, int),
    ]
    return head, tail


def family(builder: Callable[..., Task], *, n: int, k: int | None) -> Callable[..., Task]:
    """The task function of ``builder``: shared parameters (defaults ``n``, ``k``) + its own.

    ``k=None``: the builder chooses k (e.g. all N in one call).
    """
    own = [
        p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
        for p in list(inspect.signature(builder).parameters.values())[1:]
    ]
    head, tail = shared_parameters(n, k)
    names = {p.name for p in head + tail}
    signature = inspect.Signature([*head, *own, *tail], return_annotation=Task)

    def task_function(**params: Any) -> Task:
        bound = signature.bind(**params)
        bound.apply_defaults()
        values = dict(bound.arguments)
        shared = {name: values.pop(name) for name in list(values) if name in names}
        return builder(shared, **values)

    name = builder.__name__.lstrip("_")
    task_function.__name__ = task_function.__qualname__ = name
    task_function.__doc__ = (builder.__doc__ or "").rstrip() + "\n" + SHARED_DOC
    task_function.__signature__ = signature  # type: ignore[attr-defined]
    task_function.__module__ = builder.__module__
    return task_function


@cache
def canned(name: str) -> AnswerSet:
    """The ideal sampler's texts for a family without a reference (``data/canned.json``)."""
    texts = json.loads((DATA / "canned.json").read_text(encoding="utf-8"))
    return AnswerSet.of_labels(texts[name])


@cache
def lines(name: str) -> tuple[str, ...]:
    """The non-empty lines of ``data/<name>``, stripped."""
    text = (DATA / name).read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip())
