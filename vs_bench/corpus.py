"""Reference corpora of the creativity index: local infini-gram indexes and its HTTP API.

A corpus answers one question for a text: for each of its words (``vs_bench.metrics.creativity``
``tokenise``), how long is the longest run of words from there (capped at 12) that
occurs verbatim in the corpus. Two kinds answer it:

- ``LocalIndex``: a byte-level (u8) suffix-array index built by the ``infini-gram``
  package (``build_index``, ``vs-bench index-corpus``) over the corpus's documents in
  the creativity module's normalised form, so matches are case- and punctuation-blind;
  each word's longest span comes from ``count`` queries of the span's bytes
  (``vs_bench.metrics.creativity.longest_matches``, at most 2n queries for n words). The
  engine's own ``creativity`` query (the longest match from every byte) answers the
  same, but measured 3-5x slower: two threads and a suffix-array search per byte of the
  text, where only word starts count (docs/creativity.md).
- ``ApiIndex`` (``vs_bench.corpus_api``): infini-gram's public HTTP API
  (``-T corpus=api:<index>``, e.g. ``api:v4_rpj_llama_s4`` for RedPajama), one
  ``count`` query per word span; used only when the user asks for it.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from vs_bench.corpus_api import API_PREFIX, API_URL, ApiIndex
from vs_bench.corpus_api import API_TRIES as API_TRIES  # the API's, read here too
from vs_bench.errors import VsBenchError
from vs_bench.metrics.creativity import longest_matches, padded, words
from vs_bench.registry import families

if TYPE_CHECKING:
    from rich.console import Console

# the file that marks a folder as an index of vs-bench's normalised words
MANIFEST = "vs_bench_index.json"
INDEX_FORMAT = 1
CORPUS_SUFFIXES = (".txt", ".jsonl")
# the u8 engine: byte 0xff separates documents (never in UTF-8 text), and it refuses a
# vocabulary of 256
_EOS, _VOCAB, _DTYPE = 0, 255, "u8"
# memory (GiB) the indexer plans its suffix-array parts for; a larger corpus takes more parts
INDEX_MEMORY_GIB = 2
INSTALL = "pip install 'vs-bench[corpus]'"
HOW_TO_GET_ONE = (
    "build a local index with `vs-bench index-corpus FILES... --out DIR` and pass "
    "--corpus-index DIR (-T corpus_index=DIR), or pass -T corpus=api:<index> for "
    "infini-gram's public API"
)


class Corpus(Protocol):
    """What the creativity index needs of a reference corpus."""

    @property
    def name(self) -> str: ...

    def matches(self, text: str) -> list[int]:
        """Per word of ``text``, the longest corpus span of words from it, capped at
        MAX_SPAN (spans under MIN_SPAN words may read as 0)."""
        ...


# --- local indexes -----------------------------------------------------------------


@dataclass(frozen=True)
class IndexSummary:
    """The manifest of a local index (``MANIFEST`` in its folder)."""

    files: list[str]
    documents: int
    words: int
    bytes: int
    seconds: float
    infini_gram: str
    format: int = INDEX_FORMAT


class Progress(Protocol):
    def __call__(self, stage: str, done: int, total: int | None) -> None: ...


def _need_infini_gram() -> None:
    if importlib.util.find_spec("infini_gram") is None:
        raise VsBenchError(f"the corpus index needs the infini-gram package: {INSTALL}")


def _documents(path: Path, field: str) -> Iterator[tuple[str, int]]:
    """(document text, bytes read so far) of one corpus file: a .txt file is one
    document, a .jsonl file one per line (its ``field`` key, or a JSON string)."""
    try:
        yield from _read_documents(path, field)
    except (OSError, UnicodeDecodeError) as ex:
        raise VsBenchError(f"{path}: cannot be read as UTF-8 text ({ex})") from None


def _read_documents(path: Path, field: str) -> Iterator[tuple[str, int]]:
    if path.suffix.lower() == ".txt":
        text = path.read_text(encoding="utf-8")
        yield text, path.stat().st_size
        return
    done = 0
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            done += len(line.encode("utf-8"))
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as ex:
                raise VsBenchError(
                    f"{path}:{number}: not valid JSON ({ex.msg}, column {ex.colno})"
                ) from None
            if isinstance(record, dict):
                record = record.get(field)
            if not isinstance(record, str):
                raise VsBenchError(
                    f"{path}:{number}: no string {field!r}: write one document a line, "
                    f'{{"{field}": "..."}} or a JSON string, or pass --field <key>'
                )
            yield record, done


def _check_inputs(files: Sequence[str | Path], out: Path) -> list[Path]:
    if not files:
        raise VsBenchError("no corpus files: pass one or more .txt or .jsonl files")
    paths = [Path(f) for f in files]
    for path in paths:
        if path.suffix.lower() not in CORPUS_SUFFIXES:
            raise VsBenchError(
                f"{path}: unknown corpus file type {path.suffix or '(none)'}: "
                "pass .txt (one document a file) or .jsonl (one a line) files"
            )
        if not path.is_file():
            raise VsBenchError(f"{path}: no such file: pass existing .txt or .jsonl files")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise VsBenchError(f"--out {out} exists and is not an empty folder: pass a new folder")
    return paths


def build_index(
    files: Sequence[str | Path],
    out: str | Path,
    *,
    field: str = "text",
    progress: Progress | None = None,
) -> IndexSummary:
    """Build a local index of ``files`` (.txt: one document each; .jsonl: one a line)
    in the new folder ``out``; ``progress(stage, done, total)`` follows the work
    ("read": bytes of the files; "index": the suffix array over the stored bytes)."""
    _need_infini_gram()
    if importlib.util.find_spec("transformers") is None:  # infini-gram's indexer imports it
        raise VsBenchError(f"infini-gram's indexer needs the transformers package: {INSTALL}")
    target = Path(out)
    paths = _check_inputs(files, target)
    report = progress or (lambda stage, done, total: None)
    started = time.monotonic()
    total = sum(p.stat().st_size for p in paths)
    target.mkdir(parents=True, exist_ok=True)
    documents = word_count = size = 0
    with tempfile.TemporaryDirectory(prefix=".build-", dir=target) as work:
        data = Path(work) / "data"
        data.mkdir()
        read = 0
        with (data / "corpus.jsonl").open("w", encoding="utf-8") as sink:
            for path in paths:
                for text, done in _documents(path, field):
                    tokens = words(text)
                    report("read", read + done, total)
                    if not tokens:
                        continue
                    stored = padded(tokens)
                    sink.write(json.dumps({"text": stored}, ensure_ascii=False) + "\n")
                    documents += 1
                    word_count += len(tokens)
                    size += len(stored.encode("utf-8")) + 1  # + the document separator
                read += path.stat().st_size
        report("read", total, total)
        if not documents:
            raise VsBenchError(f"no words in {', '.join(map(str, paths))}: pass text files")
        report("index", 0, size)
        _run_indexer(data, target, Path(work), size)
        report("index", size, size)
    summary = IndexSummary(
        files=[str(p) for p in paths], documents=documents, words=word_count, bytes=size,
        seconds=round(time.monotonic() - started, 3), infini_gram=version("infini-gram"),
    )
    (target / MANIFEST).write_text(json.dumps(asdict(summary), indent=1) + "\n", encoding="utf-8")
    return summary


def _run_indexer(data: Path, out: Path, work: Path, size: int) -> None:
    """infini-gram's indexer (a subprocess: it changes its working folder, and exits
    on failure), byte-level, without a tokenizer, on a corpus of ``size`` bytes."""
    # it raises its open-file limit to --ulimit, which may not exceed the hard limit
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    limit = 1 << 20 if hard == resource.RLIM_INFINITY else hard
    command = [
        sys.executable, "-m", "infini_gram.indexing",
        "--data_dir", str(data.resolve()), "--save_dir", str(out.resolve()),
        "--temp_dir", str(work.resolve()), "--token_dtype", "u8",
        # one job per MiB: its parallel suffix-array parts fail on a corpus of a few KB
        "--cpus", str(max(1, min(os.cpu_count() or 1, 8, size >> 20))),
        "--mem", str(INDEX_MEMORY_GIB), "--ulimit", str(limit),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode or not (out / "table.0").is_file():
        lines = (done.stderr or done.stdout).strip().splitlines()
        last = lines[-1] if lines else f"exit code {done.returncode}"
        raise VsBenchError(f"infini-gram's indexer failed for {out}: {last[:300]}")


def read_manifest(path: str | Path) -> IndexSummary:
    """The manifest of the index in ``path``; a one-line error for any other folder."""
    folder = Path(path)
    file = folder / MANIFEST
    if not file.is_file():
        what = "no such folder" if not folder.exists() else "not a vs-bench corpus index"
        raise VsBenchError(f"corpus index {folder}: {what}: {HOW_TO_GET_ONE}")
    try:
        data: dict[str, Any] = json.loads(file.read_text(encoding="utf-8"))
        summary = IndexSummary(**data)
    except (ValueError, TypeError) as ex:
        raise VsBenchError(f"corpus index {folder}: unreadable {MANIFEST} ({ex})") from None
    if summary.format != INDEX_FORMAT:
        raise VsBenchError(
            f"corpus index {folder}: format {summary.format}, this vs-bench reads format "
            f"{INDEX_FORMAT}: build it again with vs-bench index-corpus"
        )
    return summary


class LocalIndex:
    """A local byte-level index built by ``build_index``."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.summary = read_manifest(self.path)
        _need_infini_gram()
        from infini_gram.engine import InfiniGramEngine

        self.engine = InfiniGramEngine(
            index_dir=str(self.path), eos_token_id=_EOS, vocab_size=_VOCAB, token_dtype=_DTYPE
        )

    @property
    def name(self) -> str:
        return f"local:{self.path}"

    def matches(self, text: str) -> list[int]:
        tokens = words(text)

        def occurs(i: int, j: int) -> bool:
            result: dict[str, Any] = dict(
                self.engine.count(input_ids=list(padded(tokens[i:j]).encode("utf-8")))
            )
            if "error" in result:  # its answer to a query it refuses
                raise VsBenchError(f"corpus index {self.path}: {result['error']}")
            return int(result["count"]) > 0

        found: list[int] = longest_matches(tokens, occurs)
        return found


