"""Inspect adapter of the persuasion family: each sample's donations and persuadee replies.

Per sample (one persona, its N simulated dialogues): the donation of each final
statement (``vs_bench.metrics.persuasion.donation``) and the donation metrics of that sample
alone; the replies of each dialogue give distinct-1/2/3 and the mean length
(``text_diversity``), the semantic diversity (``embedding``) and the Flesch-Kincaid
grade, averaged over the sample's dialogues.

Run level: ``donation_ks``, ``donation_ks_p``, ``donation_l1`` and ``donation_mean`` pool
the valid donations of every sample (carried in each score's metadata under
``vs_bench.metrics.catalogue.POOLED_KEY``, concatenated over epochs) and compare them with
the human reference, so the run's KS statistic is that of all its donations, not a mean of
per-dialogue statistics; counts are summed and the other keys averaged over samples.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
from inspect_ai.scorer import Metric, SampleScore, Score, Scorer, Target, metric, scorer
from inspect_ai.solver import TaskState

from vs_bench.dialogue import DialogueRecord
from vs_bench.draws import SampleDraws
from vs_bench.metrics.catalogue import PERSUASION, POOLED_KEY, keys_of
from vs_bench.metrics.embedding import check_embedder, get_embedder, semantic_diversity
from vs_bench.metrics.persuasion import DONATIONS, donation, donation_metrics, flesch_kincaid
from vs_bench.metrics.prompt_scores import DELIVERY_KEYS
from vs_bench.metrics.text_diversity import DISTINCT_ORDERS, distinct_n, mean_length
from vs_bench.registry import human_reference
from vs_bench.scorers.common import (
    delivery_counts,
    delivery_notes,
    pooled_values,
    run_level_metric,
)
from vs_bench.scorers.embedder_thread import run_in_embedder_thread, text_size

KEYS = keys_of(PERSUASION)


# the family whose human donations the run meets: task data, declared with the family,
# so read through the core's registry (the task package imports this module)
FAMILY = "persuasion"


def _human() -> tuple[float, ...]:
    return human_reference(FAMILY)


def _pooled(key: str) -> Metric:
    def compute(scores: list[SampleScore]) -> float:
        return donation_metrics(pooled_values(scores, DONATIONS), _human())[key]

    return compute


@metric
def donation_ks() -> Metric:
    """The KS statistic of every sample's donations (pooled) against the human ones."""
    return _pooled("donation_ks")


@metric
def donation_ks_p() -> Metric:
    """The p-value of that two-sample KS test."""
    return _pooled("donation_ks_p")


@metric
def donation_l1() -> Metric:
    """The L1 distance of the pooled donations' 8-bin histogram from the human one."""
    return _pooled("donation_l1")


@metric
def donation_mean() -> Metric:
    """The mean of every sample's donations (pooled)."""
    return _pooled("donation_mean")


POOLED_METRICS: dict[str, Callable[[], Metric]] = {
    "donation_ks": donation_ks,
    "donation_ks_p": donation_ks_p,
    "donation_l1": donation_l1,
    "donation_mean": donation_mean,
}


def _metrics() -> dict[str, list[Metric]]:
    return {
        key: [POOLED_METRICS[key]() if key in POOLED_METRICS else run_level_metric(key)]
        for key in KEYS
    }


def _defined_mean(values: list[float]) -> float:
    defined = [v for v in values if not math.isnan(v)]
    return float(np.mean(defined)) if defined else math.nan


def reply_metrics(
    dialogues: list[list[str]], embed: Callable[[list[str]], npt.ArrayLike]
) -> dict[str, float]:
    """The linguistic measures of each dialogue's replies, averaged over the dialogues
    (a measure undefined for a dialogue, say semantic diversity of one reply, is left out)."""
    rows = []
    for replies in dialogues:
        if not replies:
            continue
        row = {f"distinct_{n}": distinct_n(replies, n) for n in DISTINCT_ORDERS}
        row["mean_length"] = mean_length(replies)
        row["semantic_diversity"] = semantic_diversity(embed(replies))
        row["flesch_kincaid"] = flesch_kincaid(replies)
        rows.append(row)
    keys = ("semantic_diversity", *(f"distinct_{n}" for n in DISTINCT_ORDERS), "mean_length",
            "flesch_kincaid")
    return {key: _defined_mean([row[key] for row in rows]) for key in keys}


@scorer(metrics=_metrics())
def persuasion_scorer(embedder: str | None = None) -> Scorer:
    """Donations against the human reference, and the persuadee's replies per dialogue.

    ``embedder``: None (the packaged all-MiniLM-L6-v2), a sentence-transformers model
    name or path, or ``openai/<model>``; recorded in each score's metadata.
    """
    spec = check_embedder(embedder)

    def measure(dialogues: list[list[str]]) -> tuple[dict[str, float], str]:
        model = get_embedder(spec)
        return reply_metrics(dialogues, model.encode), model.name

    async def score(state: TaskState, target: Target) -> Score:
        draws = SampleDraws.load(state.store)
        record = DialogueRecord.load(state.store)
        # one final statement per dialogue that reached its end (draws), none for the others
        stated = [donation(d.text) for d in draws.draws]
        valid = [value for value in stated if value is not None]
        simulated = len(record.simulations)
        values = donation_metrics(valid, _human())
        values["donation_valid_rate"] = len(valid) / simulated if simulated else math.nan
        values["donation_invalid"] = float(simulated - len(valid))
        # model load and encoding are CPU work: off the event loop (in the embedder's one
        # thread), so other samples go on
        dialogues = [s.replies for s in record.simulations]
        replies, embedder_name = await run_in_embedder_thread(
            measure, dialogues, size=text_size(dialogues)
        )
        values |= replies
        values |= delivery_counts(draws, DELIVERY_KEYS[1:])  # a dialogue's draws: no n_draws
        abandoned = [s.abandoned for s in record.simulations if s.abandoned]
        shown = ", ".join("none" if v is None else f"${v:.2f}" for v in stated) or "none"
        notes = [f"donations {shown} of {simulated} dialogues"]
        notes += [f"abandoned: {reason}" for reason in abandoned]
        return Score(
            value={key: values[key] for key in KEYS},
            answer=state.output.completion,
            explanation="; ".join(notes + delivery_notes(draws)),
            metadata={
                POOLED_KEY: {DONATIONS: valid},
                "donations": stated,
                "human_donation": state.metadata.get("human_donation"),
                "embedder": embedder_name,
            },
        )

    return score
