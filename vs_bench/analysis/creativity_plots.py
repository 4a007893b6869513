"""The creativity index per format: one figure per creative task whose runs report it.

Bars: each run's logged run-level ``creativity_index`` (the mean over its texts);
dots: the prompts' own values (the mean over each prompt's texts), so the spread
between prompts shows. The scale is the index's own, 0 (every word in a corpus span of
12 or more words) to 8 (no span of 5).
No value is computed here: they are the logs' (``scorers.creativity_scorer``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from vs_bench.analysis.plots import _legend, _title, save
from vs_bench.analysis.render import metric_title, slug
from vs_bench.analysis.runs import IDEAL_MODEL, Run
from vs_bench.formats import FORMATS

KEY = "creativity_index"
SCALE = (0.0, 8.0)


def _format_order(name: str) -> int:
    return list(FORMATS).index(name) if name in FORMATS else len(FORMATS)


def creativity_figure(task: str, runs: Sequence[Run]) -> Figure:
    """Creativity index by format, one bar per model, each prompt's value as a dot."""
    formats = sorted({r.format for r in runs}, key=_format_order)
    models = sorted({r.model for r in runs}, key=lambda m: (m != IDEAL_MODEL, m))
    by_cell = {(r.model, r.format): r for r in runs}
    fig = Figure(figsize=(max(5.0, 1.1 * len(formats) * max(1, len(models) / 2)), 3.8),
                 layout="constrained")
    ax = fig.subplots()
    width = 0.8 / len(models)
    labelled = False
    for j, model in enumerate(models):
        x = np.arange(len(formats)) + (j - (len(models) - 1) / 2) * width
        cells = [by_cell.get((model, f)) for f in formats]
        values = [c.metrics.get(KEY, math.nan) if c else math.nan for c in cells]
        bars = ax.bar(x, values, width, color=f"C{j}", alpha=0.75,
                      hatch="//" if model == IDEAL_MODEL else None, label=model)
        ax.bar_label(bars, ["" if math.isnan(v) else f"{v:.2f}" for v in values],
                     fontsize=7, padding=1)
        for position, cell in zip(x, cells, strict=True):
            prompts = list(cell.per_prompt.get(KEY, {}).values()) if cell else []
            shown = [v for v in prompts if not math.isnan(v)]
            ax.scatter([position] * len(shown), shown, s=9, color="black", zorder=3,
                       label=None if labelled or not shown else "one prompt")
            labelled |= bool(shown)
    ax.set_xticks(range(len(formats)), formats, rotation=30, ha="right", fontsize=8)
    ax.set_ylim(SCALE[0], SCALE[1] * 1.08)  # room for the labels of full-height bars
    ax.set_yticks(range(int(SCALE[0]), int(SCALE[1]) + 1))
    ax.set_ylabel(metric_title(KEY))
    _legend(fig, [ax])
    _title(fig, f"{task}: creativity index by format (bars: mean over texts)")
    return fig


def creativity_figures(runs: Sequence[Run], out_dir: str | Path) -> list[Path]:
    """``creativity_<task>.png|svg`` for each task with runs that report the index."""
    written: list[Path] = []
    scored = [r for r in runs if KEY in r.metrics]
    for task in dict.fromkeys(r.task for r in scored):
        figure = creativity_figure(task, [r for r in scored if r.task == task])
        written += save(figure, Path(out_dir), f"creativity_{slug(task)}")
    return written
