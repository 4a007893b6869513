"""Inspect entry point: every (task family, format) pair, plus our model providers.

``vs_bench/<family>`` takes ``-T format=``; ``vs_bench/<family>_<format>`` fixes it.
"""

from __future__ import annotations

import inspect as pyinspect
from collections.abc import Callable
from typing import Any

from inspect_ai import Task, task

from vs_bench import providers  # noqa: F401  (registers random/...)
from vs_bench.formats import FORMATS
from vs_bench.scorers.common import register_unqualified_scorers
from vs_bench.tasks import discover


def _with_format(family: Callable[..., Task], fmt: str) -> Callable[..., Task]:
    def make(**params: Any) -> Task:
        return family(format=fmt, **params)

    signature = pyinspect.signature(family)
    make.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[p for p in signature.parameters.values() if p.name != "format"]
    )
    make.__doc__ = f"{family.__doc__} Format: {fmt}."
    return make


TASKS: dict[str, Callable[..., Task]] = {}


def register_tasks() -> dict[str, Callable[..., Task]]:
    """An Inspect task for every family x format of ``vs_bench.tasks`` (new ones only)."""
    for family_name, family in discover().items():
        if family_name in TASKS:
            continue
        TASKS[family_name] = task(name=family_name)(family.task)
        for fmt in FORMATS:
            name = f"{family_name}_{fmt}"
            TASKS[name] = task(name=name)(_with_format(family.task, fmt))
    globals().update(TASKS)
    return TASKS


register_tasks()
# logs name scorers unqualified: let `inspect score LOG` find ours by those names
register_unqualified_scorers()
