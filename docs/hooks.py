"""MkDocs hook: the generated parts of the docs, made from the code at build time.

A page asks for one with a marker line, replaced when the site is built:

- ``<!-- generated: metrics -->``: every row of the metric catalogue
  (``vs_bench/metrics/catalogue.py``);
- ``<!-- generated: keys SCORER -->``: the catalogue rows one scorer reports;
- ``<!-- generated: families -->``: the registered task families (``vs_bench.tasks``);
- ``<!-- generated: cli -->``: every ``vs-bench`` command with its options, from the
  command line itself (Typer's Click commands; argparse for the paper repository's two).

Nothing here is copied by hand, so the pages cannot drift from the code;
``tests/test_docs.py`` builds the site with ``--strict`` and checks the markers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

MARKER = re.compile(r"^<!-- generated: (?P<what>[a-z]+)(?: (?P<arg>\S+))? -->$", re.MULTILINE)


def _cell(text: object) -> str:
    """Markdown table cell: pipes escaped, one line."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _direction(higher: bool | None) -> str:
    return "↑" if higher else "↓" if higher is False else "·"


def metrics_table(scorer: str | None = None) -> str:
    """The catalogue as a table: every row, or the rows ``scorer`` reports."""
    from vs_bench.metrics.catalogue import CATALOGUE, keys_of

    keys = list(CATALOGUE) if scorer is None else list(keys_of(scorer))
    head = "| key | label | better | aggregation | scale | meaning |"
    if scorer is None:
        head += " scorers |"
    rows = [head, "|" + "---|" * head.count(" |")]
    for key in keys:
        spec = CATALOGUE[key]
        aggregation = "summed" if spec.is_count else "mean over prompts"
        row = (
            f"| `{key}` | {_cell(spec.label)} | {_direction(spec.higher_is_better)} | "
            f"{aggregation} | {_cell(spec.scale)} | {_cell(spec.description)} |"
        )
        if scorer is None:
            row += f" {', '.join(spec.scorers)} |"
        rows.append(row)
    return "\n".join(rows)


def families_table() -> str:
    """One row per registered family: module, default N and k, shipped prompts, primary."""
    from vs_bench.tasks import SPECS

    rows = [
        "| family | module | kind | primary metric | default N | default k | prompts |",
        "|---|---|---|---|---|---|---|",
    ]
    for spec in SPECS.values():
        module = spec.builder.__module__.rsplit(".", 1)[-1]
        primary = getattr(spec, "primary", None)
        kind = getattr(spec, "kind", None)
        k = spec.k if spec.k is not None else "N"
        samples = len(spec.task().dataset)
        rows.append(
            f"| `{spec.name}` | `tasks/{module}.py` | {kind or ''} | "
            f"{f'`{primary}`' if primary else ''} | {spec.n} | {k} | {samples} |"
        )
    return "\n".join(rows)


def _option_rows(command: Any) -> list[str]:
    """Options of a Typer command (Typer's own Click: its parameters, read by attribute)."""
    rows = ["| option | value | default | help |", "|---|---|---|---|"]
    for param in command.params:
        if getattr(param, "hidden", False):
            continue
        if param.param_type_name == "argument":
            name = f"`{param.name.upper()}` (argument)"
        else:
            name = " / ".join(f"`{n}`" for n in [*param.opts, *param.secondary_opts])
            name += " (required)" if param.required else ""
        value = "flag" if getattr(param, "is_flag", False) else _cell(param.bare_type())
        default = param.default
        shown = "" if default in (None, (), [], False, "") or callable(default) else f"`{default}`"
        rows.append(f"| {name} | {value} | {shown} | {_cell(param.help or '')} |")
    return rows if len(rows) > 2 else ["No options."]


def _argparse_rows(parser: Any) -> list[str]:
    rows = ["| option | default | help |", "|---|---|---|"]
    for action in parser._actions:  # argparse has no public listing of its options
        if not action.option_strings or action.dest == "help":
            continue
        names = " / ".join(f"`{n}`" for n in action.option_strings)
        required = " (required)" if action.required else ""
        default = "" if action.default in (None, False) else f"`{action.default}`"
        rows.append(f"| {names}{required} | {default} | {_cell(action.help or '')} |")
    return rows


def cli_reference() -> str:
    """Every ``vs-bench`` command: its summary and a table of its options."""
    import typer

    from vs_bench import paper_repo_cli
    from vs_bench.cli import app

    parsers: dict[str, Callable[[], Any]] = {
        "run-experiment": paper_repo_cli.experiment_parser,
        "analyze-results": paper_repo_cli.analysis_parser,
    }
    group = typer.main.get_command(app)
    parts = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        summary = (command.help or "").strip().split("\n\n")[0]
        parts.append(f"### `vs-bench {name}`\n\n{' '.join(summary.split())}\n")
        if name in parsers:
            parser = parsers[name]()
            parts.append(" ".join((parser.description or "").split()) + "\n")
            parts.append("\n".join(_argparse_rows(parser)) + "\n")
        else:
            parts.append("\n".join(_option_rows(command)) + "\n")
    return "\n".join(parts)


GENERATORS: dict[str, Callable[[str | None], str]] = {
    "metrics": metrics_table,
    "keys": lambda scorer: metrics_table(scorer or ""),
    "families": lambda _: families_table(),
    "cli": lambda _: cli_reference(),
}


def render(markdown: str) -> str:
    """``markdown`` with every marker line replaced by what it names."""

    def replace(match: re.Match[str]) -> str:
        what = match.group("what")
        if what not in GENERATORS:
            raise ValueError(f"unknown docs marker {match.group(0)!r}: use {sorted(GENERATORS)}")
        return GENERATORS[what](match.group("arg"))

    return MARKER.sub(replace, markdown)


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    """MkDocs event: fill the page's markers before it is rendered."""
    return render(markdown)
