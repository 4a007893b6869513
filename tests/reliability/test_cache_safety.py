"""With --cache, a re-run reads every draw from the cache, and N draws stay N answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from inspect_ai.log import list_eval_logs, read_eval_log

from tests.reliability import forked_cli
from tests.reliability.clients import OPENAI_API, chats
from tests.reliability.conftest import Serve
from tests.reliability.fault_server import Faults
from vs_bench.draws import SampleDraws
from vs_bench.formats import FORMATS
from vs_bench.parsing import parse_reply
from vs_bench.solver import draw_seed

N, SEED = 30, 5
HIGH = 10**6  # answers from a million: equal answers would betray a shared cache entry


def _draws(log_dir: Path) -> SampleDraws:
    (newest, *_) = list_eval_logs(str(log_dir))  # newest first
    (sample,) = read_eval_log(newest).samples or []
    return SampleDraws.load(sample.store)


@pytest.mark.parametrize(("fmt", "k"), [("direct", 1), ("vs_standard", 5)])
def test_cached_rerun_reads_every_draw_from_the_cache(
    fmt: str, k: int, serve: Serve, tmp_path: Path
) -> None:
    server = serve(Faults(seed=SEED))
    log_dir = tmp_path / "logs"
    args = [
        "eval", f"vs_bench/rand_num_{fmt}", "--model", OPENAI_API, "--model-base-url", server.url,
        "-T", f"n={N}", "-T", f"high={HIGH}", "--seed", str(SEED), "--cache",
        "--log-dir", str(log_dir),
    ]
    first = forked_cli.run("inspect", args, tmp_path, {}, timeout=30)
    assert first.code == 0, first.output
    requests = chats(server)
    assert len(requests) == len({r.key for r in requests}) == N // k
    record = _draws(log_dir)
    texts = [d.text for d in record.draws]
    assert len(texts) == len(set(texts)) == N
    # each call's draws are the answer to that call's own request
    reply = {r.seed: r.content or "" for r in requests}
    calls = [reply[draw_seed(SEED, 1, 1, call, 0)] for call in range(N // k)]
    assert texts == [c.text for r in calls for c in parse_reply(r, FORMATS[fmt].shape)]

    again = forked_cli.run("inspect", args, tmp_path, {})
    assert again.code == 0, again.output
    assert len(chats(server)) == N // k  # not one request more
    assert [d.text for d in _draws(log_dir).draws] == texts
