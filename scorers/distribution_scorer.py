"""Inspect adapter: distribution metrics of a sample's N draws over its answer set."""

from __future__ import annotations

from inspect_ai.scorer import Score, Scorer, Target, scorer
from inspect_ai.solver import TaskState

from vs_bench.answer_set import AnswerSet
from vs_bench.draws import SampleDraws
from vs_bench.metrics.catalogue import DISTRIBUTION
from vs_bench.metrics.prompt_scores import distribution_score
from vs_bench.scorers.common import delivery_notes, scorer_metrics


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
