"""The fault server itself: its rates, its determinism and its bounds."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from scipy import stats

from tests.reliability.conftest import Serve
from tests.reliability.fault_server import Faults, FaultServer

PROMPT = "Generate a random integer between 0 and 9."


def _ask(server: FaultServer, seed: int) -> int:
    """One chat request with sampling seed ``seed``; its HTTP status."""
    body = {"model": "rng", "seed": seed, "messages": [{"role": "user", "content": PROMPT}]}
    request = urllib.request.Request(
        f"{server.url}/chat/completions", json.dumps(body).encode(),
        {"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return int(reply.status)
    except urllib.error.HTTPError as ex:
        return ex.code


def test_outcomes_follow_the_rates_and_repeat_with_the_seed(serve: Serve) -> None:
    faults = Faults(error_500=0.2, error_429=0.1, malformed=0.3, seed=9)
    requests = 1000
    first, second = serve(faults), serve(faults)
    statuses = [_ask(first, seed) for seed in range(requests)]
    assert [_ask(second, seed) for seed in range(requests)] == statuses
    assert [r.outcome for r in second.log] == [r.outcome for r in first.log]
    seen = first.outcomes()
    # each count within the central 99.9% of its binomial law (answers: 70% of requests)
    for outcome, n, p in (("500", requests, 0.2), ("429", requests, 0.1),
                          ("malformed", requests - seen["500"] - seen["429"], 0.3)):
        low, high = stats.binom.interval(0.999, n, p)
        assert low <= seen[outcome] <= high, (outcome, seen)
    assert statuses.count(500) == seen["500"] and statuses.count(429) == seen["429"]


def test_a_body_is_answered_after_max_faults(serve: Serve) -> None:
    server = serve(Faults(error_503=1.0, max_faults=2))
    assert [_ask(server, 1) for _ in range(3)] == [503, 503, 200]
    assert [r.attempt for r in server.log] == [0, 1, 2]


def test_requests_past_the_budget_are_refused(serve: Serve) -> None:
    server = serve(Faults(), max_requests=2)
    assert [_ask(server, seed) for seed in range(3)] == [200, 200, 410]
    assert server.outcomes() == {"ok": 2, "refused": 1}
