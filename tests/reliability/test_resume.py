"""A sweep killed with SIGKILL and started again finishes, and asks for no finished sample."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from inspect_ai.event import ModelEvent
from inspect_ai.log import (
    EvalLogInfo,
    EvalSample,
    RecoveryNotAvailable,
    list_eval_logs,
    read_eval_log,
    recover_eval_log,
    resolve_sample_attachments,
)

from tests.reliability.clients import CLIENT_TIMEOUT, OPENAI_API, chats
from tests.reliability.conftest import Serve
from tests.reliability.fault_server import ANSWERS, Faults

TASKS = ("rand_num_direct", "dice_direct", "rand_num_vs_standard")
EPOCHS, N, K = 8, 20, 5
# direct: one request of N choices a sample; vs_standard: its N/K calls as the choices of
# one request a sample
CALLS = EPOCHS * len(TASKS)
KILL_AFTER = 19  # answers: both direct tasks and a few vs_standard samples done
INSPECT = str(Path(sys.executable).with_name("inspect"))


def _sweep(server_url: str, log_dir: Path) -> list[str]:
    return [
        INSPECT, "eval-set", *(f"vs_bench/{t}" for t in TASKS),
        "--model", OPENAI_API, "--model-base-url", server_url,
        "-M", f"client_timeout={CLIENT_TIMEOUT}", "--max-retries", "8",
        "--log-dir", str(log_dir), "-T", f"n={N}", "-T", f"k={K}",
        "--epochs", str(EPOCHS), "--seed", "7",
        "--max-tasks", "1", "--max-samples", "1", "--max-connections", "8",
        "--log-buffer", "1",  # each finished sample is written at once
    ]


def _environment() -> dict[str, str]:
    """This one, as a shell's: with the source tree on PYTHONPATH, its build's
    vs_bench.egg-info hides the editable install from Inspect (no vs_bench/<task>)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def _finished_samples(info: EvalLogInfo, view: Path) -> tuple[list[EvalSample], int, bool]:
    """The finished samples a resume reuses from one log, how many of them only Inspect's
    sample buffer holds, and whether its run was open.

    A run killed mid-way leaves its log "started"; a resume (eval-set) first recovers it:
    the samples flushed to the log, and the finished ones still only in Inspect's sample
    buffer (a kill between a sample's end and the next flush). The same recovery here,
    into ``view``, the buffer kept for the resume.
    """
    log = read_eval_log(info)
    if log.status != "started":
        return list(log.samples or []), 0, log.status != "success"
    flushed = len(log.samples or [])
    with contextlib.suppress(RecoveryNotAvailable):  # nothing buffered: the log is all
        out = str(view / Path(info.name).name)
        recover_eval_log(info.name, output=out, cleanup=False)
        log = read_eval_log(out)
    # in progress at the kill: recovered as cancelled (an error), asked again on resume
    finished = [s for s in log.samples or [] if s.error is None]
    return finished, len(finished) - flushed, True


def _finished_calls(log_dir: Path) -> tuple[set[tuple[str, str, int | None]], int, int]:
    """(system message, prompt, seed) of every call of the finished samples a resume of
    ``log_dir`` reuses, how many of those samples belong to a run that did not finish,
    and how many only the sample buffer holds."""
    calls: set[tuple[str, str, int | None]] = set()
    in_open_runs = buffered = 0
    view = log_dir.with_name(f"{log_dir.name}-recovered")
    view.mkdir(exist_ok=True)
    for info in list_eval_logs(str(log_dir)):
        samples, only_buffered, open_run = _finished_samples(info, view)
        in_open_runs += len(samples) if open_run else 0
        buffered += only_buffered
        for sample in samples:
            for event in resolve_sample_attachments(sample).events:
                if isinstance(event, ModelEvent):
                    system, prompt = (m.text for m in event.input[:2])
                    calls.add((system, prompt, event.config.seed))
    return calls, in_open_runs, buffered


