"""The leaderboard on a fixture log folder: values, CIs, ranks, outputs, CLI, browser."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog, list_eval_logs, read_eval_log
from matplotlib import image

from tests.utils.cli import run_cli
from tests.utils.fixture_logs import MODELS, distinct_colours, make_logs
from vs_bench._registry import TASKS
from vs_bench.analysis import leaderboard as lb
from vs_bench.analysis import report
from vs_bench.analysis.render import write_html
from vs_bench.analysis.runs import Run, configuration, task_label

IDEAL, COLLAPSED = MODELS


@pytest.fixture(scope="module")
def log_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_logs(tmp_path_factory.getbasetemp() / "fixture_logs")


@pytest.fixture(scope="module")
def board(log_dir: Path) -> lb.Leaderboard:
    return lb.leaderboard(log_dir)


def logged(log: EvalLog, key: str) -> float:
    assert log.results is not None
    (score,) = [s for s in log.results.scores if s.name == key]
    return next(iter(score.metrics.values())).value


def test_every_model_task_format_is_one_row(board: lb.Leaderboard) -> None:
    cells = {(r.run.model, r.run.task, r.run.format) for r in board.rows}
    assert len(cells) == len(board.rows) == 2 * (3 + 2 + 1)
    # registry order of the families (unregistered tasks last), the ideal sampler first
    assert board.tasks == ["rand_num n=20", "dice n=30", "ranges"]
    assert all(r.run.ideal == (r.run.model == IDEAL) for r in board.rows)


def test_other_headline_values_are_the_logs_own_metrics(board: lb.Leaderboard) -> None:
    for row in board.rows:
        log = read_eval_log(row.run.location, header_only=True)
        keys = board.task_keys(row.run.task)
        assert {"kl", "coverage", "precision", "chi2_p"} <= set(keys)
        assert row.primary not in keys
        for key in keys:
            if row.other(key) is not None:
                assert row.other(key) == logged(log, key), (row.run.task, row.run.format, key)


def test_primary_values_and_intervals_are_the_reports(board: lb.Leaderboard,
                                                      log_dir: Path) -> None:
    found = {(r.model, t.task, c.format): c for r in report.reports(log_dir)
             for t in r.tasks.values() for c in t.rows}
    assert len(found) == len(board.rows)
    for row in board.rows:
        theirs = found[(row.run.model, row.run.task, row.run.format)]
        assert (row.cell.value, row.cell.lo, row.cell.hi) == (theirs.value, theirs.lo, theirs.hi)
        if row.run.family in ("dice", "rand_num"):  # registered: KL (Miller-Madow), clipped
            assert row.primary == "kl_mm" and row.cell.value is not None
            assert row.cell.lo is not None and row.cell.hi is not None
            assert 0.0 <= row.cell.lo <= row.cell.value <= row.cell.hi
        else:  # the fixture's own "ranges" task declares no primary metric
            assert row.primary is None and row.cell.value is None and row.rank is None
        if row.run.format != "direct" and row.cell.value is not None:
            vs = row.cell.vs_direct
            assert vs is not None and row.gain == vs.diff == theirs.vs_direct.diff  # type: ignore[union-attr]
            assert (not vs.lo <= 0.0 <= vs.hi) == (vs.p < 0.05)


def test_collapsed_model_ranks_below_the_ideal_sampler(board: lb.Leaderboard) -> None:
    for task in ("dice n=30", "rand_num n=20"):
        for fmt in {r.run.format for r in board.task_rows(task)}:
            rows = {r.run.model: r for r in board.task_rows(task) if r.run.format == fmt}
            assert rows[IDEAL].rank == 1 and rows[COLLAPSED].rank == 2
            assert rows[IDEAL].cell.value < rows[COLLAPSED].cell.value  # type: ignore[operator]


def test_unknown_keys_are_shown_without_direction(board: lb.Leaderboard) -> None:
    run = board.rows[0].run
    other = Run(**{**run.__dict__, "metrics": {"novelty": 0.5}, "per_prompt": {},
                      "per_epoch": {}, "task": "new_family", "family": "new_family"})
    (row,) = lb.build([other]).rows
    assert row.other("novelty") == 0.5
    assert row.primary is None and row.rank is None and row.gain is None


def test_cli_prints_the_table_and_writes_csv_markdown_html(
    log_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    files = {ext: tmp_path / f"board.{ext}" for ext in ("csv", "md", "html")}
    code, out, err = run_cli(
        ["leaderboard", str(log_dir), "--csv", str(files["csv"]), "--markdown",
         str(files["md"]), "--html", str(files["html"])], capsys, monkeypatch)
    assert code == 0, err
    assert "vs-bench leaderboard: ranges" in out and "random/python *" in out
    with files["csv"].open() as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 12
    first = next(line for line in rows if line["task"] == "dice n=30")
    assert rows[0]["model"] == first["model"] == IDEAL and first["ideal"] == "true"
    assert (first["family"], first["configuration"], first["primary"]) == ("dice", "n=30", "kl_mm")
    assert float(first["kl"]) == logged(read_eval_log(
        next(r.run.location for r in lb.leaderboard(log_dir).rows
             if (r.run.model, r.run.task) == (IDEAL, "dice n=30")), header_only=True), "kl")
    assert float(first["value_low"]) <= float(first["value"]) <= float(first["value_high"])
    assert all("nan" not in line.values() for line in rows)  # missing values are empty
    ranges = next(line for line in rows if line["task"] == "ranges")
    assert ranges["primary"] == ranges["value"] == ""
    markdown = files["md"].read_text()
    assert markdown.count("| model | format | KL (Miller-Madow) ↓ | vs direct |") == 2
    assert "<table" in files["html"].read_text()


def test_cli_errors_are_one_line(
    tmp_path: Path, log_dir: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for args, expected in (
        (["leaderboard", str(tmp_path / "missing")], "no log folder"),
        (["leaderboard", str(tmp_path)], "no finished vs_bench logs"),
        (["leaderboard", str(log_dir), "--csv", str(tmp_path)], "is a folder"),
    ):
        code, _, err = run_cli(args, capsys, monkeypatch)
        assert code == 2, args
        assert err.count("\n") == 1 and expected in err, err


class _Tables(HTMLParser):
    """Header keys, sorted header, and the cells' data-values of each table."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[str, list]] = []  # type: ignore[type-arg]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self.tables.append({"keys": [], "sorted": [], "rows": []})
        elif tag == "th":
            self.tables[-1]["keys"].append(a["data-key"])
            if a.get("class"):
                self.tables[-1]["sorted"].append((a["data-key"], a["class"]))
        elif tag == "tr" and self.tables and self.tables[-1]["keys"]:
            self.tables[-1]["rows"].append([])
        elif tag == "td":
            self.tables[-1]["rows"][-1].append(a["data-value"])


