"""The numbers behind the figures (``plots``): histograms, subsampled metric curves,
rarefied coverage and calibration points, from logged draws.

No metric is computed here: the values are the scorers' functions (many subsets at once
through ``uniform_scores``).
"""

from __future__ import annotations

import math
import warnings
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from vs_bench.analysis.runs import PromptDraws, Run
from vs_bench.errors import VsBenchError
from vs_bench.metrics import distribution
from vs_bench.metrics.calibration import empirical_distribution, verbalized_distribution
from vs_bench.metrics.distribution import expected_coverage_uniform, uniform_scores

SIZES = (1, 3, 5, 10, 50)  # the seed's sample sizes
REPEATS = 200  # random subsets per size
SEED = 0

__all__ = ["REPEATS", "SIZES", "Curve", "Histogram", "SampleSizeCurves", "calibration_points",
           "expected_coverage", "histogram", "parse_sizes", "rarefied_coverage",
           "sample_size_curves", "subsample", "summarise"]

Curve = dict[int, dict[str, np.ndarray]]  # size -> metric key -> value of each repeat


def parse_sizes(values: str | Sequence[str]) -> list[int]:
    """Sample sizes of ``--sizes``: ``1,3,5,10,50`` (tokens ``1 3 5`` are taken too).

    Sorted, each once; a value that is not an integer >= 1 is a one-line error.
    """
    tokens = [values] if isinstance(values, str) else list(values)
    parts = [p.strip() for token in tokens for p in token.split(",") if p.strip()]
    example = ",".join(map(str, SIZES))
    try:
        sizes = sorted({int(p) for p in parts})
    except ValueError:
        raise VsBenchError(
            f"--sizes {','.join(parts)!r}: pass integers, e.g. --sizes {example}"
        ) from None
    if not sizes or sizes[0] < 1:
        raise VsBenchError(
            f"--sizes {','.join(parts)!r}: pass integers >= 1, e.g. --sizes {example}"
        )
    return sizes


@dataclass(frozen=True)
class Histogram:
    labels: list[str]
    counts: np.ndarray
    invalid: int

    @property
    def expected(self) -> float:
        """Count per answer under the uniform reference (the chi-square expectation)."""
        return float(self.counts.sum()) / len(self.labels)


def histogram(draws: PromptDraws) -> Histogram:
    counts, invalid = draws.answers.counts(draws.texts)
    return Histogram(draws.answers.canonical, counts, invalid)


def _codes(draws: PromptDraws) -> np.ndarray:
    """Index of each draw's answer, -1 for an invalid draw."""
    return np.array([-1 if (i := draws.answers.match(t)) is None else i for t in draws.texts],
                    dtype=np.int64)


def subsample(
    prompts: Sequence[PromptDraws],
    sizes: Sequence[int] = SIZES,
    repeats: int = REPEATS,
    seed: int = SEED,
) -> dict[int, dict[str, np.ndarray]]:
    """Distribution metrics of random size-``s`` subsets of each prompt's logged draws.

    For each size, ``repeats`` subsets are drawn without replacement from every prompt;
    a repeat's value is the mean over prompts. Sizes above the fewest draws are left out.
    """
    rng = np.random.default_rng(seed)
    coded = [(p.answers.size, _codes(p)) for p in prompts]
    available = min((len(c) for _, c in coded), default=0)
    result: dict[int, dict[str, np.ndarray]] = {}
    for size in sizes:
        if size > available:
            continue
        per_prompt: dict[str, list[np.ndarray]] = defaultdict(list)
        for k, codes in coded:
            chosen = codes[np.argsort(rng.random((repeats, len(codes))), axis=1)[:, :size]]
            # one bincount for all repeats: row r's answers land in slots r*(K+1) + code+1
            slots = (np.arange(repeats)[:, None] * (k + 1) + chosen + 1).ravel()
            counts = np.bincount(slots, minlength=repeats * (k + 1)).reshape(repeats, k + 1)
            for key, values in uniform_scores(counts[:, 1:], counts[:, 0]).items():
                per_prompt[key].append(np.asarray(values))
        with warnings.catch_warnings():  # a repeat where every prompt is NaN stays NaN
            warnings.simplefilter("ignore", RuntimeWarning)
            result[size] = {key: np.nanmean(np.vstack(v), axis=0) for key, v in per_prompt.items()}
    return result


