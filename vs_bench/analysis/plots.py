"""Figures from Inspect logs: answer histograms, metric-by-format bars, sample-size curves,
verbalized-vs-empirical calibration and the diversity-quality trade-off.

No metric is computed here: the values are the scorers' functions (many subsets at
once through ``uniform_scores``), titles and directions are the metric catalogue's.

Matplotlib's object API (``Figure``, Agg canvas): no pyplot state and no display needed.
Every figure is written as PNG and SVG under a name that says what it shows.
"""

from __future__ import annotations

import math
import textwrap
import warnings
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from matplotlib import rc_context
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from vs_bench.analysis import homogeneity
from vs_bench.analysis.leaderboard import METRICS, Leaderboard, build
from vs_bench.analysis.render import metric_title, slug
from vs_bench.analysis.runs import IDEAL_MODEL, PromptDraws, Run, load_runs
from vs_bench.errors import VsBenchError
from vs_bench.formats import FORMATS
from vs_bench.scorers import distribution
from vs_bench.scorers.calibration import empirical_distribution, verbalized_distribution
from vs_bench.scorers.distribution import expected_coverage_uniform, uniform_scores

SIZES = (1, 3, 5, 10, 50)  # the seed's sample sizes
REPEATS = 200  # random subsets per size
SEED = 0
CURVE_KEYS = ("kl", "coverage", "chi2_p")
MAX_LABEL = 14


def parse_sizes(values: str | Sequence[str]) -> list[int]:
    """Sample sizes of ``--sizes``: ``1,3,5,10,50`` (tokens ``1 3 5`` are taken too).

    Sorted, each once; a value that is not an integer >= 1 is a one-line error.
    """
    tokens = [values] if isinstance(values, str) else list(values)
    parts = [p.strip() for token in tokens for p in token.split(",") if p.strip()]
    example = ",".join(map(str, SIZES))
    try:
        sizes = sorted({int(p) for p in parts})
    except ValueError:
        raise VsBenchError(
            f"--sizes {','.join(parts)!r}: pass integers, e.g. --sizes {example}"
        ) from None
    if not sizes or sizes[0] < 1:
        raise VsBenchError(
            f"--sizes {','.join(parts)!r}: pass integers >= 1, e.g. --sizes {example}"
        )
    return sizes


# ---------------------------------------------------------------------------- numbers


@dataclass(frozen=True)
class Histogram:
    labels: list[str]
    counts: np.ndarray
    invalid: int

    @property
    def expected(self) -> float:
        """Count per answer under the uniform reference (the chi-square expectation)."""
        return float(self.counts.sum()) / len(self.labels)


def histogram(draws: PromptDraws) -> Histogram:
    counts, invalid = draws.answers.counts(draws.texts)
    return Histogram(draws.answers.canonical, counts, invalid)


def _codes(draws: PromptDraws) -> np.ndarray:
    """Index of each draw's answer, -1 for an invalid draw."""
    return np.array([-1 if (i := draws.answers.match(t)) is None else i for t in draws.texts],
                    dtype=np.int64)


def subsample(
    prompts: Sequence[PromptDraws],
    sizes: Sequence[int] = SIZES,
    repeats: int = REPEATS,
    seed: int = SEED,
) -> dict[int, dict[str, np.ndarray]]:
    """Distribution metrics of random size-``s`` subsets of each prompt's logged draws.

    For each size, ``repeats`` subsets are drawn without replacement from every prompt;
    a repeat's value is the mean over prompts. Sizes above the fewest draws are left out.
    """
    rng = np.random.default_rng(seed)
    coded = [(p.answers.size, _codes(p)) for p in prompts]
    available = min((len(c) for _, c in coded), default=0)
    result: dict[int, dict[str, np.ndarray]] = {}
    for size in sizes:
        if size > available:
            continue
        per_prompt: dict[str, list[np.ndarray]] = defaultdict(list)
        for k, codes in coded:
            chosen = codes[np.argsort(rng.random((repeats, len(codes))), axis=1)[:, :size]]
            # one bincount for all repeats: row r's answers land in slots r*(K+1) + code+1
            slots = (np.arange(repeats)[:, None] * (k + 1) + chosen + 1).ravel()
            counts = np.bincount(slots, minlength=repeats * (k + 1)).reshape(repeats, k + 1)
            for key, values in uniform_scores(counts[:, 1:], counts[:, 0]).items():
                per_prompt[key].append(np.asarray(values))
        with warnings.catch_warnings():  # a repeat where every prompt is NaN stays NaN
            warnings.simplefilter("ignore", RuntimeWarning)
            result[size] = {key: np.nanmean(np.vstack(v), axis=0) for key, v in per_prompt.items()}
    return result


