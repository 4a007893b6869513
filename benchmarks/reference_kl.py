"""What the reference-distribution metrics read for an ideal and a collapsed sampler.

For the state_probe reference (RedPajama, K = 50) and the shipped target_dist targets,
draws REPLICATES count vectors of N i.i.d. draws (fixed seed) from

- the reference itself (the ideal sampler, direct format: empirical Q), and
- a collapsed sampler: 80% of the draws on the reference's most likely answer, the
  rest from the reference,

and prints, as a Markdown table, the mean and central 95% range of ``kl_reference``
(add-½ smoothed), ``kl_paper``, ``tv``, and the rejection rate of the chi-square
against the reference at the 5% level (the ideal sampler should be rejected 5% of
the time; with expected counts below 1 the chi-square approximation need not hold).

Run: ``.venv/bin/python benchmarks/reference_kl.py [--replicates 2000]`` (about a minute).
"""

from __future__ import annotations

import argparse

import numpy as np
import numpy.typing as npt

from vs_bench.metrics.reference_distribution import ModelDistribution, reference_scores
from vs_bench.tasks import state_probe, target_dist

SEED = 20261201
SIZES = (50, 100, 500)
KEYS = ("kl_reference", "kl_paper", "tv")


def collapsed(reference: npt.NDArray[np.float64], share: float = 0.8) -> npt.NDArray[np.float64]:
    top = np.zeros_like(reference)
    top[np.argmax(reference)] = 1.0
    return np.asarray(share * top + (1 - share) * reference, dtype=float)


def simulate(
    truth: npt.NDArray[np.float64],
    reference: npt.NDArray[np.float64],
    n: int,
    replicates: int,
    rng: np.random.Generator,
) -> dict[str, npt.NDArray[np.float64]]:
    values: dict[str, list[float]] = {k: [] for k in (*KEYS, "chi2_p")}
    for counts in rng.multinomial(n, truth, size=replicates):
        model = ModelDistribution(counts / n, counts.astype(np.int64), counts > 0, False)
        scores = reference_scores(model, reference)
        for key in values:
            values[key].append(scores[key])
    return {k: np.array(v) for k, v in values.items()}


def cell(values: npt.NDArray[np.float64]) -> str:
    low, high = np.percentile(values, [2.5, 97.5])
    return f"{values.mean():.3f} [{low:.3f}, {high:.3f}]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=2000)
    args = parser.parse_args()
    rng = np.random.default_rng(SEED)
    references = {"state_probe (K=50)": state_probe.answers().reference}
    for name, target in target_dist.shipped().items():
        references[f"target {name} (K={len(target)})"] = np.array(list(target.values()))
    print(f"{args.replicates} replicates per row, seed {SEED}; mean [2.5%, 97.5%]\n")
    print("| reference | sampler | N | kl_reference | kl_paper | tv | chi2 rejects at 5% |")
    print("|---|---|---|---|---|---|---|")
    for name, reference in references.items():
        for sampler, truth in (("ideal", reference), ("collapsed 80%", collapsed(reference))):
            for n in SIZES:
                values = simulate(truth, reference, n, args.replicates, rng)
                rejects = float(np.mean(values["chi2_p"] < 0.05))
                row = " | ".join(cell(values[k]) for k in KEYS)
                print(f"| {name} | {sampler} | {n} | {row} | {rejects:.3f} |")


if __name__ == "__main__":
    main()
