"""Rendering: numbers, metric labels, and the leaderboard as terminal tables, CSV,
Markdown and a static HTML page.

Every number a command shows goes through ``number``; every metric label and direction
comes from the metric catalogue (``vs_bench.scorers.catalogue``).
"""

from __future__ import annotations

import csv
import html
import math
import re
from collections.abc import Sequence
from pathlib import Path

from rich.table import Table
from rich.text import Text

from vs_bench.analysis.leaderboard import Cell, Leaderboard, Row
from vs_bench.errors import VsBenchError
from vs_bench.scorers import catalogue


def number(value: float | None, missing: str = "") -> str:
    """A value as every table shows it: 3 decimals, 1 from 100 on; ``n/a`` for NaN and
    ``missing`` for None."""
    if value is None:
        return missing
    if math.isnan(value):
        return "n/a"
    return f"{value:.1f}" if abs(value) >= 100 else f"{value:.3f}"


def label(key: str) -> str:
    """The catalogue's label of a metric key (unknown keys as they are)."""
    spec = catalogue.spec(key)
    return key if spec is None else spec.label


def cell_text(cell: Cell | None, sep: str = " ") -> str:
    """The value and, where there is one, its CI: ``0.139 [0.087, 0.199]``."""
    if cell is None:
        return ""
    if cell.low is None or cell.high is None:
        return number(cell.value)
    return f"{number(cell.value)}{sep}[{number(cell.low)}, {number(cell.high)}]"


def model_name(row: Row) -> str:
    return f"{row.run.model} *" if row.run.ideal else row.run.model


def _gain_text(gain: float | None) -> str:
    return "" if gain is None else f"{gain:+.3f}"


def column_header(key: str) -> str:
    """A table column: the metric's label with its direction, ``KL ↓`` (unknown keys as
    they are)."""
    spec = catalogue.spec(key)
    if spec is None:
        return key
    arrow = {True: " ↑", False: " ↓"}.get(spec.higher_is_better, "")
    return f"{spec.label}{arrow}"


def metric_title(key: str) -> str:
    """A figure title: ``KL (lower is better)`` (unknown keys as they are)."""
    spec = catalogue.spec(key)
    if spec is None:
        return key
    if spec.higher_is_better is None:
        return str(spec.label)
    return f"{spec.label} ({'higher' if spec.higher_is_better else 'lower'} is better)"


def _gain_header(board: Leaderboard, task: str) -> str:
    primaries = {r.primary for r in board.task_rows(task) if r.primary}
    if len(primaries) == 1:
        return f"gain over direct ({label(primaries.pop())})"
    return "gain over direct"


def _task_table(
    board: Leaderboard, task: str, sep: str = " "
) -> tuple[list[str], list[list[str]]]:
    keys = board.task_keys(task)
    header = ["model", "format", "N", *map(column_header, keys), _gain_header(board, task), "rank",
              "CI over"]
    body = [
        [model_name(r), r.run.format, str(r.run.n or ""),
         *(cell_text(r.cells.get(k), sep) for k in keys), _gain_text(r.gain),
         str(r.rank or ""), r.ci_basis]
        for r in board.task_rows(task)
    ]
    return header, body


def terminal_tables(board: Leaderboard) -> list[Table]:
    """One rich table per task (tasks differ in their metrics)."""
    tables = []
    for task in board.tasks:
        header, body = _task_table(board, task, sep="\n")  # the CI under the value
        table = Table(*header, title=f"vs-bench leaderboard: {task}", title_justify="left")
        table.columns[0].overflow = "fold"  # model names whole, over two lines if need be
        # many metric columns squeeze the rest: a model name up to 40 characters keeps its line
        table.columns[0].min_width = min(40, max(len(line[0]) for line in body))
        for line, row in zip(body, board.task_rows(task), strict=True):
            # Text, not markup: "[0.087, 0.199]" must not be read as a style tag
            table.add_row(*map(Text, line), style="bold" if row.run.ideal else None)
        tables.append(table)
    return tables


def csv_rows(board: Leaderboard) -> tuple[list[str], list[list[str]]]:
    """The one combined table: a row per model x task x format, CI bounds in own columns."""
    keys = board.all_keys()
    header = ["model", "ideal", "task", "format", "prompts", "epochs", "n", "ci_over",
              "rank", "gain_metric", "gain"]
    for key in keys:
        header += [key, f"{key}_low", f"{key}_high"]
    body = []
    for r in board.rows:
        line = [r.run.model, str(r.run.ideal).lower(), r.run.task, r.run.format,
                str(r.run.prompts), str(r.run.epochs), str(r.run.n or ""), r.ci_basis,
                str(r.rank or ""), r.primary or "", "" if r.gain is None else repr(r.gain)]
        for key in keys:
            cell = r.cells.get(key)
            line += ["", "", ""] if cell is None else [
                repr(cell.value), "" if cell.low is None else repr(cell.low),
                "" if cell.high is None else repr(cell.high)]
        body.append(line)
    return header, body


