"""Layout helpers shared by the figures: legends, wrapped titles, value labels that clear
their whiskers, tick labels that do not overlap, and writing PNG + SVG.

Measured, not guessed, where matplotlib can measure: tick-label overlap is read from the
renderer's extents after a layout pass.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Sequence
from pathlib import Path

from matplotlib import rc_context
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.container import BarContainer
from matplotlib.figure import Figure

MAX_LABEL = 14
LABEL_PADDING = 3.0  # points between a whisker's cap (or a bar's top) and its value label
HEADROOM = 0.15  # share of the y range kept above the highest whisker for its label
LOG_DECADES = 3.0  # a panel whose positive values span more decades than this is log-scaled
P_FLOOR = 1e-300  # a p-value that underflowed to 0 (chi2 of 100 equal draws, K=50) is drawn here


def value_labels(ax: Axes, bars: BarContainer, values: Sequence[float]) -> None:
    """The value above each bar (above its whisker's cap where it has one): a bar of
    height 0 is otherwise no bar at all."""
    ax.bar_label(bars, ["" if math.isnan(v) else f"{v:.3g}" for v in values],
                 fontsize=7, padding=LABEL_PADDING)


def fit_value_axis(ax: Axes, tops: Sequence[float], log: bool = False) -> None:
    """Room above the highest whisker (``tops``: each bar's value or whisker top) for its
    label; a unit axis where every value and whisker is 0 (matplotlib would centre a
    ±0.055 axis on 0); with ``log``, a log axis where the values span many decades
    (chi-square p at 1e-50 beside 0.9, which a linear axis shows as 0)."""
    finite = [t for t in tops if not math.isnan(t)]
    if not finite:
        return
    positive = [max(t, P_FLOOR) for t in finite if t >= 0]
    if all(t == 0 for t in finite):
        ax.set_ylim(0.0, 1.0)
    elif log and len(positive) == len(finite) and (
        math.log10(max(positive) / min(positive)) > LOG_DECADES
    ):
        ax.set_yscale("log")
        low, high = math.log10(min(positive)), math.log10(max(positive))
        ax.set_ylim(10 ** (low - 0.5), 10 ** (high + HEADROOM * (high - low) + 0.5))
    else:
        ax.margins(y=HEADROOM)  # bars stick to 0: only the top grows


def unclash_xticks(fig: Figure, axes: Iterable[Axes], gap: float = 2.0) -> None:
    """Turn a panel's x tick labels upright where, laid out, two of them would overlap
    (closer than ``gap`` pixels)."""
    fig.draw_without_rendering()
    for ax in axes:
        boxes = sorted((t.get_window_extent() for t in ax.get_xticklabels() if t.get_text()),
                       key=lambda b: b.x0)
        if any(a.x1 + gap > b.x0 for a, b in zip(boxes, boxes[1:], strict=False)):
            ax.tick_params(axis="x", labelrotation=90)


def _empty(ax: Axes, reason: str) -> None:
    ax.text(0.5, 0.5, "\n".join(textwrap.wrap(reason, 36)), transform=ax.transAxes,
            ha="center", va="center", fontsize=9, color="#555555")


def _title(target: Figure | Axes, text: str, fontsize: float = 12) -> None:
    """A title wrapped to the width of its figure or panel, so that none is cut."""
    figure = target if isinstance(target, Figure) else target.get_figure(root=True)
    assert isinstance(figure, Figure)
    inches = figure.get_figwidth()
    if isinstance(target, Axes):
        inches *= target.get_position().width
    # an average glyph of a proportional font is ~0.55 em wide
    chars = max(20, int(inches * 72 / (0.55 * fontsize)))
    lines = [w for line in text.splitlines() for w in textwrap.wrap(line, chars) or [""]]
    if isinstance(target, Figure):
        target.suptitle("\n".join(lines), fontsize=fontsize)
    else:
        target.set_title("\n".join(lines), fontsize=fontsize)


def _legend(fig: Figure, axes: Iterable[Axes]) -> None:
    """One legend for all panels, below them, so that it hides no bar or line."""
    entries: dict[str, Artist] = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            entries.setdefault(label, handle)
    fig.legend(list(entries.values()), list(entries), loc="outside lower center",
               ncols=min(len(entries), 4), fontsize=8)


def _short(text: str, limit: int = MAX_LABEL) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def save(fig: Figure, out_dir: Path, stem: str) -> list[Path]:
    """Write ``stem.png`` and ``stem.svg``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / f"{stem}.png", out_dir / f"{stem}.svg"]
    fig.savefig(paths[0], dpi=130)
    with rc_context({"svg.fonttype": "none"}):  # text stays text: searchable, smaller
        fig.savefig(paths[1])
    return paths
