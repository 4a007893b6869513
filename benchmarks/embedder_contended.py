"""The packaged embedder beside a busy event loop: one batch over all threads, or streams.

During a paper-suite run the event loop (one Python thread, nice 0) keeps a core about
90% busy while the embedder's threads (niced +10, ``scorers/embedder_thread.py``) take
the rest. This benchmark measures the embedder's texts/s in that situation and idle, for
OpenVINO's two ways of using 2 cores, in one run:

- ``latency``: one batch at a time, its layers split over both threads (OpenVINO's
  ``LATENCY`` hint; the embedder before 2026-12-03's change);
- ``streams``: one batch per stream, a thread each (the ``THROUGHPUT`` hint; the
  embedder now), a job's texts split so that each stream gets a batch.

Jobs are 30 texts, as a creative sample's draws, cycled from the shipped poems and
stories (``random/python``'s canned texts), encoded without the embedder's cache. The
busy loop is a child process spinning in pure Python at nice 0; this process, whose
OpenVINO threads do the encoding, runs at nice +10, as the harness's embedder does. The
conditions and backends run in rotating order, ``--repeats`` times; printed: texts/s of
each, and the median over repeats of streams/latency (within a repeat). Exit status 1 if
the vectors differ by more than 1e-5, or if streams are not faster beside the loop.

    .venv/bin/python benchmarks/embedder_contended.py [--repeats 4 --jobs 8]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from typing import Any

import numpy as np

from vs_bench.metrics.embedding import OpenVinoEmbedder, _packaged_path
from vs_bench.metrics.onnx_graph import load_graph
from vs_bench.tasks._family import CANNED_FILE

JOB = 30  # texts per job: a creative sample's draws (N=30)
F32 = {"INFERENCE_PRECISION_HINT": "f32"}
BUSY = "while True: pass"


def jobs(count: int) -> list[list[str]]:
    canned = json.loads(CANNED_FILE.read_text(encoding="utf-8"))
    texts = canned["poem"] + canned["story"]
    return [[f"{texts[(j * JOB + i) % len(texts)]} ({j}.{i})" for i in range(JOB)]
            for j in range(count)]


def timed(embedder: OpenVinoEmbedder, work: list[list[str]]) -> tuple[float, Any]:
    start = time.perf_counter()
    vectors = [embedder._encode(texts) for texts in work]
    return sum(map(len, work)) / (time.perf_counter() - start), vectors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=4)
    parser.add_argument("--jobs", type=int, default=8, help="jobs of 30 texts per timing")
    args = parser.parse_args()
    # the loop started at nice 0 and stopped (SIGSTOP) while idle timings run; then this
    # process's nice, before the compile: OpenVINO's threads, started by it, inherit it
    busy = subprocess.Popen([sys.executable, "-c", BUSY])
    busy.send_signal(signal.SIGSTOP)
    os.nice(10)
    graph = load_graph(_packaged_path())
    embedders = {
        "latency": OpenVinoEmbedder("latency", graph, F32 | {"PERFORMANCE_HINT": "LATENCY"}),
        "streams": OpenVinoEmbedder("streams", graph, F32),
    }
    print("streams:", {k: e.streams for k, e in embedders.items()}, file=sys.stderr)
    work = jobs(args.jobs)
    rates: dict[tuple[str, str], list[float]] = {}
    ratios: dict[str, list[float]] = {"idle": [], "beside the loop": []}
    difference = 0.0
    for repeat in range(args.repeats):
        for condition in ratios if repeat % 2 == 0 else reversed(list(ratios)):
            if condition != "idle":
                busy.send_signal(signal.SIGCONT)
            names = list(embedders) if repeat % 2 == 0 else list(reversed(embedders))
            got = {name: timed(embedders[name], work) for name in names}
            busy.send_signal(signal.SIGSTOP)
            for name, (rate, _) in got.items():
                rates.setdefault((name, condition), []).append(rate)
            ratios[condition].append(got["streams"][0] / got["latency"][0])
            difference = max(difference, max(
                float(np.max(np.abs(np.asarray(a) - np.asarray(b))))
                for a, b in zip(got["latency"][1], got["streams"][1], strict=True)
            ))
    busy.kill()
    busy.wait()
    print(f"{args.jobs} jobs of {JOB} texts per timing, {args.repeats} repeats, "
          f"the embedder at nice +10, the busy loop at nice 0")
    print("| backend | idle texts/s | beside the loop texts/s |")
    print("|---|---|---|")
    for name in embedders:
        print(f"| {name} | {statistics.median(rates[(name, 'idle')]):.1f} | "
              f"{statistics.median(rates[(name, 'beside the loop')]):.1f} |")
    for condition, values in ratios.items():
        print(f"streams/latency {condition}: {statistics.median(values):.2f} "
              f"(repeats {', '.join(f'{v:.2f}' for v in values)})")
    print(f"largest difference of a vector component: {difference:.1e}")
    return 0 if difference <= 1e-5 and statistics.median(ratios["beside the loop"]) > 1 else 1


if __name__ == "__main__":
    sys.exit(main())
