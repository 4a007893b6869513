"""What every task family shares: parameter checks and the Task built from them."""

from __future__ import annotations

import random
from collections.abc import Sequence

from inspect_ai import Epochs, Task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import GenerateConfig
from inspect_ai.scorer import Scorer

from vs_bench import ideal as ideal_sampler
from vs_bench import prompts
from vs_bench.answer_set import AnswerSet
from vs_bench.checks import integer, number
from vs_bench.errors import VsBenchError
from vs_bench.formats import Budget, PromptOptions, resolve_format
from vs_bench.registry import SolverFactory
from vs_bench.scorers.calibration_scorer import calibration_scorer
from vs_bench.scorers.common import epoch_reducer
from vs_bench.scorers.reference_scorer import from_metadata
from vs_bench.solver import vs_sampler

# The paper's sampling settings, so that results compare with its tables.
TEMPERATURE = 0.7
TOP_P = 1.0
SUBSET_SEED = 42



def seeded_subset(samples: Sequence[Sample], limit: object | None, seed: object) -> list[Sample]:
    """The first ``limit`` samples of a seeded shuffle (all, in order, when no limit)."""
    if limit is None:
        return list(samples)
    count = integer("limit", limit, low=1)
    chosen = list(samples)
    random.Random(integer("seed", seed)).shuffle(chosen)
    return chosen[:count]


def with_ideal(sample: Sample, canned: Sequence[str] = ()) -> Sample:
    """``sample`` with what an ideal sampler draws for it in its metadata (``vs_bench.ideal``).

    Its answer set (with reference weights) if it has one, else its target, else the
    ``canned`` texts; a sample that already states its own is left as it is.
    """
    metadata = dict(sample.metadata or {})
    if ideal_sampler.IDEAL_KEY not in metadata:
        target = [sample.target] if isinstance(sample.target, str) else list(sample.target)
        if "answer_set" in metadata:
            found = ideal_sampler.of_answers(from_metadata(metadata))
        elif any(target):
            found = ideal_sampler.of_answers(AnswerSet.of_labels(t for t in target if t))
        elif canned:
            found = ideal_sampler.of_canned(canned)
        else:
            return sample
        metadata[ideal_sampler.IDEAL_KEY] = found
    sample.metadata = metadata
    return sample


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
    ideal: Sequence[str] = (),
    version: int = 1,
    solver: SolverFactory | None = None,
) -> Task:
    """The Inspect task: one sample per prompt, N draws each in ``format``.

    ``limit`` prompts are drawn from ``samples`` with ``seed`` (all when None).
    ``calibrate`` adds the calibration scorer to the VS formats (tasks whose samples
    carry an ``answer_set`` with a reference distribution). ``ideal``: the canned texts
    (keys) an ideal sampler answers samples without an answer set or target with.
    ``solver``: the family's own solver (default: the vs_bench sampler, ``vs_sampler``).
    """
    samples = [with_ideal(s, ideal) for s in seeded_subset(samples, limit, seed)]
    scorers = scorer if isinstance(scorer, list) else [scorer]
    if not samples:
        raise VsBenchError("the dataset has no prompts: pass a non-empty dataset")
    fmt = resolve_format(str(format))
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
        tail=number("tail", tail, 0.0, 1.0) if tail is not None else None,
        definition=probability_definition,  # type: ignore[arg-type]
    )
    if solver is None:
        budget = Budget.make(fmt, n, k, m)
        task_solver = vs_sampler(fmt, budget, options)
    else:
        task_solver, budget = solver(fmt, n, k, m, options)
    return Task(
        dataset=MemoryDataset(list(samples)),
        # a bare --epochs N keeps this reducer: counts summed over epochs, rates averaged
        epochs=Epochs(1, epoch_reducer()),
        version=version,
        solver=task_solver,
        scorer=scorers + [calibration_scorer()] if calibrate and fmt.probabilities else scorers,
        config=GenerateConfig(
            temperature=number("temperature", temperature, 0.0, 2.0),
            top_p=number("top_p", top_p, 0.0, 1.0),
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
