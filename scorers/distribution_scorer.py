"""Inspect adapter: distribution metrics of a sample's N draws over its answer set."""

from __future__ import annotations

import numpy as np
from inspect_ai.scorer import Score, Scorer, Target, scorer
from inspect_ai.solver import TaskState

from vs_bench.answer_set import AnswerSet
from vs_bench.draws import SampleDraws
from vs_bench.scorers.catalogue import DISTRIBUTION, keys_of
from vs_bench.scorers.common import scorer_metrics
from vs_bench.scorers.distribution import chi_square_uniform, coverage, kl_from_uniform

# the keys of ``distribution_score``, in display order (the metric catalogue's rows)
KEYS = keys_of(DISTRIBUTION)


def distribution_score(
    counts: np.ndarray, invalid: int, parse_failures: int = 0, replies: int = 0
) -> dict[str, float]:
    """Every per-prompt distribution metric, from counts over the answer set."""
    n_draws = int(counts.sum()) + invalid
    chi2 = chi_square_uniform(counts)
    nan = float("nan")
    return {
        "kl": kl_from_uniform(counts),
        "coverage": coverage(counts),
        "precision": (n_draws - invalid) / n_draws if n_draws else nan,
        "chi2": chi2.statistic,
        "chi2_dof": float(chi2.dof),
        "chi2_p": chi2.p_value,
        "invalid_rate": invalid / n_draws if n_draws else nan,
        "parse_failures": float(parse_failures),
        "parse_failure_rate": parse_failures / replies if replies else nan,
        "n_valid": float(n_draws - invalid),
    }


@scorer(metrics=scorer_metrics(DISTRIBUTION))
def distribution_scorer() -> Scorer:
    """KL, chi-square, coverage, precision and parse failures against a uniform reference."""

    async def score(state: TaskState, target: Target) -> Score:
        answers = AnswerSet.from_aliases(state.metadata["answer_set"])
        draws = SampleDraws.load(state.store)
        counts, invalid = answers.counts(draws.texts)
        return Score(
            value=distribution_score(counts, invalid, len(draws.failures), draws.replies),
            answer=state.output.completion,
            metadata={
                "counts": dict(zip(answers.canonical, counts.tolist(), strict=True)),
                "n_draws": len(draws.draws),
                "failures": [f.error for f in draws.failures],
            },
        )

    return score
