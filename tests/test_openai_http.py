"""The OpenAI-compatible path against a real server: llama.cpp's own HTTP server on loopback.

xllamacpp's Server listens on 127.0.0.1 when given hostnames and a port; it serves the
packaged SmolLM2. Direct draws go to it as chat requests with ``n`` choices.
"""

from __future__ import annotations

import socket
import time
import urllib.request
from collections.abc import Iterator

import pytest
from inspect_ai import eval as inspect_eval

from vs_bench._registry import TASKS
from vs_bench.draws import SampleDraws
from vs_bench.providers import local

pytestmark = pytest.mark.local


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    xllamacpp = local._xllamacpp()
    params = xllamacpp.CommonParams()
    params.model.path = str(local.smollm2_file())
    params.n_ctx = 2048 * 8
    params.n_parallel = 8  # llama.cpp refuses n above its slots
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


def test_vllm_client_sends_direct_draws_as_n_choices(server_url: str) -> None:
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
    # two requests of n=5 choices, each choice one draw
    calls = [e for e in sample.events if e.event == "model"]
    assert len(calls) == record.calls == 2
    assert [len(e.output.choices) for e in calls] == [5, 5]
    assert len(record.draws) == 10 and record.under_delivered == 0


def test_openai_api_client_sends_one_request_per_direct_draw(
    server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLAMA_API_KEY", "none")  # openai-api/<name>/ wants <NAME>_API_KEY
    log = inspect_eval(
        TASKS["rand_num_direct"](n=6, k=5),
        model="openai-api/llama/smollm2",
        model_base_url=server_url,
        seed=3,
        max_tokens=8,
        display="none",
    )[0]
    assert log.status == "success", log.error
    (sample,) = log.samples or []
    calls = [e for e in sample.events if e.event == "model"]
    assert [len(e.output.choices) for e in calls] == [1] * 6
    assert len(SampleDraws.load(sample.store).draws) == 6
