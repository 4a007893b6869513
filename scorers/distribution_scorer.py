"""Inspect adapter: distribution metrics of a sample's N draws over its answer set."""

from __future__ import annotations

import numpy as np
from inspect_ai.scorer import Score, Scorer, Target, scorer
from inspect_ai.solver import TaskState

from vs_bench.answer_set import AnswerSet
from vs_bench.draws import SampleDraws
from vs_bench.scorers.catalogue import DISTRIBUTION, keys_of
from vs_bench.scorers.common import delivery_notes, delivery_values, scorer_metrics
from vs_bench.scorers.distribution import (
    chao1,
    chi_square_uniform,
    hill_number,
    kl_mm,
    sample_coverage,
    uniform_scores,
)

# the keys of ``distribution_score``, in display order (the metric catalogue's rows)
KEYS = keys_of(DISTRIBUTION)


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
    return {key: values[key] for key in KEYS}


def explanation(values: dict[str, float], draws: SampleDraws) -> str:
    """One line for ``inspect view``: the primary metric, its N, and what went wrong."""
    return "; ".join(
        [
            # KL cannot be negative: the Miller-Madow estimate is shown clipped, as reported
            f"KL (Miller-Madow) {max(values['kl_mm'], 0.0):.3f}, plug-in {values['kl']:.3f}, "
            f"over {len(draws.draws)} draws, {values['n_valid']:.0f} in the answer set",
            *delivery_notes(draws),
        ]
    )


@scorer(metrics=scorer_metrics(DISTRIBUTION))
def distribution_scorer() -> Scorer:
    """KL (plug-in and Miller-Madow), chi-square, coverage, precision, Hill numbers, Chao1,
    sample coverage, parse failures and delivery counts against a uniform reference."""

    async def score(state: TaskState, target: Target) -> Score:
        answers = AnswerSet.from_aliases(state.metadata["answer_set"])
        draws = SampleDraws.load(state.store)
        counts, invalid = answers.counts(draws.texts)
        values = distribution_score(
            counts, invalid, len(draws.failures), draws.replies, draws.over_delivered,
            draws.under_delivered,
        )
        return Score(
            value=values,
            answer=state.output.completion,
            explanation=explanation(values, draws),
            metadata={
                "counts": dict(zip(answers.canonical, counts.tolist(), strict=True)),
                "n_draws": len(draws.draws),
                "failures": [f.error for f in draws.failures],
            },
        )

    return score
