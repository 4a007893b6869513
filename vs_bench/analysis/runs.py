"""Reading Inspect logs into runs: the one log-to-metrics reader of vs_bench.

A ``Run`` is one finished log of one model x task x format: the log's own run-level
metrics, the per-prompt values of each key (reduced over epochs), the per-epoch values,
and the draws of each prompt pooled over its epochs (``PromptRecord``). The leaderboard,
the plots, the cross-model homogeneity, the closing report and the seed's commands all
read logs through ``read_run`` / ``load_runs``.
"""

from __future__ import annotations

import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from inspect_ai.log import EvalLog, EvalSample, list_eval_logs, read_eval_log

from vs_bench.analysis import homogeneity
from vs_bench.answer_set import AnswerSet
from vs_bench.draws import STORE_KEY, SampleDraws
from vs_bench.errors import VsBenchError
from vs_bench.metrics import catalogue
from vs_bench.metrics.catalogue import POOLED_KEY, WEIGHTS_KEY
from vs_bench.registry import task_functions

IDEAL_MODEL = "random/python"
# the bulk of a log, which the readers do not use
_UNUSED_SAMPLE_FIELDS = {"events", "messages", "attachments"}


@dataclass
class PromptRecord:
    """What the solver recorded for one prompt, pooled over its epochs."""

    id: Any  # the sample id
    prompt: str
    answer_set: list[list[str]] | None  # alias groups of answer-set tasks
    reference: list[float] | None = None  # weights of a non-uniform reference
    texts: list[str] = field(default_factory=list)
    probabilities: list[float | None] = field(default_factory=list)  # verbalized, per text
    requested: int = 0
    replies: int = 0
    parse_failures: int = 0  # replies that did not parse, so added no text
    over_delivered: int = 0
    under_delivered: int = 0


@dataclass(frozen=True)
class PromptDraws:
    """The logged draws of one prompt (pooled over epochs) and its answer set."""

    prompt: str
    answers: AnswerSet
    texts: list[str]
    probabilities: list[float | None] = field(default_factory=list)  # verbalized, per text
    unparsed: int = 0  # replies that did not parse, so added no text


@dataclass
class Run:
    """The latest finished log of one model x task x format."""

    model: str
    task: str  # family, plus the task arguments that were passed (e.g. "rand_num n=20")
    format: str
    location: str
    created: datetime
    n: int | None
    metrics: dict[str, float]  # the log's own run-level values
    per_prompt: dict[str, dict[Any, float]]  # key -> sample id -> value reduced over epochs
    per_epoch: dict[str, list[float]]  # key -> values of each epoch (one-prompt tasks)
    epochs: int
    draws: list[PromptDraws] = field(default_factory=list)
    # sample id -> (prompt, logged texts), every task; the embedder spec of creative runs
    responses: dict[Any, tuple[str, list[str]]] = field(default_factory=dict)
    embedder: str | None = None
    family: str = ""  # the task family alone (e.g. "rand_num")
    parameters: dict[str, str] = field(default_factory=dict)  # those of the label (n: "20")
    records: list[PromptRecord] = field(default_factory=list)
    # name -> sample id -> the values its scores pooled (``catalogue.POOLED_KEY``:
    # persuasion's valid donations, the creativity index of each text), over its epochs
    pooled: dict[str, dict[Any, list[float]]] = field(default_factory=dict)

    @property
    def prompts(self) -> int:
        return max((len(v) for v in self.per_prompt.values()), default=0)

    @property
    def ideal(self) -> bool:
        return self.model == IDEAL_MODEL

    @property
    def keys(self) -> list[str]:
        """The headline keys this run reports, in catalogue order; all keys, sorted, when
        it reports none."""
        headline = [s.key for s in catalogue.headline(self.metrics)]
        return headline or sorted(self.metrics)


# ---------------------------------------------------------------------------- log folders


def read_headers(log_dir: str | Path) -> tuple[list[tuple[str, EvalLog]], list[str]]:
    """(location, header) of every readable log in the folder, and a note naming each log
    that cannot be read (empty, truncated, corrupted): one bad file stops no command."""
    folder = Path(log_dir)
    if not folder.is_dir():
        raise VsBenchError(
            f"no log folder {folder}: run `vs-bench sweep` first, or pass the folder "
            "that holds the .eval logs"
        )
    headers: list[tuple[str, EvalLog]] = []
    notes: list[str] = []
    for info in list_eval_logs(str(folder)):
        try:
            headers.append((info.name, read_eval_log(info, header_only=True)))
        except Exception as ex:  # whatever the damage, the file is named and left out
            notes.append(unreadable_note(info.name, ex))
    return headers, sorted(notes)


