"""The main job's closing report: rows, intervals, tests against direct, verdicts, JSON."""

from __future__ import annotations

import csv
import dataclasses
import importlib.util
import json
import random
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog
from inspect_ai.model import GenerateConfig, get_model

from tests.utils.cli import run_cli
from tests.utils.collapsed_model import collapsed_reply
from tests.utils.fixture_logs import make_logs, persuasion_and_poem_logs
from vs_bench._registry import TASKS
from vs_bench.analysis import report, verdicts
from vs_bench.analysis.inference import P_FLOOR
from vs_bench.analysis.stats import kl_estimate
from vs_bench.providers.random_python import sampler_request


def run(task: str, model: object, **params: object) -> EvalLog:
    log = inspect_eval(TASKS[task](**params), model=model, seed=5, display="none")[0]  # type: ignore[arg-type]
    assert log.status == "success", log.error
    return log


def task_of(result: report.Report, family: str) -> report.TaskReport:
    """The task of ``family`` (its label adds the arguments that differ from defaults)."""
    (found,) = [t for name, t in result.tasks.items() if name.split(" ")[0] == family]
    return found


def test_an_ideal_format_beats_a_collapsed_direct_and_says_so() -> None:
    collapsed = get_model("scripted/collapsed", replies=[collapsed_reply(0.8)])
    logs = [
        run("rand_num_direct", collapsed, n=100),
        run("rand_num_vs_standard", "random/python", n=100),
    ]
    result = report.build_report(logs, "mixed", "headline", 1.0)
    task = task_of(result, "rand_num")
    direct, vs = task.rows
    assert (direct.format, vs.format) == ("direct", "vs_standard")
    assert direct.n_draws == vs.n_draws == direct.n_valid == 100
    # the row's value and interval are kl_estimate's over the logged draws
    assert direct.value is not None and vs.value is not None and vs.vs_direct is not None
    assert direct.value > 0.5 > vs.value
    assert direct.lo is not None and direct.hi is not None
    assert direct.lo <= direct.value <= direct.hi
    assert vs.vs_direct.diff == pytest.approx(vs.value - direct.value)
    # one comparison: Holm leaves its p-value as it is, floored at its resolution
    assert vs.p_holm == vs.vs_direct.p == P_FLOOR
    assert task.verdict.startswith("rand_num: vs_standard lowers KL (Miller-Madow) from ")
    assert task.verdict.endswith("against direct (p < 0.001, Holm).")


def test_an_exact_list_of_every_answer_is_too_uniform_not_a_gain() -> None:
    faces = json.dumps([str(i) for i in range(1, 7)])
    lister = get_model("scripted/lister", replies=[faces])
    logs = [
        run("dice_direct", get_model("scripted/collapsed", replies=[collapsed_reply(0.5)],
                                     memoize=False),
            n=120, k=6),  # the same configuration: one task of the report
        run("dice_sequence", lister, n=120, k=6),
    ]
    task = task_of(report.build_report(logs, "m", "headline", 1.0), "dice")
    sequence = task.rows[1]
    # 20 of each face: X² = 0, so P(X² <= 0) = 0
    assert sequence.too_uniform_p == 0.0
    assert sequence.value == 0.0
    assert "sequence is too uniform to be independent draws" in task.verdict
    assert "not a gain" in task.verdict


def test_a_cell_with_too_few_valid_draws_says_so_and_blocks_the_verdict() -> None:
    banana = get_model("scripted/banana", replies=["banana"])
    logs = [run("dice_direct", banana, n=30), run("dice_vs_standard", "random/python", n=30)]
    task = task_of(report.build_report(logs, "m", "headline", 1.0), "dice")
    assert task.rows[0].note == "0 valid of 30"
    assert task.rows[0].value is None
    assert task.verdict == "dice n=30: no verdict (direct has 0 valid of 30)"
    cells = report.table_rows(task)
    assert cells[0][1] == "0 valid of 30"


