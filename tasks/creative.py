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
from functools import cache
from pathlib import Path
from typing import Any

from inspect_ai import Task
from inspect_ai.dataset import Sample

from vs_bench.answer_set import AnswerSet
from vs_bench.errors import VsBenchError
from vs_bench.scorers.diversity_scorer import diversity_scorer
from vs_bench.scorers.quality_scorer import quality_scorer
from vs_bench.tasks._common import SUBSET_SEED, TEMPERATURE, TOP_P, as_int, build_task

DATA = Path(__file__).parent / "data"
CANNED_FILE = DATA / "canned.json"
FILE_SUFFIXES = (".jsonl", ".csv", ".txt")
# Word target of the instruction, as in the paper (none for jokes).
WORDS = {"poem": 200, "story": 200, "joke": None}

# Prompt -> family of every prompt a creative task sent in this process, so that
# random/python answers them (the user's own datasets included).
_PROMPT_FAMILY: dict[str, str] = {}


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


@cache
def _canned() -> dict[str, AnswerSet]:
    texts = json.loads(CANNED_FILE.read_text(encoding="utf-8"))
    return {family: AnswerSet.of_labels(texts[family]) for family in WORDS}


def reference(prompt: str) -> AnswerSet | None:
    """random/python's answers to a creative prompt: its family's canned texts, uniformly."""
    family = _PROMPT_FAMILY.get(prompt)
    return _canned()[family] if family else None


def _family(name: str, default_words: int | None, rubric: str, doc: str) -> Callable[..., Task]:
    def family(
        format: str = "direct",
        n: int = 30,
        k: int = 5,
        m: int | None = None,
        words: int | None = default_words,
        dataset: str | None = None,
        field: str = "prompt",
        split: str = "train",
        embedder: str | None = None,
        temperature: float = TEMPERATURE,
        top_p: float = TOP_P,
        tail: float | None = None,
        probability_definition: str | None = None,
        limit: int | None = None,
        seed: int = SUBSET_SEED,
    ) -> Task:
        source = dataset if dataset is not None else DATA / f"{name}.jsonl"
        prompts = load_prompts(source, field, split)
        target = as_int("words", words) if words is not None else None
        if target is not None and target < 1:
            raise VsBenchError(f"words={target} must be at least 1: pass -T words=<integer >= 1>")
        task = build_task(
            [Sample(input=p, id=i) for i, p in enumerate(prompts, start=1)],
            [diversity_scorer(embedder), quality_scorer(rubric)],
            format=format, n=n, k=k, m=m, temperature=temperature, top_p=top_p, tail=tail,
            probability_definition=probability_definition, plausible=False, words=target,
            limit=limit, seed=seed,
        )
        _PROMPT_FAMILY.update(dict.fromkeys(prompts, name))
        return task

    family.__name__ = family.__qualname__ = name
    family.__doc__ = doc
    return family


poem = _family(
    "poem", WORDS["poem"], "creative",
    "A poem inspired by a line of a public-domain poem (about 200 words); text diversity.",
)
story = _family(
    "story", WORDS["story"], "creative",
    "A short story from a one-line premise (about 200 words); text diversity.",
)
joke = _family("joke", WORDS["joke"], "joke", "A joke about a topic; text diversity.")
