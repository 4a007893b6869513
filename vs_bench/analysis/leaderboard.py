"""The leaderboard: models x tasks x formats from Inspect logs, with bootstrap CIs.

Generic over score keys: whatever keys the logs hold are shown, in the order and with
the direction of the metric catalogue's headline rows (``METRICS``); a task whose keys
are all unknown shows them all, without a direction (so no gain or rank). Point
estimates are the logs' own run-level metrics; confidence intervals resample prompts
(or, for a one-prompt task run with several epochs, the independent repeats).
Rendering (terminal, CSV, Markdown, HTML) is ``vs_bench.analysis.render``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import stats

from vs_bench.analysis.bootstrap import CONFIDENCE, RESAMPLES, SEED, bootstrap_ci
from vs_bench.analysis.runs import IDEAL_MODEL, Run, load_runs
from vs_bench.formats import FORMATS
from vs_bench.scorers import catalogue
from vs_bench.scorers.catalogue import MetricSpec

BASELINE_FORMAT = "direct"

# Headline metrics, in display order: the metric catalogue's headline rows that have
# a direction. The first one a task reports is its primary metric (gain over direct, rank).
METRICS: dict[str, MetricSpec] = {s.key: s for s in catalogue.headline()}


@dataclass(frozen=True)
class Cell:
    value: float
    low: float | None = None
    high: float | None = None


@dataclass
class Row:
    run: Run
    cells: dict[str, Cell]
    ci_basis: str  # what was resampled ("6 prompts", "4 epochs"), or "n/a: 1 prompt"
    primary: str | None
    gain: float | None = None
    rank: int | None = None


@dataclass
class Leaderboard:
    rows: list[Row]
    notes: list[str]

    @property
    def tasks(self) -> list[str]:
        return list(dict.fromkeys(r.run.task for r in self.rows))

    def task_rows(self, task: str) -> list[Row]:
        return [r for r in self.rows if r.run.task == task]

    def task_keys(self, task: str) -> list[str]:
        keys = [k for r in self.task_rows(task) for k in r.run.keys]
        return sorted(set(keys), key=lambda k: (list(METRICS).index(k) if k in METRICS else 99, k))

    def all_keys(self) -> list[str]:
        return list(dict.fromkeys(k for t in self.tasks for k in self.task_keys(t)))


def _cell(run: Run, key: str, units: Sequence[float] | None, seed: int, resamples: int) -> Cell:
    value = run.metrics[key]
    if units is None or math.isnan(value):
        return Cell(value)
    defined = [v for v in units if not math.isnan(v)]
    # a CI only for metrics that are the mean over the resampled units (not totals)
    if len(defined) < 2 or not math.isclose(float(np.mean(defined)), value, rel_tol=1e-9,
                                            abs_tol=1e-12):
        return Cell(value)
    low, high = bootstrap_ci(defined, seed, resamples)
    return Cell(value, low, high)


def build(runs: Iterable[Run], seed: int = SEED, resamples: int = RESAMPLES) -> Leaderboard:
    """Rows with CIs, gain over direct and rank of each model within task x format."""
    runs = list(runs)
    rows: list[Row] = []
    one_prompt: set[str] = set()
    for run in runs:
        if run.prompts >= 2:
            basis = f"{run.prompts} prompts"
            units = {k: list(run.per_prompt.get(k, {}).values()) for k in run.keys}
        elif run.epochs >= 2:
            basis = f"{run.epochs} epochs"
            units = {k: run.per_epoch.get(k, []) for k in run.keys}
        else:
            basis = "n/a: 1 prompt"
            units = {}
            one_prompt.add(run.task)
        cells = {k: _cell(run, k, units.get(k), seed, resamples) for k in run.keys}
        primary = next((k for k in run.keys if k in METRICS), None)
        rows.append(Row(run, cells, basis, primary))
    _add_gain_and_rank(rows)
    fmt_order = {name: i for i, name in enumerate(FORMATS)}
    rows.sort(key=lambda r: (r.run.task, fmt_order.get(r.run.format, 99), r.rank or 0,
                             r.run.model))
    notes = [
        f"{IDEAL_MODEL} (marked *) is the ideal sampler: the reference row.",
        f"[low, high]: {CONFIDENCE:.0%} percentile bootstrap interval ({resamples} resamples, "
        f"seed {seed}) over prompts, or over epochs for a one-prompt task.",
        "gain: the primary metric's improvement over the same model's direct format "
        "(positive = better); rank: within task x format by the primary metric.",
    ]
    if one_prompt:
        notes.append(
            f"{', '.join(sorted(one_prompt))}: one prompt and one epoch, so no CI (a CI over "
            "one prompt is not available); rerun with --epochs 5 for one over repeated runs."
        )
    return Leaderboard(rows, notes)


def _better(row: Row) -> float:
    """The primary value signed so that larger is better; NaN ranks last."""
    if row.primary is None:
        return math.nan
    value = row.cells[row.primary].value
    return value if METRICS[row.primary].higher_is_better else -value


def _add_gain_and_rank(rows: list[Row]) -> None:
    direct = {(r.run.model, r.run.task): r for r in rows if r.run.format == BASELINE_FORMAT}
    for row in rows:
        base = direct.get((row.run.model, row.run.task))
        if base is not None and base is not row and base.primary == row.primary:
            gain = _better(row) - _better(base)
            row.gain = None if math.isnan(gain) else gain
    groups: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in rows:
        groups[(row.run.task, row.run.format)].append(row)
    for group in groups.values():
        scores = np.array([_better(r) for r in group])
        if np.isnan(scores).all():
            continue
        # rank 1 = best; ties share the better rank; undefined values rank last
        ranks = stats.rankdata(np.where(np.isnan(scores), np.inf, -scores), method="min")
        for row, rank in zip(group, ranks, strict=True):
            row.rank = int(rank)


def leaderboard(log_dir: str | Path, seed: int = SEED, resamples: int = RESAMPLES) -> Leaderboard:
    runs, notes = load_runs(log_dir)
    board = build(runs, seed, resamples)
    board.notes.extend(notes)
    return board
