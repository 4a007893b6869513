"""A fault-injecting OpenAI-compatible chat-completions server for the reliability tests.

It binds 127.0.0.1 on a free port and answers ``POST .../chat/completions`` (and
``GET .../models``, which the ``vllm/`` provider asks for). Good replies are those of
``random/python`` for the same messages, so the ideal sampler's metrics hold for
every draw that arrives.

Every request gets one outcome, decided from (seed, request body, attempt number)
alone, so a run's faults do not depend on timing or concurrency:

- transport faults: HTTP 500, 503 and 429; a hang past the client's timeout; a body
  cut short of its Content-Length; an HTML error page with status 200 (all retried by
  Inspect's OpenAI-compatible providers); a JSON body cut short with status 200
  (``bad_json``: not retried, see the tests). A request body gets at most
  ``max_faults`` of them, then it is answered;
- an answer: well-formed, possibly slow, or ``malformed`` (a well-formed completion
  whose content is not the reply the format asked for). The kind is decided per
  request body, so a request sent again gets the same kind of answer. An answer has
  the ``n`` choices asked, or for ``short_n`` bodies half of them (rounded up), as a
  server that caps ``n`` without saying so; each choice is drawn on its own, and of a
  malformed answer each choice is malformed.

Every request is logged (:class:`Record`); the log is the ground truth the tests
compare the harness's counts against. The server is bounded: after ``max_requests``
requests or ``max_seconds`` seconds it answers HTTP 410, which no client retries.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import json
import random
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from inspect_ai.model import (
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageUser,
    GenerateConfig,
)

from vs_bench import ideal
from vs_bench.answer_set import AnswerSet
from vs_bench.formats import (
    FORMATS,
    REQUEST_KEY,
    Budget,
    PromptOptions,
    request_metadata,
    system_prompt,
)
from vs_bench.providers.random_python import MODEL_NAME, RandomPythonAPI
from vs_bench.tasks import reference_for

TRANSPORT_FAULTS = ("500", "503", "429", "hang", "truncated", "html", "bad_json")
ANSWERS = ("ok", "slow", "malformed")
# Replies that are not the asked shape: for free-text formats only an empty reply is
# one; for JSON formats, prose, a wrong type, a cut-off object and an empty list.
MALFORMED_TEXT = ("", "   ", "```\n```")
MALFORMED_JSON = (
    "I'm sorry,\nI can't help with that.",  # two lines: one plain line is one candidate
    '{"responses": "7"}',
    '{"responses": [{"text": "4", "probability": 0.1}, {"te',
    '{"responses": []}',
)
HTML_PAGE = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
BAD_JSON = b'{"id": "chatcmpl-0", "choices": [{"index": 0, "message": {"role": "assist'


@dataclass(frozen=True)
class Faults:
    """Outcome rates per request (transport faults) and per request body (answers)."""

    error_500: float = 0.0
    error_503: float = 0.0
    error_429: float = 0.0
    hang: float = 0.0
    truncated: float = 0.0
    html: float = 0.0
    bad_json: float = 0.0
    malformed: float = 0.0
    slow: float = 0.0
    short_n: float = 0.0  # per body: half the n choices asked (rounded up)
    hang_seconds: float = 3.0  # must exceed the client's timeout
    slow_seconds: float = 0.3  # must stay well below it
    max_faults: int = 3  # transport faults per request body, then it is answered
    seed: int = 0

    def transport(self, u: float) -> str | None:
        """The transport fault for a uniform draw ``u``, or None."""
        rates = (self.error_500, self.error_503, self.error_429, self.hang, self.truncated,
                 self.html, self.bad_json)
        for name, rate in zip(TRANSPORT_FAULTS, rates, strict=True):
            if u < rate:
                return name
            u -= rate
        return None


@dataclass(frozen=True)
class Record:
    """One request the server saw."""

    index: int
    time: float  # seconds since the server started
    path: str
    key: str  # hash of the request body: equal for a retry of the same call
    attempt: int  # how many times this body was seen before
    seed: int | None  # the request's sampling seed
    system: str | None  # the system message
    prompt: str | None  # the first user message
    outcome: str  # a TRANSPORT_FAULTS or ANSWERS name, "models", "refused" or "not_found"
    content: str | None = None  # the completion content of an answer (its first choice)
    contents: tuple[str, ...] = ()  # every choice's content
    asked: int = 1  # the choices the request asked for (n)


class FaultServer:
    """The server, run on a background thread between :meth:`start` and :meth:`stop`."""

    def __init__(self, faults: Faults, max_requests: int = 20_000, max_seconds: float = 600.0):
        self.faults = faults
        self.max_requests = max_requests
        self.max_seconds = max_seconds
        self._lock = threading.Lock()
        self._log: list[Record] = []
        self._requests = 0
        self._attempts: Counter[str] = Counter()
        self._faulted: Counter[str] = Counter()
        self._sampler = RandomPythonAPI(MODEL_NAME)
        self._httpd = _Server(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._started = 0.0

    @property
    def url(self) -> str:
        """Base URL for ``--model-base-url`` (OpenAI clients append /chat/completions)."""
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def start(self) -> FaultServer:
        self._started = time.monotonic()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    @property
    def log(self) -> list[Record]:
        with self._lock:
            return list(self._log)

    def outcomes(self, since: int = 0) -> Counter[str]:
        """Requests per outcome, from request ``since`` on."""
        return Counter(r.outcome for r in self.log[since:])

    # -- request handling (server threads) ----------------------------------------

    def _admit(self, path: str, body: dict[str, Any]) -> tuple[Record, float]:
        """Decide and log the outcome of a chat request; returns it with a delay in seconds."""
        key = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]
        with self._lock:
            index = self._requests
            self._requests += 1
            attempt = self._attempts[key]
            self._attempts[key] += 1
            fault = None
            if index >= self.max_requests or self._elapsed() > self.max_seconds:
                fault = "refused"
            elif self._faulted[key] < self.faults.max_faults:
                draw = random.Random(f"{self.faults.seed}/{key}/{attempt}").random()
                fault = self.faults.transport(draw)
                if fault:
                    self._faulted[key] += 1
        outcome, contents = (fault, ()) if fault else self._answer(key, attempt, body)
        record = Record(
            index=index,
            time=self._elapsed(),
            path=path,
            key=key,
            attempt=attempt,
            seed=body.get("seed"),
            system=_first(body, "system"),
            prompt=_first(body, "user"),
            outcome=outcome,
            content=contents[0] if contents else None,
            contents=contents,
            asked=int(body.get("n") or 1),
        )
        with self._lock:
            self._log.append(record)
        delay = {"hang": self.faults.hang_seconds, "slow": self.faults.slow_seconds}
        return record, delay.get(outcome, 0.0)

    def _answer(self, key: str, attempt: int, body: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
        """The kind of answer to a request body, the same on every attempt, and its choices.

        Content is random/python's reply to the messages, drawn anew for each choice and
        attempt (identical requests get independent answers, as from a sampling model),
        or for ``malformed`` a reply of the wrong shape for the kind of format (text or JSON).
        """
        per_body = random.Random(f"{self.faults.seed}/{key}")
        kind = (
            "malformed" if per_body.random() < self.faults.malformed
            else "slow" if per_body.random() < self.faults.slow
            else "ok"
        )
        asked = int(body.get("n") or 1)
        count = -(-asked // 2) if per_body.random() < self.faults.short_n else asked
        rng = random.Random(f"{self.faults.seed}/{key}/{attempt}/content")
        # one sampler call for all the choices: fast enough to stay within client timeouts
        config = GenerateConfig(seed=rng.randrange(2**31), num_choices=count)
        good = asyncio.run(self._sampler.generate(_messages(body), [], "none", config))
        contents = [choice.message.text for choice in good.choices]
        if kind == "malformed":
            json_shaped = contents[0].lstrip()[:1] in ("{", "[")
            contents = [rng.choice(MALFORMED_JSON if json_shaped else MALFORMED_TEXT)
                        for _ in contents]
        return kind, tuple(contents)

    def _elapsed(self) -> float:
        return time.monotonic() - self._started

    def _log_other(self, path: str, outcome: str) -> None:
        with self._lock:
            self._log.append(
                Record(self._requests, self._elapsed(), path, "", 0, None, None, None, outcome)
            )
            self._requests += 1


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # clients open many connections at once

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # a client gone is no error


def _handler(server: FaultServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real servers do

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the Record log is the server's log

        def do_GET(self) -> None:
            if self.path.rstrip("/").endswith("/models"):
                server._log_other(self.path, "models")
                self._send(200, {"object": "list", "data": []})
            else:
                server._log_other(self.path, "not_found")
                self._send(404, {"error": {"message": "not found"}})

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if not self.path.rstrip("/").endswith("/chat/completions"):
                server._log_other(self.path, "not_found")
                self._send(404, {"error": {"message": "not found"}})
                return
            body = json.loads(raw)
            record, delay = server._admit(self.path, body)
            if delay:
                time.sleep(delay)
            with contextlib.suppress(OSError):  # the client gave up (a hang): nothing to send
                self._reply(record, str(body.get("model", "")))

        def _reply(self, record: Record, model: str) -> None:
            outcome = record.outcome
            if outcome == "hang":
                self.close_connection = True  # past the client's timeout: drop it
            elif outcome == "refused":
                self._send(410, _error("fault server budget exhausted", 410))
            elif outcome in ("500", "503", "429"):
                # servers that shed load say when to come back; a 500 does not
                headers = {} if outcome == "500" else {"retry-after-ms": "50"}
                self._send(int(outcome), _error(f"injected {outcome}", int(outcome)), headers)
            elif outcome == "html":
                self._send_raw(200, "text/html", HTML_PAGE)
            elif outcome == "bad_json":
                self._send_raw(200, "application/json", BAD_JSON)
            else:
                completion = _completion(record, model)
                if outcome == "truncated":
                    self._send_raw(200, "application/json", completion, cut=len(completion) // 2)
                else:
                    self._send_raw(200, "application/json", completion)

        def _send(
            self, status: int, payload: object, headers: dict[str, str] | None = None
        ) -> None:
            data = json.dumps(payload).encode()
            self._send_raw(status, "application/json", data, headers=headers)

        def _send_raw(self, status: int, content_type: str, data: bytes, cut: int | None = None,
                      headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data[:cut])
            self.wfile.flush()
            if cut is not None:
                self.close_connection = True  # the body stops short of its length

    return Handler


def _error(message: str, code: int) -> dict[str, Any]:
    return {"error": {"message": message, "type": "server_error", "code": code}}


def _completion(record: Record, model: str) -> bytes:
    return json.dumps({
        "id": f"chatcmpl-{record.index}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {"index": i, "message": {"role": "assistant", "content": content},
             "finish_reason": "stop"}
            for i, content in enumerate(record.contents)
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }).encode()


def _text(content: object) -> str:
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content or "")


def _messages(body: dict[str, Any]) -> list[ChatMessage]:
    kinds = {"system": ChatMessageSystem, "user": ChatMessageUser,
             "assistant": ChatMessageAssistant}
    messages = [kinds[m["role"]](content=_text(m.get("content"))) for m in body["messages"]]
    system = _first(body, "system") or ""
    users = [m for m in messages if isinstance(m, ChatMessageUser)]
    if users:
        # HTTP carries no message metadata: put back what the solver attached for
        # random/python (reply shape and count, the prompt's reference)
        users[0].metadata = {REQUEST_KEY: _request_for(system, users[0].text)}
    return messages


@functools.cache
def _request_for(system: str, prompt: str) -> dict[str, Any]:
    """The solver's request metadata of a single-turn call, from its two messages.

    The system prompt of a one-answer or list format with k candidates is matched
    against every format and k (the tests run answer-set tasks, which ask for
    "plausible" responses); the reference is the prompt's own answer set.
    """
    # a prompt of the tests' own: digits
    answers = reference_for(prompt) or AnswerSet.of_labels(range(10))
    options = PromptOptions(plausible=True)
    for fmt in FORMATS.values():
        for k in range(1, 51) if fmt.batched else (1,):
            if not fmt.conversation and system_prompt(fmt, Budget(k, k, 1), options) == system:
                return request_metadata(fmt, options, k, ideal.of_answers(answers))
    # a request of the tests' own (no vs_bench system prompt): one plain answer
    return request_metadata(FORMATS["direct"], options, 1, ideal.of_answers(answers))


def _first(body: dict[str, Any], role: str) -> str | None:
    found = [_text(m.get("content")) for m in body.get("messages", []) if m["role"] == role]
    return found[0] if found else None