@functools.cache
def local_index(path: str) -> LocalIndex:
    """The index in ``path``, opened once per process (its engine maps the files)."""
    return LocalIndex(path)


# --- choosing one --------------------------------------------------------------------


def open_corpus(corpus_index: str | None = None, corpus: str | None = None) -> Corpus | None:
    """The corpus of ``-T corpus_index=DIR`` or ``-T corpus=api:<index>``; None for neither."""
    if corpus_index is not None and corpus is not None:
        raise VsBenchError("pass one of -T corpus_index=DIR and -T corpus=api:<index>, not both")
    if corpus_index is not None:
        return local_index(str(Path(str(corpus_index)).resolve()))
    if corpus is None:
        return None
    name = str(corpus)
    if not name.startswith(API_PREFIX) or not name[len(API_PREFIX) :].strip():
        raise VsBenchError(
            f"corpus {name!r}: pass -T corpus=api:<index>, e.g. api:v4_rpj_llama_s4 "
            "(a local index: -T corpus_index=DIR)"
        )
    return ApiIndex(name[len(API_PREFIX) :].strip(), os.environ.get("VS_BENCH_INFINIGRAM_URL",
                                                                     API_URL))



@contextlib.contextmanager
def progress_bar(console: Console) -> Iterator[Progress]:
    """A terminal display of ``build_index``'s progress: the bytes read, then the indexer."""
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.progress import Progress as Display

    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
               DownloadColumn(), TimeElapsedColumn())
    with Display(*columns, console=console, transient=False) as display:
        stages: dict[str, Any] = {}
        titles = {"read": "reading and normalising", "index": "building the suffix array"}

        def update(stage: str, done: int, total: int | None) -> None:
            if stage not in stages:
                stages[stage] = display.add_task(titles.get(stage, stage), total=total)
            display.update(stages[stage], completed=done, total=total)

        yield update


def creativity_line() -> str:
    """``vs-bench list``'s line on the creativity index: the tasks that take a corpus."""
    creative = [name for name, spec in families().items() if spec.kind == "creative"]
    return (f"creativity index ({', '.join(creative)}): -T corpus_index=DIR "
            "(vs-bench index-corpus FILES --out DIR) or -T corpus=api:<index>")
