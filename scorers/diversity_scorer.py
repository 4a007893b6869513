"""Inspect adapter: text diversity of a sample's N draws (creative tasks)."""

from __future__ import annotations

import math

from inspect_ai.model import get_model, model_roles
from inspect_ai.scorer import Score, Scorer, Target, scorer
from inspect_ai.solver import TaskState

from vs_bench.draws import SampleDraws
from vs_bench.metrics.catalogue import DIVERSITY, keys_of
from vs_bench.metrics.embedding import Embedder, check_embedder, get_embedder, semantic_diversity
from vs_bench.metrics.similarity import (
    DEFAULT_THRESHOLD,
    distinct_k,
    parse_partition,
    partition_prompt,
    similarity_classes,
    vendi,
)
from vs_bench.metrics.text_diversity import text_metrics
from vs_bench.parsing import ParseError
from vs_bench.scorers.common import delivery_counts, delivery_notes, scorer_metrics
from vs_bench.scorers.embedder_thread import run_in_embedder_thread, text_size

# the keys the scorer reports, in display order (the metric catalogue's rows)
KEYS = keys_of(DIVERSITY)
# optional model role that sorts the responses into functional-equivalence classes
PARTITIONER_ROLE = "partitioner"
EMBEDDING_PARTITION = f"embedding cosine >= {DEFAULT_THRESHOLD}"


def diversity_score(texts: list[str], embedder: Embedder) -> dict[str, float]:
    """Every diversity metric of one prompt's responses (semantic_diversity, vendi,
    distinct_k by embedding similarity, text_metrics)."""
    vectors = embedder.encode(texts)
    return {
        "semantic_diversity": semantic_diversity(vectors),
        "vendi": vendi(vectors),
        "distinct_k": distinct_k(similarity_classes(vectors)),
        **text_metrics(texts),
    }


def diversity_scoring(prompt: str, texts: list[str]) -> dict[str, float]:
    """``vs-bench score``'s per-prompt scoring, with the default embedder."""
    return diversity_score(texts, get_embedder())


async def partitioner_classes(
    request: str, texts: list[str]
) -> tuple[list[int] | None, str | None]:
    """Classes of ``texts`` from the partitioner role's one reply: (classes, None), or
    (None, the parse error) when the reply does not parse."""
    partitioner = get_model(role=PARTITIONER_ROLE, required=True)  # callers check it is bound
    output = await partitioner.generate(partition_prompt(request, texts))
    try:
        return parse_partition(output.completion, len(texts)).tolist(), None
    except ParseError as ex:
        return None, str(ex)




@scorer(metrics=scorer_metrics(DIVERSITY))
def diversity_scorer(embedder: str | None = None) -> Scorer:
    """Embedding diversity, ROUGE-L, distinct-n, self-BLEU and length of the N draws.

    ``embedder``: None (the packaged all-MiniLM-L6-v2), a sentence-transformers model
    name or path, or ``openai/<model>``; recorded in each score's metadata.
    """
    spec = check_embedder(embedder)

    def measure(texts: list[str]) -> tuple[dict[str, float], list[int], str]:
        model = get_embedder(spec)
        # the embedder caches its encodings: the classes cost no second encoding
        classes = similarity_classes(model.encode(texts)).tolist()
        return diversity_score(texts, model), classes, model.name

    async def score(state: TaskState, target: Target) -> Score:
        draws = SampleDraws.load(state.store)
        # model load and encoding are CPU work: off the event loop (in the embedder's one
        # thread), so other samples go on
        values, embedded, embedder_name = await run_in_embedder_thread(
            measure, draws.texts, size=text_size(draws.texts)
        )
        classes: list[int] | None = embedded
        partition, partition_error = EMBEDDING_PARTITION, None
        if PARTITIONER_ROLE in model_roles() and len(draws.texts) > 1:
            partition = f"partitioner {get_model(role=PARTITIONER_ROLE, required=True)}"
            classes, partition_error = await partitioner_classes(state.input_text, draws.texts)
            values["distinct_k"] = math.nan if classes is None else distinct_k(classes)
        values["partition_parse_failures"] = float(partition_error is not None)
        values |= delivery_counts(draws)
        n = len(draws.draws)
        primary = f"semantic diversity {values['semantic_diversity']:.1f} over {n} draws"
        return Score(
            # catalogue order, so the primary metric leads in ``inspect view``
            value={k: values[k] for k in KEYS if k in values} | values,
            answer=state.output.completion,
            explanation="; ".join([primary, *delivery_notes(draws)] + (
                [f"partitioner reply did not parse: {partition_error}"] if partition_error else []
            )),
            metadata={
                "embedder": embedder_name,
                "partition": partition,
                "classes": classes,  # functional-equivalence class of each draw (utility_k)
                "n_draws": len(draws.draws),
                "failures": [f.error for f in draws.failures],
            },
        )

    return score