def summarise(values: np.ndarray) -> dict[str, float]:
    """Mean and central 95% range of per-repeat values (NaN repeats left out)."""
    defined = values[~np.isnan(values)]
    if not defined.size:
        return {"mean": math.nan, "low": math.nan, "high": math.nan, "defined": 0}
    low, high = np.percentile(defined, [2.5, 97.5])
    return {"mean": float(defined.mean()), "low": float(low), "high": float(high),
            "defined": int(defined.size)}


def expected_coverage(answer_sizes: Sequence[int], size: int) -> float:
    """E[coverage] of ``size`` i.i.d. uniform draws, mean over prompts with K answers each."""
    return float(np.mean([expected_coverage_uniform(k, size) for k in answer_sizes]))


def rarefied_coverage(prompts: Sequence[PromptDraws], upto: int) -> tuple[np.ndarray, np.ndarray]:
    """Coverage at n = 1..``upto`` (at most the fewest logged draws), mean over prompts,
    by exact rarefaction of each prompt's logged draws (the mean over all subsets)."""
    coded = [(p.answers.size, _codes(p)) for p in prompts]
    available = min((len(c) for _, c in coded), default=0)
    sizes = np.unique(np.geomspace(1, max(min(upto, available), 1), 60).round().astype(int))
    per_prompt = [
        distribution.rarefied_coverage(np.bincount(codes[codes >= 0], minlength=k), sizes,
                                       invalid=int(np.sum(codes < 0)))
        for k, codes in coded
    ]
    return sizes, np.mean(per_prompt, axis=0) if per_prompt else np.full(sizes.shape, np.nan)


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
    return fig


def bars_figure(board: Leaderboard, task: str) -> Figure:
    """Each headline metric by format, one bar per model; whiskers: the 95% CI where the
    leaderboard has one. A panel without any value says why."""
    rows = board.task_rows(task)
    keys = [k for k in board.task_keys(task) if k in METRICS] or board.task_keys(task)
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
        for j, model in enumerate(models):
            values: list[float] = []
            errors: tuple[list[float], list[float]] = ([], [])
            for fmt in formats:
                row = by_cell.get((model, fmt))
                cell = row.cells.get(key) if row else None
                value = cell.value if cell else math.nan
                values.append(value)
                low, high = (cell.low, cell.high) if cell else (None, None)
                # NaN: no whisker at all where the leaderboard has no interval
                errors[0].append(value - low if low is not None else math.nan)
                errors[1].append(high - value if high is not None else math.nan)
            ci = not all(math.isnan(e) for e in errors[0])
            whiskers |= ci
            bars = ax.bar(np.arange(len(formats)) + (j - (len(models) - 1) / 2) * width, values,
                          width, yerr=errors if ci else None, capsize=2 if ci else 0,
                          hatch="//" if model == IDEAL_MODEL else None,
                          label=f"{model} (ideal)" if model == IDEAL_MODEL else model)
            # the value on each bar: a bar of height 0 is otherwise no bar at all
            ax.bar_label(bars, ["" if math.isnan(v) else f"{v:.3g}" for v in values],
                         fontsize=7, padding=1)
            shown |= not all(math.isnan(v) for v in values)
        ax.set_xticks(range(len(formats)), formats, rotation=30, ha="right", fontsize=8)
        ax.set_title(metric_title(key), fontsize=10)
        if not shown:
            _empty(ax, _why_empty(key))
    for ax in axes[len(keys):]:
        ax.set_visible(False)
    _legend(fig, axes)
    lacking = sorted({r.ci_basis for r in rows if r.ci_basis.startswith("n/a")})
    how = "whiskers: 95% bootstrap CI" if whiskers else "no CI"
    if lacking:
        how += f" ({'; '.join(lacking)}: no CI)" if whiskers else f" ({'; '.join(lacking)})"
    _title(fig, f"{task}: metric by format; {how}")
    return fig


