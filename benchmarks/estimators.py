"""Bias and RMSE of the answer-set estimators on multinomials with known truth.

For K = 6, 10, 50 answers, three shapes (the ideal sampler: uniform; Zipf: p_i ∝ 1/i;
collapsed: 80% on one answer, the rest uniform) and N = 20, 50, 100, 600 draws,
draws REPLICATES count vectors (fixed seed) and prints, as a Markdown table:

- plug-in KL (ln K − H) and ``kl_mm`` (Miller-Madow): bias and RMSE against the true
  KL(p ‖ uniform); ``kl_mm`` clipped at 0, to show the bias clipping would bring back;
- S_obs (observed richness, ``hill_0``) and Chao1: bias against the true richness K,
  and how often Chao1's 95% interval holds K;
- Good-Turing sample coverage: bias against the true mass of the answers drawn.

Run: ``.venv/bin/python benchmarks/estimators.py [--replicates 4000]`` (about 10 s).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from vs_bench.metrics.distribution import chao1, entropy_plugin, kl_mm, sample_coverage

SEED = 20261201
SIZES = (20, 50, 100, 600)
ANSWERS = (6, 10, 50)


def uniform(k: int) -> npt.NDArray[np.float64]:
    return np.full(k, 1.0 / k)


def zipf(k: int) -> npt.NDArray[np.float64]:
    weights = 1.0 / np.arange(1, k + 1)
    return np.asarray(weights / weights.sum(), dtype=float)


def collapsed(k: int) -> npt.NDArray[np.float64]:
    return np.concatenate([[0.8], np.full(k - 1, 0.2 / (k - 1))])


SHAPES: dict[str, Callable[[int], npt.NDArray[np.float64]]] = {
    "uniform": uniform,
    "zipf": zipf,
    "80% on one": collapsed,
}


def row(
    p: npt.NDArray[np.float64], n: int, replicates: int, rng: np.random.Generator
) -> dict[str, Any]:
    k = p.size
    counts = rng.multinomial(n, p, size=replicates)
    true_kl = float(np.sum(p * np.log(p * k)))
    plug_in = np.log(k) - np.asarray(entropy_plugin(counts))
    corrected = np.asarray(kl_mm(counts))
    richness = chao1(counts)
    s_obs = np.count_nonzero(counts, axis=-1)
    covered = (np.asarray(richness.low) <= k + 1e-9) & (k - 1e-9 <= np.asarray(richness.high))
    true_coverage = (counts > 0) @ p  # mass of the answers drawn

    def bias_rmse(estimates: npt.NDArray[np.float64], truth: float) -> tuple[float, float]:
        errors = estimates - truth
        return float(errors.mean()), float(np.sqrt(np.mean(errors**2)))

    return {
        "true_kl": true_kl,
        "plug_in": bias_rmse(plug_in, true_kl),
        "kl_mm": bias_rmse(corrected, true_kl),
        "clipped_bias": float(np.maximum(corrected, 0.0).mean() - true_kl),
        "s_obs_bias": float(s_obs.mean() - k),
        "chao1_bias": float(np.asarray(richness.estimate).mean() - k),
        "chao1_coverage": float(covered.mean()),
        "coverage_bias": float(np.mean(np.asarray(sample_coverage(counts)) - true_coverage)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=4000)
    args = parser.parse_args()
    rng = np.random.default_rng(SEED)
    print(
        f"{args.replicates} replicates per row, seed {SEED}. Bias = mean(estimate) − truth; "
        "KL in nats, richness in answers.\n"
    )
    print(
        "| K | shape | N | true KL | plug-in bias | plug-in RMSE | kl_mm bias | kl_mm RMSE "
        "| kl_mm clipped bias | S_obs bias | Chao1 bias | Chao1 95% CI coverage "
        "| sample coverage bias |"
    )
    print("|" + "---|" * 13)
    for k in ANSWERS:
        for shape, make in SHAPES.items():
            p = make(k)
            for n in SIZES:
                r = row(p, n, args.replicates, rng)
                print(
                    f"| {k} | {shape} | {n} | {r['true_kl']:.3f} "
                    f"| {r['plug_in'][0]:+.4f} | {r['plug_in'][1]:.4f} "
                    f"| {r['kl_mm'][0]:+.4f} | {r['kl_mm'][1]:.4f} "
                    f"| {r['clipped_bias']:+.4f} | {r['s_obs_bias']:+.2f} "
                    f"| {r['chao1_bias']:+.2f} | {r['chao1_coverage']:.1%} "
                    f"| {r['coverage_bias']:+.4f} |"
                )


if __name__ == "__main__":
    main()