@dataclass(frozen=True)
class SampleSizeCurves:
    """The sample-size curves of one model's runs of a task, one per format."""

    sizes: list[int]  # the N of the curves
    curves: list[tuple[str, Curve]]  # format -> its subsampled metrics
    rarefied: dict[str, tuple[np.ndarray, np.ndarray]]  # format -> exact rarefied coverage
    answer_sizes: list[int]  # K of each prompt


def sample_size_curves(runs: Sequence[Run], sizes: Sequence[int] = SIZES) -> SampleSizeCurves:
    """The curves of ``runs`` (one model, one task, runs with draws) at the ``sizes`` the
    fewest draws logged allow, and at that number itself, so that a curve ends at all the
    draws (100 logged: up to 100, not 50; 30 logged: up to 30, not 10)."""
    most = min(len(d.texts) for r in runs for d in r.draws)
    chosen = sorted({s for s in sizes if s <= most} | {most}) if most else list(sizes)
    return SampleSizeCurves(
        chosen,
        [(r.format, subsample(r.draws, chosen)) for r in runs],
        {r.format: rarefied_coverage(r.draws, max(chosen)) for r in runs},
        [d.answers.size for d in runs[0].draws],
    )


def summarise(values: np.ndarray) -> dict[str, float]:
    """Mean and central 95% range of per-repeat values (NaN repeats left out)."""
    defined = values[~np.isnan(values)]
    if not defined.size:
        return {"mean": math.nan, "low": math.nan, "high": math.nan, "defined": 0}
    low, high = np.percentile(defined, [2.5, 97.5])
    return {"mean": float(defined.mean()), "low": float(low), "high": float(high),
            "defined": int(defined.size)}


def expected_coverage(answer_sizes: Sequence[int], size: int) -> float:
    """E[coverage] of ``size`` i.i.d. uniform draws, mean over prompts with K answers each."""
    return float(np.mean([expected_coverage_uniform(k, size) for k in answer_sizes]))


def rarefied_coverage(prompts: Sequence[PromptDraws], upto: int) -> tuple[np.ndarray, np.ndarray]:
    """Coverage at n = 1..``upto`` (at most the fewest logged draws), mean over prompts,
    by exact rarefaction of each prompt's logged draws (the mean over all subsets)."""
    coded = [(p.answers.size, _codes(p)) for p in prompts]
    available = min((len(c) for _, c in coded), default=0)
    sizes = np.unique(np.geomspace(1, max(min(upto, available), 1), 60).round().astype(int))
    per_prompt = [
        distribution.rarefied_coverage(np.bincount(codes[codes >= 0], minlength=k), sizes,
                                       invalid=int(np.sum(codes < 0)))
        for k, codes in coded
    ]
    return sizes, np.mean(per_prompt, axis=0) if per_prompt else np.full(sizes.shape, np.nan)



def calibration_points(draws: Sequence[PromptDraws]) -> tuple[np.ndarray, np.ndarray]:
    """(empirical, verbalized) probability of every answer stated for any prompt.

    Verbalized: the renormalised mean stated probability (``verbalized_distribution``);
    empirical: the answer's share of the prompt's valid draws.
    """
    empirical: list[np.ndarray] = []
    verbalized: list[np.ndarray] = []
    for prompt in draws:
        index = _codes(prompt)
        stated = np.array([math.nan if p is None else p for p in prompt.probabilities])
        shares = empirical_distribution(index, prompt.answers.size)
        q = verbalized_distribution(index, stated, prompt.answers.size)
        if np.isnan(shares).all() or q.sum() == 0:
            continue
        shown = q > 0
        empirical.append(shares[shown])
        verbalized.append(q[shown])
    if not empirical:
        return np.zeros(0), np.zeros(0)
    return np.concatenate(empirical), np.concatenate(verbalized)


