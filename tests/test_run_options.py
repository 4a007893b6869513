"""Inspect's run options in ``vs-bench run``: parsed as ``inspect eval`` parses them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.utils.cli import run_cli
from vs_bench import capabilities, suite
from vs_bench import run_options as ro
from vs_bench.errors import VsBenchError
from vs_bench.suite import plan_suite


@pytest.fixture(autouse=True)
def _fresh_capabilities() -> None:
    capabilities.forget()


def test_key_values_are_yaml_as_in_inspect() -> None:
    assert ro.key_values(["n=50", "tail=0.2", "dataset=a.jsonl", "x=1,2"], "-T") == {
        "n": 50, "tail": 0.2, "dataset": "a.jsonl", "x": ["1", "2"]
    }
    with pytest.raises(VsBenchError, match="is not key=value"):
        ro.key_values(["n50"], "-T")


def test_task_args_go_to_every_task_that_has_them() -> None:
    items = plan_suite(["rand_num", "joke"], ["direct"], {"n": 10})
    out = ro.with_task_args(items, {"high": 5, "n": 20})
    by = {i.family: i.params for i in out}
    assert by["rand_num"] == {"n": 20, "high": 5}
    assert by["joke"] == {"n": 20}  # joke has no `high`
    with pytest.raises(VsBenchError, match="no task of this run takes -T nope"):
        ro.with_task_args(items, {"nope": 1})


def test_batch_and_models() -> None:
    assert ro.batch_value("true") is True and ro.batch_value("1000") == 1000
    assert ro.batch_value(None) is None
    # a bare --batch (last, or before another option) is default batching
    assert ro.bare_batch(["run", "--batch"]) == ["run", "--batch", "true"]
    assert ro.bare_batch(["run", "--batch", "--n", "3"]) == ["run", "--batch", "true", "--n", "3"]
    assert ro.bare_batch(["run", "--batch", "1000"]) == ["run", "--batch", "1000"]
    assert ro.bare_batch(["run", "--batch", "b.yaml", "--n", "3"])[2] == "b.yaml"
    with pytest.raises(VsBenchError, match="--batch"):
        ro.batch_value("missing.yaml")
    assert ro.split_models("a/b, c/d", "x/y") == ("a/b", "c/d")
    assert ro.split_models("", "x/y") == ("x/y",)


def test_max_choices_is_taken_off_the_model_args() -> None:
    options = ro.take_max_choices(
        ro.RunOptions(models=("vllm/m", "openai-api/s/m"), model_args={"max_choices": 4, "a": 1})
    )
    assert options.model_args == {"a": 1}
    assert capabilities.declared("vllm/m").max_choices == 4
    assert capabilities.declared("vllm/other").max_choices == capabilities.DEFAULT_MAX_CHOICES


def test_base_url_from_the_environment_is_the_one_recorded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SCALE_API_KEY", "k")
    monkeypatch.setenv("SCALE_BASE_URL", "http://127.0.0.1:9/v1")
    (model,) = ro.resolve_models(ro.RunOptions(models=("openai-api/scale/m",)))
    assert model.explicit_base_url == "http://127.0.0.1:9/v1"


def test_missing_key_is_one_line_naming_both_variables(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    for var in ("LLAMA_API_KEY", "LLAMA_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    code, out, err = run_cli(
        ["run", "--model", "openai-api/llama/m", "--tasks", "rand_num", "--formats", "direct",
         "--log-dir", str(tmp_path / "logs")], capsys, monkeypatch,
    )
    assert code == 2
    (line,) = err.strip().splitlines()
    assert "LLAMA_API_KEY" in line and "LLAMA_BASE_URL" in line and "Traceback" not in err


def test_help_shows_inspects_run_options(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run_cli(["run", "--help"], capsys, monkeypatch)
    assert code == 0
    for option in ("--model-base-url", "-M", "-T", "--temperature", "--top-p", "--max-tokens",
                   "--epochs", "--max-samples", "--batch", "--display", "--dry-run"):
        assert f" {option} " in out, option


def test_a_bare_batch_is_default_batching_and_typer_warns_nothing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str | None] = []
    batch_value = ro.batch_value

    def recorded(value: str | None) -> bool | int | str | None:
        seen.append(value)
        return batch_value(value)

    monkeypatch.setattr(ro, "batch_value", recorded)
    base = ["run", "--model", "random/python", "--tasks", "dice", "--n", "10", "--dry-run"]
    for args, want in ((["--batch"], "true"), (["--batch", "500"], "500"), ([], None)):
        code, _, err = run_cli([*base[:-1], *args, base[-1]], capsys, monkeypatch)
        assert code == 0, err
        assert seen.pop() == want
    code, _, err = run_cli([*base, "--batch"], capsys, monkeypatch)  # last on the line
    assert code == 0, err
    assert seen.pop() == "true"
    # the option is declared as Typer supports it: building the commands warns nothing
    subprocess.run([sys.executable, "-W", "error::DeprecationWarning", "-c",
                    "import vs_bench.cli"], check=True)


def test_samples_in_flight_per_task_keep_the_connections_busy_twice_over() -> None:
    from vs_bench.suite import samples_per_task

    assert samples_per_task(256, 112) == 16  # ceil(512 / 112) = 5, raised to the floor
    assert samples_per_task(256, 4) == 128  # 512 over 4 tasks
    assert samples_per_task(40, 3) == 27  # ceil(80 / 3)
    assert samples_per_task(8, 112) == 8  # never above the connections
    assert samples_per_task(None, 112) is None  # Inspect's default: the provider's


def test_a_run_records_its_samples_per_task_realtime_buffer_and_live_metrics(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from inspect_ai.log import list_eval_logs, read_eval_log

    def configs(folder: Path, *extra: str) -> list[tuple[int | None, bool | None, bool | None]]:
        code, out, err = run_cli(
            ["run", "--model", "random/python", "--tasks", "dice", "--formats",
             "direct,sequence,vs_standard", "--n", "10", "--limit", "1", "--max-connections",
             "40", "--log-dir", str(folder), *extra], capsys, monkeypatch)
        assert code == 0, err
        found = [read_eval_log(info, header_only=True).eval.config
                 for info in list_eval_logs(str(folder))]
        return [(c.max_samples, c.log_realtime, c.score_display) for c in found]

    # 2 x 40 connections over 3 tasks; 3 samples: Inspect's realtime buffer and live
    # metrics stay on
    assert configs(tmp_path / "a") == [(27, True, True)] * 3
    monkeypatch.setattr(suite, "LARGE_RUN_SAMPLES", 2)  # a large run goes without both
    assert configs(tmp_path / "b", "--max-samples", "3") == [(3, False, False)] * 3  # the user's
