"""``vs-bench run``'s progress: one line per finished prompt, naming the primary metric.

Inspect's own display prints a metric panel per task (about 20 lines per cell) and a
per-task ``0/1`` progress bar for a one-prompt task; ``vs-bench run`` turns it off
(``display="none"``) and prints this instead, through an Inspect hook that is enabled only
while ``showing()`` is active (the hook is registered once per process, for every eval).
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from inspect_ai.hooks import Hooks, SampleEnd, TaskStart, hooks

from vs_bench.draws import STORE_KEY, SampleDraws
from vs_bench.metrics import catalogue
from vs_bench.registry import families

_ACTIVE = False


@contextmanager
def showing() -> Iterator[None]:
    """Print a line per finished prompt while the block runs."""
    global _ACTIVE
    _ACTIVE, _STARTED[0] = True, time.monotonic()
    try:
        yield
    finally:
        _ACTIVE = False


_STARTED = [0.0]


def _primary(task: str) -> str | None:
    specs = families()
    for name in sorted(specs, key=len, reverse=True):  # "state_name" before "state"
        if task.split("/")[-1].startswith(f"{name}_"):
            primary: str | None = specs[name].primary
            return primary
    return None


@hooks(name="vs_bench_progress", description="vs-bench run: one line per finished prompt")
class Progress(Hooks):
    def __init__(self) -> None:
        self.tasks: dict[str, tuple[str, int]] = {}  # eval id -> (task name, samples)
        self.done: dict[str, int] = {}  # eval id -> samples finished so far

    def enabled(self) -> bool:
        return _ACTIVE

    async def on_task_start(self, data: TaskStart) -> None:
        samples = len(data.spec.dataset.sample_ids or ()) or data.spec.dataset.samples or 0
        samples *= data.spec.config.epochs or 1  # each epoch finishes each sample again
        self.tasks[data.eval_id] = (data.spec.task.split("/")[-1], samples)

    async def on_sample_end(self, data: SampleEnd) -> None:
        task, samples = self.tasks.get(data.eval_id, ("?", 0))
        self.done[data.eval_id] = done = self.done.get(data.eval_id, 0) + 1
        sample = data.sample
        key = _primary(task)
        shown = ""
        for score in (sample.scores or {}).values():
            value = score.value
            if key and isinstance(value, dict) and isinstance(value.get(key), int | float):
                number = float(value[key])
                row = catalogue.spec(key)
                if row is not None and row.nonnegative:
                    number = max(number, 0.0)
                label = row.label if row else key
                shown = f", {label} {number:.3f}" if not math.isnan(number) else f", {label} n/a"
        draws = (f", {len(SampleDraws.load(sample.store).texts)} draws"
                 if STORE_KEY in sample.store else "")
        seconds = time.monotonic() - _STARTED[0]
        # a count, not the sample's id: ids need not run 1..n (--limit, a resumed run)
        print(f"[{seconds:5.0f} s] {task}: prompt {done} of {samples} done (id {sample.id})"
              f"{draws}{shown}", file=sys.stderr, flush=True)
