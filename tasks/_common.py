"""What every task family shares: parameter checks and the Task built from them."""

from __future__ import annotations

import random
from collections.abc import Sequence

from inspect_ai import Epochs, Task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import GenerateConfig
from inspect_ai.scorer import Scorer

from vs_bench import prompts
from vs_bench.errors import VsBenchError
from vs_bench.formats import Budget, PromptOptions, resolve_format
from vs_bench.scorers.calibration_scorer import calibration_scorer
from vs_bench.scorers.common import epoch_reducer
from vs_bench.solver import vs_sampler

# The paper's sampling settings, so that results compare with its tables.
TEMPERATURE = 0.7
TOP_P = 1.0
SUBSET_SEED = 42


def as_float(name: str, value: object, low: float, high: float) -> float:
    """``value`` as a float in [low, high], or a one-line error naming the -T fix."""
    try:
        if isinstance(value, bool):
            raise ValueError
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise VsBenchError(
            f"{name}={value!r} is not a number: pass -T {name}=<number in [{low}, {high}]>"
        ) from None
    if not low <= number <= high:
        raise VsBenchError(
            f"{name}={number} is out of range: pass -T {name}=<number in [{low}, {high}]>"
        )
    return number


def as_int(name: str, value: object) -> int:
    """``value`` as an integer, or a one-line error naming the -T fix."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return int(str(value))
    except ValueError:
        raise VsBenchError(
            f"{name}={value!r} is not an integer: pass -T {name}=<integer>"
        ) from None


def seeded_subset(samples: Sequence[Sample], limit: object | None, seed: object) -> list[Sample]:
    """The first ``limit`` samples of a seeded shuffle (all, in order, when no limit)."""
    if limit is None:
        return list(samples)
    count = as_int("limit", limit)
    if count < 1:
        raise VsBenchError(f"limit={count} must be at least 1: pass -T limit=<integer >= 1>")
    chosen = list(samples)
    random.Random(as_int("seed", seed)).shuffle(chosen)
    return chosen[:count]


def build_task(
    samples: Sequence[Sample],
    scorer: Scorer | list[Scorer],
    *,
    format: str,
    n: object,
    k: object,
    m: object | None,
    temperature: object,
    top_p: object,
    tail: object | None,
    probability_definition: object | None,
    plausible: bool,
    words: int | None = None,
    limit: object | None = None,
    seed: object = SUBSET_SEED,
    calibrate: bool = False,
) -> Task:
    """The Inspect task: one sample per prompt, N draws each in ``format``.

    ``limit`` prompts are drawn from ``samples`` with ``seed`` (all when None).
    ``calibrate`` adds the calibration scorer to the VS formats (tasks whose samples
    carry an ``answer_set`` with a reference distribution).
    """
    samples = seeded_subset(samples, limit, seed)
    scorers = scorer if isinstance(scorer, list) else [scorer]
    if not samples:
        raise VsBenchError("the dataset has no prompts: pass a non-empty dataset")
    fmt = resolve_format(str(format))
    budget = Budget.make(fmt, n, k, m)
    if (
        probability_definition is not None
        and probability_definition not in prompts.PROBABILITY_FIELDS
    ):
        raise VsBenchError(
            f"probability_definition={probability_definition!r} is unknown: pass "
            f"-T probability_definition=<{'|'.join(prompts.PROBABILITY_FIELDS)}>"
        )
    if tail is not None and not fmt.probabilities:
        raise VsBenchError(f"tail applies to the VS formats only, not {fmt.name}: drop -T tail")
    options = PromptOptions(
        plausible=plausible,
        words=words,
        tail=as_float("tail", tail, 0.0, 1.0) if tail is not None else None,
        definition=probability_definition,  # type: ignore[arg-type]
    )
    return Task(
        dataset=MemoryDataset(list(samples)),
        # a bare --epochs N keeps this reducer: counts summed over epochs, rates averaged
        epochs=Epochs(1, epoch_reducer()),
        solver=vs_sampler(fmt, budget, options),
        scorer=scorers + [calibration_scorer()] if calibrate and fmt.probabilities else scorers,
        config=GenerateConfig(
            temperature=as_float("temperature", temperature, 0.0, 2.0),
            top_p=as_float("top_p", top_p, 0.0, 1.0),
        ),
        metadata={
            "format": fmt.name,
            "n": budget.n,
            "k": budget.k,
            "m": budget.m,
            "tail": options.tail,
            "probability_definition": options.definition or fmt.default_definition,
        },
    )
