"""Creative-writing tasks: poem, story and joke, scored by text diversity.

Shipped prompt sets live in ``data/<family>.jsonl`` (poem lines from public-domain
poets; story and joke prompts written for this project). ``-T dataset=`` takes the
user's own prompts: a ``.jsonl`` file (one object per line with a ``field`` key, or a
JSON string), a ``.csv`` file with a ``field`` column, a ``.txt`` file (one prompt per
line), or else the id of a Hugging Face dataset (``split``/``field``; needs network).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from inspect_ai import Task
from inspect_ai.dataset import Sample
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


def _strings(source: object, values: list[Any], field: str) -> list[str]:
    prompts = []
    for index, value in enumerate(values, start=1):
        if not isinstance(value, str):
            raise _fail(source, f"row {index}: {field!r} is not a string ({value!r:.40})")
        if value.strip():
            prompts.append(value.strip())
    if not prompts:
        raise _fail(source, "no prompts: pass a dataset with at least one prompt")
    return prompts


def _read_jsonl(path: Path, text: str, field: str) -> list[str]:
    values = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as ex:
            reason = f"not valid JSON ({ex.msg}, column {ex.colno})"
            raise _fail(f"{path}:{number}", reason) from None
        if isinstance(record, dict):
            if field not in record:
                raise _fail(
                    f"{path}:{number}",
                    f"no {field!r} key: write {{\"{field}\": \"...\"}} or pass -T field=<key>",
                )
            record = record[field]
        values.append(record)
    return values


def _read_csv(path: Path, text: str, field: str) -> list[str]:
    reader = csv.DictReader(text.splitlines())
    if reader.fieldnames is None or field not in reader.fieldnames:
        columns = ", ".join(reader.fieldnames or []) or "none"
        raise _fail(path, f"no {field!r} column (columns: {columns}): pass -T field=<column>")
    return [row[field] for row in reader]


def _read_file(path: Path, field: str) -> list[str]:
    suffix = path.suffix.lower()
    if suffix not in FILE_SUFFIXES:
        raise _fail(path, f"unknown file type {suffix or '(none)'}: use .jsonl, .csv or .txt")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        reason = "no such file: pass -T dataset=<path of a .jsonl, .csv or .txt file>"
        raise _fail(path, reason) from None
    except (OSError, UnicodeDecodeError) as ex:
        raise _fail(path, f"cannot be read ({ex})") from None
    if suffix == ".jsonl":
        values: list[Any] = _read_jsonl(path, text, field)
    elif suffix == ".csv":
        values = _read_csv(path, text, field)
    else:
        values = text.splitlines()
    return _strings(path, values, field)


def _read_hub(name: str, field: str, split: str) -> list[str]:
    try:
        import datasets

        data = datasets.load_dataset(name, split=split)
    except Exception as ex:  # no network, unknown id, bad split...: all end here the same way
        first = str(ex).splitlines()[0] if str(ex) else type(ex).__name__
        raise _fail(
            name,
            f"not a local .jsonl/.csv/.txt file, and loading it from the Hugging Face hub "
            f"(split {split!r}) failed: {first[:200]}",
        ) from None
    if field not in data.column_names:
        columns = ", ".join(data.column_names)
        raise _fail(name, f"no {field!r} column (columns: {columns}): pass -T field=<column>")
    return _strings(name, list(data[field]), field)


def load_prompts(source: str | Path, field: str = "prompt", split: str = "train") -> list[str]:
    """Prompts from a .jsonl/.csv/.txt file, or from a Hugging Face dataset id.

    A path with one of those suffixes, or any existing path, is read as a file;
    anything else is looked up on the Hugging Face hub.
    """
    path = Path(source)
    if path.suffix.lower() in FILE_SUFFIXES or path.exists():
        return _read_file(path, str(field))
    return _read_hub(str(source), str(field), str(split))


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
        source = dataset if dataset is not None else prompts_file
        return [Sample(input=p, id=i) for i, p in enumerate(load_prompts(source, field, split), 1)]

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
