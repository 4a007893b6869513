"""Named suites of (task, format) runs, and the one path that runs them through Inspect."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from inspect_ai import Task, eval_set
from inspect_ai.log import EvalLog
from inspect_ai.model import Model

from vs_bench import preflight, registry
from vs_bench.errors import VsBenchError
from vs_bench.formats import FORMATS, resolve_format

DEFAULT_MODEL = "local/qwen2.5-0.5b"
DEFAULT_LOG_DIR = "logs"
DEFAULT_SUITE = "headline"
# The formats the paper leads with: one answer per call, a list, and a list with
# verbalized probabilities.
HEADLINE_FORMATS = ("direct", "sequence", "vs_standard")


@dataclass(frozen=True)
class Suite:
    """Which families and formats a run covers, at which sizes (-T parameters)."""

    name: str
    description: str
    formats: tuple[str, ...]
    sizes: dict[str, dict[str, Any]]  # family -> task parameters; its keys are the families
    max_tokens: int | None = None  # reply cap; None: the provider's default


# Sizes of the headline suite, chosen to finish in <= 10 minutes on 2 CPU cores with the
# default model (README "The main job" has the measured time).
HEADLINE_SIZES: dict[str, dict[str, Any]] = {
    "rand_num": {"n": 100, "k": 5},
    "dice": {"n": 100, "k": 5},
    "state_name": {"n": 100, "k": 5},
    "open_qa": {"n": 100, "k": 5, "limit": 1},
    "joke": {"n": 10, "k": 5, "limit": 3},
}
# Measured over a headline run of the default model: well-formed replies took <= 180
# tokens (vs_standard median 86, jokes in a list <= 156); the 3 of 176 replies that reached
# this cap were runaways (a text field that never closes), which would otherwise run on to
# the provider's 2048.
CPU_MAX_TOKENS = 320

# Every suite, in one table (the README's "Suites" table mirrors it). An empty sizes
# table means every registered family at its own defaults (the paper's sizes).
SUITES: dict[str, Suite] = {
    s.name: s
    for s in (
        Suite(
            "headline",
            "the paper's headline comparison at measuring size (10 minutes, 2 CPU cores)",
            HEADLINE_FORMATS,
            HEADLINE_SIZES,
            CPU_MAX_TOKENS,
        ),
        Suite("grid", "all eight formats at the headline sizes", tuple(FORMATS),
              HEADLINE_SIZES, CPU_MAX_TOKENS),
        Suite("paper", "every family and format at the paper's sizes (API and vLLM models)",
              tuple(FORMATS), {}),
    )
}


def suite(name: str) -> Suite:
    """The suite called ``name``; the paper suite covers every registered family."""
    if name not in SUITES:
        raise VsBenchError(f"unknown suite {name!r}: use --suite {'|'.join(SUITES)}")
    found = SUITES[name]
    if found.sizes:
        return found
    return Suite(found.name, found.description, found.formats,
                 {family: {} for family in registry.families()}, found.max_tokens)


@dataclass(frozen=True)
class SuiteItem:
    family: str
    format: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.family}_{self.format}"

    def task(self) -> Task:
        from vs_bench._registry import TASKS

        return TASKS[self.name](**self.params)


def log_dir(explicit: str | None = None) -> str:
    """The log folder: the option, else INSPECT_LOG_DIR, else ./logs."""
    return explicit or os.environ.get("INSPECT_LOG_DIR") or DEFAULT_LOG_DIR


def resolve_formats(formats: Sequence[str] | None, default: Sequence[str]) -> list[str]:
    """Format names from the command line: ``all`` is every format."""
    if not formats:
        return list(default)
    if list(formats) == ["all"]:
        return list(FORMATS)
    return [resolve_format(f).name for f in formats]


def plan_suite(
    families: Sequence[str] | None,
    formats: Sequence[str] | None,
    params: dict[str, Any],
    sizes: dict[str, dict[str, Any]] | None = None,
    default_formats: Sequence[str] = tuple(FORMATS),
) -> list[SuiteItem]:
    """Items for every named family x format; ``params`` override per-family ``sizes``.

    Without ``families``: the families of ``sizes`` when given, else every family.
    """
    known = registry.families()
    chosen = list(families) if families else list(sizes or known)
    for name in chosen:
        if name not in known:
            raise VsBenchError(f"unknown task {name!r}: use one of {', '.join(known)}")
    fmts = resolve_formats(formats, default_formats)
    sizes = sizes or {}
    return [
        SuiteItem(family, fmt, {**sizes.get(family, {}), **params})
        for family in chosen
        for fmt in fmts
    ]


# Samples in flight. Inspect runs up to max_connections samples of each task at once, and
# with every task started together (max_tasks below) a large suite has all its samples
# in flight, each holding its state and transcript while it waits for a connection: the
# paper suite at 256 connections grew to 3.4 GiB. Per task: enough that all tasks
# together keep the connections busy twice over, at least MIN_SAMPLES_PER_TASK so a long
# task is not starved once the others are done (docs/scale.md, "Memory").
SAMPLES_PER_CONNECTION = 2
MIN_SAMPLES_PER_TASK = 16
# Inspect's realtime sample buffer lets a resume recover the samples finished since the
# last log flush, at a cost per event that grows with a conversation's length: 26% of
# the CPU in a profile of the paper suite (persuasion's turns condensing their model
# events). A run of more samples than this goes without it; killed, it loses the samples
# since the last flush of each log, which a rerun asks again. Such a run also goes
# without Inspect's live metrics: each task recomputes them over all its finished
# samples (a deep copy of every score) at most every 0.9 s, and with 112 tasks at once
# that took half of the event loop late in the paper suite (py-spy, 2026-12-03); the
# log's metrics are computed at the end as before.
LARGE_RUN_SAMPLES = 2000


def samples_per_task(max_connections: int | None, tasks: int) -> int | None:
    """Inspect's ``max_samples`` for ``tasks`` tasks run at once over ``max_connections``;
    None (Inspect's default: the provider's connections) when no connection count is set."""
    if max_connections is None:
        return None
    spread = math.ceil(SAMPLES_PER_CONNECTION * max_connections / max(tasks, 1))
    return min(max_connections, max(MIN_SAMPLES_PER_TASK, spread))


def run_items(
    items: Sequence[SuiteItem],
    models: Sequence[str | Model],
    log_dir: str,
    max_connections: int | None = None,
    notes: Sequence[str] = (),
    **eval_args: Any,
) -> list[EvalLog]:
    """Every item x model through Inspect's eval-set, after the preflight checks.

    The one way vs-bench runs evals: work already finished in ``log_dir`` (same task,
    parameters and model) is not asked again, and an interrupted run resumes from the
    samples its logs hold. ``notes``: warnings printed after the checks, before the run.
    """
    names = [m for m in models if isinstance(m, str)]  # a Model is made, so it exists
    preflight.check_models(names, eval_args.get("model_base_url"))
    preflight.check_log_dir(log_dir)
    tasks = [item.task() for item in items]
    for note in notes:  # once every input is checked: bad input stays one line
        print(f"warning: {note}", flush=True)
    if eval_args.get("max_samples") is None:
        eval_args["max_samples"] = samples_per_task(max_connections, len(tasks) * len(models))
    if sum(len(task.dataset) for task in tasks) * len(models) > LARGE_RUN_SAMPLES:
        eval_args.setdefault("log_realtime", False)
        eval_args.setdefault("score_display", False)
    with preflight.stop_when_disk_full(log_dir):
        success, logs = eval_set(
            tasks,
            log_dir=log_dir,
            model=list(models),  # type: ignore[arg-type]  # eval_set takes names and Models
            max_connections=max_connections,
            # all tasks at once: the model's connection pool is the limit, and a task of a
            # few batched calls would otherwise leave a local model's other slots idle
            max_tasks=len(tasks) * len(models),
            # the folder may hold other runs (logs/ collects them for the leaderboard)
            **{"log_dir_allow_dirty": True, **eval_args},
        )
    preflight.stop_if_interrupted(logs, len(tasks) * len(models))
    if not success:
        failed = [log for log in logs if log.status != "success"]
        if preflight.failed_for_disk_space(failed):
            raise preflight.disk_full(log_dir)
        reason = failed[0].error.message if failed and failed[0].error else "see the logs"
        raise VsBenchError(
            f"{len(failed)} run(s) did not finish ({reason.splitlines()[0]}); "
            "run the same command again to retry them"
        )
    return logs
