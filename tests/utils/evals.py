"""One Inspect eval of a registered task, and what the tests read back from its log."""

from __future__ import annotations

from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog

from vs_bench._registry import TASKS
from vs_bench.draws import SampleDraws


def run(task_name: str, model: object = "random/python", **kwargs: object) -> EvalLog:
    """``inspect eval`` of ``TASKS[task_name](**task_args)``; the log, which must succeed."""
    task_args = kwargs.pop("task_args", {})
    log = inspect_eval(TASKS[task_name](**task_args), model=model, **kwargs)[0]  # type: ignore[arg-type]
    assert log.status == "success", log.error
    return log


def metric(log: EvalLog, key: str) -> float:
    """The run-level value of ``key`` in ``log``."""
    assert log.results is not None
    (score,) = [s for s in log.results.scores if s.name == key]
    return next(iter(score.metrics.values())).value


def draws(log: EvalLog) -> list[SampleDraws]:
    """The draws of each sample of ``log``."""
    assert log.samples is not None
    return [SampleDraws.load(sample.store) for sample in log.samples]
