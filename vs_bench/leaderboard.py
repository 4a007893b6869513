"""The leaderboard: models x tasks x formats from Inspect logs, with bootstrap CIs.

Generic over score keys: whatever keys the logs hold are shown, in the order and
with the direction of ``METRICS``; a task whose keys are all unknown shows them all,
without a direction (so no gain or rank). Point estimates are the logs' own
run-level metrics; confidence intervals resample prompts (or, for a one-prompt
task run with several epochs, the independent repeats).
"""

from __future__ import annotations

import csv
import html
import math
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from inspect_ai.log import EvalLog, EvalSample, list_eval_logs, read_eval_log
from rich.table import Table
from rich.text import Text
from scipy import stats

from vs_bench import homogeneity
from vs_bench.answer_set import AnswerSet
from vs_bench.draws import STORE_KEY, SampleDraws
from vs_bench.errors import VsBenchError
from vs_bench.formats import FORMATS
from vs_bench.scorers import catalogue

IDEAL_MODEL = "random/python"
BASELINE_FORMAT = "direct"
CONFIDENCE = 0.95
RESAMPLES = 2000
SEED = 0
# the bulk of a log, which the leaderboard and plots do not read
_UNUSED_SAMPLE_FIELDS = {"events", "messages", "attachments"}


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    higher_is_better: bool


# Headline metrics, in display order: the metric catalogue's headline rows that have
# a direction. The first one a task reports is its primary metric (gain over direct, rank).
METRICS: dict[str, Metric] = {
    s.key: Metric(s.key, s.label, higher_is_better=bool(s.higher_is_better))
    for s in catalogue.headline()
}


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

    @property
    def prompts(self) -> int:
        return max((len(v) for v in self.per_prompt.values()), default=0)

    @property
    def ideal(self) -> bool:
        return self.model == IDEAL_MODEL

    @property
    def keys(self) -> list[str]:
        return [k for k in METRICS if k in self.metrics] or sorted(self.metrics)


@dataclass(frozen=True)
class Cell:
    value: float
    low: float | None = None
    high: float | None = None


@dataclass
class Row:
    run: Run
    cells: dict[str, Cell]
    ci_basis: str  # what was resampled ("6 prompts", "4 epochs"), or "n/a: 1 prompt"
    primary: str | None
    gain: float | None = None
    rank: int | None = None


@dataclass
class Leaderboard:
    rows: list[Row]
    notes: list[str]

    @property
    def tasks(self) -> list[str]:
        return list(dict.fromkeys(r.run.task for r in self.rows))

    def task_rows(self, task: str) -> list[Row]:
        return [r for r in self.rows if r.run.task == task]

    def task_keys(self, task: str) -> list[str]:
        keys = [k for r in self.task_rows(task) for k in r.run.keys]
        return sorted(set(keys), key=lambda k: (list(METRICS).index(k) if k in METRICS else 99, k))

    def all_keys(self) -> list[str]:
        return list(dict.fromkeys(k for t in self.tasks for k in self.task_keys(t)))


# ---------------------------------------------------------------------------- reading logs


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
        runs.append(_run(log, location))
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
    return (("task", _family(log)), *sorted((k, repr(v)) for k, v in items.items()))


def _family(log: EvalLog) -> str:
    fmt = str((log.eval.metadata or {}).get("format"))
    return log.eval.task.split("/")[-1].removesuffix(f"_{fmt}")


def _defaults(family: str) -> dict[str, object] | None:
    """The task arguments' defaults of a vs_bench family; None for another task."""
    import inspect as pyinspect

    from vs_bench.tasks import FAMILIES

    if family not in FAMILIES:
        return None
    parameters = pyinspect.signature(FAMILIES[family]).parameters.values()
    return {p.name: p.default for p in parameters if p.default is not p.empty}


def _shown(value: object) -> str:
    """A task argument in a label: a path (a -T dataset=...) by its file name."""
    text = str(value)
    return text.rstrip("/").rsplit("/", 1)[-1] if "/" in text else text


def _task_label(log: EvalLog) -> str:
    """The family and the task arguments that differ from its defaults, e.g. rand_num n=20."""
    family = _family(log)
    defaults = _defaults(family)
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
    return " ".join([family, *(f"{k}={v}" for k, v in sorted(shown.items()))])