@pytest.mark.skipif(
    shutil.which("chromium") is None,
    reason="needs a headless chromium: install your system's package (e.g. sudo apt-get install "
    "chromium); CI's .ci/run installs it",
)
def test_html_page_renders_and_sorts_in_a_headless_browser(
    board: lb.Leaderboard, tmp_path: Path
) -> None:
    page = write_html(board, tmp_path / "board.html")
    browser = [str(shutil.which("chromium")), "--headless", "--no-sandbox", "--disable-gpu"]
    url = f"{page.resolve().as_uri()}#sort=-kl"
    dom = subprocess.run([*browser, "--dump-dom", url], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    parser = _Tables()
    parser.feed(dom)
    assert len(parser.tables) == 3
    for table in parser.tables:
        assert table["sorted"] == [("kl", "desc")]  # the page's script ran
        column = table["keys"].index("kl")
        kl = [float(row[column]) for row in table["rows"]]
        assert kl == sorted(kl, reverse=True) and len(set(kl)) > 1
    shot = tmp_path / "board.png"
    subprocess.run([*browser, f"--screenshot={shot}", "--window-size=1400,900", url],
                   capture_output=True, timeout=120, check=True)
    assert image.imread(shot).shape[:2] == (900, 1400)
    assert distinct_colours(shot) > 50  # text, borders, the ideal rows' shading: not blank


def test_sweep_is_an_eval_set_and_a_rerun_skips_finished_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    logs = tmp_path / "sweep"
    # scripted/ok answers "ok" to everything: a second, fully collapsed model
    args = ["sweep", "--models", "random/python,scripted/ok", "--tasks", "rand_num",
            "--formats", "direct,seq", "--n", "10", "--log-dir", str(logs)]
    code, out, err = run_cli(args, capsys, monkeypatch)
    assert code == 0, err
    first = sorted(logs.glob("*.eval"))
    assert len(first) == 4
    assert "vs-bench leaderboard: rand_num n=10" in out and "scripted/ok" in out
    code, _, err = run_cli(args, capsys, monkeypatch)
    assert code == 0, err
    assert sorted(logs.glob("*.eval")) == first  # nothing re-run
    more = [("direct,seq,vs_standard" if a == "direct,seq" else a) for a in args]
    code, _, err = run_cli(more, capsys, monkeypatch)
    assert code == 0, err
    assert len(sorted(logs.glob("*.eval"))) == 6  # only the new format ran


def test_view_opens_inspect_view_on_the_log_dir(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []

    class FakeViewer:
        def __init__(self, command: list[str]) -> None:
            calls.append(command)

        def wait(self, timeout: float | None = None) -> int:
            return 0

        def poll(self) -> int:
            return 0

    monkeypatch.setattr("subprocess.Popen", FakeViewer)
    code, _, err = run_cli(["view", str(tmp_path), "--port", "7600"], capsys, monkeypatch)
    assert code == 0, err
    assert calls == [[sys.executable, "-m", "inspect_ai", "view", "--log-dir", str(tmp_path),
                      "--port", "7600"]]
    code, _, err = run_cli(["view", str(tmp_path / "missing")], capsys, monkeypatch)
    assert code == 2 and err == f"error: no log folder {tmp_path / 'missing'}: pass the folder " \
        "that holds the .eval logs (`vs-bench run` writes them to logs/)\n"
    assert len(calls) == 1  # no viewer started for a missing folder


def test_bundle_writes_viewer_leaderboard_and_plots(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    logs, site = tmp_path / "logs", tmp_path / "site"
    inspect_eval([TASKS["dice_direct"](n=10), TASKS["dice_sequence"](n=10)],
                 model="random/python", log_dir=str(logs))
    code, _, err = run_cli(["bundle", "--out", str(site), str(logs)], capsys, monkeypatch)
    assert code == 0, err
    assert (site / "viewer" / "index.html").is_file()
    assert len(list((site / "viewer").rglob("*.eval"))) == 2  # the logs travel with the viewer
    assert "<table" in (site / "leaderboard.html").read_text()
    plots = sorted(p.name for p in (site / "plots").glob("*.png"))
    assert plots == ["bars_dice-n-10.png", "hist_dice-n-10_random-python.png",
                     "sample_size_dice-n-10_random-python.png"]
    index = (site / "index.html").read_text()
    assert all(f'href="plots/{name}"' in index for name in plots)
    assert "<h3>dice n=10: KL (Miller-Madow)" in index and "dice n=10: sequence" in index


def test_runs_are_grouped_by_the_configuration_they_ran_with(tmp_path: Path) -> None:
    # rand_num's default N is 100: the default run and -T n=100 ran the same configuration,
    # and -T limit=3 on its one prompt chose that prompt: one row, the latest log
    for args in ({}, {"n": 100}, {"limit": 3}, {"n": 20}):
        inspect_eval(TASKS["rand_num_direct"](**args), model="random/python",
                     log_dir=str(tmp_path), display="none", task_args=args)
    board = lb.leaderboard(tmp_path)
    assert [(r.run.task, r.run.n) for r in board.rows] == [("rand_num", 100),
                                                           ("rand_num n=20", 20)]
    assert "2 older log(s) of the same model, format and configuration are left out" in (
        board.notes)


def test_a_dataset_path_is_labelled_by_its_file_name(tmp_path: Path) -> None:
    inspect_eval(TASKS["rand_num_direct"](n=10), model="random/python",
                 log_dir=str(tmp_path), display="none")
    (header,) = [read_eval_log(i, header_only=True) for i in list_eval_logs(str(tmp_path))]
    path = "/very/long/folder/of/the/user/prompts.jsonl"
    header.eval.task_args = {**header.eval.task_args, "dataset": path}
    assert task_label(header) == "rand_num dataset=prompts.jsonl n=10"
    other = header.model_copy(deep=True)
    other.eval.task_args = {**header.eval.task_args, "dataset": "/elsewhere/prompts.jsonl"}
    # the label shortens the path; the configuration keeps it whole
    assert configuration(other) != configuration(header)
