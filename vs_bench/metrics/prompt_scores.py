"""One prompt's score values from its draws, as the answer-set scorers report them: the
distribution keys (``distribution_score``), the calibration keys (``calibration_score``)
and the delivery counts every scorer reports (``delivery_values``).

The Inspect scorers (``vs_bench.scorers``) and ``vs-bench score`` (``vs_bench.rescore``)
call the same functions; nothing here imports Inspect.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import TYPE_CHECKING

import numpy as np

from vs_bench.answer_set import AnswerSet
from vs_bench.metrics.calibration import calibration, empirical_distribution, probability_sums
from vs_bench.metrics.catalogue import CALIBRATION, DISTRIBUTION, keys_of
from vs_bench.metrics.distribution import (
    chao1,
    chi_square_uniform,
    hill_number,
    kl_mm,
    sample_coverage,
    uniform_scores,
)

if TYPE_CHECKING:  # vs_bench.draws holds the draws in Inspect's store: a type only here
    from vs_bench.draws import SampleDraws

# what every scorer reports of how its draws were delivered (the metric catalogue's rows)
DELIVERY_KEYS = ("n_draws", "parse_failures", "parse_failure_rate", "over_delivered",
                 "under_delivered")
# the keys of ``distribution_score``, in display order (the metric catalogue's rows)
DISTRIBUTION_KEYS = keys_of(DISTRIBUTION)
# key suffix per target distribution of the calibration keys
TARGETS = {"empirical": "", "reference": "_reference"}
# the keys of ``calibration_score``, in display order (the metric catalogue's rows)
CALIBRATION_KEYS = keys_of(CALIBRATION)


def delivery_values(
    n_draws: int, parse_failures: int, replies: int, over_delivered: int = 0,
    under_delivered: int = 0,
) -> dict[str, float]:
    """The ``DELIVERY_KEYS`` of one prompt: a parse failure rate per reply (NaN without one)."""
    return {
        "n_draws": float(n_draws),
        "parse_failures": float(parse_failures),
        "parse_failure_rate": parse_failures / replies if replies else math.nan,
        "over_delivered": float(over_delivered),
        "under_delivered": float(under_delivered),
    }


def distribution_score(
    counts: np.ndarray,
    invalid: int,
    parse_failures: int = 0,
    replies: int = 0,
    over_delivered: int = 0,
    under_delivered: int = 0,
) -> dict[str, float]:
    """Every per-prompt distribution metric, from counts over the answer set, in the
    catalogue's order (the primary metric, KL, first)."""
    n_draws = int(counts.sum()) + invalid
    chi2 = chi_square_uniform(counts)
    richness = chao1(counts)
    nan = float("nan")
    values = {
        # the one-row case of the batched metrics (the sample-size curves use many rows)
        **{key: float(value) for key, value in uniform_scores(counts, invalid).items()},
        "kl_mm": float(kl_mm(counts)),
        "chi2_dof": float(chi2.dof),
        "chi2_p_under": float(chi2.p_under),
        **{f"hill_{q}": float(hill_number(counts, q)) for q in (0, 1, 2)},
        "chao1": float(richness.estimate),
        "chao1_lo": float(richness.low),
        "chao1_hi": float(richness.high),
        "sample_coverage": float(sample_coverage(counts)),
        "invalid_rate": invalid / n_draws if n_draws else nan,
        "n_valid": float(n_draws - invalid),
        **delivery_values(n_draws, parse_failures, replies, over_delivered, under_delivered),
    }
    return {key: values[key] for key in DISTRIBUTION_KEYS}


def calibration_score(draws: SampleDraws, answers: AnswerSet) -> dict[str, float]:
    """Calibration keys of one prompt's draws against its empirical and uniform targets."""
    nan = float("nan")
    index = np.array(
        [-1 if (i := answers.match(d.text)) is None else i for d in draws.draws], dtype=np.int64
    )
    stated = np.array(
        [nan if d.probability is None else d.probability for d in draws.draws], dtype=float
    )
    turns = {key: i for i, key in enumerate(dict.fromkeys((d.call, d.turn) for d in draws.draws))}
    calls = np.array([turns[(d.call, d.turn)] for d in draws.draws], dtype=np.int64)
    targets = {
        "empirical": empirical_distribution(index, answers.size),
        "reference": np.full(answers.size, 1.0 / answers.size),
    }
    sums = probability_sums(calls, stated)
    values = {
        "prob_sum_mean": float(sums.mean()) if sums.size else nan,
        "prob_missing_rate": float(np.isnan(stated).mean()) if stated.size else nan,
    }
    for target, distribution in targets.items():
        result = asdict(calibration(index, stated, distribution))
        values |= {f"calib_{name}{TARGETS[target]}": v for name, v in result.items()}
    return values