def test_summary_json_has_the_documented_shape(tmp_path: Path) -> None:
    logs = [run("dice_direct", "random/python", n=60), run("dice_sequence", "random/python", n=60)]
    result = report.build_report(logs, "random/python", "headline", 12.5)
    report.write(result, tmp_path)
    data = json.loads((tmp_path / "summary.json").read_text())
    assert set(data) == {"model", "suite", "seconds", "alpha", "tasks"}
    task = data["tasks"]["dice n=60"]
    assert (task["metric"], task["higher_is_better"]) == ("kl_mm", False)
    direct, sequence = task["rows"]
    assert direct["vs_direct"] is None
    assert set(sequence["vs_direct"]) == {"diff", "ci", "p", "p_holm", "valid_p"}
    assert len(sequence["ci"]) == 2 and sequence["n_draws"] == 60
    counts = [[0] * 6]  # the value is kl_estimate's over the logged draws
    for sample in logs[0].samples or []:
        for text in json.loads(sample.output.completion):
            counts[0][int(text) - 1] += 1
    assert direct["value"] == pytest.approx(kl_estimate(counts).value)
    markdown = (tmp_path / "summary.md").read_text()
    assert "## dice n=60: KL (Miller-Madow) (lower is better)" in markdown
    assert task["verdict"] in markdown


def test_vs_bench_run_writes_a_summary_and_a_rerun_reuses_the_logs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["run", "--model", "random/python", "--tasks", "dice", "--n", "30",
            "--log-dir", str(tmp_path / "logs"), "--json", str(tmp_path / "out.json")]
    code, out, err = run_cli(args, capsys, monkeypatch)
    assert code == 0, err
    data = json.loads((tmp_path / "out.json").read_text())
    rows = data["tasks"]["dice n=30"]["rows"]
    assert [r["format"] for r in rows] == ["direct", "sequence", "vs_standard"]
    assert all(r["n_draws"] == 30 for r in rows)
    assert data["tasks"]["dice n=30"]["verdict"].startswith("dice n=30: ")
    assert "dice n=30: " in out and (tmp_path / "logs" / "summary.md").is_file()
    logs = sorted((tmp_path / "logs").glob("*.eval"))
    assert len(logs) == 3
    # the same command again: eval-set finds the finished runs, nothing is asked again
    code, _, err = run_cli(args, capsys, monkeypatch)
    assert code == 0, err
    assert sorted((tmp_path / "logs").glob("*.eval")) == logs
    assert json.loads((tmp_path / "out.json").read_text())["tasks"] == data["tasks"]
    # another run into the same folder (logs/ collects every run for the leaderboard)
    other = [*args[:4], "rand_num", *args[5:]]
    code, _, err = run_cli(other, capsys, monkeypatch)
    assert code == 0, err
    assert len(list((tmp_path / "logs").glob("*.eval"))) == 6


def _spoiled(invalid: float) -> object:
    """A list of k dice faces, each a "banana" with probability ``invalid``."""

    def reply(messages: list, config: GenerateConfig) -> str:  # type: ignore[type-arg]
        request, _ = sampler_request(messages)
        rng = random.Random(config.seed)
        return json.dumps(["banana" if rng.random() < invalid else str(rng.randint(1, 6))
                           for _ in range(request.count)])

    return reply


def test_a_format_far_less_valid_than_direct_says_so() -> None:
    collapsed = get_model("scripted/collapsed", replies=[collapsed_reply(0.8)], memoize=False)
    spoiled = get_model("scripted/spoiled", replies=[_spoiled(0.6)])
    logs = [run("dice_direct", collapsed, n=200), run("dice_sequence", spoiled, n=200)]
    task = task_of(report.build_report(logs, "m", "headline", 1.0), "dice")
    direct, sequence = task.rows
    assert direct.valid_share == 1.0 and sequence.valid_share is not None
    assert sequence.valid_share < 0.6
    assert "sequence lowers KL (Miller-Madow)" in task.verdict
    assert f"but valid share {100 * sequence.valid_share:.0f}% against direct's 100%" in (
        task.verdict)
    # the other way round a higher share is no caveat: "and", not "but"
    share = f"{100 * sequence.valid_share:.0f}%"
    swapped = dataclasses.replace(direct, valid_p=sequence.valid_p)
    assert verdicts._validity(swapped, sequence) == (
        f", and valid share 100% against direct's {share}")


