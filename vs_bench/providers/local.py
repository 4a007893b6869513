"""``local/<name>``: an in-process llama.cpp model (xllamacpp), for offline runs on a CPU.

The model's file comes from ``vs_bench.providers.model_files`` (named models from pinned
PyPI packages, verified; ``-M model_path=`` takes any GGUF); this module is the Inspect
provider over it. One llama.cpp server per (file, settings) serves every call of the
process: requests run in worker threads and share its ``n_parallel`` slots.
"""

from __future__ import annotations

import functools
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
from inspect_ai.model import (
    ChatCompletionChoice,
    ChatMessage,
    ChatMessageAssistant,
    GenerateConfig,
    ModelAPI,
    ModelOutput,
    ModelUsage,
    StopReason,
)
from inspect_ai.tool import ToolChoice, ToolInfo

from vs_bench.capabilities import Capabilities
from vs_bench.checks import integer, number
from vs_bench.errors import VsBenchError
from vs_bench.providers.compact_json import compact_grammar
from vs_bench.providers.model_files import LOCAL_EXTRA, model_file

# Per-request context, slots and sampling not named by Inspect's GenerateConfig.
DEFAULT_N_CTX = 4096
# 8 slots: a bigger batch per decoding step costs little more than a small one on CPU
# (headline requests: 2.19 draws/s with 8 slots against 1.74 with 4, 1 thread, both beside
# busy processes), and a direct call's k=5 choices fit one request
DEFAULT_N_PARALLEL = 8
DEFAULT_MIN_P = 0.0  # llama.cpp's own default (0.05) trims the tail and so the diversity
DEFAULT_MAX_TOKENS = 2048  # bounds a reply that never stops


@functools.cache
def default_threads() -> int:
    """llama.cpp threads: the cores other processes leave idle when the first model loads.

    llama.cpp's threads meet at a barrier for every layer, so one descheduled thread
    stalls the rest. Measured on 2 cores (headline requests, 8 slots): idle, 2 threads
    gave 4.40 draws/s and 1 thread 2.70; beside another busy process, 2 threads gave
    0.44 to 0.61 and 1 thread 1.74 to 2.19. The CPU time other processes use over half
    a second says how many cores are busy now (the load average lags by a minute and
    counts a process that just ended). Decided once per process, so that every model of
    the process shares one server.
    """
    import psutil

    cores = os.cpu_count() or 1
    busy = float(psutil.cpu_percent(interval=0.5)) / 100 * cores
    return int(max(1, min(cores, round(cores - busy))))


@dataclass(frozen=True)
class ServerSettings:
    path: Path
    n_ctx: int  # per request
    n_parallel: int
    n_threads: int


_servers: dict[ServerSettings, Any] = {}
_servers_lock = threading.Lock()


def loaded_settings() -> list[ServerSettings]:
    """The settings of the servers this process has loaded (for the run's report)."""
    with _servers_lock:
        return list(_servers)


def server_for(settings: ServerSettings) -> Any:
    """The process's one llama.cpp server for ``settings``, loaded on first use."""
    with _servers_lock:
        if settings not in _servers:
            _servers[settings] = _load(settings)
        return _servers[settings]


def _xllamacpp() -> Any:
    try:
        import xllamacpp
    except ImportError:
        raise VsBenchError(f"local models need the local extra: run {LOCAL_EXTRA}") from None
    return xllamacpp


def _load(settings: ServerSettings) -> Any:
    xllamacpp = _xllamacpp()
    params = xllamacpp.CommonParams()
    params.model.path = str(settings.path)
    # llama.cpp splits n_ctx over the slots: give each request the whole n_ctx
    params.n_ctx = settings.n_ctx * settings.n_parallel
    params.n_parallel = settings.n_parallel
    params.cpuparams.n_threads = settings.n_threads
    params.cpuparams_batch.n_threads = settings.n_threads
    params.verbosity = -1  # the server logs every request otherwise
    try:
        return xllamacpp.Server(params)
    except Exception as ex:  # noqa: BLE001 (any load failure: bad file, out of memory)
        raise VsBenchError(
            f"llama.cpp could not load {settings.path} ({ex}): pass a valid GGUF file"
        ) from None


