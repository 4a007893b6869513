"""Parameter grids of ``vs-bench sweep --grid``: the paper's tau (tail) and k ablations.

``--grid tail=1,0.5,0.2 --grid k=1,3,5`` runs every suite item once per combination
of the values (their Cartesian product). ``tail`` applies to the VS formats only: the
other formats run once, without it.
"""

from __future__ import annotations

import inspect
import itertools
from collections.abc import Sequence
from typing import Any

from vs_bench.errors import VsBenchError
from vs_bench.formats import resolve_format
from vs_bench.registry import task_functions
from vs_bench.suite import SuiteItem

USAGE = "pass --grid name=value,value,... (e.g. --grid tail=1,0.5,0.2 --grid k=1,3,5)"
VS_ONLY = ("tail",)  # parameters the non-VS formats reject


def _value(text: str) -> Any:
    """An integer, a number, or the text itself."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def parse_grid(options: Sequence[str]) -> dict[str, list[Any]]:
    """``["tail=1,0.5", "k=1,3"]`` as ``{"tail": [1, 0.5], "k": [1, 3]}``."""
    grid: dict[str, list[Any]] = {}
    for option in options:
        name, sep, values = option.partition("=")
        name = name.strip()
        chosen = [_value(v.strip()) for v in values.split(",") if v.strip()]
        if not sep or not name or not chosen:
            raise VsBenchError(f"--grid {option!r} is not name=values: {USAGE}")
        if name in grid:
            raise VsBenchError(f"--grid names {name!r} twice: give all its values in one --grid")
        if name == "format":
            raise VsBenchError("--grid format=... : choose formats with --formats instead")
        grid[name] = list(dict.fromkeys(chosen))
    return grid


def grid_items(items: Sequence[SuiteItem], grid: dict[str, list[Any]]) -> list[SuiteItem]:
    """Each item once per combination of the grid values (duplicates dropped).

    A one-line error, before any model call, for a name that is not a parameter of
    an item's task family.
    """
    functions = task_functions()
    out: dict[tuple[str, str, tuple[tuple[str, str], ...]], SuiteItem] = {}
    for item in items:
        accepted = inspect.signature(functions[item.family]).parameters
        for name in grid:
            if name not in accepted:
                raise VsBenchError(
                    f"--grid {name}: {item.family} has no parameter {name!r}; its parameters: "
                    f"{', '.join(p for p in accepted if p != 'format')}"
                )
        probabilities = resolve_format(item.format).probabilities
        for combination in itertools.product(*grid.values()):
            params = item.params | dict(zip(grid, combination, strict=True))
            if not probabilities:
                params = {k: v for k, v in params.items() if k not in VS_ONLY}
            key = (item.family, item.format, tuple(sorted((k, repr(v)) for k, v in params.items())))
            out.setdefault(key, SuiteItem(item.family, item.format, params))
    return list(out.values())
