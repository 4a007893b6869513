"""The OpenAI-compatible path against a real server: llama.cpp's own HTTP server on loopback.

xllamacpp's Server listens on 127.0.0.1 when given hostnames and a port; it serves the
packaged SmolLM2 with 4 slots. Direct draws go to it as chat requests with ``n``
choices; llama.cpp refuses an ``n`` above its slots, and the solver retries with 4.
"""

from __future__ import annotations

import socket
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.log import list_eval_logs, read_eval_log

from tests.utils.cli import run_cli
from vs_bench import capabilities
from vs_bench._registry import TASKS
from vs_bench.draws import SampleDraws
from vs_bench.providers import local, model_files

pytestmark = pytest.mark.local
SLOTS = 4


@pytest.fixture(autouse=True)
def _fresh_capabilities() -> None:
    capabilities.forget()  # what a server refused is learnt per process


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    xllamacpp = local._xllamacpp()
    params = xllamacpp.CommonParams()
    params.model.path = str(model_files.smollm2_file())
    params.n_ctx = 2048 * SLOTS
    params.n_parallel = SLOTS  # llama.cpp refuses n above its slots
    params.cpuparams.n_threads = 1
    params.verbosity = -1
    params.hostnames = ["127.0.0.1"]
    params.port = _free_port()
    server = xllamacpp.Server(params)
    url = f"http://127.0.0.1:{params.port}"
    deadline = time.monotonic() + 60
    while True:  # the HTTP side starts in the background
        try:
            urllib.request.urlopen(f"{url}/health", timeout=2).read()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    yield f"{url}/v1"
    del server


def test_vllm_client_learns_the_slot_limit_and_sends_n_choices(
    server_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    log = inspect_eval(
        TASKS["rand_num_direct"](n=10, k=5),
        model="vllm/smollm2",
        model_base_url=server_url,
        model_args={"api_key": "none"},
        seed=3,
        max_tokens=8,
        display="none",
    )[0]
    assert log.status == "success", log.error
    (sample,) = log.samples or []
    record = SampleDraws.load(sample.store)
    calls = [e for e in sample.events if e.event == "model"]
    # n=10 refused ("between 1 <= value <= 4"), then requests of 4, 4 and 2 choices
    assert [e.error is not None for e in calls] == [True, False, False, False]
    assert sorted(len(e.output.choices) for e in calls[1:]) == [2, 4, 4]
    assert record.calls == 3 and len(record.draws) == 10 and record.under_delivered == 0
    (said,) = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert said.endswith(  # once (Inspect puts the sample first)
        "vllm/smollm2 refused 10 choices per request (n): asking at most 4 per request from "
        "now on (set -M max_choices=4 to start there)"
    )


def test_vs_bench_run_with_vllm_completes_a_dice_cell_on_four_slots(
    server_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(
        ["run", "--model", "vllm/smollm2", "--model-base-url", server_url, "-M", "api_key=none",
         "--tasks", "dice", "--formats", "direct", "--n", "40", "--max-tokens", "6",
         "--log-dir", str(tmp_path / "logs")], capsys, monkeypatch,
    )
    assert code == 0, out + err
    assert "Request:" not in out + err  # no raw request dump of the refused n
    (path,) = list_eval_logs(str(tmp_path / "logs"))
    log = read_eval_log(path)
    assert log.status == "success" and log.eval.model_base_url == server_url
    (sample,) = log.samples or []
    record = SampleDraws.load(sample.store)
    assert len(record.draws) == 40 and record.calls == 10  # 40 draws, 4 a request
