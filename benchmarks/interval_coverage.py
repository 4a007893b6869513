"""Coverage and false-positive rate of the report's statistics (vs_bench.analysis.stats,
vs_bench.analysis.inference), for every kind of primary metric.

Simulates known samplers and counts how often the 95% intervals contain the true value,
how often the comparisons reject at p < 0.05 when both formats sample alike, and whether
each comparison's interval excludes 0 exactly when its p < 0.05 (must be 100%):

- KL: N = 100 and 600 draws over K = 6, 10, 50 answers (one prompt; and three prompts
  with K = 6, 10, 50 at once), from the ideal sampler (uniform, KL = 0) and a collapsed
  one (80% of the mass on one answer, the rest uniform over the others);
- semantic diversity: synthetic embeddings (Gaussian clusters in 32 dimensions: eight
  equally likely clusters, or 80% of the texts in one), 10 texts x 3 prompts and 30 x 1;
- TV against a reference (target_dist's 0.5/0.3/0.2 target, one prompt, N = 100): the
  ideal sampler (TV = 0) and a skewed one (0.7/0.2/0.1);
- rates (top-1 accuracy, refusal rate: one 0/1 value per prompt): 20 and 50 prompts at
  rates 0.1 and 0.6 (the interval's coverage exact, summed over the binomial counts),
  comparisons of two formats on the same prompts.

Every comparison is ``inference.compare``: MOVER of the two intervals, p its inversion.

Targets: coverage >= 93% at nominal 95%; false-positive rate <= the binomial 99% upper
bound of 5% for the replicate count. Prints a markdown table with PASS/FAIL per row.

    .venv/bin/python benchmarks/interval_coverage.py [--replicates 1000 --seed 0]
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special, stats

from vs_bench.analysis.inference import (
    Comparison,
    ReferenceDraws,
    compare,
    diversity_interval,
    kl_interval,
    reference_interval,
    units_interval,
)
from vs_bench.analysis.stats import diversity_estimate, kl_estimate, pairwise_distances

COVERAGE_TARGET = 0.93
ALPHA = 0.05
SIZES = (100, 600)
SUPPORTS = (6, 10, 50)
DIMENSIONS = 32
CLUSTERS = 8
TRUTH_TEXTS = 3000  # texts behind a sampler's true diversity (4.5 million pairs)

Rng = np.random.Generator
AGREES = "CI agrees with p"


def agrees(cmp: Comparison) -> bool:
    """The interval excludes 0 exactly when p < ALPHA."""
    return (not cmp.lo <= 0.0 <= cmp.hi) == (cmp.p < ALPHA)


def comparison_rows(statistic: str, setting: str, replicates: int, rejected: int, hits: int,
                    agreed: int, null: bool) -> list[Row]:
    """A comparison's rows: false positives (when both sides sample alike), coverage of
    the difference, and the interval's agreement with the p-value."""
    rows = [Row(f"{statistic} test", setting, replicates, "false positives",
                rejected / replicates)] if null else []
    rows.append(Row(f"{statistic} difference interval", setting, replicates, "coverage",
                    hits / replicates))
    rows.append(Row(f"{statistic} difference interval", setting, replicates, AGREES,
                    agreed / replicates))
    return rows


KL_SCALE = (0.0, math.inf)  # the range the report passes (compare._scale)


def ideal(k: int) -> np.ndarray:
    return np.full(k, 1.0 / k)


def collapsed(k: int, top: float = 0.8) -> np.ndarray:
    p = np.full(k, (1.0 - top) / (k - 1))
    p[0] = top
    return p


def true_kl(p: np.ndarray) -> float:
    return float(np.sum(special.xlogy(p, p * p.size)))


