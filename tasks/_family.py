"""A task family is declared once, in its own module: ``@family(...)`` on a sample builder.

Inspect reads a task's ``-T`` names from its function signature, so every family has
to show the shared sampling parameters (format, N, k, m, temperature, top_p, tail,
probability_definition, limit, seed). ``family`` writes them into the signature
once, here, around a builder that declares only the family's own parameters and
returns the samples::

    @family(n=100, k=5, scorers=lambda own: [distribution_scorer()], calibrate=True)
    def rand_num(*, low: int = 0, high: int = 9) -> list[Sample]:
        '''Docstring of the task (with an Args: section for the family's parameters).'''
        return [Sample(input=..., metadata={"answer_set": ...})]

The decorator registers the family's ``Family`` spec (``vs_bench.registry``, the core's
registry; here the metric catalogue gives its primary metric's direction) under the
builder's name (the module-level name is then the Inspect task function);
``vs_bench.tasks`` imports every module of the package, so a new family is its module
(and its data file) alone. The spec is all that the rest of the harness knows of a
family, read through the registry's lookups: the family list and the
Inspect registry (every family x format), ``vs-bench score`` (``answers`` /
``rescore``), the answer set of a known prompt (``reference``), and what
``random/python`` draws for a sample (the sample's answer set, else its target, else
the canned texts ``ideal`` names).

Conventions of a builder: its keyword-only parameters (with defaults) are the family's
own ``-T`` parameters, placed after ``m`` in the signature; the spec's ``scorers`` get
the same values as a dict; a parameter named ``words`` also sets the prompt's length
sentence (the creative families).
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from inspect_ai import Task
from inspect_ai.dataset import Sample
from inspect_ai.scorer import Scorer

from vs_bench import registry
from vs_bench.answer_set import AnswerSet
from vs_bench.checks import integer
from vs_bench.errors import VsBenchError
from vs_bench.metrics.catalogue import CATALOGUE
from vs_bench.registry import REGISTRY, Family, Own, Rescoring
from vs_bench.tasks._common import SUBSET_SEED, TEMPERATURE, TOP_P, build_task

DATA = Path(__file__).parent / "data"
CANNED_FILE = DATA / "canned.json"

__all__ = ["REGISTRY", "Family", "Own", "Rescoring", "family", "canned", "canned_texts"]
# the Args: entries of the shared parameters, appended to every task's docstring
SHARED_ARGS = """
        format: prompting format (direct, sequence, vs_standard, ...).
        n: draws per prompt (N).
        k: candidates per call (batched formats) or per conversation.
        m: candidates per turn of vs_multi (default: half of k, rounded up).
        temperature: sampling temperature sent with every call.
        top_p: nucleus sampling cut sent with every call.
        tail: VS formats only, a cap on each verbalized probability.
        probability_definition: explicit | confidence (VS formats).
        limit: a seeded subset of this many prompts (all when None).
        seed: the seed of that subset.
