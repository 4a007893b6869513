"""Reading a run's logs for its report: whole samples against samples without their
events, messages and attachments (``analysis.runs.read_samples``), in one run.

``vs-bench run`` builds its report from the logs Inspect's eval-set returns, which for a
large run hold no samples, so it reads each log again. Timed here: the read and
``read_run`` of every log in ``--log-dir`` (default: the paper suite on ``random/python``
at ``--limit 2``, written to a temporary folder first), both ways, in rotating order,
``--repeats`` times. Printed: seconds of each, the median of the per-repeat ratios, and
whether ``compare.evaluate`` gives the same cells both ways (exit status 1 if not).

    .venv/bin/python benchmarks/report_read.py [--log-dir DIR] [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from inspect_ai.log import EvalLog, list_eval_logs, read_eval_log

from vs_bench.analysis import compare
from vs_bench.analysis.runs import Run, read_run, read_samples

VENV_BIN = Path(sys.executable).parent


def small_suite(folder: Path) -> None:
    done = subprocess.run(
        [str(VENV_BIN / "vs-bench"), "run", "--model", "random/python", "--suite", "paper",
         "--limit", "2", "--log-dir", str(folder)],
        capture_output=True, text=True, check=False,
    )
    if done.returncode:
        raise SystemExit(f"vs-bench run failed: {done.stderr.strip().splitlines()[-1:]}")


def timed(read: Callable[[str], EvalLog], locations: list[str]) -> tuple[float, list[Run]]:
    start = time.perf_counter()
    runs = [read_run(read(location)) for location in locations]
    return time.perf_counter() - start, runs


def cells(runs: list[Run]) -> list[tuple[object, ...]]:
    return [(c.key, c.n_requested, c.n_draws, c.n_valid, c.value, c.lo, c.hi)
            for c in compare.evaluate(runs).cells]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--log-dir", type=Path)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.log_dir
        if folder is None:
            folder = Path(temporary) / "logs"
            small_suite(folder)
        locations = [info.name for info in list_eval_logs(str(folder))]
        ways: dict[str, Callable[[str], EvalLog]] = {
            "whole samples": read_eval_log, "read_samples": read_samples,
        }
        seconds: dict[str, list[float]] = {name: [] for name in ways}
        ratios, same = [], True
        for repeat in range(args.repeats):
            order = list(ways) if repeat % 2 == 0 else list(reversed(ways))
            got = {name: timed(ways[name], locations) for name in order}
            for name, (spent, _) in got.items():
                seconds[name].append(spent)
            ratios.append(got["whole samples"][0] / got["read_samples"][0])
            same = same and cells(got["whole samples"][1]) == cells(got["read_samples"][1])
    size = sum(Path(location.removeprefix("file://")).stat().st_size for location in locations)
    print(f"{len(locations)} logs, {size / 1024**2:.1f} MB, {args.repeats} repeats")
    for name, values in seconds.items():
        print(f"{name}: {statistics.median(values):.2f} s (median; "
              f"{', '.join(f'{v:.2f}' for v in values)})")
    print(f"whole/read_samples: {statistics.median(ratios):.2f}x "
          f"(repeats {', '.join(f'{r:.2f}' for r in ratios)})")
    print(f"the same cells both ways: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
