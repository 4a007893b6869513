"""What the commands print: the shared console, the results' tables and the one-line
failures (``vs_bench.cli`` and its command modules)."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any, NoReturn

from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from vs_bench.analysis.leaderboard import Leaderboard

# wide enough for the results table when output is not a terminal
console = Console()
INTERRUPTED = 130  # 128 + SIGINT: what a shell reports for a command stopped by Ctrl-C


def size_console() -> None:
    """A terminal's own width (or COLUMNS); piped, COLUMNS or 160, so that no table is
    cropped. Read per command: the environment may change after import."""
    if sys.stdout.isatty():
        return
    columns = os.environ.get("COLUMNS", "")
    console.width = int(columns) if columns.isdigit() and int(columns) > 0 else 160


def split(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def fail(message: str, code: int = 2) -> NoReturn:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(code)


def print_plan(plans: Any, notes: list[str]) -> None:
    from vs_bench import plan

    table = Table(*plan.HEADER, title="vs-bench run --dry-run: nothing is sent")
    for cells in plan.rows(plans):
        table.add_row(*cells)
    console.print(table)
    for note in notes:
        console.print(f"warning: {note}", markup=False, soft_wrap=True)


def print_report(result: Any) -> None:
    from vs_bench.analysis import report

    took = f": {result.seconds:.0f} s" if result.seconds is not None else ""
    console.print(f"vs-bench {result.suite} on {result.model}{took}", markup=False)
    if result.model.startswith("local/"):
        from vs_bench.providers.local import loaded_settings

        for settings in loaded_settings():
            console.print(f"{result.model}: n_threads={settings.n_threads} "
                          f"n_parallel={settings.n_parallel} n_ctx={settings.n_ctx}",
                          markup=False)
    for table in report.terminal_tables(result, console.width):
        console.print(table)
    for task in result.tasks.values():
        console.print(task.verdict, markup=False, soft_wrap=True)
    console.print(report.METHODS, markup=False, soft_wrap=True)


def print_board(board: Leaderboard) -> None:
    from vs_bench.analysis.render import terminal_tables

    for table in terminal_tables(board, console.width):
        console.print(table)
    for note in board.notes:
        console.print(f"- {note}", markup=False, soft_wrap=True)
