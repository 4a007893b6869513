"""The main job: a suite of (task, format) runs through Inspect, summarised in a table."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from inspect_ai import Task, eval_set
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog

from vs_bench import preflight
from vs_bench.errors import VsBenchError
from vs_bench.formats import FORMATS, resolve_format

DEFAULT_MODEL = "local/qwen2.5-0.5b"
DEFAULT_LOG_DIR = "logs"
# Per-family sizes of the main job (`vs-bench run`), chosen so that every family x all
# eight formats finishes in <= 10 minutes on 2 CPU cores with the default model; --n and
# --limit override them. A family missing here gets MAIN_JOB_FALLBACK.
MAIN_JOB_SIZES: dict[str, dict[str, Any]] = {
    "rand_num": {"n": 5, "k": 5},
    "dice": {"n": 5, "k": 5},
    "state_name": {"n": 5, "k": 5},
    "open_qa": {"n": 5, "k": 5, "limit": 1},
    "poem": {"n": 2, "k": 2, "limit": 1, "words": 40},
    "story": {"n": 2, "k": 2, "limit": 1, "words": 40},
    "joke": {"n": 2, "k": 2, "limit": 1},
}
MAIN_JOB_FALLBACK: dict[str, Any] = {"n": 5, "k": 5, "limit": 1}
# At these sizes a well-formed reply of qwen2.5-0.5b takes <= 223 tokens (measured over
# the suite); about 1 reply in 12 loops until cut, and uncapped those took half the time.
MAIN_JOB_MAX_TOKENS = 320
# Metrics shown in the summary table, in this order, when a task reports them.
HEADLINE = (
    "kl", "coverage", "precision", "chi2_p", "n_valid",
    "semantic_diversity", "rouge_l", "parse_failures",
)


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


def plan_suite(
    families: Sequence[str] | None,
    formats: Sequence[str] | None,
    params: dict[str, Any],
    sizes: dict[str, dict[str, Any]] | None = None,
) -> list[SuiteItem]:
    """Items for every named family x format; ``params`` override per-family ``sizes``."""
    from vs_bench.tasks import FAMILIES

    chosen = list(families) if families else list(FAMILIES)
    for name in chosen:
        if name not in FAMILIES:
            raise VsBenchError(f"unknown task {name!r}: use one of {', '.join(FAMILIES)}")
    fmts = [resolve_format(f).name for f in formats] if formats else list(FORMATS)
    sizes = sizes or {}
    return [
        SuiteItem(family, fmt, {**sizes.get(family, {}), **params})
        for family in chosen
        for fmt in fmts
    ]


def main_job_sizes() -> dict[str, dict[str, Any]]:
    """Sizes of every registered family in the main job."""
    from vs_bench.tasks import FAMILIES

    return {family: MAIN_JOB_SIZES.get(family, MAIN_JOB_FALLBACK) for family in FAMILIES}


def run_suite(
    items: Sequence[SuiteItem],
    model: str,
    log_dir: str,
    max_connections: int | None = None,
    **eval_args: Any,
) -> list[EvalLog]:
    """Run every item through Inspect; raise if any run failed."""
    preflight.check_models([model], eval_args.get("model_base_url"))
    preflight.check_log_dir(log_dir)
    tasks = [item.task() for item in items]
    logs = inspect_eval(
        tasks,
        model=model,
        log_dir=log_dir,
        max_connections=max_connections,
        # all tasks at once: the model's connection pool is the limit, and a task of one
        # batched call would otherwise leave a local model's other slots idle
        max_tasks=len(tasks),
        **eval_args,
    )
    failed = [log for log in logs if log.status != "success"]
    if failed:
        reason = failed[0].error.message if failed[0].error else failed[0].status
        raise VsBenchError(f"{len(failed)} run(s) did not finish ({reason.splitlines()[0]})")
    return logs


def sweep_suite(
    items: Sequence[SuiteItem],
    models: Sequence[str],
    log_dir: str,
    max_connections: int | None = None,
    **eval_args: Any,
) -> list[EvalLog]:
    """Every item x model through Inspect's eval-set: work finished in ``log_dir`` is skipped."""
    preflight.check_models(models, eval_args.get("model_base_url"))
    preflight.check_log_dir(log_dir)
    success, logs = eval_set(
        [item.task() for item in items],
        log_dir=log_dir,
        model=list(models),
        max_connections=max_connections,
        **eval_args,
    )
    if not success:
        failed = [log for log in logs if log.status != "success"]
        reason = failed[0].error.message if failed and failed[0].error else "see the logs"
        raise VsBenchError(
            f"{len(failed)} run(s) did not finish ({reason.splitlines()[0]}); "
            "re-run the same sweep to retry them"
        )
    return logs


def summary_rows(logs: Sequence[EvalLog]) -> tuple[list[str], list[list[str]]]:
    """Header and rows (task, format, headline metrics) of finished logs."""
    rows: list[tuple[str, str, dict[str, float]]] = []
    for log in logs:
        metrics: dict[str, float] = {}
        for score in log.results.scores if log.results else []:
            # dict-valued scores give one EvalScore per key, named after the key
            for metric in score.metrics.values():
                metrics.setdefault(score.name, metric.value)
        meta = log.eval.task_args or {}
        fmt = log.eval.metadata.get("format") if log.eval.metadata else meta.get("format")
        task = log.eval.task.split("/")[-1]
        family = task.removesuffix(f"_{fmt}") if fmt else task
        rows.append((family, str(fmt), metrics))
    keys = [k for k in HEADLINE if any(k in m for _, _, m in rows)]
    table = [[family, fmt, *(_fmt(m.get(k)) for k in keys)] for family, fmt, m in rows]
    return ["task", "format", *keys], table


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    if math.isnan(value):
        return "n/a"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.3f}"