def test_every_family_of_a_random_python_run_has_a_metric_and_a_verdict() -> None:
    logs = [run(f"{family}_{fmt}", "random/python", n=40)
            for family in ("dice", "state_name", "target_dist", "state_probe")
            for fmt in ("direct", "vs_standard")]
    result = report.build_report(logs, "random/python", "headline", 1.0)
    assert {name.split(" ")[0] for name in result.tasks} == {
        "dice", "state_name", "target_dist", "state_probe"}
    primaries = {name.split(" ")[0]: t.metric for name, t in result.tasks.items()}
    assert primaries == {"dice": "kl_mm", "state_name": "kl_mm", "target_dist": "tv",
                         "state_probe": "kl_paper"}
    for task in result.tasks.values():
        for row in task.rows:
            assert row.value is not None and row.value >= 0.0 and row.lo is not None
        vs = task.rows[1]
        assert vs.vs_direct is not None and vs.p_holm is not None
        assert (not vs.vs_direct.lo <= 0.0 <= vs.vs_direct.hi) == (vs.vs_direct.p < 0.05)
        assert "vs_standard" in task.verdict and "no verdict" not in task.verdict


def report_against_leaderboard(
    logs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[int, set[str]]:
    """``vs-bench report`` and ``vs-bench leaderboard`` of ``logs``: each report row's value,
    interval and comparison equal the CSV's to 1e-9; (comparisons, metrics) seen."""
    monkeypatch.setenv("COLUMNS", "100")
    code, out, err = run_cli(["report", str(logs), "--json", str(tmp_path / "r.json")],
                             capsys, monkeypatch)
    assert code == 0, err
    assert "…" not in out and max(len(line) for line in out.splitlines()
                                  if line.startswith(("┃", "│", "┏", "└"))) <= 100
    code, board_out, err = run_cli(["leaderboard", str(logs), "--csv", str(tmp_path / "l.csv")],
                                   capsys, monkeypatch)
    assert code == 0, err
    assert "…" not in board_out
    assert max(len(line) for line in board_out.splitlines() if line.startswith("│")) <= 100
    found = json.loads((tmp_path / "r.json").read_text())
    with (tmp_path / "l.csv").open() as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames is not None
        assert len(reader.fieldnames) == len(set(reader.fieldnames))  # no column twice
        lines = {(r["model"], r["task"], r["format"]): r for r in reader}
    compared, metrics = 0, set()
    for result in found.get("reports", [found]):
        for name, task in result["tasks"].items():
            metrics.add(task["metric"])
            for row in task["rows"]:
                line = lines[(result["model"], name, row["format"])]
                assert line["primary"] == (task["metric"] or "")
                if row["value"] is None:
                    assert line["value"] == ""
                    continue
                assert float(line["value"]) == pytest.approx(row["value"], abs=1e-9)
                assert float(line["value"]) >= 0.0 and float(line["value_low"]) >= 0.0
                assert [float(line["value_low"]), float(line["value_high"])] == pytest.approx(
                    row["ci"], abs=1e-9)
                vs = row["vs_direct"]
                if vs is not None:
                    assert float(line["gain"]) == pytest.approx(vs["diff"], abs=1e-9)
                    assert [float(line["gain_low"]), float(line["gain_high"])] == pytest.approx(
                        vs["ci"], abs=1e-9)
                    assert float(line["p_holm"]) == pytest.approx(vs["p_holm"], abs=1e-9)
                    assert (not vs["ci"][0] <= 0.0 <= vs["ci"][1]) == (vs["p"] < 0.05)
                    compared += 1
    return compared, metrics


def test_report_and_leaderboard_give_the_same_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    logs = make_logs(tmp_path / "logs")
    compared, _ = report_against_leaderboard(logs, tmp_path, capsys, monkeypatch)
    assert compared == 2  # rand_num vs_standard against direct, for each model


@pytest.mark.skipif(importlib.util.find_spec("infini_gram") is None
                    or importlib.util.find_spec("sentence_transformers") is None,
                    reason="the creativity index needs the corpus extra, persuasion the embed one")
def test_donation_ks_and_the_creativity_index_agree_in_report_and_leaderboard(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    logs = persuasion_and_poem_logs(tmp_path, seed=3, dialogues=8, poem_prompts=3,
                                    poem_formats=("direct", "sequence"))
    compared, metrics = report_against_leaderboard(logs, tmp_path, capsys, monkeypatch)
    # each against direct: donation KS, semantic diversity, and the creativity index
    assert compared == 3
    assert {"donation_ks", "semantic_diversity", "creativity_index"} <= metrics