def _run(log: EvalLog, location: str) -> Run:
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
    grouped: dict[Any, tuple[str, list[list[str]] | None, list[str], list[float | None]]] = {}
    unparsed: dict[Any, int] = defaultdict(int)
    for sample in log.samples or []:
        for name, sample_score in (sample.scores or {}).items():
            for key, value in _values(name, sample_score.value).items():
                per_epoch[key].append(value)
        prompt, answer_set, texts, probabilities = grouped.setdefault(
            sample.id, (prompt_text(sample), (sample.metadata or {}).get("answer_set"), [], [])
        )
        if STORE_KEY in sample.store:
            record = SampleDraws.load(sample.store)
            texts.extend(record.texts)
            probabilities.extend(d.probability for d in record.draws)
            unparsed[sample.id] += len(record.failures)
    draws = [
        PromptDraws(prompt, AnswerSet.from_aliases(answer_set), texts, probabilities,
                    unparsed[sample_id])
        for sample_id, (prompt, answer_set, texts, probabilities) in grouped.items()
        if answer_set
    ]
    n = (log.eval.metadata or {}).get("n")
    return Run(
        model=log.eval.model,
        task=_task_label(log),
        format=str((log.eval.metadata or {})["format"]),
        location=location,
        created=_created(log),
        n=int(n) if n is not None else None,
        metrics=metrics,
        per_prompt=dict(per_prompt),
        per_epoch=dict(per_epoch),
        epochs=log.eval.config.epochs or 1,
        draws=draws,
        responses={sid: (prompt, texts) for sid, (prompt, _, texts, _) in grouped.items()},
        embedder=(log.eval.task_args or {}).get("embedder"),
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


# ---------------------------------------------------------------------------- statistics


def bootstrap_ci(
    values: npt.ArrayLike, seed: int = SEED, resamples: int = RESAMPLES
) -> tuple[float, float]:
    """95% percentile bootstrap interval of the mean of ``values`` (at least two)."""
    data = np.asarray(values, dtype=float)
    if np.ptp(data) == 0:  # every resample has the same mean
        return float(data[0]), float(data[0])
    result = stats.bootstrap(
        (data,),
        np.mean,
        n_resamples=resamples,
        confidence_level=CONFIDENCE,
        method="percentile",
        rng=np.random.default_rng(seed),
    )
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


def _cell(run: Run, key: str, units: Sequence[float] | None, seed: int, resamples: int) -> Cell:
    value = run.metrics[key]
    if units is None or math.isnan(value):
        return Cell(value)
    defined = [v for v in units if not math.isnan(v)]
    # a CI only for metrics that are the mean over the resampled units (not totals)
    if len(defined) < 2 or not math.isclose(float(np.mean(defined)), value, rel_tol=1e-9,
                                            abs_tol=1e-12):
        return Cell(value)
    low, high = bootstrap_ci(defined, seed, resamples)
    return Cell(value, low, high)


def build(runs: Iterable[Run], seed: int = SEED, resamples: int = RESAMPLES) -> Leaderboard:
    """Rows with CIs, gain over direct and rank of each model within task x format."""
    runs = list(runs)
    rows: list[Row] = []
    one_prompt: set[str] = set()
    for run in runs:
        if run.prompts >= 2:
            basis = f"{run.prompts} prompts"
            units = {k: list(run.per_prompt.get(k, {}).values()) for k in run.keys}
        elif run.epochs >= 2:
            basis = f"{run.epochs} epochs"
            units = {k: run.per_epoch.get(k, []) for k in run.keys}
        else:
            basis = "n/a: 1 prompt"
            units = {}
            one_prompt.add(run.task)
        cells = {k: _cell(run, k, units.get(k), seed, resamples) for k in run.keys}
        primary = next((k for k in run.keys if k in METRICS), None)
        rows.append(Row(run, cells, basis, primary))
    _add_gain_and_rank(rows)
    fmt_order = {name: i for i, name in enumerate(FORMATS)}
    rows.sort(key=lambda r: (r.run.task, fmt_order.get(r.run.format, 99), r.rank or 0,
                             r.run.model))
    notes = [
        f"{IDEAL_MODEL} (marked *) is the ideal sampler: the reference row.",
        f"[low, high]: {CONFIDENCE:.0%} percentile bootstrap interval ({resamples} resamples, "
        f"seed {seed}) over prompts, or over epochs for a one-prompt task.",
        "gain: the primary metric's improvement over the same model's direct format "
        "(positive = better); rank: within task x format by the primary metric.",
    ]
    if one_prompt:
        notes.append(
            f"{', '.join(sorted(one_prompt))}: one prompt and one epoch, so no CI (a CI over "
            "one prompt is not available); rerun with --epochs 5 for one over repeated runs."
        )
    return Leaderboard(rows, notes)


def _better(row: Row) -> float:
    """The primary value signed so that larger is better; NaN ranks last."""
    if row.primary is None:
        return math.nan
    value = row.cells[row.primary].value
    return value if METRICS[row.primary].higher_is_better else -value


def _add_gain_and_rank(rows: list[Row]) -> None:
    direct = {(r.run.model, r.run.task): r for r in rows if r.run.format == BASELINE_FORMAT}
    for row in rows:
        base = direct.get((row.run.model, row.run.task))
        if base is not None and base is not row and base.primary == row.primary:
            gain = _better(row) - _better(base)
            row.gain = None if math.isnan(gain) else gain
    groups: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in rows:
        groups[(row.run.task, row.run.format)].append(row)
    for group in groups.values():
        scores = np.array([_better(r) for r in group])
        if np.isnan(scores).all():
            continue
        # rank 1 = best; ties share the better rank; undefined values rank last
        ranks = stats.rankdata(np.where(np.isnan(scores), np.inf, -scores), method="min")
        for row, rank in zip(group, ranks, strict=True):
            row.rank = int(rank)


def leaderboard(log_dir: str | Path, seed: int = SEED, resamples: int = RESAMPLES) -> Leaderboard:
    runs, notes = load_runs(log_dir)
    board = build(runs, seed, resamples)
    board.notes.extend(notes)
    return board


# ---------------------------------------------------------------------------- rendering


def number(value: float | None) -> str:
    if value is None:
        return ""
    if math.isnan(value):
        return "n/a"
    return f"{value:.1f}" if abs(value) >= 100 else f"{value:.3f}"


def cell_text(cell: Cell | None, sep: str = " ") -> str:
    """The value and, where there is one, its CI: ``0.139 [0.087, 0.199]``."""
    if cell is None:
        return ""
    if cell.low is None or cell.high is None:
        return number(cell.value)
    return f"{number(cell.value)}{sep}[{number(cell.low)}, {number(cell.high)}]"


def model_name(row: Row) -> str:
    return f"{row.run.model} *" if row.run.ideal else row.run.model


def _gain_text(gain: float | None) -> str:
    return "" if gain is None else f"{gain:+.3f}"


def _header(key: str) -> str:
    """The metric's label with its direction (unknown keys as they are)."""
    if key not in METRICS:
        return key
    return METRICS[key].label + (" ↑" if METRICS[key].higher_is_better else " ↓")


def _gain_header(board: Leaderboard, task: str) -> str:
    primaries = {r.primary for r in board.task_rows(task) if r.primary}
    if len(primaries) == 1:
        return f"gain over direct ({METRICS[primaries.pop()].label})"
    return "gain over direct"


def _task_table(
    board: Leaderboard, task: str, sep: str = " "
) -> tuple[list[str], list[list[str]]]:
    keys = board.task_keys(task)
    header = ["model", "format", "N", *map(_header, keys), _gain_header(board, task), "rank",
              "CI over"]
    body = [
        [model_name(r), r.run.format, str(r.run.n or ""),
         *(cell_text(r.cells.get(k), sep) for k in keys), _gain_text(r.gain),
         str(r.rank or ""), r.ci_basis]
        for r in board.task_rows(task)
    ]
    return header, body


def terminal_tables(board: Leaderboard) -> list[Table]:
    """One rich table per task (tasks differ in their metrics)."""
    tables = []
    for task in board.tasks:
        header, body = _task_table(board, task, sep="\n")  # the CI under the value
        table = Table(*header, title=f"vs-bench leaderboard: {task}", title_justify="left")
        table.columns[0].overflow = "fold"  # model names whole, over two lines if need be
        # many metric columns squeeze the rest: a model name up to 40 characters keeps its line
        table.columns[0].min_width = min(40, max(len(line[0]) for line in body))
        for line, row in zip(body, board.task_rows(task), strict=True):
            # Text, not markup: "[0.087, 0.199]" must not be read as a style tag
            table.add_row(*map(Text, line), style="bold" if row.run.ideal else None)
        tables.append(table)
    return tables


def csv_rows(board: Leaderboard) -> tuple[list[str], list[list[str]]]:
    """The one combined table: a row per model x task x format, CI bounds in own columns."""
    keys = board.all_keys()
    header = ["model", "ideal", "task", "format", "prompts", "epochs", "n", "ci_over",
              "rank", "gain_metric", "gain"]
    for key in keys:
        header += [key, f"{key}_low", f"{key}_high"]
    body = []
    for r in board.rows:
        line = [r.run.model, str(r.run.ideal).lower(), r.run.task, r.run.format,
                str(r.run.prompts), str(r.run.epochs), str(r.run.n or ""), r.ci_basis,
                str(r.rank or ""), r.primary or "", "" if r.gain is None else repr(r.gain)]
        for key in keys:
            cell = r.cells.get(key)
            line += ["", "", ""] if cell is None else [
                repr(cell.value), "" if cell.low is None else repr(cell.low),
                "" if cell.high is None else repr(cell.high)]
        body.append(line)
    return header, body


def write_csv(board: Leaderboard, path: str | Path) -> Path:
    header, body = csv_rows(board)
    target = _target(path)
    with target.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(body)
    return target


def write_markdown(board: Leaderboard, path: str | Path) -> Path:
    parts = ["# vs-bench leaderboard", ""]
    for task in board.tasks:
        header, body = _task_table(board, task)
        parts += [f"## {_md_text(task)}", "", _md_line(header), _md_line(["---"] * len(header))]
        parts += [_md_line(line) for line in body]
        parts.append("")
    parts += [f"- {_md_text(note)}" for note in board.notes]
    target = _target(path)
    target.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return target


def _md_text(text: str) -> str:
    """Text as Markdown shows it literally: HTML escaped, table pipes escaped."""
    return html.escape(text, quote=False).replace("|", "\\|")


def _md_line(cells: Sequence[str]) -> str:
    return "| " + " | ".join(map(_md_text, cells)) + " |"


def write_html(board: Leaderboard, path: str | Path) -> Path:
    """A static page (no network): one sortable table per task; click a header to sort.

    ``page.html#sort=kl`` (or ``#sort=-kl``, descending) sorts on load.
    """
    sections = []
    for task in board.tasks:
        keys = board.task_keys(task)
        header, body = _task_table(board, task, sep=_CI_MARK)
        sort_keys = ["model", "format", "n", *keys, "gain", "rank", "ci"]
        heads = "".join(
            f'<th data-key="{html.escape(k)}" title="click to sort">{html.escape(h)}</th>'
            for k, h in zip(sort_keys, header, strict=True)
        )
        lines = []
        for row, texts in zip(board.task_rows(task), body, strict=True):
            values = [row.run.model, row.run.format, row.run.n or "",
                      *(row.cells[k].value if k in row.cells else "" for k in keys),
                      "" if row.gain is None else row.gain, row.rank or "", row.ci_basis]
            cells = "".join(
                f'<td data-value="{html.escape(_sort_value(v))}">{_html_cell(t)}</td>'
                for v, t in zip(values, texts, strict=True)
            )
            lines.append(f'<tr class="{"ideal" if row.run.ideal else ""}">{cells}</tr>')
        sections.append(
            f"<h2>{html.escape(task)}</h2>\n<table class=\"board\"><thead><tr>{heads}</tr>"
            f"</thead><tbody>{''.join(lines)}</tbody></table>"
        )
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in board.notes)
    page = _PAGE.replace("{sections}", "\n".join(sections)).replace("{notes}", notes)
    target = _target(path)
    target.write_text(page, encoding="utf-8")
    return target


