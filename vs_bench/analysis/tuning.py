"""Tuning curves: headline metrics against a task parameter a sweep's grid varied."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from matplotlib.figure import Figure

from vs_bench.analysis.figure_layout import _legend, save
from vs_bench.analysis.leaderboard import METRICS
from vs_bench.analysis.render import metric_title, slug
from vs_bench.analysis.runs import IDEAL_MODEL, Run
from vs_bench.formats import FORMATS
from vs_bench.registry import task_functions


def run_parameters(run: Run) -> tuple[str, dict[str, str]]:
    """The family and the task arguments of a run (those its label shows: k=3 tail=0.5)."""
    return run.family, run.parameters


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def tuning_curves(runs: Sequence[Run]) -> list[tuple[str, str, list[Run]]]:
    """(family, parameter, runs) for every numeric task parameter that takes two or more
    values among a family's runs (a sweep's ``--grid``). A run that does not name the
    parameter has its family's default (None: the run does not use it)."""
    import inspect

    functions = task_functions()
    by_family: dict[str, list[Run]] = defaultdict(list)
    for run in runs:
        by_family[run_parameters(run)[0]].append(run)
    curves = []
    for family, group in by_family.items():
        if family not in functions:
            continue
        defaults = {
            name: p.default for name, p in inspect.signature(functions[family]).parameters.items()
        }
        names = dict.fromkeys(k for r in group for k in run_parameters(r)[1])
        for name in names:
            values = {_value_of(r, name, defaults) for r in group} - {None}
            if len(values) >= 2:
                curves.append((family, name, group))
    return curves


def _value_of(run: Run, name: str, defaults: dict[str, object]) -> float | None:
    given = run_parameters(run)[1].get(name)
    default = defaults.get(name)
    text = given if given is not None else None if default is None else str(default)
    return None if text is None else _number(text)


def tuning_figure(family: str, parameter: str, runs: Sequence[Run]) -> Figure:
    """Headline metrics against ``parameter``, one line per model x format (x the other
    parameters); a run without the parameter is a dashed level across the plot."""
    import inspect

    parameters = inspect.signature(task_functions()[family]).parameters
    defaults = {n: p.default for n, p in parameters.items()}
    keys = [k for k in METRICS if any(k in r.metrics for r in runs)][:4]
    fig = Figure(figsize=(4.6 * max(1, len(keys)), 3.8), layout="constrained")
    axes = fig.subplots(1, max(1, len(keys)), squeeze=False).ravel()
    lines: dict[str, list[tuple[float | None, Run]]] = defaultdict(list)
    order = {name: i for i, name in enumerate(FORMATS)}
    for run in sorted(runs, key=lambda r: (r.model != IDEAL_MODEL, r.model,
                                           order.get(r.format, 99))):
        others = " ".join(f"{k}={v}" for k, v in sorted(run_parameters(run)[1].items())
                          if k != parameter and k not in ("n", "limit"))
        label = " ".join(filter(None, [run.model, run.format, others]))
        lines[label].append((_value_of(run, parameter, defaults), run))
    values = sorted({x for points in lines.values() for x, _ in points if x is not None})
    for ax, key in zip(axes, keys, strict=False):
        for index, (label, points) in enumerate(lines.items()):
            color = f"C{index % 10}"
            placed = sorted((x, r.metrics.get(key, math.nan)) for x, r in points if x is not None)
            if placed:
                ax.plot([x for x, _ in placed], [y for _, y in placed], color=color,
                        label=label, **line_style(index, len(lines)))
            for x, run in points:
                if x is None and key in run.metrics:
                    ax.axhline(run.metrics[key], color=color, linestyle="--",
                               label=f"{label} (no {parameter})")
        if values and values[0] > 0 and values[-1] / values[0] >= 10:
            ax.set_xscale("log")
        ax.set_xticks(values, [f"{v:g}" for v in values])
        ax.minorticks_off()
        ax.set_xlabel(parameter)
        ax.set_title(metric_title(key), fontsize=10)
    _legend(fig, axes)
    fig.suptitle(f"{family}: metrics against {parameter} (tuning curve)")
    return fig


MARKERS = "osD^vP*X"
DASHES = ("-", "--", "-.", ":")


def line_style(index: int, count: int) -> dict[str, object]:
    """Line ``index`` of ``count``: its own marker and dash, hollow, earlier lines' markers
    larger, so that lines with equal values (the ideal sampler in every format) stay
    visible one inside the other instead of the last hiding the rest."""
    return {"marker": MARKERS[index % len(MARKERS)], "linestyle": DASHES[index % len(DASHES)],
            "markerfacecolor": "none",
            "markersize": 4.0 + 10.0 * (count - 1 - index) / max(1, count - 1),
            "linewidth": 1.0 + 0.6 * (count - 1 - index) / max(1, count - 1)}


def tuning_figures(runs: Sequence[Run], out_dir: str | Path) -> list[Path]:
    """``tuning_<family>_<parameter>`` for every parameter a sweep's grid varied."""
    written: list[Path] = []
    for family, parameter, group in tuning_curves(runs):
        written += save(tuning_figure(family, parameter, group), Path(out_dir),
                        f"tuning_{slug(family)}_{slug(parameter)}")
    return written
