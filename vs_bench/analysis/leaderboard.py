"""The leaderboard: models x tasks x formats from Inspect logs.

Each row is a cell of the comparison engine (``vs_bench.analysis.compare``): the task's
primary metric with its 95% interval, the difference from the same model's direct (the
report's difference, interval and Holm-adjusted p) and the rank of the model within task
x format; the other headline metrics a run logged are shown as the logs' run-level values.
A metric the engine measures beyond a family's primary (``compare.VIEWS``: the creativity
index of creative runs given a corpus) has rows of its own, under its own task label.
Rendering (terminal, CSV, Markdown, HTML) is ``vs_bench.analysis.render``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import stats

from vs_bench.analysis import compare
from vs_bench.analysis.compare import Cell, Results
from vs_bench.analysis.runs import IDEAL_MODEL, Run, load_runs
from vs_bench.metrics import catalogue
from vs_bench.metrics.catalogue import MetricSpec

BASELINE_FORMAT = compare.BASELINE

# Headline metrics, in display order: the metric catalogue's headline rows with a direction.
METRICS: dict[str, MetricSpec] = {s.key: s for s in catalogue.headline()}


@dataclass
class Row:
    cell: Cell
    rank: int | None = None
    best: bool = False  # the model's best format on this task by the primary metric

    @property
    def run(self) -> Run:
        return self.cell.run

    @property
    def primary(self) -> str | None:
        return self.cell.primary

    @property
    def task(self) -> str:
        """The cell's task label (a view's names its metric)."""
        return self.cell.task

    @property
    def gain(self) -> float | None:
        vs = self.cell.vs_direct
        return None if vs is None or math.isnan(vs.diff) else vs.diff

    def other(self, key: str) -> float | None:
        """A headline metric other than the primary: the log's run-level value."""
        value = self.run.metrics.get(key)
        if value is None or math.isnan(value):
            return None
        row = catalogue.spec(key)
        return max(value, 0.0) if row is not None and row.nonnegative else value


@dataclass
class Leaderboard:
    rows: list[Row]
    notes: list[str]
    results: Results

    @property
    def tasks(self) -> list[str]:
        return list(dict.fromkeys(r.task for r in self.rows))

    def task_rows(self, task: str) -> list[Row]:
        return [r for r in self.rows if r.task == task]

    def task_keys(self, task: str) -> list[str]:
        """The other headline keys the task's runs logged, in catalogue order (none for a
        view: they are the task's own rows')."""
        rows = self.task_rows(task)
        if any(r.cell.view for r in rows):
            return []
        primaries = {r.primary for r in rows}
        found = {k for r in rows for k in r.run.keys}
        return [k for k in METRICS if k in found and k not in primaries]

    def all_keys(self) -> list[str]:
        return list(dict.fromkeys(k for t in self.tasks for k in self.task_keys(t)))


def _better(row: Row) -> float:
    """The primary value signed so that larger is better; NaN ranks last."""
    value = row.cell.value
    if value is None or row.cell.higher_is_better is None:
        return math.nan
    return value if row.cell.higher_is_better else -value


def _rank(rows: list[Row]) -> None:
    groups: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in rows:
        groups[(row.task, row.run.format)].append(row)
    for group in groups.values():
        scores = np.array([_better(r) for r in group])
        if np.isnan(scores).all():
            continue
        # rank 1 = best; ties share the better rank; undefined values rank last
        ranks = stats.rankdata(np.where(np.isnan(scores), np.inf, -scores), method="min")
        for row, rank in zip(group, ranks, strict=True):
            row.rank = int(rank)
    best: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in rows:
        best[(row.run.model, row.task)].append(row)
    for group in best.values():
        signed = [_better(r) for r in group]
        if len(group) > 1 and not all(math.isnan(s) for s in signed):
            top = max(s for s in signed if not math.isnan(s))
            for row, score in zip(group, signed, strict=True):
                row.best = score == top


def build(runs: Iterable[Run]) -> Leaderboard:
    """Rows of the engine's cells, ranked within task x format."""
    results = compare.evaluate(list(runs))
    rows = [Row(cell) for cell in results.cells]
    _rank(rows)
    notes = [
        f"{IDEAL_MODEL} (marked *) is the ideal sampler: the reference row; "
        "best (marked ★): the model's best format on the task by its primary metric.",
        "value [low, high]: the task's primary metric and its 95% interval; vs direct: the "
        "difference from the same model's direct, its 95% interval and the Holm-adjusted p "
        "(the `vs-bench report` figures; methods: docs/statistics.md).",
        "valid: draws in the answer set (or texts delivered) / draws asked for; "
        "rank: within task x format by the primary metric.",
    ]
    return Leaderboard(rows, notes, results)


def leaderboard(log_dir: str | Path) -> Leaderboard:
    runs, notes = load_runs(log_dir)
    board = build(runs)
    board.notes.extend(notes)
    return board
