"""Donation histograms of the persuasion family: simulated against human, one panel per format.

Each panel shows the share of donations in each of the 8 bins of $0.25 on [0, 2]
(``vs_bench.metrics.persuasion.histogram``, the bins of ``donation_l1``): the 982 human
donations of PersuasionForGood as a grey outline, each model's simulated donations as
bars, with the run's logged ``donation_ks`` in the legend. The donations are read from
the logged final statements (``PromptRecord.texts``, pooled over epochs) with the
scorer's own rule (``vs_bench.metrics.persuasion.donation``); statements without a valid amount
are left out, as in the metrics.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from vs_bench.analysis.plots import _legend, _title, save
from vs_bench.analysis.render import slug
from vs_bench.analysis.runs import IDEAL_MODEL, Run
from vs_bench.formats import FORMATS
from vs_bench.metrics.persuasion import BINS, donation, histogram
from vs_bench.registry import human_reference

KEY = "donation_ks"


def _format_order(name: str) -> int:
    return list(FORMATS).index(name) if name in FORMATS else len(FORMATS)


def simulated_donations(run: Run) -> list[float]:
    """The valid donations of a run's final statements, every prompt and epoch pooled."""
    found = (donation(text) for record in run.records for text in record.texts)
    return [value for value in found if value is not None]


def donation_figure(task: str, runs: Sequence[Run], human: Sequence[float]) -> Figure:
    """The donation histogram of each model (bars) against ``human`` (outline), per format."""
    formats = sorted({r.format for r in runs}, key=_format_order)
    models = sorted({r.model for r in runs}, key=lambda m: (m != IDEAL_MODEL, m))
    by_cell = {(r.model, r.format): r for r in runs}
    columns = min(4, len(formats))
    rows = -(-len(formats) // columns)
    fig = Figure(figsize=(3.2 * columns, 2.8 * rows + 0.8), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, columns, sharex=True, sharey=True)).ravel()
    centres = (BINS[:-1] + BINS[1:]) / 2
    width = (BINS[1] - BINS[0]) * 0.8 / max(1, len(models))
    for ax, fmt in zip(axes, formats, strict=False):
        ax.stairs(histogram(human), BINS, color="0.35", linewidth=1.5,
                  label=f"human ({len(human)})")
        for j, model in enumerate(models):
            run = by_cell.get((model, fmt))
            if run is None:
                continue
            values = simulated_donations(run)
            if not values:  # said, not left blank: a model with no valid donation
                ax.text(0.98, 0.95 - 0.09 * j, f"{model}: no valid donation", color=f"C{j}",
                        transform=ax.transAxes, ha="right", va="top", fontsize=7)
                continue
            ks = run.metrics.get(KEY, math.nan)
            offset = (j - (len(models) - 1) / 2) * width
            ax.bar(centres + offset, histogram(values), width, color=f"C{j}", alpha=0.75,
                   hatch="//" if model == IDEAL_MODEL else None, label=model)
            ax.text(0.98, 0.95 - 0.09 * j, f"KS {ks:.2f}, n={len(values)}", color=f"C{j}",
                    transform=ax.transAxes, ha="right", va="top", fontsize=7)
        ax.set_title(fmt, fontsize=9)
        ax.set_xticks(BINS[::2], [f"${b:g}" for b in BINS[::2]], fontsize=7)
    for ax in axes[len(formats):]:
        ax.set_visible(False)
    for ax in axes[::columns]:
        ax.set_ylabel("share of donations", fontsize=8)
    _legend(fig, axes[: len(formats)])
    _title(fig, f"{task}: donations, simulated (bars) vs human (outline)")
    return fig


def donation_figures(runs: Sequence[Run], out_dir: str | Path) -> list[Path]:
    """``donations_<task>.png|svg`` for each task with runs that report ``donation_ks``."""
    written: list[Path] = []
    scored = [r for r in runs if KEY in r.metrics]
    for task in dict.fromkeys(r.task for r in scored):
        chosen = [r for r in scored if r.task == task]
        figure = donation_figure(task, chosen, human_reference(chosen[0].family))
        written += save(figure, Path(out_dir), f"donations_{slug(task)}")
    return written
