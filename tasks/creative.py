"""Creative-writing tasks: poem, story and joke, scored by text diversity.

Shipped prompt sets live in ``data/<family>.jsonl`` (poem lines from public-domain
poets; story and joke prompts written for this project). ``-T dataset=`` takes the
user's own prompts: a ``.jsonl`` file (one object per line with a ``field`` key, or a
JSON string), a ``.csv`` file with a ``field`` column, a ``.txt`` file (one prompt per
line), or else the id of a Hugging Face dataset (``split``/``field``; needs network on
its first read). Inspect's ``json_dataset``/``csv_dataset``/``hf_dataset`` read them.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from itertools import count
from pathlib import Path
from typing import Any

from inspect_ai import Task
from inspect_ai.dataset import Sample, csv_dataset, hf_dataset, json_dataset
from inspect_ai.scorer import Scorer

from vs_bench.errors import VsBenchError
from vs_bench.scorers.creativity_scorer import creativity_scorer
from vs_bench.scorers.diversity_scorer import diversity_scorer, diversity_scoring
from vs_bench.scorers.quality_scorer import quality_scorer
from vs_bench.tasks._family import DATA, Own, canned_texts, family

FILE_SUFFIXES = (".jsonl", ".csv", ".txt")
# random/python's texts for a creative family without canned texts of its own
CREATIVE = ("poem", "story", "joke")


def _fail(source: object, reason: str) -> VsBenchError:
    return VsBenchError(f"dataset {source}: {reason}")


def prompt_record_to_sample(
    source: object, field: str
) -> Callable[[dict[str, Any]], list[Sample]]:
    """The ``record_to_sample`` of Inspect's readers: the record's ``field``, stripped,
    with ids 1, 2, ... in file order.

    An empty record (a blank jsonl line) and a blank prompt give no sample; a record
    without ``field`` or with a value that is no string is a one-line error.
    """
    rows = count(1)
    ids = count(1)

    def record_to_sample(record: dict[str, Any]) -> list[Sample]:
        if not record:
            return []
        row = next(rows)
        if field not in record:
            columns = ", ".join(map(str, record))
            raise _fail(source, f"no {field!r} column (columns: {columns}): pass -T field=<column>")
        value = record[field]
        if not isinstance(value, str):
            raise _fail(source, f"row {row}: {field!r} is not a string ({value!r:.40})")
        return [Sample(input=value.strip(), id=next(ids))] if value.strip() else []

    return record_to_sample


def _jsonl_loads(field: str) -> Callable[[str], dict[str, Any]]:
    """The ``loads`` that Inspect's jsonl reader (jsonlines) calls on every line.

    jsonlines rejects a blank line as invalid JSON and a bare JSON string as no object;
    this turns a blank line into {} (no sample) and any other value into ``{field:
    value}``. Its ValueErrors come back from jsonlines with the line number.
    """

    def loads(line: str) -> dict[str, Any]:
        if not line.strip():
            return {}
        try:
            record = json.loads(line.rstrip("\r\n"))  # the column as an editor counts it
        except json.JSONDecodeError as ex:
            raise ValueError(f"not valid JSON ({ex.msg}, column {ex.colno})") from None
        if not isinstance(record, dict):
            return {field: record}
        if field not in record:
            raise ValueError(
                f"no {field!r} key: write {{\"{field}\": \"...\"}} or pass -T field=<key>"
            )
        return {field: record[field]}

    return loads


def _read_file(path: Path, field: str) -> list[Sample]:
    suffix = path.suffix.lower()
    if suffix not in FILE_SUFFIXES:
        raise _fail(path, f"unknown file type {suffix or '(none)'}: use .jsonl, .csv or .txt")
    to_sample = prompt_record_to_sample(path, field)
    try:
        if suffix == ".jsonl":
            return list(json_dataset(str(path), to_sample, loads=_jsonl_loads(field)))
        if suffix == ".csv":
            return list(csv_dataset(str(path), to_sample))
        # Inspect has no reader of plain text: one prompt per line
        text = path.read_text(encoding="utf-8")
        return [s for line in text.splitlines() for s in to_sample({field: line})]
    except FileNotFoundError:
        reason = "no such file: pass -T dataset=<path of a .jsonl, .csv or .txt file>"
        raise _fail(path, reason) from None
    except (OSError, UnicodeDecodeError, csv.Error) as ex:
        raise _fail(path, f"cannot be read ({ex})") from None
    except VsBenchError:
        raise
    except ValueError as ex:
        line = getattr(ex, "lineno", None)  # jsonlines' InvalidLineError: from loads
        if line is not None and ex.__cause__ is not None:
            raise _fail(f"{path}:{line}", str(ex.__cause__)) from None
        # csv_dataset's ragged row: "<file> line <n> has 3 fields, the header has 2. ..."
        raise _fail(path, f"{ex} Give every row the header's columns.") from None


def _read_hub(name: str, field: str, split: str) -> list[Sample]:
    to_sample = prompt_record_to_sample(name, field)
    try:
        # no retries: Inspect's back-off waits a minute and more before an offline run fails
        return list(hf_dataset(name, split, sample_fields=to_sample, retry=False))
    except VsBenchError:
        raise
    except Exception as ex:  # no network, unknown id, bad split...: all end here the same way
        first = str(ex).splitlines()[0] if str(ex) else type(ex).__name__
        raise _fail(
            name,
            f"not a local .jsonl/.csv/.txt file, and loading it from the Hugging Face hub "
            f"(split {split!r}) failed: {first[:200]}",
        ) from None


def prompt_samples(source: str | Path, field: str = "prompt", split: str = "train") -> list[Sample]:
    """The prompts of a .jsonl/.csv/.txt file, or of a Hugging Face dataset id, as
    samples with ids 1, 2, ... in file order (Inspect's json/csv/hf readers).

    A path with one of those suffixes, or any existing path, is read as a file;
    anything else is looked up on the Hugging Face hub (through Inspect's cache of
    hub datasets: read once, then offline).
    """
    path = Path(source)
    if path.suffix.lower() in FILE_SUFFIXES or path.exists():
        samples = _read_file(path, str(field))
    else:
        samples = _read_hub(str(source), str(field), str(split))
    if not samples:
        raise _fail(source, "no prompts: pass a dataset with at least one prompt")
    return samples


def load_prompts(source: str | Path, field: str = "prompt", split: str = "train") -> list[str]:
    """The prompt texts of ``prompt_samples``."""
    return [str(sample.input) for sample in prompt_samples(source, field, split)]


def _rescore(prompt: str, texts: list[str], probabilities: list[float | None]) -> dict[str, float]:
    """``vs-bench score``: the text diversity of one prompt's responses."""
    return diversity_scoring(prompt, texts)


def creative_family(
    name: str,
    *,
    words: int | None,
    rubric: str,
    doc: str,
    n: int = 30,
    k: int = 5,
    ideal: tuple[str, ...] | None = None,
    path: Path | None = None,
    version: int = 1,
) -> Callable[..., Task]:
    """Register the creative family ``name``: the prompts of ``path`` (``data/<name>.jsonl``).

    ``words``: the default length target (None: none); ``rubric``: the judged-quality
    rubric (``creative`` or ``joke``). ``ideal``: the canned texts random/python answers
    with (keys of ``data/canned.json``); default: the family's own key if there is one,
    else the texts of every shipped creative family.
    """
    if ideal is None:
        ideal = (name,) if name in canned_texts() else CREATIVE
    prompts_file = path if path is not None else DATA / f"{name}.jsonl"

    def builder(
        *,
        words: int | None = words,
        dataset: str | None = None,
        field: str = "prompt",
        split: str = "train",
        embedder: str | None = None,
        corpus_index: str | None = None,
        corpus: str | None = None,
    ) -> list[Sample]:
        return prompt_samples(dataset if dataset is not None else prompts_file, field, split)

    def scorers(own: Own) -> list[Scorer]:
        chosen = [diversity_scorer(own["embedder"]), quality_scorer(rubric)]
        # no corpus: no creativity index (never guessed); docs/creativity.md says how to get one
        if own["corpus_index"] is not None or own["corpus"] is not None:
            chosen.append(creativity_scorer(own["corpus_index"], own["corpus"]))
        return chosen

    builder.__doc__ = doc + ARGS
    return family(
        name=name, n=n, k=k, scorers=scorers, plausible=False, ideal=ideal, rescore=_rescore,
        version=version, kind="creative", primary="semantic_diversity",
    )(builder)


ARGS = """

    Args:
        words: the approximate length each response is asked for (None: no length).
        dataset: the user's own prompts: a .jsonl/.csv/.txt file or a Hugging Face id.
        field: the key or column of the prompt in ``dataset``.
        split: the split of a Hugging Face ``dataset``.
        embedder: the semantic-diversity embedder (default: packaged all-MiniLM-L6-v2).
        corpus_index: a local corpus index folder (vs-bench index-corpus): adds the
            creativity index.
        corpus: api:<index> of infini-gram's public API (e.g. api:v4_rpj_llama_s4): adds
            the creativity index against that corpus (needs network).
"""

poem = creative_family(
    "poem", words=200, rubric="creative",
    doc="A poem inspired by a line of a public-domain poem (about 200 words); text diversity.",
)
story = creative_family(
    "story", words=200, rubric="creative",
    doc="A short story from a one-line premise (about 200 words); text diversity.",
)
joke = creative_family(
    "joke", words=None, rubric="joke", doc="A joke about a topic; text diversity."
)
