"""The task families the harness knows: filled by the task packages, read by the core.

A task package declares its families (``vs_bench.tasks``: ``@family(...)`` in each
module, ``tasks/_family.py``); each declaration is a ``Family`` registered here. The core
(the command line, suites, re-scoring, the analysis) reads them through the lookups
below and never imports a task package: the first lookup loads every package named in
the ``vs_bench.families`` entry-point group (``pyproject.toml``), once. The dependency is
one-way: tasks and scorers depend on the core, the core on this registry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

from inspect_ai import Task
from inspect_ai.dataset import Sample
from inspect_ai.scorer import Scorer
from inspect_ai.solver import Solver

from vs_bench.answer_set import AnswerSet
from vs_bench.errors import VsBenchError
from vs_bench.formats import Budget, Format, PromptOptions
from vs_bench.scenario import Scenario

# the entry-point group of the task packages (``[project.entry-points."vs_bench.families"]``)
GROUP = "vs_bench.families"

Own = Mapping[str, Any]
# vs-bench score of one prompt's responses: (prompt, texts, stated probabilities) -> metrics
Rescoring = Callable[[str, list[str], list[float | None]], dict[str, float]]
# A family's own solver (the dialogue families): (format, n, k, m, prompt options) -> the
# solver and the budget it runs (the shared sampler's checks of n, k, m need not apply).
SolverFactory = Callable[[Format, object, object, object | None, PromptOptions],
                         tuple[Solver, Budget]]


@dataclass(frozen=True)
class Family:
    """Everything the harness knows of one task family."""

    name: str
    builder: Callable[..., list[Sample]]  # own -T parameters -> samples
    scorers: Callable[[Own], list[Scorer]]  # own -T parameters -> Inspect scorers
    n: int  # default N
    k: int | None  # default k; None: k = N (all draws in one batched call)
    plausible: bool = True  # the system prompt asks for "plausible responses"
    calibrate: bool = False  # VS formats add the calibration scorer (samples with answer sets)
    # canned texts (``data/canned.json`` keys) random/python draws for a sample that has
    # neither an answer set nor a target
    ideal: tuple[str, ...] = ()
    # vs-bench score, answer-set families: the answer set of a prompt (any wording)
    answers: Callable[[str], AnswerSet] | None = None
    # vs-bench score, the other families
    rescore: Rescoring | None = None
    # vs-bench score: run-level values over every response of the file (all prompts
    # pooled), which replace the mean over prompts of the same keys
    rescore_run: Callable[[list[str]], dict[str, float]] | None = None
    # own -T parameters -> the family's own solver (None: the vs_bench sampler)
    solver: Callable[[Own], SolverFactory] | None = None
    # a dialogue family's fixed texts (its solver is ``vs_bench.dialogue``'s): the plan
    # counts its calls and tokens from them and the samples' partner messages
    scenario: Scenario | None = None
    # the answer set of one of the family's own prompts, None for any other prompt
    reference: Callable[[str], AnswerSet | None] | None = None
    # the human values the family's figures draw beside the model's (persuasion's donations)
    human: Callable[[], tuple[float, ...]] | None = None
    version: int = 1  # Task(version=...): raise it when the family's scores change meaning
    # What the report, the leaderboard and the plots compare formats on: the family's kind
    # (how ``vs_bench.analysis.compare`` measures it: "answer_set" from the draws' counts,
    # "creative"/"synthetic" from the texts' embeddings, "reference" from the draws against
    # the reference distribution, any other kind from the logged per-prompt scores), its
    # primary metric (a key of the metric catalogue) and that metric's direction (the
    # catalogue's, which the declaring package checks).
    kind: str = "other"
    primary: str | None = None
    higher_is_better: bool | None = None
    # the Inspect task function (shared -T parameters + the builder's own)
    task: Callable[..., Task] = field(kw_only=True, repr=False, compare=False)


# name -> spec, in order of registration (module import)
REGISTRY: dict[str, Family] = {}
# name -> spec / its task function, in the order the task packages list them
SPECS: dict[str, Family] = {}
FAMILIES: dict[str, Callable[..., Task]] = {}
# keys -> the canned texts of those keys as one answer set (the package that ships them)
_CANNED: list[Callable[[Sequence[str]], AnswerSet]] = []
_LOADED: set[str] = set()  # the entry points loaded or loading (each once)
_DONE: list[bool] = [False]  # every entry point loaded


def register(spec: Family) -> Family:
    """Add ``spec`` (a task package's declaration); a second family of its name is refused."""
    if spec.name in REGISTRY and REGISTRY[spec.name].builder is not spec.builder:
        raise VsBenchError(f"task family {spec.name!r} is declared twice: rename one")
    REGISTRY[spec.name] = spec  # listed by the package's ``publish``
    return spec


def publish(specs: Iterable[Family]) -> dict[str, Family]:
    """List ``specs`` in this order (a task package's order of its families)."""
    chosen = list(specs)
    SPECS.clear()
    SPECS.update((s.name, s) for s in chosen)
    FAMILIES.clear()
    FAMILIES.update((s.name, s.task) for s in chosen)
    return SPECS


def provide_canned(texts: Callable[[Sequence[str]], AnswerSet]) -> None:
    """Set where ``canned`` finds canned texts (the task package that ships them)."""
    _CANNED[:] = [texts]


def load() -> None:
    """Import every task package of the entry-point group once (their import registers)."""
    if _DONE[0]:
        return
    found = entry_points(group=GROUP)
    if not found:
        raise VsBenchError(
            f"no task package is registered under the entry-point group {GROUP!r}: "
            "reinstall vs-bench (pip install -e .; a stale vs_bench.egg-info in the "
            "working folder shadows the installed one: delete it)"
        )
    for point in found:
        if point.name not in _LOADED:
            _LOADED.add(point.name)  # first: a package's own lookups while it loads
            point.load()
    # a package that lists no order of its own: its families follow, as they registered
    for name, spec in REGISTRY.items():
        if name not in SPECS:
            SPECS[name] = spec
            FAMILIES[name] = spec.task
    _DONE[0] = True


def families() -> dict[str, Family]:
    """Family name -> spec, in the task packages' order."""
    load()
    return SPECS


def task_functions() -> dict[str, Callable[..., Task]]:
    """Family name -> its Inspect task function (``format`` and the family's parameters)."""
    load()
    return FAMILIES


def reference_for(prompt: str) -> AnswerSet | None:
    """The answer set of ``prompt`` if it is one of a family's own prompts (response files)."""
    for spec in families().values():
        found = spec.reference(prompt) if spec.reference else None
        if found is not None:
            return found
    return None


def canned(keys: str | Sequence[str]) -> AnswerSet:
    """The canned texts of ``keys`` as one answer set (each text a label)."""
    load()
    if not _CANNED:
        raise VsBenchError("no task package ships canned texts: reinstall vs-bench")
    return _CANNED[0]([keys] if isinstance(keys, str) else list(keys))


def human_reference(name: str) -> tuple[float, ...]:
    """The human values family ``name`` is drawn beside (none for a family without)."""
    spec = families().get(name)
    return spec.human() if spec is not None and spec.human is not None else ()
