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
from vs_bench.tasks import FAMILIES


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
for _family_name, _family in FAMILIES.items():
    TASKS[_family_name] = task(name=_family_name)(_family)
    for _format in FORMATS:
        _name = f"{_family_name}_{_format}"
        TASKS[_name] = task(name=_name)(_with_format(_family, _format))
globals().update(TASKS)
# logs name scorers unqualified: let `inspect score LOG` find ours by those names
register_unqualified_scorers()
