"""The functional-equivalence threshold, and the speed of our Vendi score against vendi-score.

1. Threshold: on ``tests/data/similarity_calibration.json`` (paraphrase pairs that
   should be one class; sets of texts that should all be different classes, the
   hardest being 25 poems DeepSeek-R1 wrote for one prompt) it prints the cosine
   similarities of both kinds, the share of paraphrase pairs merged and of different
   pairs kept apart at each threshold, the threshold with the best balanced accuracy,
   and ``distinct_k`` and ``vendi`` of each set at ``DEFAULT_THRESHOLD``.
2. Vendi: ``similarity.vendi`` against ``vendi_score.vendi.score_X`` on random
   embeddings (n x 384): time per call and the largest difference.

    .venv/bin/python benchmarks/similarity.py [--embedder all-MiniLM-L6-v2]
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np
import numpy.typing as npt

from vs_bench.metrics.embedding import get_embedder
from vs_bench.metrics.similarity import (
    DEFAULT_THRESHOLD,
    cosine_kernel,
    distinct_k,
    similarity_classes,
    vendi,
)

DATA = Path(__file__).parent.parent / "tests" / "data" / "similarity_calibration.json"
THRESHOLDS = np.round(np.arange(0.70, 0.951, 0.01), 2)


def calibration(embedder_spec: str | None) -> dict[str, npt.NDArray[np.float64]]:
    """Cosine similarity of every paraphrase pair and of every pair of different texts."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    embedder = get_embedder(embedder_spec)
    same = np.array(
        [cosine_kernel(embedder.encode([p["a"], p["b"]]))[0, 1] for p in data["paraphrases"]]
    )
    different = {}
    for name, texts in data["different"].items():
        kernel = cosine_kernel(embedder.encode(texts))
        first, second = np.triu_indices(len(texts), k=1)
        different[name] = kernel[first, second]
    print(f"embedder: {embedder.name}")
    print(
        f"paraphrase pairs (should be one class): n={same.size}, min {same.min():.3f}, "
        f"median {np.median(same):.3f}, max {same.max():.3f}"
    )
    for name, values in different.items():
        print(
            f"different, {name}: {values.size} pairs, max {values.max():.3f}, "
            f"95th pct {np.percentile(values, 95):.3f}, mean {values.mean():.3f}"
        )
    return {"same": same, "different": np.concatenate(list(different.values()))}


def threshold_table(same: npt.NDArray[np.float64], different: npt.NDArray[np.float64]) -> None:
    print("\nthreshold  paraphrases merged  different kept apart  balanced accuracy")
    best = (0.0, 0.0)
    for t in THRESHOLDS:
        merged, apart = float(np.mean(same >= t)), float(np.mean(different < t))
        balanced = (merged + apart) / 2
        best = max(best, (balanced, float(t)))
        mark = "  <- default" if np.isclose(t, DEFAULT_THRESHOLD) else ""
        print(f"{t:9.2f}  {merged:18.3f}  {apart:20.3f}  {balanced:17.3f}{mark}")
    print(
        f"best balanced accuracy {best[0]:.3f} at threshold {best[1]:.2f} "
        f"(n = {same.size} paraphrase pairs, {different.size} different pairs)"
    )


def classes_of_sets(embedder_spec: str | None) -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    embedder = get_embedder(embedder_spec)
    print(
        f"\nat threshold {DEFAULT_THRESHOLD}: distinct_k and vendi of each set of different texts"
    )
    for name, texts in data["different"].items():
        if len(texts) < 3:
            continue
        vectors = embedder.encode(texts)
        classes = distinct_k(similarity_classes(vectors))
        print(f"  {name}: n={len(texts)}, distinct_k {classes:.0f}, vendi {vendi(vectors):.2f}")


def vendi_speed(repeats: int = 20) -> None:
    from vendi_score import vendi as reference  # dev extra

    rng = np.random.default_rng(0)
    print("\nVendi score: ours vs vendi_score.vendi.score_X (random n x 384 embeddings)")
    for n in (30, 100, 600, 2000):
        vectors = rng.normal(size=(n, 384))
        with warnings.catch_warnings():  # vendi-score reads scipy.sparse.csr (deprecated)
            warnings.simplefilter("ignore", DeprecationWarning)
            start = time.perf_counter()
            expected = [reference.score_X(vectors) for _ in range(repeats)][0]
            theirs = (time.perf_counter() - start) / repeats
        start = time.perf_counter()
        ours_value = [vendi(vectors) for _ in range(repeats)][0]
        ours = (time.perf_counter() - start) / repeats
        print(
            f"  n={n:5d}: ours {1e3 * ours:8.2f} ms, vendi-score {1e3 * theirs:8.2f} ms "
            f"({theirs / ours:4.1f}x), |difference| {abs(ours_value - expected):.1e}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedder", default=None, help="embedder spec (default: packaged)")
    args = parser.parse_args()
    pairs = calibration(args.embedder)
    threshold_table(pairs["same"], pairs["different"])
    classes_of_sets(args.embedder)
    vendi_speed()


if __name__ == "__main__":
    main()
