"""How the harness talks to the fault server in these tests: models, timeouts, retries."""

from __future__ import annotations

from collections import Counter
from typing import Any

from inspect_ai.event import ModelEvent
from inspect_ai.log import EvalSample, resolve_sample_attachments

from tests.reliability.fault_server import ANSWERS, FaultServer, Record

# openai-api/<service>/<model> reads its key from <SERVICE>_API_KEY
API_KEY_VAR = "FAULTY_API_KEY"
OPENAI_API = "openai-api/faulty/rng"
VLLM = "vllm/rng"
CLIENT_TIMEOUT = 2  # seconds an HTTP request may take; the server's hangs last longer
HANG_SECONDS = 3.0
MODEL_ARGS: dict[str, dict[str, Any]] = {
    OPENAI_API: {"client_timeout": CLIENT_TIMEOUT},
    # vllm/ waits retry_delay seconds (default 5) between Inspect's retries
    VLLM: {"client_timeout": CLIENT_TIMEOUT, "retry_delay": 1},
}
# Inspect's retry budget per call: bounded, so a client that cannot recover fails the
# test instead of retrying forever (the default).
RETRIES: dict[str, Any] = {"max_retries": 8, "timeout": 90}


def chats(server: FaultServer, system: str | None = None, since: int = 0) -> list[Record]:
    """Chat-completion requests the server saw (with this system message, if given)."""
    return [
        r for r in server.log[since:]
        if r.path.endswith("/chat/completions") and (system is None or r.system == system)
    ]


def answers_per_call(records: list[Record]) -> Counter[str]:
    """How often each distinct request body got an answer (not a transport fault)."""
    return Counter(r.key for r in records if r.outcome in ANSWERS)


def system_message(sample: EvalSample) -> str:
    """The system message the solver sent for ``sample`` (from its model events)."""
    events = resolve_sample_attachments(sample).events
    return next(e for e in events if isinstance(e, ModelEvent)).input[0].text
