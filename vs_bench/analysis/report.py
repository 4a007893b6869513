"""The run report: per task, one row per format, intervals, the comparison with direct, a verdict.

Every number is the comparison engine's (``vs_bench.analysis.compare``), so the report,
the leaderboard and the plots agree on the same logs. ``build_report`` is the closing
report of ``vs-bench run``; ``reports`` rebuilds one per model from a folder of logs
(``vs-bench report``). Output: terminal tables, ``summary.json`` and ``summary.md``.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspect_ai.log import EvalLog, read_eval_log
from rich.table import Table
from rich.text import Text

from vs_bench.analysis import compare
from vs_bench.analysis.compare import Cell, Results
from vs_bench.analysis.render import interval_text, number, p_short
from vs_bench.analysis.runs import load_runs, read_run
from vs_bench.analysis.verdicts import TaskReport, verdict
from vs_bench.metrics import catalogue

BASELINE = compare.BASELINE
LEVEL = compare.LEVEL


@dataclass
class Report:
    model: str
    suite: str
    seconds: float | None
    tasks: dict[str, TaskReport]
    notes: list[str] = field(default_factory=list)


def _task_reports(results: Results, model: str) -> dict[str, TaskReport]:
    tasks: dict[str, TaskReport] = {}
    for task in results.tasks(model):
        rows = results.task_cells(task, model)
        first = rows[0]
        spec = catalogue.spec(first.primary or "")
        report = TaskReport(task, first.kind, first.primary, spec.label if spec else None,
                            first.higher_is_better, rows)
        report.verdict = verdict(report)
        tasks[task] = report
    return tasks


def build_report(logs: Sequence[EvalLog], model: str, suite: str, seconds: float) -> Report:
    """The report of a run's finished logs (one model)."""
    runs = [read_run(log if log.samples else read_eval_log(log.location)) for log in logs]
    for run in runs:  # one run's report: its logs are the one model's, whatever they name
        run.model = model
    return Report(model, suite, seconds, _task_reports(compare.evaluate(runs), model))


def from_results(results: Results, notes: Sequence[str] = (), suite: str = "logs") -> list[Report]:
    """One report per model of the engine's results."""
    return [Report(model, suite, None, _task_reports(results, model), list(notes))
            for model in results.models]


def reports(log_dir: str | Path) -> list[Report]:
    """One report per model of the latest finished logs in ``log_dir``."""
    runs, notes = load_runs(log_dir)
    return from_results(compare.evaluate(runs), notes, f"logs in {log_dir}")


def terminal_tables(report: Report, width: int = 100) -> list[Table]:
    """One rich table per task; below 120 columns each interval sits under its value, so
    that no number is cut at 100 columns."""
    tables = []
    for task in report.tasks.values():
        table = Table(*HEADER, title=f"{task.task}: {_title(task)}", title_justify="left")
        for column in table.columns:
            column.no_wrap = True
        # a note ("12 valid of 100") wraps; the numbers are never squeezed
        table.columns[1].no_wrap, table.columns[1].overflow = False, "fold"
        for cells in table_rows(task, "\n" if width < 120 else " "):
            table.add_row(*map(Text, cells))  # Text: "[0.1, 0.2]" is no style tag
        tables.append(table)
    return tables


def summary_html(found: Sequence[Report]) -> str:
    """The reports as HTML sections (``vs-bench bundle``'s index page)."""
    parts = [f"<p>{html.escape(METHODS)}</p>"]
    for found_report in found:
        parts.append(f"<h2>{html.escape(found_report.model)}</h2>")
        for task in found_report.tasks.values():
            head = "".join(f"<th>{html.escape(h)}</th>" for h in HEADER)
            body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells)
                           + "</tr>" for cells in table_rows(task))
            parts.append(f"<h3>{html.escape(task.task)}: {html.escape(_title(task))}</h3>"
                         f"<table border='1' cellpadding='3'><tr>{head}</tr>{body}</table>"
                         f"<p>{html.escape(task.verdict)}</p>")
    return "".join(parts)


