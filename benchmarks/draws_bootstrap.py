"""Why the leaderboard does not bootstrap the draws of a one-prompt task.

Simulates the ideal sampler (N uniform draws over K answers) and a collapsed one, and
prints how often the 95% percentile bootstrap interval over the draws misses the
point estimate of KL and coverage. The leaderboard's intervals resample prompts or
epochs (independent runs) instead; this script shows the alternative it rejected.

    .venv/bin/python benchmarks/draws_bootstrap.py [--runs 200 --n 100 --k 10]
"""

from __future__ import annotations

import argparse

import numpy as np
from scipy import stats

from vs_bench.metrics.distribution import uniform_scores


def miss_rate(p: np.ndarray, n: int, runs: int, resamples: int, key: str,
              rng: np.random.Generator) -> float:
    k = len(p)
    misses = 0
    for _ in range(runs):
        draws = rng.choice(k, size=n, p=p)

        def statistic(sample: np.ndarray, axis: int = -1) -> np.ndarray:
            counts = np.apply_along_axis(np.bincount, axis, sample, minlength=k)
            return np.asarray(uniform_scores(counts.reshape(-1, k))[key])

        point = statistic(draws[None, :])[0]
        ci = stats.bootstrap((draws,), statistic, n_resamples=resamples, method="percentile",
                             vectorized=True, rng=rng).confidence_interval
        misses += not ci.low <= point <= ci.high
    return misses / runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--resamples", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    uniform = np.full(args.k, 1 / args.k)
    collapsed = np.full(args.k, 0.2 / (args.k - 1))
    collapsed[args.k // 2] = 0.8
    for name, p in (("ideal", uniform), ("collapsed (80% one answer)", collapsed)):
        for key in ("kl", "coverage"):
            rate = miss_rate(p, args.n, args.runs, args.resamples, key, rng)
            print(f"{name:28s} {key:9s} interval misses the estimate in {rate:6.1%} "
                  f"of {args.runs} runs (N={args.n}, K={args.k})")


if __name__ == "__main__":
    main()
