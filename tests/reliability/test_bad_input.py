"""Bad input: one line that names the fix, a non-zero exit, never a traceback.

Each case runs a console script (``inspect`` or ``vs-bench``) in a process of its own;
the cases a test session selects run together, two at a time.
"""

from __future__ import annotations

import importlib.util
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.reliability.clients import API_KEY_VAR
from tests.utils import forked_cli


@dataclass(frozen=True)
class Case:
    args: tuple[str, ...]  # a console script and its arguments; {dir}: the case's folder
    fix: str  # what the error line must say
    hide: tuple[str, ...] = ()  # modules that fail to import, as when not installed


RAND_NUM = ("inspect", "eval", "vs_bench/rand_num_direct", "--model", "random/python")
RUN = ("vs-bench", "run", "--tasks", "rand_num", "--formats", "direct", "--n", "5")
SCORE = ("vs-bench", "score", "--task", "rand_num", "--responses")
CASES: dict[str, Case] = {
    # vs-bench command line
    "cli_not_an_integer": Case((*RUN, "--n", "abc"), "Invalid value for '--n'"),
    "cli_unknown_option": Case((*RUN, "--epochs-x", "3"), "No such option"),
    "cli_unknown_task": Case(("vs-bench", "run", "--tasks", "dices"), "use one of rand_num"),
    "cli_n_not_multiple_of_k": Case((*RUN, "--formats", "sequence", "--n", "7"), "pass -T n=5"),
    "cli_n_zero": Case((*RUN[:-2], "--n", "0"), "Invalid value for '--n'"),
    "cli_output_under_a_file": Case(
        ("vs-bench", "run-experiment", "--task", "dice", "--model-name", "random/python",
         "--output-file", "{dir}/blocker/responses.jsonl"),
        "pass --output-file <a file in a writable folder>",
    ),
    "cli_view_missing_folder": Case(("vs-bench", "view", "{dir}/missing"), "no log folder"),
    # task parameters
    "task_not_an_integer": Case((*RAND_NUM, "-T", "n=abc"), "pass -T n=<integer >= 1>"),
    "task_unknown_format": Case(
        ("inspect", "eval", "vs_bench/rand_num", "--model", "random/python", "-T", "format=vs"),
        "use one of direct",
    ),
    "task_empty_range": Case((*RAND_NUM, "-T", "low=5", "-T", "high=1"), "with a <= b"),
    "task_temperature_out_of_range": Case(
        (*RAND_NUM, "-T", "temperature=5"), "pass -T temperature=<number in [0.0, 2.0]>"
    ),
    "task_tail_on_direct": Case((*RAND_NUM, "-T", "tail=0.1"), "drop -T tail"),
    "task_m_larger_than_k": Case(
        ("inspect", "eval", "vs_bench/rand_num_vs_multi", "--model", "random/python",
         "-T", "k=5", "-T", "m=9"),
        "pass -T m=<1..5>",
    ),
    # datasets and ground-truth files
    "dataset_missing_file": Case(
        ("inspect", "eval", "vs_bench/joke", "--model", "random/python",
         "-T", "dataset={dir}/missing.jsonl"),
        "pass -T dataset=<path of a .jsonl, .csv or .txt file>",
    ),
    "dataset_unknown_type": Case(
        ("inspect", "eval", "vs_bench/joke", "--model", "random/python",
         "-T", "dataset={dir}/prompts.xlsx"),
        "use .jsonl, .csv or .txt",
    ),
    "ground_truth_not_json": Case(
        ("inspect", "eval", "vs_bench/open_qa", "--model", "random/python",
         "-T", "ground_truth={dir}/bad.json"),
        "not valid JSON",
    ),
    # response files of vs-bench score
    "responses_missing_file": Case((*SCORE, "{dir}/missing.jsonl"), "pass --responses"),
    "responses_not_json": Case((*SCORE, "{dir}/bad.jsonl"), "bad.jsonl:1: not valid JSON"),
    # model names
    "model_unknown_provider": Case((*RUN, "--model", "randm/python"), "pass <provider>/<model>"),
    "model_unknown_random": Case(
        ("inspect", "eval", "vs_bench/rand_num_direct", "--model", "random/pyton"),
        "use --model random/python",
    ),
    "model_unknown_local": Case((*RUN, "--model", "local/qwen-7b"), "use local/qwen2.5-0.5b"),
    "model_missing_key": Case((*RUN, "--model", "openai-api/faulty/rng"), API_KEY_VAR),
    # missing extras
    "extra_vllm_missing": Case((*RUN, "--model", "vllm/Qwen/Qwen2.5-0.5B"), "vs-bench[vllm]"),
    "extra_local_missing": Case(
        (*RUN, "--model", "local/qwen2.5-0.5b"),
        "pip install 'vs-bench[local]'",
        hide=("xllamacpp",),
    ),
    # the log folder
    "log_dir_unwritable": Case((*RUN, "--log-dir", "{dir}/blocker/logs"), "pass --log-dir"),
}


def _workdir(root: Path) -> Path:
    """Files the cases point at."""
    (root / "blocker").write_text("a file where the log folder should go\n")
    (root / "bad.jsonl").write_text("this line is not JSON\n")
    (root / "bad.json").write_text('{"Name a color.": {"answers": [["red"]]\n')
    (root / "prompts.xlsx").write_bytes(b"PK\x03\x04")
    return root


def _run(case: Case, root: Path) -> forked_cli.Result:
    command, *args = (a.replace("{dir}", str(root)) for a in case.args)
    env: dict[str, str | None] = {
        "INSPECT_LOG_DIR": str(root / "logs"),
        "INSPECT_CACHE_DIR": str(root / "cache"),
        API_KEY_VAR: None,
        "VLLM_BASE_URL": None,
        "COLUMNS": "1000",  # rich wraps at 80 columns when not on a terminal
    }
    return forked_cli.run(command, args, root, env, case.hide)


@pytest.fixture(scope="module")
def outcomes(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, forked_cli.Result]:
    """The selected cases, run concurrently, each in its own folder."""
    chosen = [
        str(item.callspec.params["name"]) for item in request.session.items
        if isinstance(item, pytest.Function) and item.module is request.module
    ]
    roots = {name: _workdir(tmp_path_factory.mktemp(name)) for name in chosen}
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(_run, CASES[name], roots[name]) for name in chosen}
        return {name: future.result() for name, future in futures.items()}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_gives_one_line_naming_the_fix(
    name: str, outcomes: dict[str, forked_cli.Result]
) -> None:
    if name == "extra_vllm_missing" and importlib.util.find_spec("vllm") is not None:
        pytest.skip("the vllm extra is installed")
    result = outcomes[name]
    output = result.output
    lines = [line for line in output.splitlines() if line.strip()]
    assert result.code not in (0, None), output
    assert "Traceback" not in output
    assert len(lines) == 1, output
    assert CASES[name].fix in lines[0], output
