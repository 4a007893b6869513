"""``vs-bench``: run the benchmark suite and inspect its results."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from vs_bench.errors import VsBenchError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=False,
    help="vs-bench: measure mode collapse and how prompting formats recover diversity.",
    pretty_exceptions_enable=False,
)
# wide enough for the results table when output is not a terminal
console = Console(width=None if sys.stdout.isatty() else 160)


def _split(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


@app.command()
def run(
    model: Annotated[str, typer.Option(help="Any Inspect model, e.g. openai/gpt-4.1.")] = "",
    tasks: Annotated[str | None, typer.Option(help="Comma-separated task families.")] = None,
    formats: Annotated[str | None, typer.Option(help="Comma-separated formats.")] = None,
    n: Annotated[int | None, typer.Option(help="Draws per prompt (N).")] = None,
    limit: Annotated[int | None, typer.Option(help="Prompts per task (seeded subset).")] = None,
    max_connections: Annotated[int | None, typer.Option(help="Concurrent model calls.")] = None,
    seed: Annotated[int | None, typer.Option(help="Base seed; each draw derives its own.")] = 0,
    log_dir: Annotated[str | None, typer.Option(help="Inspect log folder.")] = None,
) -> None:
    """Run the default suite: every task x every format, then print a results table."""
    from vs_bench import suite

    params: dict[str, Any] = {}
    if n is not None:
        params["n"] = n
    if limit is not None:
        params["limit"] = limit
    items = suite.plan_suite(_split(tasks), _split(formats), params)
    folder = suite.log_dir(log_dir)
    logs = suite.run_suite(
        items, model or suite.DEFAULT_MODEL, folder, max_connections=max_connections, seed=seed
    )
    header, rows = suite.summary_rows(logs)
    table = Table(*header, title=f"vs-bench results: {model or suite.DEFAULT_MODEL}")
    for row in rows:
        table.add_row(*row)
    console.print(table)
    console.print(f"Open the runs with: inspect view --log-dir {folder}")


@app.command("list")
def list_tasks() -> None:
    """List the registered tasks and formats."""
    from vs_bench.formats import ALIASES, FORMATS
    from vs_bench.tasks import FAMILIES

    console.print("tasks:   " + ", ".join(FAMILIES))
    console.print("formats: " + ", ".join(FORMATS))
    console.print("aliases: " + ", ".join(f"{a}={b}" for a, b in ALIASES.items()))
    console.print("run one: inspect eval vs_bench/<task>_<format> --model random/python")


def main() -> None:
    """Console entry point: bad input ends with one line on stderr and exit code 2."""
    try:
        app(standalone_mode=False)
    except VsBenchError as ex:
        print(f"error: {ex}", file=sys.stderr)
        sys.exit(2)
    except typer.Exit as ex:
        sys.exit(ex.exit_code)
    except typer.Abort:
        sys.exit(130)
    except typer.TyperException as ex:  # usage errors: unknown option, bad value, ...
        message = ex.format_message() if hasattr(ex, "format_message") else str(ex)
        print(f"error: {message} (see vs-bench --help)", file=sys.stderr)
        sys.exit(2)