def unreadable_note(location: str, error: BaseException) -> str:
    """``skipped unreadable log NAME (what is wrong with it)``."""
    path = Path(log_file_name(location))
    if path.is_file() and path.stat().st_size == 0:
        reason = "empty file"
    elif path.suffix == ".eval" and path.is_file() and not zipfile.is_zipfile(path):
        reason = "not a whole .eval archive: truncated or corrupted"
    else:
        # Inspect's "Unable to read log file: LOCATION" says less than its cause
        cause = error.__cause__ if location in str(error) and error.__cause__ else error
        reason = next((line.strip() for line in str(cause).splitlines() if line.strip()),
                      type(cause).__name__)[:120]
    return f"skipped unreadable log {path} ({reason})"


def log_file_name(location: str) -> str:
    """A log's path as the user gave its folder: a local file's path, not its URI."""
    return location.removeprefix("file://")


def load_runs(log_dir: str | Path) -> tuple[list[Run], list[str]]:
    """The latest finished vs_bench log of each model x task x format, and notes on the rest."""
    folder = Path(log_dir)
    headers, unreadable = read_headers(folder)
    latest: dict[tuple[str, Configuration, str], tuple[EvalLog, str]] = {}
    unfinished = foreign = superseded = 0
    for location, header in headers:
        fmt = (header.eval.metadata or {}).get("format")
        if not fmt:
            foreign += 1
            continue
        if header.status != "success":
            unfinished += 1
            continue
        key = (header.eval.model, configuration(header), str(fmt))
        if key in latest:
            superseded += 1
            if _created(latest[key][0]) >= _created(header):
                continue
        latest[key] = (header, location)
    runs = []
    for _, location in latest.values():
        try:
            log = read_eval_log(location, exclude_fields=_UNUSED_SAMPLE_FIELDS)
        except Exception as ex:  # a readable header, a damaged body
            unreadable.append(unreadable_note(location, ex))
            continue
        runs.append(read_run(log, location))
    if not runs:
        skipped = f" ({'; '.join(unreadable)})" if unreadable else ""
        raise VsBenchError(
            f"no finished vs_bench logs in {folder}{skipped}: "
            "run `vs-bench sweep --models ...` first"
        )
    notes = list(unreadable)
    if unfinished:
        notes.append(f"{unfinished} log(s) that did not finish are left out")
    if superseded:
        notes.append(f"{superseded} older log(s) of the same model, format and configuration "
                     "are left out")
    if foreign:
        notes.append(f"{foreign} log(s) of other benchmarks are left out")
    notes += homogeneity.annotate(runs)  # creative tasks with two or more models
    return runs, notes


def _created(log: EvalLog) -> datetime:
    return datetime.fromisoformat(log.eval.created)


# A run's configuration, in the log: the budget and prompt options the task resolved
# (eval.metadata: m defaults to ceil(k/2), ...), every other task argument with its
# default (eval.task_args), and the prompts that ran (limit and seed act only through
# them, so `-T limit=3` on a one-prompt task changes nothing).
Configuration = tuple[tuple[str, str], ...]
_RESOLVED = ("n", "k", "m", "tail", "probability_definition")
_THROUGH_PROMPTS = ("limit", "seed")


def configuration(log: EvalLog) -> Configuration:
    """What the run ran with; runs of equal configuration are one leaderboard row."""
    meta = log.eval.metadata or {}
    items: dict[str, object] = {
        key: value for key, value in (log.eval.task_args or {}).items()
        if key not in ("format", *_THROUGH_PROMPTS)
    }
    items |= {key: meta[key] for key in _RESOLVED if key in meta}
    items["prompts"] = tuple(log.eval.dataset.sample_ids or ())
    return (("task", family(log)), *sorted((k, repr(v)) for k, v in items.items()))


def log_format(log: EvalLog) -> str:
    """The format a vs_bench log ran (its eval metadata, else its task arguments)."""
    return str((log.eval.metadata or {}).get("format") or (log.eval.task_args or {}).get("format"))


def family(log: EvalLog) -> str:
    """The task family of a vs_bench log: its task name without the format suffix."""
    return log.eval.task.split("/")[-1].removesuffix(f"_{log_format(log)}")


def _defaults(name: str) -> dict[str, object] | None:
    """The task arguments' defaults of a vs_bench family; None for another task."""
    import inspect as pyinspect

    functions = task_functions()
    if name not in functions:
        return None
    parameters = pyinspect.signature(functions[name]).parameters.values()
    return {p.name: p.default for p in parameters if p.default is not p.empty}


