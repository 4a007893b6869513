"""Run-level metrics and the epoch reducer shared by the vs_bench scorers.

Rates and statistics are averaged over prompts (and over epochs of a prompt);
counts are summed. Which keys are counts, and which keys each scorer reports,
is the metric catalogue's (``vs_bench.metrics.catalogue``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any, cast

from inspect_ai.scorer import (
    Metric,
    SampleScore,
    Score,
    Scorer,
    ScoreReducer,
    metric,
    score_reducer,
)

# Inspect's private registry API, used only by ``register_unqualified_scorers`` (there is
# no public way to add a second name for a scorer): through the compat module
from vs_bench._inspect_compat import (
    RegistryInfo,
    registry_add,
    registry_find,
    registry_info,
    registry_lookup,
    registry_unqualified_name,
)
from vs_bench.draws import SampleDraws
from vs_bench.metrics.catalogue import POOLED_KEY, defined_mean, is_count, keys_of, spec
from vs_bench.metrics.prompt_scores import DELIVERY_KEYS, delivery_values


@metric
def mean_defined() -> Metric:
    """Mean over prompts where the value is defined (NaN marks 'no valid draws')."""

    def compute(scores: list[SampleScore]) -> float:
        return defined_mean(float(s.score.as_float()) for s in scores)

    return compute


@metric
def total() -> Metric:
    """Sum over prompts (for counts such as parse failures)."""

    def compute(scores: list[SampleScore]) -> float:
        return sum(float(s.score.as_float()) for s in scores)

    return compute


@metric
def nonnegative_mean() -> Metric:
    """The defined mean clipped at 0: the run-level value of an estimate of a metric that
    cannot be negative (Miller-Madow KL), as the report shows it."""

    def compute(scores: list[SampleScore]) -> float:
        return max(defined_mean(float(s.score.as_float()) for s in scores), 0.0)

    return compute


def run_level_metric(key: str) -> Metric:
    """The run-level aggregate of ``key`` as an Inspect metric, by the catalogue's rule
    (``run_level``): a sum for counts, the defined mean otherwise (clipped at 0 where the
    catalogue says the metric cannot be negative)."""
    if is_count(key):
        return total()
    row = spec(key)
    return nonnegative_mean() if row is not None and row.nonnegative else mean_defined()


def scorer_metrics(scorer: str) -> dict[str, list[Metric]]:
    """Inspect metrics of a dict-valued scorer: one aggregate per catalogue key it reports.

    The dict form (not a list holding a dict, which adds an empty score of the scorer's
    own name in front) makes the first key, the task's primary metric, the log's first
    score: the headline that ``inspect view`` shows in its log list and header.
    """
    return {key: [run_level_metric(key)] for key in keys_of(scorer)}


def delivery_counts(
    draws: SampleDraws, keys: Sequence[str] = DELIVERY_KEYS
) -> dict[str, float]:
    """The delivery counts of a prompt's draws, those of ``keys`` (what its scorer reports)."""
    values = delivery_values(len(draws.draws), len(draws.failures), draws.replies,
                             draws.over_delivered, draws.under_delivered)
    return {key: values[key] for key in keys}


def delivery_notes(draws: SampleDraws) -> list[str]:
    """What went wrong in delivering the draws, for a score's explanation: replies that
    did not parse (with the first error), candidates beyond or short of the k asked."""
    notes = []
    if draws.failures:
        notes.append(
            f"{len(draws.failures)} of {draws.replies} replies did not parse "
            f"(first: {draws.failures[0].error})"
        )
    if draws.over_delivered:
        notes.append(f"{draws.over_delivered} candidates beyond the k asked were dropped")
    if draws.under_delivered:
        notes.append(f"{draws.under_delivered} candidates short of the k asked")
    return notes


@score_reducer(name="epochs")
def epoch_reducer() -> ScoreReducer:
    """One score per prompt from its epochs: counts summed, other keys averaged.

    Inspect's default (mean) would report 10 epochs of 100 draws as 100 draws. The
    pooled values of the scores' metadata (``POOLED_KEY``) are concatenated.
    """

    def reduce(scores: list[Score]) -> Score:
        if not isinstance(scores[0].value, dict):
            return Score(
                value=defined_mean(float(s.as_float()) for s in scores),
                explanation=_joined_explanations(scores),
                metadata=_pooled(scores),
            )
        value = {}
        for key in scores[0].value:
            values = [float(s.value[key]) for s in scores]  # type: ignore[index, arg-type]
            value[key] = sum(values) if is_count(key) else defined_mean(values)
        return Score(value=value, explanation=_joined_explanations(scores),
                     metadata=_pooled(scores))

    return reduce


def _pooled(scores: list[Score]) -> dict[str, Any] | None:
    """The scores' pooled values, each list concatenated over the scores (None: none)."""
    lists: dict[str, list[Any]] = {}
    for score in scores:
        for name, values in ((score.metadata or {}).get(POOLED_KEY) or {}).items():
            lists.setdefault(name, []).extend(values)
    return {POOLED_KEY: lists} if lists else None


def pooled_values(scores: Iterable[SampleScore], name: str) -> list[Any]:
    """Every sample's pooled values called ``name``, in sample order (a run-level metric's
    input)."""
    return [
        value
        for s in scores
        for value in ((s.score.metadata or {}).get(POOLED_KEY) or {}).get(name, [])
    ]


def _joined_explanations(scores: list[Score]) -> str | None:
    """The epochs' explanations, one line each (the only one when there is one epoch)."""
    lines = [s.explanation for s in scores if s.explanation]
    if len(scores) == 1 or not lines:
        return lines[0] if lines else None
    return "\n".join(
        f"epoch {i}: {s.explanation}" for i, s in enumerate(scores, 1) if s.explanation
    )


def register_unqualified_scorers(package: str = "vs_bench") -> list[str]:
    """Register each of ``package``'s scorers under its unqualified name as well.

    A log records its scorers by unqualified name ("distribution_scorer"), while the
    registry knows a package's scorers only qualified ("vs_bench/distribution_scorer"),
    so ``inspect score LOG`` without ``--scorer`` could not rebuild them. With these
    aliases it rebuilds every scorer of the log, with its logged options. A name that
    is taken already (say, by one of Inspect's own scorers) is left alone. Returns the
    names added.
    """
    added = []
    for factory in registry_find(
        lambda info: info.type == "scorer" and info.name.startswith(f"{package}/")
    ):
        info = registry_info(factory)
        alias = registry_unqualified_name(info.name)
        if registry_lookup("scorer", alias) is not None:
            continue

        # a distinct object: tagging the factory itself would rename it
        def create(*args: Any, _factory: Any = factory, **kwargs: Any) -> Scorer:
            return cast(Scorer, _factory(*args, **kwargs))

        functools.update_wrapper(create, cast(Callable[..., Scorer], factory))
        registry_add(create, RegistryInfo(type="scorer", name=alias, metadata=info.metadata))
        added.append(alias)
    return added
