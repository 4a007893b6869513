"""Rendering: numbers, metric labels, and the leaderboard as terminal tables, CSV,
Markdown and a static HTML page.

Every number a command shows goes through ``number``; every metric label and direction
comes from the metric catalogue (``vs_bench.metrics.catalogue``).
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

from vs_bench.analysis.leaderboard import Leaderboard, Row
from vs_bench.errors import VsBenchError
from vs_bench.metrics import catalogue


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


def interval_text(
    value: float | None, lo: float | None, hi: float | None, sep: str = " ",
    signed: bool = False,
) -> str:
    """``0.139 [0.087, 0.199]`` (``sep`` between value and interval; ``signed``: ``+0.139``)."""
    if value is None:
        return "n/a"
    shown = f"{value:+.3f}" if signed and abs(value) < 100 and not math.isnan(value) else (
        number(value))
    if lo is None or hi is None or math.isnan(lo) or math.isnan(hi):
        return shown
    return f"{shown}{sep}[{number(lo)}, {number(hi)}]"


def p_short(p: float | None) -> str:
    """A p-value in a table cell: ``<0.001``, ``0.004``, ``0.04``, ``0.41``; never ``0.000``."""
    if p is None or math.isnan(p):
        return ""
    if p < 0.001:
        return "<0.001"
    return f"{p:.3f}" if p < 0.01 else f"{p:.2f}"


def model_name(row: Row) -> str:
    return f"{row.run.model} *" if row.run.ideal else row.run.model


def column_header(key: str) -> str:
    """A table column: the metric's label with its direction, ``KL ↓`` (unknown keys as
    they are)."""
    spec = catalogue.spec(key)
    if spec is None:
        return key
    arrows: dict[bool | None, str] = {True: " ↑", False: " ↓", None: ""}
    arrow = arrows[spec.higher_is_better]
    return f"{spec.label}{arrow}"


def metric_title(key: str) -> str:
    """A figure title: ``KL (lower is better)`` (unknown keys as they are)."""
    spec = catalogue.spec(key)
    if spec is None:
        return key
    if spec.higher_is_better is None:
        return str(spec.label)
    return f"{spec.label} ({'higher' if spec.higher_is_better else 'lower'} is better)"


def _primary_header(board: Leaderboard, task: str) -> str:
    primaries = {r.primary for r in board.task_rows(task) if r.primary}
    return column_header(primaries.pop()) if len(primaries) == 1 else "primary"


def _share(row: Row) -> str:
    share = row.cell.valid_share
    return "" if share is None else f"{100 * share:.0f}%"


def _cells(row: Row, sep: str) -> list[str]:
    """model, format, primary [CI], vs direct [CI], p (Holm), valid, rank."""
    cell, vs = row.cell, row.cell.vs_direct
    value = cell.note if cell.value is None and cell.note else interval_text(
        cell.value, cell.lo, cell.hi, sep)
    return [model_name(row) + (" ★" if row.best else ""), row.run.format, value,
            interval_text(vs.diff, vs.lo, vs.hi, sep, signed=True) if vs else "",
            p_short(cell.p_holm), _share(row), str(row.rank or "")]


def _task_table(
    board: Leaderboard, task: str, sep: str = " ", others: bool = True
) -> tuple[list[str], list[list[str]]]:
    keys = board.task_keys(task) if others else []
    header = ["model", "format", _primary_header(board, task), "vs direct", "p (Holm)",
              "valid", "rank", *map(column_header, keys)]
    body = [_cells(r, sep) + [number(r.other(k)) for k in keys] for r in board.task_rows(task)]
    return header, body


def terminal_tables(board: Leaderboard, width: int = 100) -> list[Table]:
    """One rich table per task: the primary metric, its comparison, validity and rank (the
    other headline metrics are in the CSV, Markdown and HTML). Below 120 columns each
    interval sits under its value, so that no number is cut at 100 columns."""
    tables = []
    for task in board.tasks:
        header, body = _task_table(board, task, sep="\n" if width < 120 else " ",
                                   others=False)
        table = Table(*header, title=f"vs-bench leaderboard: {task}", title_justify="left")
        table.columns[0].overflow = "fold"  # a long model name over two lines, not cut
        table.columns[0].max_width = max(14, width - 82)
        for column in table.columns[1:]:
            column.no_wrap = True
        table.columns[2].no_wrap, table.columns[2].overflow = False, "fold"  # a note wraps
        for line, row in zip(body, board.task_rows(task), strict=True):
            # Text, not markup: "[0.087, 0.199]" must not be read as a style tag
            table.add_row(*map(Text, line), style="bold" if row.run.ideal else None)
        tables.append(table)
    return tables


def _configuration(task: str) -> str:
    return task.partition(" ")[2]


def _csv_number(value: float | None) -> str:
    return "" if value is None or math.isnan(value) else repr(value)


def csv_rows(board: Leaderboard) -> tuple[list[str], list[list[str]]]:
    """The one combined table: a row per model x task x format. ``primary`` names the
    primary metric; ``value``/``value_low``/``value_high`` are it and its interval, ``gain``
    (with ``gain_low``/``gain_high``, ``p``, ``p_holm``) the report's difference from
    direct; the other headline metrics follow. A missing value is an empty field."""
    fixed = ["model", "ideal", "family", "configuration", "task", "format", "prompts",
             "epochs", "n", "primary", "higher_is_better", "value", "value_low",
             "value_high", "note", "gain", "gain_low", "gain_high", "p", "p_holm",
             "valid_share", "parse_failure_rate", "rank", "best"]
    # a headline key that is a fixed column (parse_failure_rate: the engine's) once only
    keys = [k for k in board.all_keys() if k not in fixed]
    header = [*fixed, *keys]
    body = []
    for r in board.rows:
        cell, vs = r.cell, r.cell.vs_direct
        line = [r.run.model, str(r.run.ideal).lower(), r.run.family,
                _configuration(r.run.task), r.task, r.run.format, str(r.run.prompts),
                str(r.run.epochs), str(r.run.n or ""), cell.primary or "",
                "" if cell.higher_is_better is None else str(cell.higher_is_better).lower(),
                _csv_number(cell.value), _csv_number(cell.lo), _csv_number(cell.hi),
                cell.note or "",
                *(_csv_number(x) for x in ((vs.diff, vs.lo, vs.hi, vs.p) if vs else
                                           (None,) * 4)),
                _csv_number(cell.p_holm), _csv_number(cell.valid_share),
                _csv_number(cell.parse_failure_rate), str(r.rank or ""),
                str(r.best).lower(), *(_csv_number(r.other(k)) for k in keys)]
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
    """A static page (no network) within 1,400 px: one sortable table per task (click a
    header to sort), the best format of each model marked, the columns explained.

    ``page.html#sort=value`` (or ``#sort=-value``, descending) sorts on load.
    """
    sections = []
    for task in board.tasks:
        keys = board.task_keys(task)
        header, body = _task_table(board, task, sep=_CI_MARK)
        sort_keys = ["model", "format", "value", "gain", "p_holm", "valid", "rank", *keys]
        heads = "".join(
            f'<th data-key="{html.escape(k)}" title="click to sort">{html.escape(h)}</th>'
            for k, h in zip(sort_keys, header, strict=True)
        )
        lines = []
        for row, texts in zip(board.task_rows(task), body, strict=True):
            values = [row.run.model, row.run.format, row.cell.value, row.gain, row.cell.p_holm,
                      row.cell.valid_share, row.rank or "", *(row.other(k) for k in keys)]
            cells = "".join(
                f'<td data-value="{html.escape(_sort_value(v))}">{_html_cell(t)}</td>'
                for v, t in zip(values, texts, strict=True)
            )
            classes = " ".join(c for c, on in (("ideal", row.run.ideal), ("best", row.best))
                               if on)
            lines.append(f'<tr class="{classes}">{cells}</tr>')
        sections.append(
            f"<h2>{html.escape(task)}</h2>\n<div class=\"wrap\"><table class=\"board\">"
            f"<thead><tr>{heads}</tr></thead><tbody>{''.join(lines)}</tbody></table></div>"
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
    if value is None:
        return ""
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
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 1400px; }
.wrap { max-width: 1400px; overflow-x: auto; }
table.board { border-collapse: collapse; margin-bottom: 2em; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 3px 6px; text-align: right; white-space: nowrap; }
td:first-child { white-space: normal; max-width: 22em; }
tr.best td:nth-child(3) { background: #fff4c2; font-weight: 600; }
th { background: #eef; cursor: pointer; user-select: none; }
th.asc::after { content: " \\25B2"; } th.desc::after { content: " \\25BC"; }
td:nth-child(-n+2), th:nth-child(-n+2) { text-align: left; }
.ci { color: #667; font-size: 85%; }
tr.ideal { background: #f3fbef; font-weight: 600; }
</style></head><body>
<h1>vs-bench leaderboard</h1>
<p>Columns: the task's primary metric (arrow: better direction) with its 95% interval; vs
direct: the difference from the same model's direct format with its 95% interval; p (Holm):
the Holm-adjusted p-value of that difference (the interval excludes 0 exactly when the
unadjusted p is below 0.05); valid: usable draws of those asked for; rank: among models on
the same task and format; the other columns are the logs' run-level values. ★ / yellow:
the model's best format on the task.</p>
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
