"""Task families: every module of this package declares its own (``_family.family``).

``discover`` imports each module (files starting with ``_`` are helpers), which
registers its families in the core's registry (``vs_bench.registry``), and lists them
there in this package's order; ``FAMILIES`` and ``SPECS`` are the registry's lists. A
new family is a new module here (with its data file): nothing else is edited. The core
loads this package through the ``vs_bench.families`` entry point (``pyproject.toml``);
the Inspect registry (``vs_bench._registry``) makes a task of every family x format.
"""

from __future__ import annotations

import importlib
import pkgutil

from vs_bench import registry
from vs_bench.registry import FAMILIES, REGISTRY, SPECS, Family, reference_for

# The shipped modules in the order their families are listed (README, reports); a
# module not named here follows them, in name order.
ORDER = (
    "numbers", "answer_sets", "creative", "state_probe", "target_dist", "simpleqa",
    "safety", "synthetic", "persuasion",
)

# SPECS / FAMILIES: family name -> its spec / its task function, the registry's lists
__all__ = ["FAMILIES", "ORDER", "SPECS", "discover", "reference_for"]


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
    return registry.publish(specs)


discover()
