"""Inspect adapter: the creativity index of a sample's N draws against a reference corpus.

The formula and the word rules are in ``vs_bench.metrics.creativity``; the corpora (a local
infini-gram index, or infini-gram's public API) in ``vs_bench.corpus``. A sample's
``creativity_index`` is the mean over its texts; the run's is the mean over every text
of the run (``mean_over_texts``: the per-text values travel in each score's metadata
under ``vs_bench.metrics.catalogue.POOLED_KEY``), so a prompt with more texts weighs more.
"""

from __future__ import annotations

import math

import anyio
from inspect_ai.scorer import Metric, SampleScore, Score, Scorer, Target, metric, scorer
from inspect_ai.solver import TaskState

from vs_bench.corpus import HOW_TO_GET_ONE, open_corpus
from vs_bench.draws import SampleDraws
from vs_bench.errors import VsBenchError
from vs_bench.metrics.catalogue import CREATIVITY, POOLED_KEY, keys_of
from vs_bench.metrics.creativity import KEY, PER_TEXT, creativity_scores, mean_over_texts
from vs_bench.scorers.common import pooled_values, scorer_metrics

KEYS = keys_of(CREATIVITY)


@metric
def creativity_index_over_texts() -> Metric:
    """The mean creativity index over every text of the run (not over prompts)."""

    def compute(scores: list[SampleScore]) -> float:
        return mean_over_texts(pooled_values(scores, PER_TEXT))

    return compute


@scorer(metrics=scorer_metrics(CREATIVITY) | {KEY: [creativity_index_over_texts()]})
def creativity_scorer(corpus_index: str | None = None, corpus: str | None = None) -> Scorer:
    """Creativity index (Lu et al. 2024) of the N draws: sum over L = 5..12 of the share
    of words outside any corpus span of >= L words.

    ``corpus_index``: a local index folder (``vs-bench index-corpus``); ``corpus``:
    ``api:<index>`` of infini-gram's public API. One of the two.
    """
    source = open_corpus(corpus_index, corpus)
    if source is None:
        raise VsBenchError(f"the creativity index needs a corpus: {HOW_TO_GET_ONE}")

    async def score(state: TaskState, target: Target) -> Score:
        draws = SampleDraws.load(state.store)
        # engine queries (or HTTP requests) block: off the event loop, so other samples go on
        found = await anyio.to_thread.run_sync(creativity_scores, source, draws.texts)
        values = found.values
        scored = len(found.per_text) - int(values["creativity_unscored"])
        return Score(
            value={k: values[k] for k in KEYS},
            answer=state.output.completion,
            explanation=f"creativity index {values['creativity_index']:.2f} (0-8) over "
            f"{scored} texts against {source.name}",
            metadata={
                POOLED_KEY: {PER_TEXT: [v for v in found.per_text if not math.isnan(v)]},
                "corpus": source.name,
                "per_text": [None if math.isnan(v) else v for v in found.per_text],
                "uniqueness": {str(k): v for k, v in found.uniqueness.items()},
            },
        )

    return score