"""


def task_doc(doc: str | None) -> str:
    """``doc`` with the shared parameters added to its ``Args:`` section (made if missing)."""
    text = (doc or "").rstrip()
    if "Args:" not in text:
        text += "\n\n    Args:"
    return text + SHARED_ARGS


def family(
    *,
    n: int,
    k: int | None,
    scorers: Callable[[Own], list[Scorer]],
    name: str | None = None,
    **spec: Any,
) -> Callable[[Callable[..., list[Sample]]], Callable[..., Task]]:
    """Register the decorated sample builder as a family; returns its Inspect task function.

    ``name`` defaults to the builder's name without leading underscores; ``spec``:
    the other fields of ``Family``.
    """

    def register(builder: Callable[..., list[Sample]]) -> Callable[..., Task]:
        found_name = name or builder.__name__.lstrip("_")
        fields = dict(spec)
        primary = fields.get("primary")
        if primary is not None:
            row = CATALOGUE.get(primary)
            if row is None or row.higher_is_better is None:
                raise VsBenchError(
                    f"task family {found_name!r}: primary metric {primary!r} is not a "
                    "metric catalogue row with a direction: add it to "
                    "vs_bench/metrics/catalogue.py or pass primary=<one of its keys>"
                )
            fields["higher_is_better"] = row.higher_is_better
        # the task function reads the spec when called: it is made first, then the spec
        found = Family(
            found_name, builder, scorers, n, k, **fields,
            task=_task_function(found_name, builder, n, k, lambda: found),
        )
        if found.ideal:
            missing = [key for key in found.ideal if key not in canned_texts()]
            if missing:
                raise VsBenchError(
                    f"task family {found.name!r}: no canned texts {missing} in {CANNED_FILE}: "
                    "add them there or pass ideal=<existing keys>"
                )
        registry.register(found)
        return found.task

    return register


def _parameter(name: str, default: object, annotation: object) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


def shared_parameters(
    n: int, k: int | None
) -> tuple[list[inspect.Parameter], list[inspect.Parameter]]:
    """The shared parameters before and after a family's own, with its N and k defaults."""
    head = [
        _parameter("format", "direct", str),
        _parameter("n", n, int),
        _parameter("k", k, int if k is not None else int | None),
        _parameter("m", None, int | None),
    ]
    tail = [
        _parameter("temperature", TEMPERATURE, float),
        _parameter("top_p", TOP_P, float),
        _parameter("tail", None, float | None),
        _parameter("probability_definition", None, str | None),
        _parameter("limit", None, int | None),
        _parameter("seed", SUBSET_SEED, int),
    ]
    return head, tail


def _task_function(
    name: str, builder: Callable[..., list[Sample]], n: int, k: int | None,
    spec_of: Callable[[], Family],
) -> Callable[..., Task]:
    """The task function of a family: shared parameters (defaults N, k) + the builder's own."""
    own = [
        p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
        for p in inspect.signature(builder).parameters.values()
    ]
    head, tail = shared_parameters(n, k)
    names = {p.name for p in head + tail}
    signature = inspect.Signature([*head, *own, *tail], return_annotation=Task)

    def task_function(**params: Any) -> Task:
        bound = signature.bind(**params)
        bound.apply_defaults()
        values = dict(bound.arguments)
        shared = {name: values.pop(name) for name in list(values) if name in names}
        if shared["k"] is None:  # the paper's protocol: all N answers in one call
            shared["k"] = shared["n"]
        words = values.get("words")
        spec = spec_of()
        return build_task(
            spec.builder(**values),
            spec.scorers(values),
            plausible=spec.plausible,
            calibrate=spec.calibrate,
            words=integer("words", words, low=1) if words is not None else None,
            ideal=spec.ideal,
            version=spec.version,
            solver=spec.solver(values) if spec.solver is not None else None,
            **shared,
        )

    task_function.__name__ = task_function.__qualname__ = name
    task_function.__doc__ = task_doc(builder.__doc__)
    task_function.__signature__ = signature  # type: ignore[attr-defined]
    task_function.__module__ = builder.__module__
    return task_function


@cache
def canned_texts() -> dict[str, tuple[str, ...]]:
    """The ideal sampler's texts by key (``data/canned.json``)."""
    texts = json.loads(CANNED_FILE.read_text(encoding="utf-8"))
    return {key: tuple(values) for key, values in texts.items()}


def canned(keys: str | Sequence[str]) -> AnswerSet:
    """The canned texts of ``keys`` as one answer set (each text a label)."""
    chosen = [keys] if isinstance(keys, str) else list(keys)
    unknown = [key for key in chosen if key not in canned_texts()]
    if unknown or not chosen:
        raise VsBenchError(
            f"no canned texts {unknown or chosen} in {CANNED_FILE}: use one of "
            f"{', '.join(canned_texts())}"
        )
    return AnswerSet.of_labels(text for key in chosen for text in canned_texts()[key])


registry.provide_canned(canned)


def data_file(module_file: str, name: str) -> Path:
    """``data/<name>`` beside the module ``module_file`` (a family's own data file)."""
    return Path(module_file).parent / "data" / name


@cache
def lines(name: str) -> tuple[str, ...]:
    """The non-empty lines of ``data/<name>``, stripped."""
    text = (DATA / name).read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip())
