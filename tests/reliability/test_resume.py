"""A sweep killed with SIGKILL and started again finishes, and asks for no finished sample."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from inspect_ai.event import ModelEvent
from inspect_ai.log import list_eval_logs, read_eval_log, resolve_sample_attachments

from tests.reliability.clients import CLIENT_TIMEOUT, INSPECT, OPENAI_API, chats, run_cli
from tests.reliability.conftest import Serve
from tests.reliability.fault_server import ANSWERS, Faults

TASKS = ("rand_num_direct", "dice_direct", "rand_num_vs_standard")
EPOCHS, N = 4, 20
CALLS = 2 * EPOCHS * N + EPOCHS * N // 5  # two direct tasks and one with 5 draws a call
KILL_AFTER = 110  # answers: past the first task, inside the second


def _sweep(server_url: str, log_dir: Path) -> list[str]:
    return [
        INSPECT, "eval-set", *(f"vs_bench/{t}" for t in TASKS),
        "--model", OPENAI_API, "--model-base-url", server_url, "-M", f"client_timeout={CLIENT_TIMEOUT}",
        "--log-dir", str(log_dir), "-T", f"n={N}", "--epochs", str(EPOCHS), "--seed", "7",
        "--max-tasks", "1", "--max-connections", "8", "--max-retries", "8",
        "--log-buffer", "1",  # each finished sample is written at once
    ]


def _finished_calls(log_dir: Path) -> tuple[set[tuple[str, str, int | None]], int]:
    """(system message, prompt, seed) of every call of the samples the logs hold, and the
    number of logs that did not finish."""
    calls: set[tuple[str, str, int | None]] = set()
    unfinished = 0
    for info in list_eval_logs(str(log_dir)):
        log = read_eval_log(info)
        unfinished += log.status != "success"
        for sample in log.samples or []:
            for event in resolve_sample_attachments(sample).events:
                if isinstance(event, ModelEvent):
                    system, prompt = (m.text for m in event.input[:2])
                    calls.add((system, prompt, event.config.seed))
    return calls, unfinished


def test_sweep_killed_mid_run_resumes_without_asking_again(serve: Serve, tmp_path: Path) -> None:
    server = serve(Faults(error_500=0.10, error_503=0.05, slow=1.0, slow_seconds=0.2, seed=7))
    log_dir = tmp_path / "sweep"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    first = subprocess.Popen(
        _sweep(server.url, log_dir), cwd=tmp_path, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while server.outcomes()["slow"] < KILL_AFTER and first.poll() is None:
        assert time.monotonic() < deadline, "the sweep made no progress"
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)  # the sweep and anything it started
    assert first.wait() == -signal.SIGKILL

    finished, unfinished = _finished_calls(log_dir)
    assert finished and unfinished, "the kill should land between finished and open samples"
    before = len(server.log)

    again = run_cli(_sweep(server.url, log_dir), cwd=tmp_path, timeout=180)
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
