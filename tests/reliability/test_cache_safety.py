"""With --cache, a re-run reads every draw from the cache, and N draws stay N answers.

No --seed: the N calls of a prompt are then identical requests, and only the solver's
per-draw cache scope keeps the cache from serving one answer N times.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from inspect_ai.log import list_eval_logs, read_eval_log

from tests.reliability.clients import OPENAI_API, chats
from tests.reliability.conftest import Serve
from tests.reliability.fault_server import Faults
from tests.utils import forked_cli
from vs_bench.draws import SampleDraws
from vs_bench.formats import FORMATS
from vs_bench.parsing import parse_reply

N = 30


def _texts(log_dir: Path) -> list[str]:
    newest, *_ = list_eval_logs(str(log_dir))
    (sample,) = read_eval_log(newest).samples or []
    return SampleDraws.load(sample.store).texts


# direct: the N draws as one request of N choices; vs_standard: its N/k calls as the N/k
# choices of one request (a top-up asks the same request again: the cache scope keeps it)
@pytest.mark.parametrize(("fmt", "k", "calls"), [("direct", 1, 1), ("vs_standard", 5, 1)])
def test_cached_rerun_reads_every_draw_from_the_cache(
    fmt: str, k: int, calls: int, serve: Serve, tmp_path: Path
) -> None:
    server = serve(Faults(seed=3))
    log_dir = tmp_path / "logs"
    args = [
        "eval", f"vs_bench/rand_num_{fmt}", "--model", OPENAI_API, "--model-base-url", server.url,
        "-T", f"n={N}", "-T", f"k={k}", "--cache", "--log-dir", str(log_dir),
    ]
    first = forked_cli.run("inspect", args, tmp_path, {})
    assert first.code == 0, first.output
    requests = chats(server)
    assert len(requests) == calls
    assert len({r.key for r in requests}) == 1  # identical requests
    texts = _texts(log_dir)
    # the draws are the answers the server gave, each once
    answers = [c.text for r in requests for reply in r.contents
               for c in parse_reply(reply, FORMATS[fmt].shape)]
    assert Counter(texts) == Counter(answers)
    assert len(set(texts)) > 1

    again = forked_cli.run("inspect", args, tmp_path, {})
    assert again.code == 0, again.output
    assert len(chats(server)) == calls  # not one request more
    assert _texts(log_dir) == texts
