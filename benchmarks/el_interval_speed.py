"""Speed of a semantic-diversity comparison against the former empirical likelihood search,
measured in one run.

A diversity comparison (``inference.compare`` of two ``diversity_interval``s, p by
inverting the MOVER interval: some 17 levels per side) needs each prompt's jackknife
empirical likelihood interval at every level. Ours tabulates −2 log R once per prompt;
the baseline is the former method, which bracketed each bound on a 33-point grid refined
4 times in the bracketing cell, at every level (its −2 log R, 25 Newton steps, called 4
times per prompt and level). Both run on the same embeddings in alternating order; the
script prints the time per comparison, the ratio (target >= 5x) and the largest
difference of the bounds and p-values (each method keeps a bound to (mean → edge)·2^-20).

    .venv/bin/python benchmarks/el_interval_speed.py [--pairs 6 --seed 0]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from unittest import mock

import numpy as np
from scipy import stats as sps

from vs_bench.analysis import stats
from vs_bench.analysis.empirical_likelihood import ElIntervals
from vs_bench.analysis.inference import Comparison, compare, diversity_interval

SPEED_UP_TARGET = 5.0
DESIGNS = ((10, 3, 32), (30, 3, 384), (30, 1, 384))  # texts, prompts, dimensions


def _former_ratio(v: np.ndarray, thetas: np.ndarray) -> np.ndarray:
    """The former −2 log R: 25 Newton steps from λ = 0, a step onto the bracket's end
    replaced by bisection."""
    d = v[None, :] - thetas[:, None]
    inside = (d.min(axis=1) < 0) & (d.max(axis=1) > 0)
    d = d[inside]
    lo, hi = -1.0 / d.max(axis=1), -1.0 / d.min(axis=1)
    lam = np.zeros(len(d))
    for _ in range(25):
        ratio = d / (1.0 + lam[:, None] * d)
        g = ratio.sum(axis=1)
        lo, hi = np.where(g > 0, lam, lo), np.where(g > 0, hi, lam)
        step = lam + g / np.sum(ratio**2, axis=1)
        lam = np.where((step > lo) & (step < hi), step, (lo + hi) / 2.0)
    result = np.full(thetas.shape, np.inf)
    result[inside] = 2.0 * np.sum(np.log1p(lam[:, None] * d), axis=1)
    return result


class _GridIntervals(ElIntervals):
    """The former method behind the same interface: no table, a grid search per level."""

    def __init__(self, pseudo: Sequence[np.ndarray]) -> None:  # noqa: D107 (no table)
        self._pseudo = list(pseudo)

    def bounds(self, alpha: float) -> np.ndarray:
        return np.array([self._grid_bounds(v, alpha) for v in self._pseudo])

    @staticmethod
    def _grid_bounds(v: np.ndarray, alpha: float) -> tuple[float, float]:
        critical = float(sps.f.ppf(1.0 - 2.0 * alpha, 1, v.size - 1))
        near = np.array([v.mean(), v.mean()])
        far = np.array([v.min(), v.max()])
        steps = np.linspace(0.0, 1.0, 33)
        for _ in range(4):
            grid = near[:, None] + steps[None, :] * (far - near)[:, None]
            beyond = _former_ratio(v, grid.ravel()).reshape(grid.shape) > critical
            first = np.argmax(beyond, axis=1)
            near, far = grid[[0, 1], first - 1], grid[[0, 1], first]
        return float(far[0]), float(far[1])


def one_comparison(a: list[np.ndarray], b: list[np.ndarray]) -> tuple[Comparison, float]:
    start = time.perf_counter()
    found = compare(diversity_interval(a), diversity_interval(b), scale=(0.0, 100.0))
    return found, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=6, help="comparisons per design")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    ours_class = ElIntervals
    ok = True
    for texts, prompts, dimensions in DESIGNS:
        totals = {"ours": 0.0, "former": 0.0}
        bound_diff = p_diff = 0.0
        ps = []
        for pair in range(args.pairs):
            # two formats alike (texts sharing a direction: positive cosines), so that p
            # lies inside (1e-4, 1) and its inversion runs every bisection step
            sides = [[rng.normal(size=(texts, dimensions)) + 0.3 for _ in range(prompts)]
                     for _ in range(2)]
            found = {}
            for name in ("ours", "former")[:: 1 if pair % 2 == 0 else -1]:
                # the baseline behind diversity_levels' own name for the intervals
                chosen = ours_class if name == "ours" else _GridIntervals
                with mock.patch.object(stats, "ElIntervals", chosen):
                    found[name], seconds = one_comparison(*sides)
                totals[name] += seconds
            ours, former = found["ours"], found["former"]
            ps.append(ours.p)
            bound_diff = max(bound_diff, abs(ours.lo - former.lo), abs(ours.hi - former.hi))
            p_diff = max(p_diff, abs(ours.p - former.p) / former.p)
        ratio = totals["former"] / totals["ours"]
        ok &= ratio >= SPEED_UP_TARGET
        print(f"{prompts} prompt{'s' if prompts > 1 else ''} x {texts} texts ({dimensions} "
              f"dimensions), {args.pairs} comparisons: ours {totals['ours'] / args.pairs:.3f} s, "
              f"former {totals['former'] / args.pairs:.3f} s per comparison, speed-up "
              f"{ratio:.1f}x (target >= {SPEED_UP_TARGET:.0f}x: "
              f"{'ok' if ratio >= SPEED_UP_TARGET else 'MISSED'}); p {min(ps):.3f} to "
              f"{max(ps):.3f}; max |difference| of the bounds {bound_diff:.1e}, of p "
              f"(relative) {p_diff:.1e}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