@dataclass
class Row:
    statistic: str
    setting: str
    replicates: int
    figure: str  # "coverage", "false positives" or "CI agrees with p"
    rate: float

    @property
    def limit(self) -> float:
        if self.figure == "coverage":
            return COVERAGE_TARGET
        if self.figure == AGREES:
            return 1.0
        return float(stats.binom.ppf(0.99, self.replicates, ALPHA)) / self.replicates

    @property
    def passed(self) -> bool:
        return self.rate <= self.limit if self.figure == "false positives" else (
            self.rate >= self.limit)

    def line(self) -> str:
        target = f"<= {self.limit:.1%}" if self.figure == "false positives" else (
            f">= {self.limit:.0%}")
        return (
            f"| {self.statistic} | {self.setting} | {self.replicates} | {self.figure} | "
            f"{self.rate:.1%} | {target} | {'PASS' if self.passed else 'FAIL'} |"
        )


def counts_of(ps: Sequence[np.ndarray], n: int, rng: Rng) -> list[np.ndarray]:
    return [rng.multinomial(n, p) for p in ps]


def zipf(k: int, exponent: float) -> np.ndarray:
    p = 1.0 / np.arange(1, k + 1) ** exponent
    return np.asarray(p / p.sum())


def stress_rows(replicates: int, rng: Rng) -> list[Row]:
    """KL intervals on supports larger than the tasks' (K <= 50), where N/K is small."""
    rows = []
    cases = (
        ("collapsed 50%", collapsed(200, 0.5)),
        ("collapsed 30%", collapsed(100, 0.3)),
        ("Zipf s=1", zipf(100, 1.0)),
        ("Zipf s=1.5", zipf(50, 1.5)),
    )
    for n in SIZES:
        for name, p in cases:
            truth, hits = true_kl(p), 0
            for _ in range(replicates):
                est = kl_estimate([rng.multinomial(n, p)])
                hits += est.lo <= truth <= est.hi
            rows.append(
                Row(
                    "KL interval",
                    f"{name}, N={n}, K={p.size}",
                    replicates,
                    "coverage",
                    hits / replicates,
                )
            )
    return rows


def kl_rows(replicates: int, resamples: int, rng: Rng) -> list[Row]:
    rows = []
    designs: list[tuple[str, Sequence[int]]] = [(f"K={k}", (k,)) for k in SUPPORTS]
    designs.append(("3 prompts, K=6,10,50", SUPPORTS))
    for n in SIZES:
        for label, ks in designs:
            samplers = {
                "ideal": [ideal(k) for k in ks],
                "collapsed": [collapsed(k) for k in ks],
            }
            truth = {
                name: float(np.mean([true_kl(p) for p in ps])) for name, ps in samplers.items()
            }
            for name, ps in samplers.items():
                hits = 0
                for _ in range(replicates):
                    est = kl_estimate(counts_of(ps, n, rng))
                    hits += est.lo <= truth[name] <= est.hi
                rows.append(
                    Row(
                        "KL interval",
                        f"{name}, N={n}, {label}",
                        replicates,
                        "coverage",
                        hits / replicates,
                    )
                )
            # comparisons: both ideal (H0 true), and collapsed vs ideal (difference known)
            for a, b in (("ideal", "ideal"), ("collapsed", "ideal")):
                rejected = hits = agreed = 0
                diff = truth[a] - truth[b]
                for _ in range(replicates):
                    cmp = compare(kl_interval(counts_of(samplers[a], n, rng)),
                                  kl_interval(counts_of(samplers[b], n, rng)), scale=KL_SCALE)
                    rejected += cmp.p < ALPHA
                    hits += cmp.lo <= diff <= cmp.hi
                    agreed += agrees(cmp)
                rows += comparison_rows("KL", f"{a} vs {b}, N={n}, {label}", replicates,
                                        rejected, hits, agreed, a == b)
    return rows


@dataclass
class ClusterSampler:
    """Texts as points around cluster centres; one sampler per prompt."""

    centres: np.ndarray  # (CLUSTERS, d)
    weights: np.ndarray

    @staticmethod
    def make(rng: Rng, weights: np.ndarray) -> ClusterSampler:
        # a shared direction keeps most cosines positive, as with sentence embeddings
        common = np.ones(DIMENSIONS) / np.sqrt(DIMENSIONS)
        return ClusterSampler(
            common + 0.9 * rng.normal(size=(CLUSTERS, DIMENSIONS)) / np.sqrt(DIMENSIONS), weights
        )

    def texts(self, n: int, rng: Rng) -> np.ndarray:
        which = rng.choice(CLUSTERS, size=n, p=self.weights)
        noise = 0.5 * rng.normal(size=(n, DIMENSIONS)) / np.sqrt(DIMENSIONS)
        return np.asarray(self.centres[which] + noise)

    def truth(self, rng: Rng) -> float:
        h = pairwise_distances(self.texts(TRUTH_TEXTS, rng))
        return float(h.sum() / (TRUTH_TEXTS * (TRUTH_TEXTS - 1)))


