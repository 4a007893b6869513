"""``vs-bench run``'s progress lines (vs_bench/analysis/progress.py): a count of the prompts
done out of the task's, whichever sample ids ran."""

from __future__ import annotations

import re

import pytest
from inspect_ai import eval as inspect_eval

from vs_bench._registry import TASKS
from vs_bench.analysis import progress
from vs_bench.metrics import catalogue
from vs_bench.registry import families

LINE = re.compile(r"\] (\S+): prompt (\d+) of (\d+) done \(id (\d+)\), (\d+) draws, (.+) (\S+)$")


@pytest.mark.parametrize(("sample_id", "epochs"), [([3, 5], 1), ([4], 2)])
def test_each_finished_prompt_is_counted_out_of_the_tasks_prompts(
    capsys: pytest.CaptureFixture[str], sample_id: list[int], epochs: int
) -> None:
    task = TASKS["target_dist_direct"](n=10)
    with progress.showing():
        (log,) = inspect_eval(task, model="random/python", seed=1, display="none",
                              sample_id=sample_id, epochs=epochs)
    assert log.status == "success", log.error
    lines = [m.groups() for line in capsys.readouterr().err.splitlines()
             if (m := LINE.search(line))]
    total = len(sample_id) * epochs
    assert [(task, int(done), int(of)) for task, done, of, *_ in lines] == [
        ("target_dist_direct", done, total) for done in range(1, total + 1)
    ]
    assert sorted(int(line[3]) for line in lines) == sorted(sample_id * epochs)
    primary = families()["target_dist"].primary
    row = catalogue.spec(primary)
    assert row is not None and primary == "tv"
    assert {(line[4], line[5]) for line in lines} == {("10", row.label)}
    # the primary metric's value, as the log's scores have it
    assert log.samples is not None
    logged = [score.value[primary] for s in log.samples for score in (s.scores or {}).values()
              if isinstance(score.value, dict) and primary in score.value]
    assert len(logged) == total
    shown = [max(v, 0.0) if row.nonnegative else v for v in logged]  # as the report clips
    assert sorted(line[6] for line in lines) == sorted(f"{v:.3f}" for v in shown)
