"""The command line as a user meets it: help, version, errors, interrupts, output paths
checked before the work, and log folders holding files that cannot be read."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.log import list_eval_logs

from tests.utils.cli import run_cli
from vs_bench import cli, preflight
from vs_bench._registry import TASKS
from vs_bench.errors import VsBenchError

COMMANDS = (
    "run",
    "list",
    "score",
    "leaderboard",
    "plot",
    "sweep",
    "view",
    "bundle",
    "run-experiment",
    "analyze-results",
)


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two readable dice logs of random/python, then an empty, a truncated and a corrupted
    .eval file beside them."""
    folder = tmp_path_factory.mktemp("logs")
    inspect_eval(
        [TASKS["dice_direct"](n=10), TASKS["dice_sequence"](n=10)],
        model="random/python",
        log_dir=str(folder),
        display="none",
    )
    good = sorted(folder.glob("*.eval"))[0].read_bytes()
    damaged = {
        "empty": b"",
        "truncated": good[: len(good) // 2],
        "corrupted": good[:100] + bytes(range(256)) * 8,
    }
    for name, content in damaged.items():
        (folder / f"2026-01-01T00-00-00+00-00_{name}_AAAAAAAAAAAAAAAAAAAAAA.eval").write_bytes(
            content
        )
    return folder


# ---------------------------------------------------------------------------- help, version


def test_version(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib.metadata import version

    code, out, _ = run_cli(["--version"], capsys, monkeypatch)
    assert code == 0 and out == f"vs-bench {version('vs-bench')}\n"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_takes_dash_h(
    command: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run_cli([command, "-h"], capsys, monkeypatch)
    assert code == 0, err
    assert out.startswith(f"Usage: vs-bench {command}") or out.startswith(
        f"usage: vs-bench {command}"
    )  # the paper repository's commands print argparse's help
    # boolean flags are shown without a value, as argparse and Inspect show them
    assert "<bool>" not in out


def test_flags_take_no_value(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, out, _ = run_cli(["score", "-h"], capsys, monkeypatch)
    assert "  --json " in out


# ---------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["run", "--n", "0"],
            "Invalid value for '--n': Input should be greater than or equal "
            "to 1 (see vs-bench run --help)",
        ),
        (
            ["sweep", "--models", "random/python", "--epochs", "0"],
            "Invalid value for "
            "'--epochs': Input should be greater than or equal to 1 (see vs-bench sweep --help)",
        ),
        (["leaderboard", "--bogus"], "No such option: --bogus (see vs-bench leaderboard --help)"),
        (["plot", "--sizes", "1,x"], "--sizes '1,x': pass integers, e.g. --sizes 1,3,5,10,50"),
        (["bogus"], "No such command 'bogus'. (see vs-bench --help)"),
    ],
)
def test_errors_are_one_line_pointing_to_the_help(
    args: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, out, err = run_cli(args, capsys, monkeypatch)
    assert (code, out, err) == (2, "", f"error: {message}\n")


def test_inspect_markup_is_dropped_and_ours_is_kept() -> None:
    # Inspect's missing-key message, as its OpenAI provider raises it
    inspect_message = (
        "[bold]ERROR[/bold]: Unable to initialise OpenAI client\n\n"
        "No [bold][blue]OPENAI_API_KEY[/blue][/bold] defined in the environment."
    )
    assert preflight.one_line(inspect_message) == (
        "ERROR: Unable to initialise OpenAI client No OPENAI_API_KEY defined in the environment."
    )
    ours = "the local extra is missing: pip install 'vs-bench[local]'"
    assert preflight.one_line(ours, markup=False) == ours


def test_an_inspect_prerequisite_error_is_printed_without_markup(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from vs_bench._inspect_compat import PrerequisiteError

    def fail(*args: object, **kwargs: object) -> None:
        raise PrerequisiteError("No [bold][blue]OPENAI_API_KEY[/blue][/bold] defined.")

    monkeypatch.setattr("vs_bench.analysis.leaderboard.leaderboard", fail)
    code, _, err = run_cli(["leaderboard", "."], capsys, monkeypatch)
    assert (code, err) == (2, "error: No OPENAI_API_KEY defined.\n")


def test_ctrl_c_exits_130_with_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("vs_bench.analysis.leaderboard.leaderboard", interrupted)
    code, out, err = run_cli(["leaderboard", "."], capsys, monkeypatch)
    assert (code, out, err) == (cli.INTERRUPTED, "", "error: interrupted\n")


def test_an_eval_that_inspect_reports_interrupted_exits_130() -> None:
    # Inspect's eval absorbs Ctrl-C: it returns no log, or cancelled ones
    with pytest.raises(KeyboardInterrupt):
        preflight.stop_if_interrupted([], 1)
    preflight.stop_if_interrupted([], 0)


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_stopping_view_stops_the_viewer_it_started(logs: Path, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "vs_bench", "view", str(logs), "--port", "7591"]
    # a shell's background job ignores SIGINT; a terminal's Ctrl-C does not
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 120
        while not (viewers := _children(process.pid)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert viewers, "vs-bench view started no viewer"
        time.sleep(1)  # past Python's start-up in the viewer, where it installs its handlers
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == cli.INTERRUPTED
    assert err.strip().splitlines()[-1] == "error: interrupted"
    for viewer in viewers:  # gone: no process of that id is left
        assert (
            not Path(f"/proc/{viewer}").exists()
            or "zombie" in Path(f"/proc/{viewer}/status").read_text()
        )


# ---------------------------------------------------------------------------- output paths


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["leaderboard", "{logs}", "--csv", "{blocker}/board.csv"], "--csv"),
        (["leaderboard", "{logs}", "--markdown", "{blocker}/board.md"], "--markdown"),
        (["leaderboard", "{logs}", "--html", "{blocker}/board.html"], "--html"),
        (["plot", "{logs}", "--out", "{blocker}"], "--out"),
        (["bundle", "{logs}", "--out", "{blocker}/site"], "--out"),
        (
            ["analyze-results", "--target-dir", "{logs}", "--output-dir", "{blocker}/a"],
            "--output-dir",
        ),
        (
            [
                "run-experiment",
                "--task",
                "dice",
                "--model-name",
                "random/python",
                "--output-file",
                "{blocker}/r.jsonl",
                "--log-dir",
                "{fresh}",
            ],
            "--output-file",
        ),
    ],
)
def test_output_paths_are_checked_before_the_work(
    args: list[str],
    option: str,
    logs: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be\n")
    fresh = tmp_path / "fresh"

    def no_work(*args: object, **kwargs: object) -> None:
        raise AssertionError("the work started before the output path was checked")

    for name in (
        "vs_bench.analysis.leaderboard.load_runs",
        "vs_bench.analysis.runs.load_runs",
        "vs_bench.paper_repo_cli.load_runs",
        "vs_bench.suite.eval_set",
    ):
        monkeypatch.setattr(name, no_work)
    filled = [a.format(logs=logs, blocker=blocker, fresh=fresh) for a in args]
    code, out, err = run_cli(filled, capsys, monkeypatch)
    assert code == 2 and out == ""
    assert err.startswith(f"error: {option} {blocker}") and err.count("\n") == 1, err
    assert f"{blocker} is a file, not a folder: pass {option} <a " in err
    assert not fresh.exists()  # no log either


def test_check_output_accepts_new_and_existing_paths(tmp_path: Path) -> None:
    (tmp_path / "old.csv").write_text("x\n")
    preflight.check_output(tmp_path / "old.csv", "--csv")
    preflight.check_output(tmp_path / "new" / "deeper" / "board.csv", "--csv")
    preflight.check_output(tmp_path / "new" / "plots", "--out", folder=True)
    preflight.check_output(None, "--csv")
    assert not (tmp_path / "new").exists()  # checked, nothing made
    with pytest.raises(VsBenchError, match="is a folder: pass a file name"):
        preflight.check_output(tmp_path, "--csv")
    with pytest.raises(VsBenchError, match="is a file, not a folder"):
        preflight.check_output(tmp_path / "old.csv", "--out", folder=True)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_check_output_refuses_a_read_only_folder(tmp_path: Path) -> None:
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(VsBenchError, match="is not writable"):
            preflight.check_output(tmp_path / "board.csv", "--csv")
    finally:
        tmp_path.chmod(0o700)


# ---------------------------------------------------------------------------- unreadable logs


def _skipped(text: str, logs: Path) -> dict[str, str]:
    """Skipped file name -> reason, from the notes a command printed."""
    found = {}
    for line in text.splitlines():
        if line.startswith("- skipped unreadable log "):
            name, _, reason = line.removeprefix("- skipped unreadable log ").partition(" (")
            assert Path(name).parent == logs
            found[Path(name).name.split("_")[1]] = reason.rstrip(")")
    return found


EXPECTED_SKIPS = {
    "empty": "empty file",
    "truncated": "not a whole .eval archive: truncated or corrupted",
    "corrupted": "not a whole .eval archive: truncated or corrupted",
}


def test_leaderboard_skips_unreadable_logs_and_names_them(
    logs: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run_cli(["leaderboard", str(logs)], capsys, monkeypatch)
    assert code == 0, err
    assert "vs-bench leaderboard: dice n=10" in out and "sequence" in out
    assert _skipped(out, logs) == EXPECTED_SKIPS


def test_plot_bundle_and_analyze_results_skip_unreadable_logs(
    logs: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for args, made in (
        (
            ["plot", str(logs), "--out", str(tmp_path / "plots"), "--sizes", "1,5"],
            tmp_path / "plots" / "bars_dice-n-10.png",
        ),
        (
            ["bundle", str(logs), "--out", str(tmp_path / "site")],
            tmp_path / "site" / "viewer" / "index.html",
        ),
        (
            [
                "analyze-results",
                "--target-dir",
                str(logs),
                "--output-dir",
                str(tmp_path / "a"),
                "--sizes",
                "1,5",
            ],
            tmp_path / "a" / "metrics" / "dice-n-10_direct_random-python.json",
        ),
    ):
        code, out, err = run_cli(args, capsys, monkeypatch)
        assert code == 0, (args, err)
        assert made.is_file(), args
        assert _skipped(out, logs) == EXPECTED_SKIPS, args
    # the viewer holds the readable logs only
    assert len(list((tmp_path / "site" / "viewer").rglob("*.eval"))) == 2


def test_a_damaged_log_body_is_skipped_too(tmp_path: Path) -> None:
    from vs_bench.analysis import runs as lb

    inspect_eval(
        TASKS["dice_direct"](n=10), model="random/python", log_dir=str(tmp_path), display="none"
    )
    inspect_eval(
        TASKS["dice_sequence"](n=10), model="random/python", log_dir=str(tmp_path), display="none"
    )
    path = Path(lb.log_file_name(list_eval_logs(str(tmp_path))[0].name))
    # the header members intact, a sample's member garbled: only the full read fails
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, b"{not json" if name.startswith("samples/") else content)
    runs, notes = lb.load_runs(tmp_path)
    assert len(runs) == 1
    (skipped,) = [n for n in notes if n.startswith("skipped")]
    assert skipped.startswith(f"skipped unreadable log {path} (")


# ---------------------------------------------------------------------------- score


def _score(tmp_path: Path, task: str, lines: list[dict[str, object]]) -> dict[str, object]:
    import json

    from vs_bench import rescore

    path = tmp_path / "responses.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return rescore.score_responses(path, task)


@pytest.mark.parametrize(
    ("task", "prompt", "texts", "k"),
    [
        ("dice", "Roll a die for me, please.", ["3", "4", "6", "6"], 6),
        ("state_name", "Tell me one of the fifty states.", ["California", "texas.", "Ohio"], 50),
        ("rand_num", "Pick an integer from 1 to 3.", ["1", "2", "2"], 3),
        ("rand_num", "Pick a random number.", ["1", "2", "2"], 10),  # the task's 0..9
    ],
)
def test_score_uses_the_tasks_answer_set_whatever_the_wording(
    task: str, prompt: str, texts: list[str], k: int, tmp_path: Path
) -> None:
    from scipy import stats

    result = _score(tmp_path, task, [{"prompt": prompt, "responses": texts}])
    counts = [texts.count(t) for t in dict.fromkeys(texts)]
    assert result["coverage"] == pytest.approx(len(counts) / k)
    full = counts + [0] * (k - len(counts))
    assert result["kl"] == pytest.approx(stats.entropy(full, [1 / k] * k))
    assert not any(key.startswith("calib_") for key in result)  # no probability stated


def test_score_reports_calibration_when_responses_state_probabilities(tmp_path: Path) -> None:
    result = _score(
        tmp_path,
        "dice",
        [
            {
                "prompt": "Roll a die.",
                "responses": [{"text": "3", "probability": 0.2}, {"text": "4", "probability": 0.3}],
            },
            {"prompt": "Roll a die.", "responses": ["6", "6"]},
        ],
    )
    # empirical shares: 3 and 4 one draw in four each (0.25); stated 0.2 and 0.3
    assert result["calib_ece"] == pytest.approx((0.05 + 0.05) / 2)
    assert result["calib_brier"] == pytest.approx(0.05**2)
    # against the uniform 1/6: |0.2 - 1/6| and |0.3 - 1/6| in two bins
    assert result["calib_ece_reference"] == pytest.approx((1 / 30 + 2 / 15) / 2)
    assert result["prob_sum_mean"] == pytest.approx(0.5)  # the one call that stated any
    assert result["prob_missing_rate"] == pytest.approx(0.5)


def test_markdown_escapes_pipes_and_html(tmp_path: Path) -> None:
    from vs_bench.analysis.leaderboard import build
    from vs_bench.analysis.render import write_markdown
    from vs_bench.analysis.runs import Run, load_runs

    inspect_eval(
        TASKS["dice_direct"](n=6), model="random/python", log_dir=str(tmp_path), display="none"
    )
    (run,) = load_runs(tmp_path)[0]
    odd = Run(**{**run.__dict__, "model": "lab|<b>model</b>"})
    text = write_markdown(build([odd]), tmp_path / "board.md").read_text()
    assert "| lab\\|&lt;b&gt;model&lt;/b&gt; | direct | " in text
    assert "<b>" not in text
