"""The package's dependency rule (docs/development.md, "Layout"): the module import graph
of vs_bench (its own folder, tasks/ and scorers/, which install as vs_bench.tasks and
vs_bench.scorers) has no cycle, and the core reaches the task families through
``vs_bench.registry`` only, never by importing the task package inside a function."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# folder -> the package it installs as (pyproject's package-dir)
FOLDERS = {"vs_bench": "vs_bench", "tasks": "vs_bench.tasks", "scorers": "vs_bench.scorers"}
# the Inspect entry point: it imports every task and scorer module to register them
SHIMS = {"vs_bench._registry"}
# the Inspect adapters (scorers/) and the task families (tasks/): they build on the core
ADAPTERS = ("vs_bench.scorers", "vs_bench.tasks")


def modules() -> dict[str, Path]:
    """Module name -> file, for every Python module of the package (not its data)."""
    found = {}
    for folder, package in FOLDERS.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = path.relative_to(ROOT / folder).with_suffix("").parts
            if "data" in parts:  # tasks/data: the data's own regeneration scripts
                continue
            names = [p for p in parts if p != "__init__"]
            found[".".join([package, *names])] = path
    return found


def _top_level(body: list[ast.stmt]) -> list[ast.Import | ast.ImportFrom]:
    """The imports a module runs when it is imported (and its TYPE_CHECKING imports, which
    are a dependency all the same), not those inside functions or classes."""
    found: list[ast.Import | ast.ImportFrom] = []
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        elif isinstance(node, ast.If | ast.Try | ast.With):
            found += _top_level(node.body)
            found += _top_level(getattr(node, "orelse", []))
            found += _top_level(getattr(node, "finalbody", []))
            for handler in getattr(node, "handlers", []):
                found += _top_level(handler.body)
    return found


def graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports at module level."""
    known = modules()
    edges: dict[str, set[str]] = {}
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in _top_level(ast.parse(path.read_text(encoding="utf-8")).body):
            if isinstance(node, ast.Import):
                targets |= {alias.name for alias in node.names}
                continue
            base = node.module or ""
            if node.level:  # relative: from the package, up level - 1
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            for alias in node.names:  # ``from pkg import module`` names the module
                full = f"{base}.{alias.name}"
                targets.add(full if full in known else base)
        edges[name] = {t for t in targets if t in known and t != name}
    return edges


def test_the_graph_covers_the_package() -> None:
    edges = graph()
    # the core, a task module and a scorer, each with the imports it really has
    assert "vs_bench.tasks._family" in edges["vs_bench.tasks.answer_sets"]
    assert "vs_bench.registry" in edges["vs_bench.tasks._family"]
    assert "vs_bench.metrics.catalogue" in edges["vs_bench.analysis.report"]
    assert len(edges) > 80


def test_the_module_import_graph_has_no_cycle() -> None:
    try:
        order = list(TopologicalSorter(graph()).static_order())
    except CycleError as error:
        raise AssertionError(f"import cycle: {' -> '.join(error.args[1])}") from None
    assert order.index("vs_bench.registry") < order.index("vs_bench.tasks")


def matching_lines(folder: str, pattern: str) -> list[str]:
    """``path:line: text`` of every line of ``folder``'s modules that ``pattern`` matches."""
    found = re.compile(pattern)
    return [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if found.match(line)
    ]


def test_the_core_never_imports_the_task_package_inside_a_function() -> None:
    assert matching_lines("vs_bench", r"^\s+(from|import) vs_bench\.tasks") == []


def test_only_the_entry_point_imports_the_task_package_from_the_core() -> None:
    edges = graph()
    core = [name for name in edges if not name.startswith(("vs_bench.tasks", "vs_bench.scorers"))]
    reaching = {
        name for name in core if name not in SHIMS
        and any(t.startswith("vs_bench.tasks") for t in edges[name])
    }
    assert reaching == set()


def imported_anywhere(path: Path, package: str) -> set[str]:
    """Every name ``path`` imports, at module level or inside functions, as a dotted path
    (``from a import b`` gives ``a.b``: b may be a module); ``package`` resolves relative
    imports."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            found |= {base} | {f"{base}.{alias.name}" for alias in node.names}
    return found


def within(name: str, packages: Iterable[str]) -> bool:
    """Whether ``name`` is one of ``packages`` or a module or name inside one."""
    return any(name == p or name.startswith(f"{p}.") for p in packages)


def test_the_core_imports_neither_the_scorers_nor_the_tasks() -> None:
    reaching = []
    for name, path in modules().items():
        if name in SHIMS or within(name, ADAPTERS):
            continue
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        reaching += [
            f"{name} imports {target}"
            for target in sorted(imported_anywhere(path, package))
            if within(target, ADAPTERS)
        ]
    assert reaching == []


def test_the_scorers_never_import_the_task_package_nor_the_analysis_layer() -> None:
    # a scorer reads task data (persuasion's human donations) through the core's registry;
    # the analysis layer and re-scoring import the core's metrics, never the scorers
    pattern = r"^\s*(from|import) vs_bench\.(tasks|analysis|rescore)\b"
    assert matching_lines("scorers", pattern) == []
