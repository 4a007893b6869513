"""Task families: every module of this package declares its own (``_family.family``).

``discover`` imports each module (files starting with ``_`` are helpers), which
registers its families; ``FAMILIES`` and ``SPECS`` are what they registered. A new
family is a new module here (with its data file): nothing else is edited. The Inspect
registry (``vs_bench._registry``) makes a task of every family x format.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

from inspect_ai import Task

from vs_bench.answer_set import AnswerSet
from vs_bench.tasks._family import REGISTRY, Family

# The shipped modules in the order their families are listed (README, reports); a
# module not named here follows them, in name order.
ORDER = (
    "numbers", "answer_sets", "creative", "state_probe", "target_dist", "simpleqa",
    "safety", "synthetic", "persuasion",
)

# family name -> its spec / its task function (``format`` and the family's parameters)
SPECS: dict[str, Family] = {}
FAMILIES: dict[str, Callable[..., Task]] = {}


def _rank(module: str) -> tuple[int, str]:
    return (ORDER.index(module) if module in ORDER else len(ORDER), module)


def discover() -> dict[str, Family]:
    """Import every module of the package (its ``__path__``) and list the registered families.

    Safe to call again: modules already imported are not run twice, and new ones found
    on the package path since (a family added at run time) join the lists.
    """
    found = [m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")]
    for module in sorted(found, key=_rank):
        importlib.import_module(f"{__name__}.{module}")
    order = list(REGISTRY)  # registration order within a module
    specs = sorted(
        REGISTRY.values(),
        key=lambda s: (_rank(s.builder.__module__.rsplit(".", 1)[-1]), order.index(s.name)),
    )
    SPECS.clear()
    SPECS.update((s.name, s) for s in specs)
    FAMILIES.clear()
    FAMILIES.update((s.name, s.task) for s in specs)
    return SPECS


def reference_for(prompt: str) -> AnswerSet | None:
    """The answer set of ``prompt`` if it is one of a family's own prompts (response files)."""
    for spec in SPECS.values():
        found = spec.reference(prompt) if spec.reference else None
        if found is not None:
            return found
    return None


discover()