_CI_MARK = "\x00"  # between a value and its CI, so the page can style the CI


def _html_cell(text: str) -> str:
    value, _, ci = text.partition(_CI_MARK)
    return html.escape(value) + (f' <span class="ci">{html.escape(ci)}</span>' if ci else "")


def _sort_value(value: object) -> str:
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(value)
    return str(value)


def _target(path: str | Path) -> Path:
    target = Path(path)
    if target.is_dir():
        raise VsBenchError(f"{target} is a folder: pass a file name, e.g. {target}/leaderboard")
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def slug(text: str) -> str:
    """A file-name-safe form of a model or task name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>vs-bench leaderboard</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table.board { border-collapse: collapse; margin-bottom: 2em; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; white-space: nowrap; }
th { background: #eef; cursor: pointer; user-select: none; }
th.asc::after { content: " \\25B2"; } th.desc::after { content: " \\25BC"; }
td:nth-child(-n+2), th:nth-child(-n+2) { text-align: left; }
.ci { color: #667; font-size: 85%; }
tr.ideal { background: #f3fbef; font-weight: 600; }
</style></head><body>
<h1>vs-bench leaderboard</h1>
{sections}
<ul class="notes">{notes}</ul>
<script>
function sortTable(th, descending) {
  const table = th.closest("table"), body = table.tBodies[0];
  const index = Array.from(th.parentNode.children).indexOf(th);
  const value = (row) => row.children[index].dataset.value;
  const rows = Array.from(body.rows).sort((a, b) => {
    const x = value(a), y = value(b), nx = parseFloat(x), ny = parseFloat(y);
    if (x === "" || y === "") return (x === "") - (y === "");  // blanks last
    const order = isNaN(nx) || isNaN(ny) ? x.localeCompare(y) : nx - ny;
    return descending ? -order : order;
  });
  rows.forEach((row) => body.appendChild(row));
  table.querySelectorAll("th").forEach((h) => h.classList.remove("asc", "desc"));
  th.classList.add(descending ? "desc" : "asc");
}
document.querySelectorAll("th").forEach((th) => th.addEventListener("click", () =>
  sortTable(th, th.classList.contains("asc"))));
const wanted = new URLSearchParams(location.hash.slice(1)).get("sort");
if (wanted) {
  const key = wanted.replace(/^-/, "");
  document.querySelectorAll(`th[data-key="${key}"]`).forEach((th) =>
    sortTable(th, wanted.startsWith("-")));
}
</script></body></html>
"""