def _why_empty(key: str) -> str:
    """Why no run has a value of ``key``."""
    if key == "quality":
        return "no grader: judged quality needs --model-role grader=<model>"
    if key.startswith("calib_"):
        return "no stated probabilities: only the VS formats state them"
    return "undefined in every run (e.g. no valid draw)"


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


Curve = dict[int, dict[str, np.ndarray]]  # size -> metric key -> value of each repeat


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
        ax.set_xticks(list(sizes), [str(s) for s in sizes])
        ax.minorticks_off()
        ax.set_xlabel("N (draws per prompt, subsampled)")
        ax.set_title(metric_title(key), fontsize=10)
    _legend(fig, axes)
    how = "; coverage: exact rarefaction" if rarefied else ""
    _title(fig, f"{title}: metric vs N ({repeats} random subsets per N, central 95% of them "
                f"shaded{how})")
    return fig


def calibration_points(draws: Sequence[PromptDraws]) -> tuple[np.ndarray, np.ndarray]:
    """(empirical, verbalized) probability of every answer stated for any prompt.

    Verbalized: the renormalised mean stated probability (``verbalized_distribution``);
    empirical: the answer's share of the prompt's valid draws.
    """
    empirical: list[np.ndarray] = []
    verbalized: list[np.ndarray] = []
    for prompt in draws:
        index = _codes(prompt)
        stated = np.array([math.nan if p is None else p for p in prompt.probabilities])
        shares = empirical_distribution(index, prompt.answers.size)
        q = verbalized_distribution(index, stated, prompt.answers.size)
        if np.isnan(shares).all() or q.sum() == 0:
            continue
        shown = q > 0
        empirical.append(shares[shown])
        verbalized.append(q[shown])
    if not empirical:
        return np.zeros(0), np.zeros(0)
    return np.concatenate(empirical), np.concatenate(verbalized)


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
        curves = [(r.format, subsample(r.draws, sizes)) for r in group]
        rarefied = {r.format: rarefied_coverage(r.draws, max(sizes)) for r in group}
        figure = sample_size_figure(f"{model} on {task}", curves,
                                    [d.answers.size for d in group[0].draws], sizes,
                                    rarefied=rarefied)
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
    written += tuning_figures(runs, out)
    return written


def plot_logs(
    log_dir: str | Path, out_dir: str | Path, sizes: Sequence[int] = SIZES, max_prompts: int = 3
) -> list[Path]:
    runs, _ = load_runs(log_dir)
    return plot_runs(runs, out_dir, sizes, max_prompts)



# ---------------------------------------------------------------------------- tuning curves


def run_parameters(run: Run) -> tuple[str, dict[str, str]]:
    """The family and the task arguments of a run, from its label ("rand_num k=3 tail=0.5")."""
    family, *parts = run.task.split(" ")
    return family, dict(part.split("=", 1) for part in parts if "=" in part)


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

    from vs_bench.tasks import FAMILIES

    by_family: dict[str, list[Run]] = defaultdict(list)
    for run in runs:
        by_family[run_parameters(run)[0]].append(run)
    curves = []
    for family, group in by_family.items():
        if family not in FAMILIES:
            continue
        defaults = {
            name: p.default for name, p in inspect.signature(FAMILIES[family]).parameters.items()
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

    from vs_bench.tasks import FAMILIES

    defaults = {n: p.default for n, p in inspect.signature(FAMILIES[family]).parameters.items()}
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
                ax.plot([x for x, _ in placed], [y for _, y in placed], marker="o", color=color,
                        label=label)
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


def tuning_figures(runs: Sequence[Run], out_dir: str | Path) -> list[Path]:
    """``tuning_<family>_<parameter>`` for every parameter a sweep's grid varied."""
    written: list[Path] = []
    for family, parameter, group in tuning_curves(runs):
        written += save(tuning_figure(family, parameter, group), Path(out_dir),
                        f"tuning_{slug(family)}_{slug(parameter)}")
    return written
