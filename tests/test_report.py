"""The main job's closing report: rows, intervals, tests against direct, verdicts, JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog
from inspect_ai.model import get_model

from tests.utils.cli import run_cli
from tests.utils.collapsed_model import collapsed_reply
from vs_bench._registry import TASKS
from vs_bench.analysis import report
from vs_bench.analysis.stats import kl_estimate


def run(task: str, model: object, **params: object) -> EvalLog:
    log = inspect_eval(TASKS[task](**params), model=model, seed=5, display="none")[0]  # type: ignore[arg-type]
    assert log.status == "success", log.error
    return log


def test_an_ideal_format_beats_a_collapsed_direct_and_says_so() -> None:
    collapsed = get_model("scripted/collapsed", replies=[collapsed_reply(0.8)])
    logs = [
        run("rand_num_direct", collapsed, n=100),
        run("rand_num_vs_standard", "random/python", n=100),
    ]
    result = report.build_report(logs, "mixed", "headline", 1.0)
    task = result.tasks["rand_num"]
    direct, vs = task.rows
    assert (direct.format, vs.format) == ("direct", "vs_standard")
    assert direct.n_draws == vs.n_draws == direct.n_valid == 100
    # the row's value and interval are kl_estimate's over the logged draws
    assert direct.value is not None and vs.value is not None and vs.vs_direct is not None
    assert direct.value > 0.5 > vs.value
    assert direct.ci is not None and direct.ci[0] <= direct.value <= direct.ci[1]
    assert vs.vs_direct["diff"] == pytest.approx(vs.value - direct.value)
    # one comparison: Holm leaves its p-value as it is
    assert vs.vs_direct["p_holm"] == vs.vs_direct["p"] < 0.001
    assert task.verdict.startswith("rand_num: vs_standard lowers KL (Miller-Madow) from ")
    assert task.verdict.endswith("against direct (p < 0.001, Holm).")


def test_an_exact_list_of_every_answer_is_too_uniform_not_a_gain() -> None:
    faces = json.dumps([str(i) for i in range(1, 7)])
    lister = get_model("scripted/lister", replies=[faces])
    logs = [
        run("dice_direct", get_model("scripted/collapsed", replies=[collapsed_reply(0.5)],
                                     memoize=False),
            n=120),
        run("dice_sequence", lister, n=120, k=6),
    ]
    task = report.build_report(logs, "m", "headline", 1.0).tasks["dice"]
    sequence = task.rows[1]
    # 20 of each face: X² = 0, so P(X² <= 0) = 0
    assert sequence.too_uniform_p == 0.0
    assert sequence.value == 0.0
    assert "sequence is too uniform to be independent draws" in task.verdict
    assert "not a gain" in task.verdict


def test_a_cell_with_too_few_valid_draws_says_so_and_blocks_the_verdict() -> None:
    banana = get_model("scripted/banana", replies=["banana"])
    logs = [run("dice_direct", banana, n=30), run("dice_vs_standard", "random/python", n=30)]
    task = report.build_report(logs, "m", "headline", 1.0).tasks["dice"]
    assert task.rows[0].note == "0 valid of 30"
    assert task.rows[0].value is None
    assert task.verdict == "dice: no verdict (direct has 0 valid of 30)"
    cells = report.table_rows(task)
    assert cells[0][1] == "0 valid of 30"


def test_summary_json_has_the_documented_shape(tmp_path: Path) -> None:
    logs = [run("dice_direct", "random/python", n=60), run("dice_sequence", "random/python", n=60)]
    result = report.build_report(logs, "random/python", "headline", 12.5)
    report.write(result, tmp_path)
    data = json.loads((tmp_path / "summary.json").read_text())
    assert set(data) == {"model", "suite", "seconds", "tasks"}
    task = data["tasks"]["dice"]
    assert (task["metric"], task["higher_is_better"]) == ("kl_mm", False)
    direct, sequence = task["rows"]
    assert direct["vs_direct"] is None
    assert set(sequence["vs_direct"]) == {"diff", "ci", "p", "p_holm"}
    assert len(sequence["ci"]) == 2 and sequence["n_draws"] == 60
    counts = [[0] * 6]  # the value is kl_estimate's over the logged draws
    for sample in logs[0].samples or []:
        for text in json.loads(sample.output.completion):
            counts[0][int(text) - 1] += 1
    assert direct["value"] == pytest.approx(kl_estimate(counts).value)
    markdown = (tmp_path / "summary.md").read_text()
    assert "## dice: KL (Miller-Madow) (lower is better)" in markdown
    assert task["verdict"] in markdown


def test_vs_bench_run_writes_a_summary_and_a_rerun_reuses_the_logs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["run", "--model", "random/python", "--tasks", "dice", "--n", "30",
            "--log-dir", str(tmp_path / "logs"), "--json", str(tmp_path / "out.json")]
    code, out, err = run_cli(args, capsys, monkeypatch)
    assert code == 0, err
    data = json.loads((tmp_path / "out.json").read_text())
    rows = data["tasks"]["dice"]["rows"]
    assert [r["format"] for r in rows] == ["direct", "sequence", "vs_standard"]
    assert all(r["n_draws"] == 30 for r in rows)
    assert data["tasks"]["dice"]["verdict"].startswith("dice: ")
    assert "dice: " in out and (tmp_path / "logs" / "summary.md").is_file()
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