def diversity_rows(replicates: int, resamples: int, rng: Rng) -> list[Row]:
    spread = np.full(CLUSTERS, 1.0 / CLUSTERS)
    narrow = np.full(CLUSTERS, 0.2 / (CLUSTERS - 1))
    narrow[0] = 0.8
    rows = []
    for texts, prompts in ((10, 3), (30, 1)):
        geometry = [ClusterSampler.make(rng, spread) for _ in range(prompts)]
        samplers = {
            "diverse": geometry,
            "collapsed": [ClusterSampler(g.centres, narrow) for g in geometry],
        }
        truth = {name: float(np.mean([s.truth(rng) for s in ss])) for name, ss in samplers.items()}

        def draw(
            name: str, texts: int = texts, samplers: dict[str, list[ClusterSampler]] = samplers
        ) -> list[np.ndarray]:
            return [s.texts(texts, rng) for s in samplers[name]]

        label = f"N={texts} texts x {prompts} prompt{'s' if prompts > 1 else ''}"
        for name in samplers:
            hits = 0
            for _ in range(replicates):
                est = diversity_estimate(draw(name))
                hits += est.lo <= truth[name] <= est.hi
            rows.append(
                Row(
                    "diversity interval",
                    f"{name}, {label}",
                    replicates,
                    "coverage",
                    hits / replicates,
                )
            )
        for a, b in (("diverse", "diverse"), ("collapsed", "collapsed"), ("collapsed", "diverse")):
            rejected = hits = agreed = 0
            diff = truth[a] - truth[b]
            for _ in range(replicates):
                cmp = compare(diversity_interval(draw(a)), diversity_interval(draw(b)),
                              scale=(0.0, 100.0))
                rejected += cmp.p < ALPHA
                hits += cmp.lo <= diff <= cmp.hi
                agreed += agrees(cmp)
            rows += comparison_rows("diversity", f"{a} vs {b}, {label}", replicates, rejected,
                                    hits, agreed, a == b)
    return rows


TARGET = np.array([0.5, 0.3, 0.2])  # target_dist's first target


def reference_rows(replicates: int, resamples: int, rng: Rng, n: int = 100) -> list[Row]:
    """TV against the target: interval of one format, comparison of two."""
    samplers = {"ideal": TARGET, "skewed": np.array([0.7, 0.2, 0.1])}
    truth = {name: 0.5 * float(np.abs(p - TARGET).sum()) for name, p in samplers.items()}

    def draws(name: str) -> list[ReferenceDraws]:
        index = rng.choice(TARGET.size, size=n, p=samplers[name])
        return [ReferenceDraws(index, np.full(n, np.nan), TARGET)]

    rows = []
    for name in samplers:
        hits = 0
        for _ in range(replicates):
            _, lo, hi = reference_interval("tv", draws(name), seed=int(rng.integers(2**31)),
                                           resamples=resamples)(0.95)
            hits += lo <= truth[name] <= hi
        rows.append(Row("TV interval", f"{name}, N={n}, K=3", replicates, "coverage",
                        hits / replicates))
    for a, b in (("ideal", "ideal"), ("skewed", "ideal")):
        rejected = hits = agreed = 0
        for _ in range(replicates):
            cmp = compare(
                reference_interval("tv", draws(a), int(rng.integers(2**31)), resamples),
                reference_interval("tv", draws(b), int(rng.integers(2**31)), resamples),
                scale=(0.0, 1.0),
            )
            rejected += cmp.p < ALPHA
            hits += cmp.lo <= truth[a] - truth[b] <= cmp.hi
            agreed += agrees(cmp)
        rows += comparison_rows("TV", f"{a} vs {b}, N={n}, K=3", replicates, rejected, hits,
                                agreed, a == b)
    return rows


