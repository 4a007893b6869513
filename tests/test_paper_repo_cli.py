"""The paper repository's commands: flags -> Inspect settings, the responses file,
analyze-results."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from inspect_ai.log import list_eval_logs, read_eval_log

from tests.utils.cli import run_cli
from vs_bench import cli
from vs_bench.draws import SampleDraws
from vs_bench.paper_repo_cli import plan_experiment


def test_the_issue_example_maps_to_inspect_settings() -> None:
    example = ("--task rand_num --model-name M --format structure_with_prob --temperature 0.7 "
               "--top-p 0.9 --num-responses 3 --num-samples 1 --num-workers 128 "
               "--output-file responses.jsonl --use-vllm")
    plan = plan_experiment(example.split(" "))
    assert plan.task == "rand_num_vs_standard"
    assert plan.model == "vllm/M"
    assert plan.task_args == {"n": 3, "k": 1, "temperature": 0.7, "top_p": 0.9}
    assert plan.eval_args == {"log_dir": os.environ["INSPECT_LOG_DIR"], "max_connections": 128}
    assert plan.output_file == Path("responses.jsonl")


@pytest.mark.parametrize(
    ("fmt", "responses", "samples", "n", "k"),
    [
        ("seq", 4, 5, 20, 5),  # 4 calls of 5 candidates
        ("multi_turn", 4, 3, 12, 3),  # 4 conversations of 3 turns
        ("combined", 2, 6, 12, 6),  # 2 vs_multi conversations of 6 candidates
        ("direct", 7, 1, 7, 1),  # 7 calls of one answer
    ],
)
def test_calls_times_candidates_is_n(fmt: str, responses: int, samples: int, n: int,
                                     k: int) -> None:
    plan = plan_experiment(["--task", "dice", "--model-name", "random/python", "--format", fmt,
                            "--num-responses", str(responses), "--num-samples", str(samples),
                            "--seed", "5", "--num-prompts", "1", "--log-dir", "elsewhere"])
    assert (plan.task_args["n"], plan.task_args["k"], plan.task_args["limit"]) == (n, k, 1)
    assert plan.eval_args == {"log_dir": "elsewhere", "seed": 5}
    assert plan.notes == []


def test_one_answer_formats_say_that_num_samples_is_unused() -> None:
    plan = plan_experiment(["--task", "dice", "--model-name", "random/python",
                            "--num-responses", "7", "--num-samples", "5"])
    assert (plan.task_args["n"], plan.task_args["k"]) == (7, 1)
    assert plan.notes == ["direct returns one answer per call: --num-samples 5 is not used"]


@pytest.fixture(scope="module")
def experiment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """run-experiment with random/python: 10 calls x 5 candidates."""
    root = tmp_path_factory.mktemp("experiment")
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("INSPECT_DISPLAY", "none")
    monkeypatch.setattr(sys, "argv", [
        "vs-bench", "run-experiment", "--task", "rand_num", "--model-name", "random/python",
        "--format", "structure_with_prob", "--temperature", "0.7", "--top-p", "0.9",
        "--num-responses", "10", "--num-samples", "5", "--num-workers", "128", "--seed", "3",
        "--output-file", str(root / "responses" / "rand_num_vs.jsonl"),
        "--log-dir", str(root / "logs"),
    ])
    with monkeypatch.context():
        cli.main()
    monkeypatch.undo()
    return root


def test_run_experiment_writes_a_log_with_the_mapped_settings(experiment: Path) -> None:
    (info,) = list_eval_logs(str(experiment / "logs"))
    log = read_eval_log(info)
    assert log.status == "success" and log.eval.model == "random/python"
    assert log.eval.task.split("/")[-1] == "rand_num_vs_standard"
    assert log.plan is not None
    config = log.plan.config
    assert (config.temperature, config.top_p, config.max_connections, config.seed) == (
        0.7, 0.9, 128, 3)
    assert log.eval.metadata is not None
    assert (log.eval.metadata["n"], log.eval.metadata["k"]) == (50, 5)


def test_run_experiment_writes_the_paper_jsonl(experiment: Path) -> None:
    lines = (experiment / "responses" / "rand_num_vs.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 10  # one line per call
    assert all(r["prompt"] == "Generate a random integer between 0 and 9." for r in records)
    assert all(len(r["responses"]) == 5 for r in records)
    assert all(set(item) == {"text", "probability"} for r in records for item in r["responses"])
    assert all(item["probability"] == 0.1 for r in records for item in r["responses"])
    (info,) = list_eval_logs(str(experiment / "logs"))
    (sample,) = read_eval_log(info).samples or []
    texts = [item["text"] for r in records for item in r["responses"]]
    assert texts == SampleDraws.load(sample.store).texts


def analyze(target: Path, out: Path, capsys: pytest.CaptureFixture[str],
            monkeypatch: pytest.MonkeyPatch, sizes: tuple[str, ...] = ("1", "3", "5", "10", "50"),
            ) -> dict[str, dict[str, dict[str, float]]]:
    code, stdout, err = run_cli(["analyze-results", "--target-dir", str(target), "--output-dir",
                                 str(out), "--sizes", *sizes], capsys, monkeypatch)
    assert code == 0, err
    (metrics,) = (out / "metrics").glob("*.json")
    (stem,) = [p.stem.removesuffix("_histogram") for p in (out / "plots").glob("*_histogram.png")]
    assert (out / "plots" / f"{stem}_sample_size.png").stat().st_size > 10_000
    data = json.loads(metrics.read_text())
    assert data["draws"] == 50 and data["skipped_sizes"] == []
    return data["sizes"]  # type: ignore[no-any-return]


def test_analyze_results_writes_metrics_and_plots_per_size(
    experiment: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sizes = analyze(experiment / "responses", tmp_path / "analysis", capsys, monkeypatch)
    assert list(sizes) == ["1", "3", "5", "10", "50"]
    for size in sizes.values():
        assert set(size) == {"kl", "coverage", "precision", "chi2", "chi2_p"}
        # up to rounding: a mean of equal values can differ from them in the last bit
        slack = 1e-9 * abs(size["chi2"]["mean"])
        assert size["chi2"]["low"] - slack <= size["chi2"]["mean"] <= size["chi2"]["high"] + slack
    assert sizes["1"]["kl"]["mean"] == pytest.approx(math.log(10))  # one draw: KL = ln K
    (info,) = list_eval_logs(str(experiment / "logs"))
    log = read_eval_log(info, header_only=True)
    assert log.results is not None
    logged = {s.name: m.value for s in log.results.scores for m in s.metrics.values()}
    for key in ("kl", "coverage", "chi2", "chi2_p"):  # all 50 draws: the scorer's own values
        assert sizes["50"][key]["low"] == sizes["50"][key]["high"]
        assert sizes["50"][key]["mean"] == pytest.approx(logged[key], rel=1e-9)


def test_analyze_results_reads_logs_like_response_files(
    experiment: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the paper repository's form of --sizes (1 3 5 10 50) and plot's (1,3,5,10,50) are one
    from_logs = analyze(experiment / "logs", tmp_path / "a", capsys, monkeypatch,
                        sizes=("1,3,5,10,50",))
    from_file = analyze(experiment / "responses", tmp_path / "b", capsys, monkeypatch)
    assert from_logs == from_file


def test_analyze_results_reads_a_response_file_and_its_log_once(
    experiment: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the experiment's folder holds responses/rand_num_vs.jsonl and the log it came from
    code, out, err = run_cli(["analyze-results", "--target-dir", str(experiment),
                              "--output-dir", str(tmp_path / "a")], capsys, monkeypatch)
    assert code == 0, err
    assert len(list((tmp_path / "a" / "metrics").glob("*.json"))) == 1
    assert "rand_num_vs.jsonl holds the draws of the log of rand_num" in out
    # a response file of other draws is another experiment: analysed on its own
    other = experiment / "responses" / "rand_num_vs.jsonl"
    lines = other.read_text().splitlines()
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "half.jsonl").write_text("\n".join(lines[:5]) + "\n")
    for log in (experiment / "logs").iterdir():
        (tmp_path / "in" / log.name).write_bytes(log.read_bytes())
    code, out, err = run_cli(["analyze-results", "--target-dir", str(tmp_path / "in"),
                              "--output-dir", str(tmp_path / "b")], capsys, monkeypatch)
    assert code == 0, err
    assert len(list((tmp_path / "b" / "metrics").glob("*.json"))) == 2


def test_python_dash_m_runs_the_paper_repository_command(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "vs_bench", "run-experiment", "--task", "dice", "--model-name",
         "random/python", "--num-responses", "6", "--output-file", str(tmp_path / "d.jsonl"),
         "--log-dir", str(tmp_path / "logs")],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in (tmp_path / "d.jsonl").read_text().splitlines()]
    assert len(records) == 6
    assert all(r["responses"][0]["probability"] is None for r in records)  # direct states none
    assert len(list_eval_logs(str(tmp_path / "logs"))) == 1


def test_help_lists_the_paper_repository_flags(capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run_cli(["run-experiment", "--help"], capsys, monkeypatch)
    assert code == 0
    for flag in ("--num-responses", "--num-samples", "--num-workers", "--use-vllm"):
        assert flag in out


def test_an_unknown_model_is_one_line_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # run-experiment goes through suite.run_items: its preflight runs before the eval
    def no_work(*args: object, **kwargs: object) -> None:
        raise AssertionError("the eval started before the preflight")

    monkeypatch.setattr("vs_bench.suite.eval_set", no_work)
    logs, output = tmp_path / "logs", tmp_path / "responses" / "r.jsonl"
    code, out, err = run_cli(
        ["run-experiment", "--task", "dice", "--model-name", "nosuch/model-x",
         "--log-dir", str(logs), "--output-file", str(output)], capsys, monkeypatch)
    assert (code, out) == (2, "")
    assert err == (
        "error: unknown model provider 'nosuch' in 'nosuch/model-x': pass <provider>/<model>, "
        "e.g. random/python, local/qwen2.5-0.5b, openai/gpt-4.1 or vllm/<model>\n"
    )
    assert not logs.exists() and not output.parent.exists()  # no log folder, no file


def test_run_experiment_again_reuses_the_finished_log(
    experiment: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the one run path resumes: the same experiment asks the model nothing new and writes
    # the same responses from the log it finished before
    before = (experiment / "responses" / "rand_num_vs.jsonl").read_text()
    again = tmp_path / "again.jsonl"
    code, out, err = run_cli(
        ["run-experiment", "--task", "rand_num", "--model-name", "random/python",
         "--format", "structure_with_prob", "--temperature", "0.7", "--top-p", "0.9",
         "--num-responses", "10", "--num-samples", "5", "--num-workers", "128", "--seed", "3",
         "--output-file", str(again), "--log-dir", str(experiment / "logs")],
        capsys, monkeypatch)
    assert code == 0, err
    assert f"wrote 10 lines to {again}" in out
    assert again.read_text() == before
    assert len(list_eval_logs(str(experiment / "logs"))) == 1  # no second log


def test_bad_flags_give_one_line_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    base = ["run-experiment", "--task", "dice", "--model-name", "random/python"]
    bad_line = tmp_path / "bad" / "r.jsonl"
    bad_line.parent.mkdir()
    bad_line.write_text('{"prompt": "Name a colour.", "responses": ["red"]}\n{"prompt": 3}\n')
    unknown = tmp_path / "unknown" / "r.jsonl"
    unknown.parent.mkdir()
    unknown.write_text('{"prompt": "Name a colour.", "responses": ["red"]}\n')
    cases = [
        (["run-experiment", "--task", "nope", "--model-name", "random/python"], "invalid choice"),
        (["run-experiment", "--task", "dice"], "--model-name"),
        ([*base, "--num-responses", "0"], "0 must be at least 1"),
        ([*base, "--top-p", "1.5"], "1.5 is not in [0.0, 1.0]"),
        ([*base, "--temperature", "warm"], "'warm' is not a number"),
        ([*base, "--bogus"], "unrecognized arguments: --bogus"),
        ([*base, "--format", "fancy"], "unknown format 'fancy'"),
        (["run-experiment", "--task", "dice", "--model-name", "gpt-4.1"], "names no provider"),
        (["analyze-results"], "--target-dir"),
        (["analyze-results", "--target-dir", str(tmp_path / "none")], "is not a folder"),
        (["analyze-results", "--target-dir", str(tmp_path), "--sizes", "0"], "pass integers >= 1"),
        (["analyze-results", "--target-dir", str(bad_line.parent)], f"{bad_line}:2:"),
        (["analyze-results", "--target-dir", str(unknown.parent)], "no answer set is known"),
    ]
    for args, expected in cases:
        code, _, err = run_cli(args, capsys, monkeypatch)
        assert code == 2, args
        assert err.startswith("error: ") and err.count("\n") == 1, err
        assert expected in err, err
