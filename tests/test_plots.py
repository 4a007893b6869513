"""Figures from the fixture logs: files, valid images, and the numbers behind them."""

from __future__ import annotations

import importlib.util
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.log import read_eval_log
from matplotlib import image
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from scipy import stats

from tests.utils.cli import run_cli
from tests.utils.fixture_logs import (
    HIGHS,
    distinct_colours,
    make_logs,
    persuasion_and_poem_logs,
)
from vs_bench._registry import TASKS
from vs_bench.analysis import plots
from vs_bench.analysis.leaderboard import build
from vs_bench.analysis.plot_data import sample_size_curves
from vs_bench.analysis.runs import PromptDraws, Run, load_runs
from vs_bench.answer_set import AnswerSet

MODELS = ("random-python", "scripted-collapsed")
TASKS_ = ("dice-n-30", "rand_num-n-20", "ranges")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> list[Run]:
    return load_runs(make_logs(tmp_path_factory.getbasetemp() / "fixture_logs"))[0]


@pytest.fixture(scope="module")
def figures(runs: list[Run], tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return plots.plot_runs(runs, tmp_path_factory.mktemp("plots"))


def test_one_file_per_figure_with_a_telling_name(figures: list[Path]) -> None:
    stems = {f"bars_{t}" for t in TASKS_}
    for model in MODELS:
        stems |= {f"sample_size_{t}_{model}" for t in TASKS_}
        stems |= {f"hist_dice-n-30_{model}", f"hist_rand_num-n-20_{model}"}
        stems |= {f"hist_ranges_{model}_prompt{i}" for i in (1, 2, 3)}  # first 3 of 6 prompts
        stems |= {f"calibration_{t}_{model}" for t in ("rand_num-n-20", "ranges")}  # VS runs
    assert sorted(p.name for p in figures) == sorted(
        f"{stem}.{ext}" for stem in stems for ext in ("png", "svg"))


def test_every_file_is_a_valid_non_trivial_image(figures: list[Path]) -> None:
    for path in figures:
        if path.suffix == ".png":
            assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
            height, width = image.imread(path).shape[:2]
            assert height >= 300 and width >= 500, path.name
            assert distinct_colours(path) > 20, path.name  # bars, lines, text: not empty
        else:
            root = ET.parse(path).getroot()
            assert root.tag == "{http://www.w3.org/2000/svg}svg"
            text = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
            expected = {"hist": "uniform expectation", "bars": "KL (lower is better)",
                        "sample": "N (draws per prompt, subsampled)",
                        "calibration": "perfect calibration"}[path.name.split("_")[0]]
            assert expected in text, path.name


def test_histogram_counts_are_the_scorers_logged_counts(runs: list[Run]) -> None:
    checked = 0
    for run in runs:
        if run.epochs != 1:
            continue
        log = read_eval_log(run.location)
        for sample, draws in zip(log.samples or [], run.draws, strict=True):
            hist = plots.histogram(draws)
            logged = sample.scores["distribution_scorer"].metadata["counts"]  # type: ignore[index]
            assert dict(zip(hist.labels, hist.counts.tolist(), strict=True)) == logged
            assert hist.expected == pytest.approx(sum(logged.values()) / len(logged))
            checked += 1
    assert checked == 2 * (3 * len(HIGHS) + 1)


def test_subsample_at_all_draws_gives_the_logged_metrics(runs: list[Run]) -> None:
    for run in runs:
        if run.epochs != 1:
            continue
        curve = plots.subsample(run.draws, [run.n or 0], repeats=5)
        for key in ("kl", "coverage", "chi2_p"):
            assert curve[run.n or 0][key] == pytest.approx(np.full(5, run.metrics[key]),
                                                           rel=1e-9, abs=1e-12)


def test_subsample_one_draw_and_too_many_draws(runs: list[Run]) -> None:
    run = next(r for r in runs if r.task == "ranges" and r.model == "random/python")
    curve = plots.subsample(run.draws, [1, 20, 21], repeats=50)
    assert sorted(curve) == [1, 20]  # 21 > the 20 logged draws per prompt
    mean_ln_k = np.mean([math.log(h + 1) for h in HIGHS])  # one valid draw: KL = ln K
    assert curve[1]["kl"] == pytest.approx(np.full(50, mean_ln_k))
    assert curve[1]["coverage"] == pytest.approx(np.full(50, np.mean([1 / (h + 1) for h in HIGHS])))


def test_subsampled_coverage_matches_the_hypergeometric_expectation(runs: list[Run]) -> None:
    run = next(r for r in runs if r.task == "rand_num n=20" and r.model == "random/python")
    (draws,) = run.draws  # 4 epochs x 20 draws, pooled
    counts = plots.histogram(draws).counts
    total, repeats = int(counts.sum()), 400
    for size in (3, 10, 50):
        values = plots.subsample(run.draws, [size], repeats=repeats, seed=3)[size]["coverage"]
        # an answer seen c times in the pool is in a size-s subset unless all s miss it
        expected = np.mean([1 - stats.hypergeom.pmf(0, total, c, size) for c in counts])
        tolerance = 4 * values.std(ddof=1) / math.sqrt(repeats) + 1e-12
        assert abs(values.mean() - expected) <= tolerance, size


def test_plot_command(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                      monkeypatch: pytest.MonkeyPatch) -> None:
    logs, out = tmp_path / "logs", tmp_path / "figures"
    inspect_eval(TASKS["dice_vs_standard"](n=20), model="random/python", log_dir=str(logs))
    for args, code, expected in (
        (["plot", str(logs), "--out", str(out), "--sizes", "1,5,20"], 0, "wrote 8 files"),
        (["plot", str(logs), "--sizes", "1,x"], 2, "error: --sizes '1,x': pass integers"),
        (["plot", str(tmp_path / "none")], 2, "error: no log folder"),
    ):
        result, stdout, stderr = run_cli(args, capsys, monkeypatch)
        assert result == code and expected in stdout + stderr, stdout + stderr
        if code:
            assert stderr.count("\n") == 1
    assert (out / "sample_size_dice-n-20_random-python.svg").is_file()


def test_calibration_points_of_the_ideal_sampler(runs: list[Run]) -> None:
    (run,) = [r for r in runs if r.model == "random/python" and r.task == "ranges"
              and r.format == "vs_standard"]
    for prompt in run.draws:
        empirical, verbalized = plots.calibration_points([prompt])
        counts, _ = prompt.answers.counts(prompt.texts)
        drawn = int(np.count_nonzero(counts))
        # every answer is stated as 1/K, so the renormalised verbalized distribution is
        # uniform over the answers drawn; the empirical side is their share of the draws
        assert verbalized == pytest.approx(np.full(drawn, 1 / drawn))
        assert sorted(empirical) == pytest.approx(sorted(counts[counts > 0] / counts.sum()))


def _bar_containers(fig: Figure) -> list[list[BarContainer]]:
    return [[c for c in ax.containers if isinstance(c, BarContainer)] for ax in fig.axes]


def test_whiskers_are_the_primary_metrics_interval(runs: list[Run]) -> None:
    board = build(runs)
    figure = plots.bars_figure(board, "dice n=30")  # one prompt: the report's interval
    titles = [ax.get_title() for ax in figure.axes if ax.get_visible()]
    assert titles[0] == "KL (Miller-Madow) (lower is better)"
    panels = _bar_containers(figure)
    assert all(c.errorbar is not None for c in panels[0])
    assert all(c.errorbar is None for panel in panels[1:] for c in panel)
    assert figure.get_suptitle() == (
        "dice n=30: metric by format; whiskers: 95% interval of the primary metric (the "
        "report's)")
    # the fixture's own task declares no primary metric: no interval, no whisker
    undeclared = plots.bars_figure(board, "ranges")
    assert all(c.errorbar is None for panel in _bar_containers(undeclared) for c in panel)
    assert undeclared.get_suptitle() == "ranges: metric by format; no interval"


def test_a_panel_without_values_says_why(runs: list[Run]) -> None:
    run = next(r for r in runs if r.task == "ranges" and r.format == "direct")
    unjudged = Run(**{**run.__dict__, "metrics": {"kl": 0.5, "quality": math.nan},
                         "per_prompt": {}, "per_epoch": {}})
    fig = plots.bars_figure(build([unjudged]), "ranges")
    texts = {ax.get_title(): [t.get_text() for t in ax.texts if t.get_text()] for ax in fig.axes}
    assert texts["quality (higher is better)"] == [
        "no grader: judged quality needs\n--model-role grader=<model>"]
    assert texts["KL (lower is better)"] == ["0.5"]  # the bar's value, no reason


def test_replies_that_did_not_parse_are_counted_and_shown(tmp_path: Path) -> None:
    # scripted/ok answers "ok" to everything: no JSON, so no vs_standard reply parses
    inspect_eval(TASKS["dice_vs_standard"](n=10), model="scripted/ok", log_dir=str(tmp_path),
                 display="none")
    (run,) = load_runs(tmp_path)[0]
    (draws,) = run.draws
    assert draws.texts == [] and draws.unparsed == run.metrics["parse_failures"] > 0
    fig = plots.histogram_figure("dice", [("vs_standard", draws)])
    (ax,) = [a for a in fig.axes if a.get_visible()]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[-1] == "unparsed" and ax.patches[-1].get_height() == draws.unparsed
    title = ax.get_title().replace("\n", " ")  # wrapped to the panel's width
    assert title == f"vs_standard  (N=0, valid=0, unparsed replies={draws.unparsed})"


def test_titles_fit_their_figure(runs: list[Run]) -> None:
    run = next(r for r in runs if r.task == "dice n=30")
    title = "a-model-name-that-is-rather-long/of-a-provider on dice n=30: answers per format"
    fig = plots.histogram_figure(title, [(run.format, run.draws[0])])
    FigureCanvasAgg(fig).draw()
    assert fig._suptitle is not None
    box = fig._suptitle.get_window_extent()
    assert box.x0 >= 0 and box.x1 <= fig.bbox.width
    assert "\n" in fig.get_suptitle()  # wrapped, not cut


@pytest.mark.skipif(importlib.util.find_spec("infini_gram") is None
                    or importlib.util.find_spec("sentence_transformers") is None,
                    reason="the creativity index needs the corpus extra, persuasion the embed one")
def test_plot_draws_donations_and_the_creativity_index_for_logs_that_have_them(
    tmp_path: Path,
) -> None:
    logs = persuasion_and_poem_logs(tmp_path, seed=2, dialogues=3, poem_prompts=2,
                                    poem_formats=("direct",))
    runs, _ = load_runs(logs)
    written = {p.name for p in plots.plot_runs(runs, tmp_path / "plots")}
    poem = next(r.task for r in runs if r.family == "poem")
    for stem in ("donations_persuasion-limit-3", f"creativity_{plots.slug(poem)}"):
        assert {f"{stem}.png", f"{stem}.svg"} <= written, sorted(written)
    # one figure of each kind: the persuasion runs have no creativity index, the poem
    # run no donations
    assert len([n for n in written if n.startswith(("donations_", "creativity_"))]) == 4


# ---------------------------------------------------------------------------- layout (issue 19)


def _panel(fig: Figure, title: str) -> Axes:
    (ax,) = [a for a in fig.axes if a.get_title() == title]
    return ax


def test_value_labels_sit_above_their_whiskers_inside_the_panel(runs: list[Run]) -> None:
    fig = plots.bars_figure(build(runs), "dice n=30")
    FigureCanvasAgg(fig).draw()
    ax = _panel(fig, "KL (Miller-Madow) (lower is better)")
    checked = 0
    for container in _bar_containers(fig)[0]:
        assert container.errorbar is not None
        (segments,) = container.errorbar.lines[2]
        labels = [t for t in ax.texts if t.get_text()]
        for segment in segments.get_segments():
            x, top = segment[:, 0].max(), segment[:, 1].max()  # the whisker's cap
            cap = ax.transData.transform((x, top))
            # the label of this bar: the one centred on its x
            (label,) = [t for t in labels if abs(t.get_window_extent().x0
                                                 + t.get_window_extent().width / 2 - cap[0]) < 1]
            box = label.get_window_extent()
            assert box.y0 >= cap[1] + 2, (box, cap)  # clears the cap by > its line width
            assert box.y1 <= ax.bbox.y1 and box.y0 >= ax.bbox.y0  # inside the panel
            checked += 1
    assert checked == 2  # two models, one format


def test_an_all_zero_panel_gets_a_unit_axis(runs: list[Run]) -> None:
    fig = plots.bars_figure(build(runs), "dice n=30")
    ax = _panel(fig, "parse fail. (lower is better)")
    heights = [p.get_height() for c in ax.containers if isinstance(c, BarContainer) for p in c]
    assert heights and all(h == 0 for h in heights)
    assert ax.get_ylim() == (0.0, 1.0)
    assert [t.get_text() for t in ax.texts] == ["0"] * len(heights)


def test_chi2_p_is_on_a_log_axis_that_shows_the_collapsed_value(runs: list[Run]) -> None:
    fig = plots.bars_figure(build(runs), "dice n=30")
    ax = _panel(fig, "chi2 p (higher is better)")
    heights = [p.get_height() for c in ax.containers if isinstance(c, BarContainer) for p in c]
    assert min(heights) < 1e-20 < 0.01 < max(heights)  # the collapsed model beside uniform
    low, high = ax.get_ylim()
    assert ax.get_yscale() == "log" and low < min(heights) and high > max(heights)
    # the curves: a log axis whose range holds every mean
    group = [r for r in runs if r.task == "dice n=30" and r.model == "scripted/collapsed"]
    data = sample_size_curves(group)
    curve_fig = plots.sample_size_figure("dice", data.curves, data.answer_sizes, data.sizes)
    (chi2,) = [a for a in curve_fig.axes if a.get_title() == "chi2 p (higher is better)"]
    means = np.concatenate([line.get_ydata() for line in chi2.get_lines()])
    assert chi2.get_yscale() == "log" and chi2.get_ylim()[0] <= means.min() < 1e-20


def test_the_sample_size_curve_reaches_every_logged_draw(runs: list[Run]) -> None:
    group = [r for r in runs if r.task == "rand_num n=20" and r.model == "random/python"]
    drawn = min(len(d.texts) for r in group for d in r.draws)
    assert drawn == 80 > max(plots.SIZES)  # 4 epochs x 20 draws, pooled
    data = sample_size_curves(group)
    assert data.sizes == [*plots.SIZES, 80]
    fig = plots.sample_size_figure("rand_num", data.curves, data.answer_sizes, data.sizes,
                                   rarefied=data.rarefied)
    for ax in fig.axes[:3]:
        curves = [line for line in ax.get_lines() if line.get_label() in {r.format for r in group}]
        assert len(curves) == len(group)
        assert all(np.max(np.asarray(line.get_xdata())) == 80 for line in curves), ax.get_title()
        assert ax.get_xlim()[1] >= 80 and "80" in [t.get_text() for t in ax.get_xticklabels()]
    # fewer draws than the largest default size: the sizes below them, then all of them
    dice = [r for r in runs if r.task == "dice n=30" and r.model == "random/python"]
    assert sample_size_curves(dice).sizes == [1, 3, 5, 10, 30]


def test_tuning_lines_with_equal_values_stay_visible(runs: list[Run]) -> None:
    from dataclasses import replace

    from vs_bench.analysis.tuning import tuning_figure

    base = next(r for r in runs if r.task == "rand_num n=20" and r.model == "random/python")
    swept = [replace(base, format=fmt, parameters={"tail": tail})
             for fmt in ("vs_standard", "vs_cot", "vs_multi") for tail in ("0.2", "1")]
    fig = tuning_figure("rand_num", "tail", swept)
    for ax in fig.axes:
        lines = ax.get_lines()
        assert len(lines) == 3
        # the same values: every line lies on the others ...
        assert all(np.array_equal(a.get_ydata(), lines[0].get_ydata()) for a in lines)
        # ... so each has its own marker and dash, hollow, and each drawn later a smaller
        # marker than those under it, which stay visible around it
        assert len({(a.get_marker(), a.get_linestyle()) for a in lines}) == 3
        assert all(a.get_markerfacecolor() == "none" for a in lines)
        sizes = [a.get_markersize() for a in lines]
        assert sizes == sorted(sizes, reverse=True) and len(set(sizes)) == 3


def test_histogram_tick_labels_do_not_overlap() -> None:
    states = ["Massachusetts", "Pennsylvania", "Connecticut", "North Carolina", "South Dakota",
              "West Virginia", "New Hampshire", "Mississippi", "Rhode Island", "Washington",
              "California"]
    draws = PromptDraws("Name a US state.", AnswerSet.of_labels(states),
                        [s for i, s in enumerate(states) for _ in range(i + 1)])
    fig = plots.histogram_figure("open_qa", [("direct", draws), ("vs_standard", draws)])
    FigureCanvasAgg(fig).draw()
    for ax in (a for a in fig.axes if a.get_visible()):
        boxes = sorted((t.get_window_extent() for t in ax.get_xticklabels() if t.get_text()),
                       key=lambda b: b.x0)
        assert len(boxes) == len(states)
        assert all(a.x1 <= b.x0 for a, b in zip(boxes, boxes[1:], strict=False))


def test_a_chi2_p_that_underflowed_to_0_stays_on_the_log_axis() -> None:
    from vs_bench.analysis.figure_layout import P_FLOOR

    labels = [f"answer {i}" for i in range(50)]
    draws = PromptDraws("Name one.", AnswerSet.of_labels(labels), ["answer 0"] * 100)
    curve = plots.subsample([draws], [1, 10, 100], repeats=5)
    assert np.all(curve[100]["chi2_p"] == 0)  # chi2 = 4900 on 49 df: below a double's range
    fig = plots.sample_size_figure("collapsed", [("direct", curve)], [50], [1, 10, 100], 5)
    (ax,) = [a for a in fig.axes if a.get_title() == "chi2 p (higher is better)"]
    (line,) = [li for li in ax.get_lines() if li.get_label() == "direct"]
    assert list(line.get_xdata()) == [1, 10, 100]  # no point dropped by the log axis
    y = np.asarray(line.get_ydata())
    assert y[-1] == P_FLOOR and np.all(y > 0) and ax.get_ylim()[0] <= P_FLOOR
