"""Figures from Inspect logs: answer histograms, metric-by-format bars, sample-size curves,
verbalized-vs-empirical calibration and the diversity-quality trade-off.

Only drawing is done here: the numbers are ``plot_data``'s (histograms, sample-size
curves, rarefied coverage, calibration points, from the scorers' functions) and the
leaderboard's (values and intervals); titles and directions are the metric catalogue's.

Matplotlib's object API (``Figure``, Agg canvas): no pyplot state and no display needed.
Every figure is written as PNG and SVG under a name that says what it shows.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from vs_bench.analysis import homogeneity
from vs_bench.analysis.figure_layout import (
    P_FLOOR,
    _empty,
    _short,
    fit_value_axis,
    unclash_xticks,
    value_labels,
)
from vs_bench.analysis.figure_layout import _legend as _legend  # re-exported (persuasion_plots,
from vs_bench.analysis.figure_layout import _title as _title  # creativity_plots)
from vs_bench.analysis.figure_layout import save as save
from vs_bench.analysis.leaderboard import Leaderboard, Row, build
from vs_bench.analysis.plot_data import REPEATS as REPEATS
from vs_bench.analysis.plot_data import SEED as SEED
from vs_bench.analysis.plot_data import SIZES as SIZES
from vs_bench.analysis.plot_data import Curve, sample_size_curves
from vs_bench.analysis.plot_data import Histogram as Histogram
from vs_bench.analysis.plot_data import calibration_points as calibration_points
from vs_bench.analysis.plot_data import expected_coverage as expected_coverage
from vs_bench.analysis.plot_data import histogram as histogram
from vs_bench.analysis.plot_data import parse_sizes as parse_sizes
from vs_bench.analysis.plot_data import rarefied_coverage as rarefied_coverage
from vs_bench.analysis.plot_data import subsample as subsample
from vs_bench.analysis.plot_data import summarise as summarise
from vs_bench.analysis.render import metric_title, slug
from vs_bench.analysis.runs import IDEAL_MODEL, PromptDraws, Run, load_runs
from vs_bench.formats import FORMATS

CURVE_KEYS = ("kl", "coverage", "chi2_p")


# ---------------------------------------------------------------------------- figures


def histogram_figure(title: str, panels: Sequence[tuple[str, PromptDraws]]) -> Figure:
    """Answer counts per format (one panel each), the uniform expectation dashed."""
    many = max(p.answers.size for _, p in panels) > 12
    ncols = 1 if many else min(3, len(panels))
    nrows = math.ceil(len(panels) / ncols)
    k = max(p.answers.size for _, p in panels)
    width = min(16.0, max(4.5, 0.32 * k + 1.5))
    fig = Figure(figsize=(width * ncols, (3.6 if many else 3.0) * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, (name, draws) in zip(axes, panels, strict=False):
        hist = histogram(draws)
        x = np.arange(len(hist.labels))
        ax.bar(x, hist.counts, color="#4c72b0", label="draws")
        labels = [_short(label) for label in hist.labels]
        if hist.invalid:
            ax.bar([len(labels)], [hist.invalid], color="#999999", label="invalid")
            labels.append("invalid")
        if draws.unparsed:  # replies that added no draw: counted in replies, not draws
            ax.bar([len(labels)], [draws.unparsed], color="white", edgecolor="#555555",
                   hatch="xx", label="unparsed replies")
            labels.append("unparsed")
        ax.axhline(hist.expected, color="#c44e52", linestyle="--", label="uniform expectation")
        ax.set_xticks(range(len(labels)), labels, rotation=90 if many else 0, fontsize=8)
        ax.set_ylabel("count")
        n = int(hist.counts.sum()) + hist.invalid
        failed = f", unparsed replies={draws.unparsed}" if draws.unparsed else ""
        _title(ax, f"{name}  (N={n}, valid={int(hist.counts.sum())}{failed})", fontsize=10)
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    _legend(fig, axes)
    _title(fig, title)
    unclash_xticks(fig, axes[: len(panels)])
    return fig


def bars_figure(board: Leaderboard, task: str) -> Figure:
    """Each headline metric by format, one bar per model; whiskers: the 95% CI where the
    leaderboard has one. A panel without any value says why."""
    rows = board.task_rows(task)
    primaries = list(dict.fromkeys(r.primary for r in rows if r.primary))
    keys = primaries + board.task_keys(task)
    formats = sorted({r.run.format for r in rows}, key=lambda f: list(FORMATS).index(f)
                     if f in FORMATS else 99)
    models = sorted({r.run.model for r in rows}, key=lambda m: (m != IDEAL_MODEL, m))
    ncols = min(3, len(keys))
    nrows = math.ceil(len(keys) / ncols)
    fig = Figure(figsize=(max(5.0, 1.1 * len(formats) * max(1, len(models) / 2)) * ncols,
                          3.4 * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    width = 0.8 / len(models)
    by_cell = {(r.run.model, r.run.format): r for r in rows}
    whiskers = False
    for ax, key in zip(axes, keys, strict=False):
        shown = False
        tops: list[float] = []  # each bar's whisker top, else its value
        for j, model in enumerate(models):
            values: list[float] = []
            errors: tuple[list[float], list[float]] = ([], [])
            for fmt in formats:
                row = by_cell.get((model, fmt))
                # the primary metric and its interval are the engine's (the report's)
                value, low, high = _bar(row, key)
                values.append(value)
                # NaN: no whisker at all where there is no interval
                errors[0].append(value - low if low is not None else math.nan)
                errors[1].append(high - value if high is not None else math.nan)
                tops.append(value if high is None else max(value, high))
            ci = not all(math.isnan(e) for e in errors[0])
            whiskers |= ci
            bars = ax.bar(np.arange(len(formats)) + (j - (len(models) - 1) / 2) * width, values,
                          width, yerr=errors if ci else None, capsize=2 if ci else 0,
                          hatch="//" if model == IDEAL_MODEL else None,
                          label=f"{model} (ideal)" if model == IDEAL_MODEL else model)
            value_labels(ax, bars, values)
            shown |= not all(math.isnan(v) for v in values)
        ax.set_xticks(range(len(formats)), formats, rotation=30, ha="right", fontsize=8)
        ax.set_title(metric_title(key), fontsize=10)
        fit_value_axis(ax, tops, log=key == "chi2_p")
        if not shown:
            _empty(ax, _why_empty(key))
    for ax in axes[len(keys):]:
        ax.set_visible(False)
    _legend(fig, axes)
    how = ("whiskers: 95% interval of the primary metric (the report's)" if whiskers
           else "no interval")
    _title(fig, f"{task}: metric by format; {how}")
    return fig


def _bar(row: Row | None, key: str) -> tuple[float, float | None, float | None]:
    """(value, low, high) of a bar: the engine's for the primary metric, else the log's."""
    if row is None:
        return math.nan, None, None
    if key == row.primary:
        cell = row.cell
        return (math.nan if cell.value is None else cell.value), cell.lo, cell.hi
    other = row.other(key)
    return (math.nan if other is None else other), None, None


def _why_empty(key: str) -> str:
    """Why no run has a value of ``key``."""
    if key == "quality":
        return "no grader: judged quality needs --model-role grader=<model>"
    if key.startswith("calib_"):
        return "no stated probabilities: only the VS formats state them"
    return "undefined in every run (e.g. no valid draw)"


def sample_size_figure(
    title: str,
    curves: Sequence[tuple[str, Curve]],
    answer_sizes: Sequence[int],
    sizes: Sequence[int] = SIZES,
    repeats: int = REPEATS,
    rarefied: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
) -> Figure:
    """KL, coverage and chi-square p against N, one line per curve (mean, 95% band).

    ``answer_sizes`` (K of each prompt) gives the coverage expected of a uniform sampler,
    K(1 − (1 − 1/K)^n); ``rarefied`` (curve name -> n, coverage) replaces a curve's
    subset mean of coverage by its exact rarefaction (``rarefied_coverage``).
    """
    fig = Figure(figsize=(4.6 * len(CURVE_KEYS), 3.6), layout="constrained")
    axes = fig.subplots(1, len(CURVE_KEYS))
    for name, curve in curves:
        xs = sorted(curve)
        for ax, key in zip(axes, CURVE_KEYS, strict=True):
            summary = [summarise(curve[x][key]) for x in xs]
            if key == "chi2_p":  # on a log axis: p = 0 (underflow) at the floor, not dropped
                summary = [{k: max(v, P_FLOOR) for k, v in s.items()} for s in summary]
            if key == "coverage" and rarefied and name in rarefied:
                line = ax.plot(*rarefied[name], label=name)[0]
            else:
                line = ax.plot(xs, [s["mean"] for s in summary], marker="o", label=name)[0]
            ax.fill_between(xs, [s["low"] for s in summary], [s["high"] for s in summary],
                            color=line.get_color(), alpha=0.15)
    ideal = np.unique(np.geomspace(1, max(sizes), 60).round().astype(int))
    axes[1].plot(ideal, [expected_coverage(answer_sizes, int(s)) for s in ideal],
                 color="black", linestyle=":", label="uniform sampler (expected)")
    for ax, key in zip(axes, CURVE_KEYS, strict=True):
        ax.set_xscale("log")
        if key == "chi2_p":  # p spans 1 to 1e-50: a linear axis shows only 0
            ax.set_yscale("log")
        ax.set_xticks(list(sizes), [str(s) for s in sizes])
        ax.minorticks_off()
        ax.set_xlabel("N (draws per prompt, subsampled)")
        ax.set_title(metric_title(key), fontsize=10)
    _legend(fig, axes)
    how = "; coverage: exact rarefaction" if rarefied else ""
    _title(fig, f"{title}: metric vs N ({repeats} random subsets per N, central 95% of them "
                f"shaded{how})")
    return fig


def calibration_figure(title: str, runs: Sequence[Run]) -> Figure:
    """Verbalized against empirical probability per answer, one panel per VS format."""
    fig = Figure(figsize=(max(4.2 * len(runs), 6.4), 4.2), layout="constrained")
    axes = fig.subplots(1, len(runs), squeeze=False).ravel()
    for ax, run in zip(axes, runs, strict=True):
        empirical, verbalized = calibration_points(run.draws)
        top = max(float(np.max(empirical, initial=0)), float(np.max(verbalized, initial=0)))
        top = min(1.0, 1.1 * top) or 1.0
        ax.plot([0, top], [0, top], color="black", linestyle=":", label="perfect calibration")
        sizes = sorted({d.answers.size for d in run.draws})
        for size in sizes:
            ax.axhline(1 / size, color="grey", linewidth=0.8, linestyle="--",
                       label="reference 1/K" if size == sizes[0] else None)
        ax.scatter(empirical, verbalized, s=14, alpha=0.6, label="answer")
        if not len(empirical):
            _empty(ax, "no valid answer with a stated probability in this run")
        ax.set_xlim(0, top)
        ax.set_ylim(0, top)
        ax.set_xlabel("empirical probability (share of draws)")
        ax.set_ylabel("verbalized probability (renormalised)")
        ece = run.metrics.get("calib_ece")
        ax.set_title(run.format + (f"  (ECE {ece:.3f})" if ece is not None else ""), fontsize=10)
    _legend(fig, axes)
    _title(fig, title)
    return fig


def tradeoff_figure(task: str, runs: Sequence[Run]) -> Figure:
    """Semantic diversity against judged quality: one point per format per model."""
    fig = Figure(figsize=(6.4, 4.8), layout="constrained")
    ax = fig.subplots()
    models = sorted({r.model for r in runs}, key=lambda m: (m != IDEAL_MODEL, m))
    markers = "osD^vP*X"
    for run in runs:
        index = models.index(run.model)
        x, y = run.metrics["semantic_diversity"], run.metrics["quality"]
        ax.scatter([x], [y], marker=markers[index % len(markers)], s=40, color=f"C{index}",
                   label=run.model)
        ax.annotate(run.format, (x, y), textcoords="offset points", xytext=(4, 4), fontsize=8)
    ax.set_xlabel(metric_title("semantic_diversity"))
    ax.set_ylabel(metric_title("quality"))
    _legend(fig, [ax])
    _title(fig, f"{task}: diversity-quality trade-off")
    return fig


def homogeneity_figure(task: str, results: Sequence[homogeneity.Homogeneity]) -> Figure:
    """Models x models mean cosine similarity (x100) of responses to the same prompt, one
    panel per format: across models off the diagonal, within a model on it."""
    ncols = min(3, len(results))
    nrows = math.ceil(len(results) / ncols)
    size = max(len(r.models) for r in results)
    side = max(3.6, 0.9 * size + 2.0)
    fig = Figure(figsize=(side * ncols + 1.0, side * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    defined = np.concatenate([r.matrix[~np.isnan(r.matrix)] for r in results])
    low, high = (float(defined.min()), float(defined.max())) if defined.size else (0.0, 100.0)
    image = None
    for ax, result in zip(axes, results, strict=False):
        image = ax.imshow(result.matrix, vmin=low, vmax=high, cmap="viridis")
        labels = [_short(m, 18) for m in result.models]
        ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right", fontsize=8)
        ax.set_yticks(range(len(labels)), labels, fontsize=8)
        middle = (low + high) / 2
        for (i, j), value in np.ndenumerate(result.matrix):
            text = "n/a" if math.isnan(value) else f"{value:.1f}"
            ax.text(j, i, text, ha="center", va="center", fontsize=8,
                    color="black" if not math.isnan(value) and value > middle else "white")
        ax.set_title(f"{result.format}  ({result.prompts} prompts)", fontsize=10)
    for ax in axes[len(results):]:
        ax.set_visible(False)
    if image is not None:
        fig.colorbar(image, ax=axes[: len(results)].tolist(), shrink=0.8,
                     label="mean cosine similarity x100")
    fig.suptitle(f"{task}: similarity of responses to the same prompt\n"
                 "across models (off the diagonal), within a model (diagonal)")
    return fig


# ---------------------------------------------------------------------------- from logs


def plot_runs(
    runs: Sequence[Run],
    out_dir: str | Path,
    sizes: Sequence[int] = SIZES,
    max_prompts: int = 3,
    board: Leaderboard | None = None,
) -> list[Path]:
    """Every figure for ``runs``: histograms and curves for answer-set tasks, bars for all."""
    out = Path(out_dir)
    board = board or build(runs)
    written: list[Path] = []
    groups: dict[tuple[str, str], list[Run]] = defaultdict(list)
    for run in runs:
        groups[(run.task, run.model)].append(run)
    order = {name: i for i, name in enumerate(FORMATS)}
    for (task, model), group in sorted(groups.items()):
        group = sorted((r for r in group if r.draws), key=lambda r: order.get(r.format, 99))
        if not group:
            continue
        prompts = list(dict.fromkeys(d.prompt for r in group for d in r.draws))
        for index, prompt in enumerate(prompts[:max_prompts]):
            panels = [(r.format, d) for r in group for d in r.draws if d.prompt == prompt]
            suffix = f"_prompt{index + 1}" if len(prompts) > 1 else ""
            title = f"{model} on {task}: answers per format"
            if len(prompts) > 1:
                title += f'\nprompt {index + 1} of {len(prompts)}: "{_short(prompt, 70)}"'
            written += save(histogram_figure(title, panels), out,
                            f"hist_{slug(task)}_{slug(model)}{suffix}")
        data = sample_size_curves(group, sizes)
        figure = sample_size_figure(f"{model} on {task}", data.curves, data.answer_sizes,
                                    data.sizes, rarefied=data.rarefied)
        written += save(figure, out, f"sample_size_{slug(task)}_{slug(model)}")
        stated = [r for r in group if any(p is not None for d in r.draws for p in d.probabilities)]
        if stated:
            figure = calibration_figure(f"{model} on {task}: verbalized vs empirical", stated)
            written += save(figure, out, f"calibration_{slug(task)}_{slug(model)}")
    for task in board.tasks:
        written += save(bars_figure(board, task), out, f"bars_{slug(task)}")
        judged = [
            r for r in runs
            if r.task == task
            and not math.isnan(r.metrics.get("quality", math.nan))
            and "semantic_diversity" in r.metrics
        ]
        if judged:
            written += save(tradeoff_figure(task, judged), out, f"tradeoff_{slug(task)}")
    similarity, _ = homogeneity.measure(runs)  # creative tasks with two or more models
    for task in dict.fromkeys(h.task for h in similarity):
        figure = homogeneity_figure(task, [h for h in similarity if h.task == task])
        written += save(figure, out, f"homogeneity_{slug(task)}")
    from vs_bench.analysis.creativity_plots import creativity_figures
    from vs_bench.analysis.persuasion_plots import donation_figures
    from vs_bench.analysis.tuning import tuning_figures

    # each writes nothing for runs without its keys (donation_ks, creativity_index)
    return written + [path for figures in (tuning_figures, donation_figures, creativity_figures)
                      for path in figures(runs, out)]


def plot_logs(
    log_dir: str | Path, out_dir: str | Path, sizes: Sequence[int] = SIZES, max_prompts: int = 3
) -> list[Path]:
    runs, _ = load_runs(log_dir)
    return plot_runs(runs, out_dir, sizes, max_prompts)