class LocalAPI(ModelAPI):
    """Inspect provider over an embedded llama.cpp server.

    Model args (``-M``): ``model_path`` (any GGUF), ``n_ctx`` (tokens per request,
    default 4096), ``n_parallel`` (slots decoded together, default 8), ``n_threads``
    (default: the cores idle when the first model loads), ``min_p`` (default 0.0: no min-p
    cut), ``max_choices`` (choices a request asks for, default ``n_parallel``).
    """

    # a request of n_parallel choices fills the slots with one prompt evaluation; the
    # grammar enforces a list's length
    CAPABILITIES = Capabilities(DEFAULT_N_PARALLEL, exact_count=True)

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig = GenerateConfig(),
        model_path: str | None = None,
        n_ctx: int = DEFAULT_N_CTX,
        n_parallel: int = DEFAULT_N_PARALLEL,
        n_threads: int | None = None,
        min_p: float = DEFAULT_MIN_P,
        max_choices: int | None = None,
        **model_args: Any,
    ) -> None:
        if model_args:
            raise VsBenchError(
                f"unknown model arg(s) {', '.join(model_args)} for local/{model_name}: "
                "use -M model_path=, n_ctx=, n_parallel=, n_threads=, min_p=, max_choices="
            )
        super().__init__(model_name, base_url, api_key, [], config)
        _xllamacpp()  # a missing extra is named before any model file is looked for
        self.settings = ServerSettings(
            path=model_file(model_name, model_path),
            n_ctx=integer("n_ctx", n_ctx, low=1, option="-M"),
            n_parallel=integer("n_parallel", n_parallel, low=1, option="-M"),
            n_threads=(
                default_threads()
                if n_threads is None
                else integer("n_threads", n_threads, low=1, option="-M")
            ),
        )
        self.min_p = number("min_p", min_p, 0.0, 1.0, option="-M")
        self.capabilities = Capabilities(
            self.settings.n_parallel if max_choices is None
            else integer("max_choices", max_choices, low=1, option="-M"),
            exact_count=True,
        )
        self.server = server_for(self.settings)
        # Inspect's adaptive concurrency ignores max_connections() and would queue ever more
        # calls on the slots: a fixed pool keeps every slot busy and no more.
        if config.max_connections is None:
            config.max_connections = self.max_connections()

    def max_tokens(self) -> int | None:
        return DEFAULT_MAX_TOKENS

    def max_connections(self) -> int:
        # twice the slots: the next request is queued when a slot frees
        return 2 * self.settings.n_parallel

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput:
        if tools:
            raise VsBenchError(f"local/{self.model_name} does not support tools: drop them")
        request = self.request(input, config)
        count = config.num_choices or 1
        # choices go to llama.cpp as requests of up to n_parallel completions ("n"): the
        # prompt is evaluated once per request and shared by its completions
        sizes = [min(self.settings.n_parallel, count - s)
                 for s in range(0, count, self.settings.n_parallel)]
        started = time.monotonic()
        results: list[dict[str, Any]] = [{}] * len(sizes)

        async def one(i: int) -> None:
            body = dict(request)
            if sizes[i] > 1:
                body["n"] = sizes[i]
            if config.seed is not None:
                # each request its own seed (llama.cpp seeds its completions from it)
                body["seed"] = (config.seed + i) & 0xFFFFFFFF
            results[i] = await anyio.to_thread.run_sync(self.server.handle_chat_completions, body)

        async with anyio.create_task_group() as group:
            for i in range(len(sizes)):
                group.start_soon(one, i)
        return self._output(results, time.monotonic() - started)

    def request(self, input: list[ChatMessage], config: GenerateConfig) -> dict[str, Any]:
        """The llama.cpp chat request for ``input`` under ``config`` (one choice, no seed)."""
        body: dict[str, Any] = {
            "messages": [{"role": m.role, "content": m.text} for m in input],
            "max_tokens": config.max_tokens or DEFAULT_MAX_TOKENS,
            "min_p": self.min_p,
            # llama.cpp defaults to top_k=40; 0 disables it, as the paper's API models have none
            "top_k": config.top_k if config.top_k is not None else 0,
        }
        if config.temperature is not None:
            body["temperature"] = config.temperature
        if config.top_p is not None:
            body["top_p"] = config.top_p
        if config.stop_seqs:
            body["stop"] = list(config.stop_seqs)
        if config.response_schema is not None:
            # as any: a CountedArray keeps its minItems/maxItems (pydantic dumps the declared
            # type of a nested model otherwise)
            schema = config.response_schema.json_schema.model_dump(
                exclude_none=True, serialize_as_any=True
            )
            grammar = compact_grammar(schema)
            body["grammar" if grammar else "json_schema"] = grammar or schema
        return body

    def _output(self, results: list[dict[str, Any]], seconds: float) -> ModelOutput:
        choices: list[ChatCompletionChoice] = []
        input_tokens = output_tokens = 0
        for result in results:
            error = result.get("error")
            if error:
                if error.get("type") == "exceed_context_size_error":
                    # Inspect's convention for a prompt that does not fit the context
                    return ModelOutput.from_content(self.model_name, "", stop_reason="model_length")
                raise RuntimeError(f"llama.cpp: {error.get('message', error)}")
            for choice in result["choices"]:
                stop: StopReason = "max_tokens" if choice["finish_reason"] == "length" else "stop"
                choices.append(
                    ChatCompletionChoice(
                        message=ChatMessageAssistant(
                            content=choice["message"]["content"] or "",
                            model=self.model_name,
                            source="generate",
                        ),
                        stop_reason=stop,
                    )
                )
            input_tokens += result["usage"]["prompt_tokens"]
            output_tokens += result["usage"]["completion_tokens"]
        return ModelOutput(
            model=self.model_name,
            choices=choices,
            usage=ModelUsage(
                input_tokens=input_tokens,
                output_tokens=output_tokens,
                total_tokens=input_tokens + output_tokens,
            ),
            time=seconds,
        )