def test_sweep_killed_mid_run_resumes_without_asking_again(serve: Serve, tmp_path: Path) -> None:
    server = serve(Faults(error_500=0.10, error_503=0.05, slow=1.0, slow_seconds=0.2, seed=7))
    log_dir = tmp_path / "sweep"
    first = subprocess.Popen(
        _sweep(server.url, log_dir), cwd=tmp_path, env=_environment(), start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while server.outcomes()["slow"] < KILL_AFTER and first.poll() is None:
        assert time.monotonic() < deadline, "the sweep made no progress"
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)  # the sweep and anything it started
    assert first.wait() == -signal.SIGKILL

    finished, in_open_runs, buffered = _finished_calls(log_dir)
    assert in_open_runs > 0, "the kill should land after a sample of a run that is still open"
    before = len(server.log)

    again = subprocess.run(
        _sweep(server.url, log_dir), cwd=tmp_path, env=_environment(), capture_output=True,
        text=True, timeout=180, check=False,
    )
    assert again.returncode == 0, again.stdout + again.stderr

    resumed = chats(server, since=before)
    asked_again = [r for r in resumed if (r.system, r.prompt, r.seed) in finished]
    assert asked_again == []
    # every call of the sweep was answered; the rerun asked only for the rest
    answered = {r.key for r in chats(server) if r.outcome in ANSWERS}
    assert len(answered) == CALLS
    assert len({r.key for r in resumed}) == CALLS - len(finished)
    logs = [read_eval_log(info, header_only=True) for info in list_eval_logs(str(log_dir))]
    done = {log.eval.task.split("/")[-1] for log in logs
            if log.status == "success" and log.results and log.results.completed_samples == EPOCHS}
    assert done == set(TASKS)
    print(f"\nresume: SIGKILL after {KILL_AFTER} answers; {len(finished)} of {CALLS} calls in "
          f"finished samples ({in_open_runs} sample(s) of the interrupted run, {buffered} only "
          f"in the sample buffer); the rerun sent "
          f"{len(resumed)} requests for the other {CALLS - len(finished)} calls")


RUN_TASKS, RUN_EPOCHS, RUN_N = ("rand_num", "dice"), 8, 20
# direct: one request of 20 choices a sample; vs_standard: its 4 calls of k=5 as the
# choices of one request
RUN_CALLS = len(RUN_TASKS) * RUN_EPOCHS * 2
VS_BENCH = str(Path(sys.executable).with_name("vs-bench"))


def _run(server_url: str, log_dir: Path) -> list[str]:
    return [
        VS_BENCH, "run", "--model", OPENAI_API, "--model-base-url", server_url,
        "-M", f"client_timeout={CLIENT_TIMEOUT}", "--tasks", ",".join(RUN_TASKS),
        "--formats", "direct,vs_standard", "--n", str(RUN_N), "--epochs", str(RUN_EPOCHS),
        "--max-samples", "1", "--max-connections", "4", "--log-dir", str(log_dir),
    ]


def test_vs_bench_run_killed_mid_suite_resumes_without_asking_again(
    serve: Serve, tmp_path: Path
) -> None:
    server = serve(Faults(slow=1.0, slow_seconds=0.3, seed=8))
    log_dir = tmp_path / "run"
    first = subprocess.Popen(
        _run(server.url, log_dir), cwd=tmp_path, env=_environment(), start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while server.outcomes()["slow"] < RUN_CALLS // 2 and first.poll() is None:
        assert time.monotonic() < deadline, "the run made no progress"
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)
    assert first.wait() == -signal.SIGKILL

    finished, _, buffered = _finished_calls(log_dir)
    assert finished, "the kill should land after a cell had finished"
    before = len(server.log)
    again = subprocess.run(
        _run(server.url, log_dir), cwd=tmp_path, env=_environment(), capture_output=True,
        text=True, timeout=180, check=False,
    )
    assert again.returncode == 0, again.stdout + again.stderr
    resumed = chats(server, since=before)
    assert [r for r in resumed if (r.system, r.prompt, r.seed) in finished] == []
    answered = {r.key for r in chats(server) if r.outcome in ANSWERS}
    assert len(answered) == RUN_CALLS
    # the rerun asks for exactly the calls of the samples it cannot recover
    assert len({r.key for r in resumed}) == RUN_CALLS - len(finished)
    print(f"\nvs-bench run: SIGKILL after {RUN_CALLS // 2} answers; {len(finished)} of "
          f"{RUN_CALLS} calls in finished samples ({buffered} sample(s) only in the sample "
          f"buffer); the rerun sent {len(resumed)} requests")