def write_csv(board: Leaderboard, path: str | Path) -> Path:
    header, body = csv_rows(board)
    target = _target(path)
    with target.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(body)
    return target


def write_markdown(board: Leaderboard, path: str | Path) -> Path:
    parts = ["# vs-bench leaderboard", ""]
    for task in board.tasks:
        header, body = _task_table(board, task)
        parts += [f"## {_md_text(task)}", "", _md_line(header), _md_line(["---"] * len(header))]
        parts += [_md_line(line) for line in body]
        parts.append("")
    parts += [f"- {_md_text(note)}" for note in board.notes]
    target = _target(path)
    target.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return target


def _md_text(text: str) -> str:
    """Text as Markdown shows it literally: HTML escaped, table pipes escaped."""
    return html.escape(text, quote=False).replace("|", "\\|")


def _md_line(cells: Sequence[str]) -> str:
    return "| " + " | ".join(map(_md_text, cells)) + " |"


def write_html(board: Leaderboard, path: str | Path) -> Path:
    """A static page (no network): one sortable table per task; click a header to sort.

    ``page.html#sort=kl`` (or ``#sort=-kl``, descending) sorts on load.
    """
    sections = []
    for task in board.tasks:
        keys = board.task_keys(task)
        header, body = _task_table(board, task, sep=_CI_MARK)
        sort_keys = ["model", "format", "n", *keys, "gain", "rank", "ci"]
        heads = "".join(
            f'<th data-key="{html.escape(k)}" title="click to sort">{html.escape(h)}</th>'
            for k, h in zip(sort_keys, header, strict=True)
        )
        lines = []
        for row, texts in zip(board.task_rows(task), body, strict=True):
            values = [row.run.model, row.run.format, row.run.n or "",
                      *(row.cells[k].value if k in row.cells else "" for k in keys),
                      "" if row.gain is None else row.gain, row.rank or "", row.ci_basis]
            cells = "".join(
                f'<td data-value="{html.escape(_sort_value(v))}">{_html_cell(t)}</td>'
                for v, t in zip(values, texts, strict=True)
            )
            lines.append(f'<tr class="{"ideal" if row.run.ideal else ""}">{cells}</tr>')
        sections.append(
            f"<h2>{html.escape(task)}</h2>\n<table class=\"board\"><thead><tr>{heads}</tr>"
            f"</thead><tbody>{''.join(lines)}</tbody></table>"
        )
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in board.notes)
    page = _PAGE.replace("{sections}", "\n".join(sections)).replace("{notes}", notes)
    target = _target(path)
    target.write_text(page, encoding="utf-8")
    return target


_CI_MARK = "\x00"  # between a value and its CI, so the page can style the CI


def _html_cell(text: str) -> str:
    value, _, ci = text.partition(_CI_MARK)
    return html.escape(value) + (f' <span class="ci">{html.escape(ci)}</span>' if ci else "")


def _sort_value(value: object) -> str:
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(value)
    return str(value)


def _target(path: str | Path) -> Path:
    target = Path(path)
    if target.is_dir():
        raise VsBenchError(f"{target} is a folder: pass a file name, e.g. {target}/leaderboard")
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def slug(text: str) -> str:
    """A file-name-safe form of a model or task name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>vs-bench leaderboard</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table.board { border-collapse: collapse; margin-bottom: 2em; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; white-space: nowrap; }
th { background: #eef; cursor: pointer; user-select: none; }
th.asc::after { content: " \\25B2"; } th.desc::after { content: " \\25BC"; }
td:nth-child(-n+2), th:nth-child(-n+2) { text-align: left; }
.ci { color: #667; font-size: 85%; }
tr.ideal { background: #f3fbef; font-weight: 600; }
</style></head><body>
<h1>vs-bench leaderboard</h1>
{sections}
<ul class="notes">{notes}</ul>
<script>
function sortTable(th, descending) {
  const table = th.closest("table"), body = table.tBodies[0];
  const index = Array.from(th.parentNode.children).indexOf(th);
  const value = (row) => row.children[index].dataset.value;
  const rows = Array.from(body.rows).sort((a, b) => {
    const x = value(a), y = value(b), nx = parseFloat(x), ny = parseFloat(y);
    if (x === "" || y === "") return (x === "") - (y === "");  // blanks last
    const order = isNaN(nx) || isNaN(ny) ? x.localeCompare(y) : nx - ny;
    return descending ? -order : order;
  });
  rows.forEach((row) => body.appendChild(row));
  table.querySelectorAll("th").forEach((h) => h.classList.remove("asc", "desc"));
  th.classList.add(descending ? "desc" : "asc");
}
document.querySelectorAll("th").forEach((th) => th.addEventListener("click", () =>
  sortTable(th, th.classList.contains("asc"))));
const wanted = new URLSearchParams(location.hash.slice(1)).get("sort");
if (wanted) {
  const key = wanted.replace(/^-/, "");
  document.querySelectorAll(`th[data-key="${key}"]`).forEach((th) =>
    sortTable(th, wanted.startsWith("-")));
}
</script></body></html>
"""
