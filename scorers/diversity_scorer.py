"""Inspect adapter: text diversity of a sample's N draws (creative tasks)."""

from __future__ import annotations

import anyio
from inspect_ai.scorer import Score, Scorer, Target, scorer
from inspect_ai.solver import TaskState

from vs_bench.draws import SampleDraws
from vs_bench.scorers.catalogue import DIVERSITY, keys_of
from vs_bench.scorers.common import delivery_notes, scorer_metrics
from vs_bench.scorers.embedding import Embedder, check_embedder, get_embedder, semantic_diversity
from vs_bench.scorers.text_diversity import text_metrics

# the keys the scorer reports, in display order (the metric catalogue's rows)
KEYS = keys_of(DIVERSITY)


def diversity_score(texts: list[str], embedder: Embedder) -> dict[str, float]:
    """Every diversity metric of one prompt's responses (semantic_diversity, text_metrics)."""
    return {"semantic_diversity": semantic_diversity(embedder.encode(texts)), **text_metrics(texts)}


def diversity_scoring(prompt: str, texts: list[str]) -> dict[str, float]:
    """``vs-bench score``'s per-prompt scoring, with the default embedder."""
    return diversity_score(texts, get_embedder())




@scorer(metrics=scorer_metrics(DIVERSITY))
def diversity_scorer(embedder: str | None = None) -> Scorer:
    """Embedding diversity, ROUGE-L, distinct-n, self-BLEU and length of the N draws.

    ``embedder``: None (the packaged all-MiniLM-L6-v2), a sentence-transformers model
    name or path, or ``openai/<model>``; recorded in each score's metadata.
    """
    spec = check_embedder(embedder)

    def measure(texts: list[str]) -> tuple[dict[str, float], str]:
        model = get_embedder(spec)
        return diversity_score(texts, model), model.name

    async def score(state: TaskState, target: Target) -> Score:
        draws = SampleDraws.load(state.store)
        # model load and encoding are CPU work: off the event loop, so other samples go on
        values, embedder_name = await anyio.to_thread.run_sync(measure, draws.texts)
        failures = len(draws.failures)
        values |= {
            "parse_failures": float(failures),
            "parse_failure_rate": failures / draws.replies if draws.replies else float("nan"),
            "n_draws": float(len(draws.draws)),
            "over_delivered": float(draws.over_delivered),
            "under_delivered": float(draws.under_delivered),
        }
        n = len(draws.draws)
        primary = f"semantic diversity {values['semantic_diversity']:.1f} over {n} draws"
        return Score(
            # catalogue order, so the primary metric leads in ``inspect view``
            value={k: values[k] for k in KEYS if k in values} | values,
            answer=state.output.completion,
            explanation="; ".join([primary, *delivery_notes(draws)]),
            metadata={
                "embedder": embedder_name,
                "n_draws": len(draws.draws),
                "failures": [f.error for f in draws.failures],
            },
        )

    return score