# ---------------------------------------------------------------------------- output


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def row_dict(row: Cell) -> dict[str, Any]:
    """One format's machine-readable row (``summary.json``)."""
    vs = row.vs_direct
    return {
        "format": row.format,
        "n_requested": row.n_requested,
        "n_draws": row.n_draws,
        "n_valid": row.n_valid,
        "valid_share": row.valid_share,
        "prompts": row.prompts,
        "value": _finite(row.value),
        "ci": [_finite(row.lo), _finite(row.hi)] if row.lo is not None else None,
        "note": row.note,
        "parse_failures": row.parse_failures,
        "parse_failure_rate": row.parse_failure_rate,
        "over_delivered": row.over_delivered,
        "under_delivered": row.under_delivered,
        "too_uniform_p": row.too_uniform_p,
        "quality": row.quality,
        "vs_direct": None if vs is None else {
            "diff": _finite(vs.diff), "ci": [_finite(vs.lo), _finite(vs.hi)],
            "p": _finite(vs.p), "p_holm": _finite(row.p_holm), "valid_p": row.valid_p,
        },
    }


def to_dict(report: Report) -> dict[str, Any]:
    """The machine-readable result (``summary.json``)."""
    tasks = {
        name: {"metric": task.metric, "kind": task.kind,
               "higher_is_better": task.higher_is_better,
               "rows": [row_dict(row) for row in task.rows], "verdict": task.verdict}
        for name, task in report.tasks.items()
    }
    return {"model": report.model, "suite": report.suite, "seconds": report.seconds,
            "alpha": compare.ALPHA, "tasks": tasks}


HEADER = ("format", "value [95% CI]", "valid", "parse fail.", "vs direct [95% CI]", "p",
          "p (Holm)")


def table_rows(task: TaskReport, sep: str = " ") -> list[list[str]]:
    """The cells of one task's table, in HEADER order; ``sep`` between a value and its
    interval (a newline stacks them in a narrow terminal)."""
    out = []
    for row in task.rows:
        vs = row.vs_direct
        rate = row.parse_failure_rate
        value = (row.note if row.value is None and row.note
                 else interval_text(row.value, row.lo, row.hi, sep))
        out.append([
            row.format, value, f"{row.n_valid}/{row.n_requested}",
            f"{100 * rate:.0f}%" if rate is not None else "n/a",
            interval_text(vs.diff, vs.lo, vs.hi, sep, signed=True) if vs else "",
            p_short(vs.p) if vs else "", p_short(row.p_holm) if vs else "",
        ])
    return out


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


METHODS = ("Values: 95% intervals; each format against direct on the same prompts: "
           "difference, its 95% interval and the p-value that inverts that interval (the "
           "interval excludes 0 exactly when p < 0.05). Verdicts go by the Holm-adjusted p "
           "over the model's comparisons. Methods: docs/statistics.md.")


def to_markdown(report: Report) -> str:
    """``summary.md``: a table per task and its verdict."""
    took = f"{report.seconds:.0f} s. " if report.seconds is not None else ""
    lines = [f"# vs-bench: {report.model}, {report.suite}", "", took + METHODS, ""]
    for task in report.tasks.values():
        lines += [
            f"## {task.task}: {_title(task)}", "",
            "| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER),
        ]
        lines += ["| " + " | ".join(_escape(c) for c in cells) + " |" for cells in table_rows(task)]
        lines += ["", _escape(task.verdict), ""]
    lines += [f"- {_escape(note)}" for note in report.notes]
    return "\n".join(lines)


def _title(task: TaskReport) -> str:
    from vs_bench.analysis.render import metric_title

    return metric_title(task.metric) if task.metric else "no primary metric"


def write(report: Report, folder: str | Path, json_path: str | Path | None = None) -> list[Path]:
    """``summary.json`` and ``summary.md`` in ``folder`` (and the JSON at ``json_path``)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n"
    written = [folder / "summary.json", folder / "summary.md"]
    written[0].write_text(text, encoding="utf-8")
    written[1].write_text(to_markdown(report), encoding="utf-8")
    if json_path is not None:
        Path(json_path).write_text(text, encoding="utf-8")
        written.append(Path(json_path))
    return written


def write_all(found: Sequence[Report], folder: str | Path,
              json_path: str | Path | None = None) -> list[Path]:
    """One report: as ``write``; several models: ``summary.json`` / ``.md`` hold them all
    (a list under "reports"; the Markdown one section per model)."""
    if len(found) == 1:
        return write(found[0], folder, json_path)
    folder = Path(folder)
    text = json.dumps({"reports": [to_dict(r) for r in found]}, indent=2,
                      ensure_ascii=False) + "\n"
    written = [folder / "summary.json", folder / "summary.md"]
    written[0].write_text(text, encoding="utf-8")
    written[1].write_text("\n\n".join(to_markdown(r) for r in found), encoding="utf-8")
    if json_path is not None:
        Path(json_path).write_text(text, encoding="utf-8")
        written.append(Path(json_path))
    return written


__all__ = ["Report", "TaskReport", "build_report", "reports", "to_dict", "write", "number"]