def rate_rows(replicates: int, resamples: int, rng: Rng) -> list[Row]:
    """A 0/1 value per prompt (top-1 accuracy, refusal): Wilson interval, paired test."""
    rows = []
    for prompts in (20, 50):
        for rate in (0.1, 0.6):
            # exact: the interval of every count k of successes, weighted by Binomial(n, rate)
            covered = 0.0
            for k in range(prompts + 1):
                _, lo, hi = units_interval([1.0] * k + [0.0] * (prompts - k), rate=True)(0.95)
                covered += float(stats.binom.pmf(k, prompts, rate)) * (lo <= rate <= hi)
            rows.append(Row("rate interval", f"rate {rate}, {prompts} prompts (exact)",
                            replicates, "coverage", covered))
        # the same prompts on both sides, each format's answers drawn independently
        for a, b in ((0.6, 0.6), (0.6, 0.3)):
            rejected = hits = agreed = 0
            for _ in range(replicates):
                cmp = compare(units_interval(list(rng.random(prompts) < a), rate=True),
                              units_interval(list(rng.random(prompts) < b), rate=True),
                              scale=(0.0, 1.0))
                rejected += cmp.p < ALPHA
                hits += cmp.lo <= a - b <= cmp.hi
                agreed += agrees(cmp)
            rows += comparison_rows("rate", f"{a} vs {b}, {prompts} prompts", replicates,
                                    rejected, hits, agreed, a == b)
    return rows


def seconds_per_call(call: Callable[[], object], repeats: int = 5) -> float:
    start = time.perf_counter()
    for _ in range(repeats):
        call()
    return (time.perf_counter() - start) / repeats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=1000)
    parser.add_argument(
        "--resamples",
        type=int,
        default=999,
        help="bootstrap resamples per TV interval here (the report uses 1999)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--stress",
        action="store_true",
        help="instead: KL intervals on supports of 50 to 200 answers, beyond the tasks' range",
    )
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    start = time.perf_counter()
    tests = "" if args.stress else f", {args.resamples} bootstrap resamples per TV interval"
    print(f"Nominal level 95%, seed {args.seed}, {args.replicates} replicates{tests}; "
          f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} CPUs ({platform.machine()}), "
          f"Python {platform.python_version()}.\n")
    print("| statistic | setting | replicates | figure | rate | target | result |")
    print("|---|---|---:|---|---:|---:|---|", flush=True)
    sections = [stress_rows] if args.stress else [
        lambda r, g: kl_rows(r, args.resamples, g),
        lambda r, g: diversity_rows(r, args.resamples, g),
        lambda r, g: reference_rows(r, args.resamples, g),
        lambda r, g: rate_rows(r, args.resamples, g),
    ]
    rows = []
    for section in sections:
        found = section(args.replicates, rng)
        for row in found:
            print(row.line(), flush=True)
        rows += found
    failed = sum(not row.passed for row in rows)
    print(f"\n{len(rows) - failed} of {len(rows)} rows pass; {time.perf_counter() - start:.0f} s.")
    if args.stress:
        return  # beyond the checked range: figures for the README, not a gate
    # the cost of one call as the main job makes it (default resamples)
    ks = [collapsed(k) for k in SUPPORTS]
    kl_time = seconds_per_call(lambda: compare(kl_interval(counts_of(ks, 600, rng)),
                                               kl_interval(counts_of(ks, 600, rng))))
    # two formats alike (texts sharing a direction), so that p's inversion runs in full
    texts = [[rng.normal(size=(30, 384)) + 0.3 for _ in range(3)] for _ in range(2)]
    div_time = seconds_per_call(lambda: compare(diversity_interval(texts[0]),
                                                diversity_interval(texts[1])))
    print(
        f"Time per comparison: KL (3 prompts, K=6,10,50, N=600) {kl_time:.2f} s; semantic "
        f"diversity (3 prompts x 30 texts per side, 384 dimensions) {div_time:.2f} s."
    )
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
