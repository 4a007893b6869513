"""10,000 draws through a server that fails, hangs, garbles and cuts n short: nothing is lost."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import psutil
import pytest
from inspect_ai import eval as inspect_eval

from tests.reliability.clients import (
    CLIENT_TIMEOUT,
    HANG_SECONDS,
    MODEL_ARGS,
    OPENAI_API,
    RETRIES,
    answers_per_call,
    chats,
    system_message,
)
from tests.reliability.conftest import Serve
from tests.reliability.fault_server import (
    ANSWERS,
    MALFORMED_JSON,
    MALFORMED_TEXT,
    TRANSPORT_FAULTS,
    Faults,
)
from tests.utils.evals import metric
from vs_bench import capabilities
from vs_bench._registry import TASKS
from vs_bench.draws import SampleDraws
from vs_bench.formats import FORMATS
from vs_bench.parsing import ParseError, parse_reply

DRAWS = 5000  # per cell; two cells: 10,000 draws
CONNECTIONS = 64
# Per request: 20% 5xx, 5% hangs past the client timeout, 10% other transport faults;
# per answer: 10% malformed content, 10% slow, 10% half the n choices asked.
LOAD = Faults(
    error_500=0.10, error_503=0.10, error_429=0.05, hang=0.05, truncated=0.03, html=0.02,
    malformed=0.10, slow=0.10, short_n=0.10, hang_seconds=HANG_SECONDS, seed=2026,
)
RSS_GROWTH_MIB = 400  # the run's peak RSS above the process's before it
assert LOAD.hang_seconds > CLIENT_TIMEOUT > 5 * LOAD.slow_seconds


@pytest.mark.parametrize("shape", ["text", "cot_single", "list", "structure", "vs"])
def test_malformed_replies_do_not_parse(shape: str) -> None:
    """The server's ground truth: every malformed reply it sends is a parse failure."""
    for reply in MALFORMED_TEXT if shape == "text" else MALFORMED_JSON:
        with pytest.raises(ParseError):
            parse_reply(reply, shape)  # type: ignore[arg-type]


@contextmanager
def peak_rss() -> Iterator[list[int]]:
    """The process's RSS before (first) and its peak during the block (last), polled."""
    process = psutil.Process()
    found = [process.memory_info().rss, 0]
    done = threading.Event()

    def poll() -> None:
        while not done.wait(0.2):
            found[1] = max(found[1], process.memory_info().rss)

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    try:
        yield found
    finally:
        done.set()
        thread.join()


# openai-api/ only: vllm/ sends the same requests through the same client (measured: the
# same figures), and one 10,000-draw run keeps the suite within its CI minutes
@pytest.mark.parametrize("model", [OPENAI_API])
def test_ten_thousand_draws_under_faults_lose_nothing(model: str, serve: Serve) -> None:
    capabilities.forget()
    server = serve(LOAD)
    formats = ("direct", "vs_standard")
    with peak_rss() as rss:
        logs = inspect_eval(
            # direct: up to 128 choices a request (n); vs_standard: k=5 a call, up
            # to 128 calls a request
            [TASKS[f"rand_num_{fmt}"](n=DRAWS, k=5) for fmt in formats],
            model=model,
            model_base_url=server.url,
            model_args=MODEL_ARGS[model],
            seed=11,
            max_connections=CONNECTIONS,
            max_tasks=2,
            display="none",
            **RETRIES,
        )
    seen = server.outcomes()
    assert all(seen[fault] > 0 for fault in TRANSPORT_FAULTS if fault != "bad_json"), seen
    for fmt, log in zip(formats, logs, strict=True):
        assert log.status == "success", log.error
        assert log.samples is not None and len(log.samples) == 1
        (sample,) = log.samples
        assert sample.error is None
        record = SampleDraws.load(sample.store)
        requests = chats(server, system_message(sample))
        # every call reached the server and was answered exactly once, retries included
        assert answers_per_call(requests) == {key: 1 for key in {r.key for r in requests}}
        answered = [r for r in requests if r.outcome in ANSWERS]
        # direct: an answered request is one call of its choices; vs_standard: each choice
        # is one call of k candidates (the calls go as the choices of a request)
        calls = len(answered) if fmt == "direct" else sum(len(r.contents) for r in answered)
        assert record.calls == calls
        assert record.replies == sum(len(r.contents) for r in answered)
        malformed = [c for r in answered if r.outcome == "malformed" for c in r.contents]
        good = [c for r in answered if r.outcome in ("ok", "slow") for c in r.contents]
        assert len(record.failures) == len(malformed) > 0
        assert {f.reply for f in record.failures} <= set(MALFORMED_TEXT + MALFORMED_JSON)
        # draws are exactly the candidates of the good answers: none lost, none doubled
        expected = [c.text for reply in good for c in parse_reply(reply, FORMATS[fmt].shape)]
        assert sorted(d.text for d in record.draws) == sorted(expected)
        assert len(record.draws) == DRAWS
        short = sum(r.asked - len(r.contents) for r in answered)
        assert short > 0 and len(answered) < DRAWS / 20  # many draws a request
        # a choice short is a call short: its k=5 candidates for vs_standard
        assert record.under_delivered == short * (1 if fmt == "direct" else 5)
        # the reported counts (one sample: its totals)
        assert metric(log, "parse_failures") == len(malformed)
        assert metric(log, "n_valid") == len(record.draws)
        faults = {f: n for f, n in Counter(r.outcome for r in requests).items() if f not in ANSWERS}
        print(f"\n{model} {fmt}: {len(answered)} answered, {record.calls} calls, "
              f"{len(requests)} requests, faults {faults}, "
              f"{short} choices short, {len(malformed)} malformed = parse_failures, "
              f"{len(record.draws)} draws")
    growth = (rss[1] - rss[0]) / 2**20
    print(f"{model}: peak RSS {rss[1] / 2**20:.0f} MiB, {growth:.0f} MiB above the start")
    assert growth < RSS_GROWTH_MIB


def test_undecodable_reply_fails_the_sample_and_a_cached_retry_asks_only_the_rest(
    serve: Serve,
) -> None:
    """A 200 reply whose JSON body is cut short is not retried by Inspect 0.3.285.

    The sample fails; --retry-on-error re-runs it, and with --cache the calls that had
    an answer are read from the cache: the server answers every call exactly once.
    """
    # every call in flight at once, and slow: a sample that failed while calls were still
    # open would have its retry ask for them again
    server = serve(Faults(bad_json=0.02, slow=1.0, slow_seconds=0.5, seed=4))
    draws = 200
    capabilities.forget()
    capabilities.configure(OPENAI_API, 1)  # one request per draw: 200 calls in flight
    (log,) = inspect_eval(
        TASKS["rand_num_direct"](n=draws, k=1),
        model=OPENAI_API,
        model_base_url=server.url,
        model_args=MODEL_ARGS[OPENAI_API],
        seed=5,
        cache=True,
        retry_on_error=3,
        max_connections=draws,
        **RETRIES,
    )
    assert log.status == "success", log.error
    assert log.samples is not None
    (sample,) = log.samples
    retries = sample.error_retries or []
    assert retries and all("JSONDecodeError" in e.message for e in retries)
    requests = chats(server)
    assert server.outcomes()["bad_json"] >= len(retries)
    assert answers_per_call(requests) == {key: 1 for key in {r.key for r in requests}}
    assert len(SampleDraws.load(sample.store).draws) == draws
    capabilities.forget()