def _shown(value: object) -> str:
    """A task argument in a label: a path (a -T dataset=...) by its file name."""
    text = str(value)
    return text.rstrip("/").rsplit("/", 1)[-1] if "/" in text else text


def task_parameters(log: EvalLog) -> dict[str, str]:
    """The task arguments that differ from the family's defaults, as its label shows them."""
    defaults = _defaults(family(log))
    args = log.eval.task_args or {}
    if defaults is None:  # not ours: the arguments as they were passed
        args, defaults = log.eval.task_args_passed or {}, {}
    prompts = len(log.eval.dataset.sample_ids or ()) or log.eval.dataset.samples or 0
    limit = args.get("limit")
    shown = {}
    for key, value in args.items():
        if key == "format" or value is None or str(value) == str(defaults.get(key)):
            continue
        if key in _THROUGH_PROMPTS and (limit is None or int(str(limit)) > prompts):
            continue  # a limit above the number of prompts chose them all
        shown[key] = _shown(value)
    return dict(sorted(shown.items()))


def task_label(log: EvalLog) -> str:
    """The family and the task arguments that differ from its defaults, e.g. rand_num n=20."""
    shown = task_parameters(log)
    return " ".join([family(log), *(f"{k}={v}" for k, v in shown.items())])


# ---------------------------------------------------------------------------- one log


def read_run(log: EvalLog, location: str | None = None) -> Run:
    """The run of one vs_bench log (read with its samples): metrics, per-prompt and
    per-epoch values, and each prompt's draws pooled over its epochs."""
    metrics: dict[str, float] = {}
    for score in log.results.scores if log.results else []:
        # a dict-valued scorer logs one EvalScore per key, named after the key
        for metric in score.metrics.values():
            metrics.setdefault(score.name, float(metric.value))
    per_prompt: dict[str, dict[Any, float]] = defaultdict(dict)
    for reduction in log.reductions or []:
        for reduced in reduction.samples:
            for key, value in _values(reduction.scorer, reduced.value).items():
                per_prompt[key][reduced.sample_id] = value
    per_epoch: dict[str, list[float]] = defaultdict(list)
    records: dict[Any, PromptRecord] = {}
    pooled: dict[str, dict[Any, list[float]]] = defaultdict(dict)
    for sample in log.samples or []:
        for name, sample_score in (sample.scores or {}).items():
            for key, value in _values(name, sample_score.value).items():
                per_epoch[key].append(value)
            found = (sample_score.metadata or {}).get(POOLED_KEY) or {}
            for pooled_name, values in found.items():
                pooled[pooled_name].setdefault(sample.id, []).extend(map(float, values))
        meta = sample.metadata or {}
        record = records.setdefault(
            sample.id,
            PromptRecord(sample.id, prompt_text(sample), meta.get("answer_set"),
                         meta.get(WEIGHTS_KEY)),
        )
        if STORE_KEY in sample.store:  # epochs of a prompt add up
            drawn = SampleDraws.load(sample.store)
            record.texts.extend(drawn.texts)
            record.probabilities.extend(d.probability for d in drawn.draws)
            record.requested += drawn.requested
            record.replies += drawn.replies
            record.parse_failures += len(drawn.failures)
            record.over_delivered += drawn.over_delivered
            record.under_delivered += drawn.under_delivered
    draws = [
        PromptDraws(r.prompt, AnswerSet.from_aliases(r.answer_set), r.texts, r.probabilities,
                    r.parse_failures)
        for r in records.values()
        if r.answer_set
    ]
    meta = log.eval.metadata or {}
    n = meta.get("n")
    return Run(
        model=log.eval.model,
        task=task_label(log),
        format=log_format(log),
        location=location or log.location,
        created=_created(log),
        n=int(n) if n is not None else None,
        metrics=metrics,
        per_prompt=dict(per_prompt),
        per_epoch=dict(per_epoch),
        epochs=log.eval.config.epochs or 1,
        draws=draws,
        responses={r.id: (r.prompt, r.texts) for r in records.values()},
        embedder=(log.eval.task_args or {}).get("embedder"),
        family=family(log),
        parameters=task_parameters(log),
        records=list(records.values()),
        pooled=dict(pooled),
    )


def prompt_text(sample: EvalSample) -> str:
    """The user prompt of a logged sample."""
    if isinstance(sample.input, str):
        return sample.input
    return next((m.text for m in sample.input if m.role == "user"), "")


def _values(name: str, value: object) -> dict[str, float]:
    if isinstance(value, dict):
        return {k: float(v) for k, v in value.items() if isinstance(v, int | float)}
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {name: float(value)}
    return {}
