"""Memory of the embedder's work: encodes from one thread against a pool of 40 threads.

Each measurement is a fresh process: the embedder is loaded, then 40 encodes of 30
texts of 200 words (a poem cell's draws) run either in one thread (how the scorers run
them, ``scorers/embedder_thread.py``) or spread over a pool of 40 threads (anyio's
worker pool, how they ran before). Printed per backend: RSS after the load, after the
encodes, and the growth of the pool against the growth of the one thread.

    .venv/bin/python benchmarks/embedder_memory.py [--embedders A,B]  (default: OpenVINO, torch)
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

WORDS = ("river", "stone", "light", "morning", "quiet", "silver", "wind", "garden", "memory",
         "ember", "harbor", "lantern")
ENCODES, TEXTS, LENGTH, POOL = 40, 30, 200, 40


def measure(embedder: str, threads: int) -> dict[str, int]:
    """RSS (bytes) after loading ``embedder`` and after the encodes from ``threads`` threads."""
    import psutil

    from vs_bench.metrics.embedding import get_embedder

    process = psutil.Process()
    model = get_embedder(embedder)
    rng = random.Random(0)
    batches = [[" ".join(rng.choice(WORDS) for _ in range(LENGTH)) for _ in range(TEXTS)]
               for _ in range(ENCODES)]
    loaded = process.memory_info().rss
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for future in [pool.submit(model.encode, batch) for batch in batches]:
            future.result()
    return {"loaded": loaded, "after": process.memory_info().rss}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedders", default="all-MiniLM-L6-v2,all-MiniLM-L6-v2@torch")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child[0], int(args.child[1]))))
        return
    mib = 2**20
    print(f"{ENCODES} encodes of {TEXTS} texts x {LENGTH} words; a fresh process each")
    print("| embedder | threads | RSS after load | RSS after encodes | growth |")
    print("|---|---:|---:|---:|---:|")
    for embedder in args.embedders.split(","):
        growth = {}
        for threads in (1, POOL):
            found = json.loads(subprocess.run(
                [sys.executable, __file__, "--child", embedder, str(threads)],
                check=True, capture_output=True, text=True).stdout.splitlines()[-1])
            growth[threads] = found["after"] - found["loaded"]
            print(f"| {embedder} | {threads} | {found['loaded'] / mib:.0f} MiB | "
                  f"{found['after'] / mib:.0f} MiB | {growth[threads] / mib:.0f} MiB |", flush=True)
        print(f"{embedder}: growth with {POOL} threads / growth with 1 thread = "
              f"{growth[POOL] / max(growth[1], 1):.1f}")


if __name__ == "__main__":
    main()
