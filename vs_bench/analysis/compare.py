"""The one comparison engine: what the report, the leaderboard, summary.json and the plots show.

For every (model, task, format) of a set of runs (``runs.Run``): the family's primary
metric (declared once, ``tasks._family.Family.primary``), its value and 95% interval, the
delivery counts, and the comparison with the same model's ``direct`` on the same prompts
(difference, interval and p-value from one test inversion, ``inference.compare``), the
p-values of each model's comparisons Holm-adjusted together. How a value is measured
follows the family's kind:

- ``answer_set``: Miller-Madow KL to the uniform from the logged draws' counts
  (``stats.kl_estimate``, clipped at 0);
- ``creative``, ``synthetic``: semantic diversity from the logged texts' embeddings
  (``stats.diversity_estimate``);
- ``reference``: a metric against the reference distribution (TV, the paper's KL) from the
  logged draws and their stated probabilities (``inference.reference_interval``);
- a metric of values the scores pool over the run (``POOLED``, read from the log's score
  metadata): persuasion's ``donation_ks`` from the valid donations against the family's
  human sample (``inference.ks_interval``), the ``creativity_index`` from each text's
  index, the mean over texts (``inference.clustered_mean_interval``);
- any other kind: the log's per-prompt scores of the primary metric (or its epochs' for a
  one-prompt task), a rate with Wilson's interval, another score with Student's t; a
  run-level statistic that is not the mean of per-prompt values is the log's value alone.

A metric of ``VIEWS`` is measured beyond a family's primary wherever a run logs it (the
creative tasks given a corpus: ``creativity_index``), as a task of its own: its label is
the task's with the key (``view_task``), and it is compared with direct like a primary.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats as sps

from vs_bench.analysis import inference
from vs_bench.analysis.inference import Comparison, Interval, ReferenceDraws
from vs_bench.analysis.runs import Run
from vs_bench.analysis.stats import holm
from vs_bench.answer_set import AnswerSet
from vs_bench.metrics import catalogue
from vs_bench.metrics.creativity import PER_TEXT
from vs_bench.metrics.distribution import chi_square_uniform
from vs_bench.metrics.embedding import get_embedder
from vs_bench.metrics.persuasion import DONATIONS
from vs_bench.registry import families, human_reference

BASELINE = "direct"
LEVEL = inference.LEVEL
ALPHA = inference.ALPHA
# Fewer valid draws per prompt than this (answer sets) or fewer texts (diversity) and a
# cell shows "12 valid of 100" instead of an estimate: KL from a handful of draws says
# more about N than about the model, and a diversity needs pairs.
MIN_VALID_PER_PROMPT = {"answer_set": 10, "creative": 3, "synthetic": 3}
# A list whose answers are spread more evenly than independent draws can be: the lower
# tail of Pearson's X² below this is reported as "too uniform", never as a gain.
TOO_UNIFORM_P = 0.001
_DIVERSITY = ("creative", "synthetic")


@dataclass(frozen=True)
class Pooled:
    """A metric of values pooled over a run's samples (``Run.pooled``)."""

    name: str  # the scores' pooled values
    none: str  # a cell's note when the run has none
    against_human: bool  # KS against the family's human sample; else the mean over values
    bounds: tuple[float, float] = (0.0, 1.0)  # the range of the metric


POOLED = {
    "donation_ks": Pooled(DONATIONS, "no valid donation", True),
    "creativity_index": Pooled(PER_TEXT, "no text with words", False, (0.0, 8.0)),
}
# metrics measured beyond the family's primary wherever a run logs them: key -> kind
VIEWS = {"creativity_index": "texts"}


def view_task(task: str, key: str) -> str:
    """The label of a view's task: ``poem corpus_index=idx (creativity_index)``."""
    return f"{task} ({key})"


@dataclass
class Cell:
    """One (model, task, format): its primary value, interval, delivery and comparison."""

    model: str
    task: str  # the family and its non-default arguments (``runs.task_label``)
    family: str
    format: str
    kind: str
    primary: str | None
    higher_is_better: bool | None
    run: Run = field(repr=False)
    n_requested: int = 0
    n_draws: int = 0
    n_valid: int = 0  # in the answer set (answer sets, reference), else texts delivered
    replies: int = 0
    parse_failures: int = 0
    over_delivered: int = 0
    under_delivered: int = 0
    prompts: int = 0
    value: float | None = None
    lo: float | None = None
    hi: float | None = None
    note: str | None = None  # why there is no value or no interval
    too_uniform_p: float | None = None  # P(X² <= x): small = too even for chance
    vs_direct: Comparison | None = None
    p_holm: float | None = None
    valid_p: float | None = None  # Fisher's exact test of the valid share against direct's
    view: bool = False  # a metric of ``VIEWS``, not the family's primary
    quality: float | None = None  # judged quality (creative), None when no grader ran
    graded: bool | None = None  # whether a grader ran (graded families), None: not graded
    interval: Interval | None = field(default=None, repr=False)

    @property
    def valid_share(self) -> float | None:
        return self.n_valid / self.n_requested if self.n_requested else None

    @property
    def parse_failure_rate(self) -> float | None:
        return self.parse_failures / self.replies if self.replies else None

    @property
    def key(self) -> tuple[str, str, str]:
        return self.model, self.task, self.format


@dataclass
class Results:
    """Every cell, in registry order of families and formats."""

    cells: list[Cell]

    @property
    def models(self) -> list[str]:
        return list(dict.fromkeys(c.model for c in self.cells))

    def tasks(self, model: str | None = None) -> list[str]:
        return list(dict.fromkeys(c.task for c in self.cells if model in (None, c.model)))

    def task_cells(self, task: str, model: str | None = None) -> list[Cell]:
        return [c for c in self.cells if c.task == task and model in (None, c.model)]

    def get(self, model: str, task: str, fmt: str) -> Cell | None:
        return next((c for c in self.cells if c.key == (model, task, fmt)), None)


def _spec(family: str) -> tuple[str, str | None]:
    found = families().get(family)
    return (found.kind, found.primary) if found else ("other", None)


def _cell(run: Run, view: str | None = None) -> Cell:
    kind, primary = (VIEWS[view], view) if view else _spec(run.family)
    row = catalogue.spec(primary) if primary else None
    cell = Cell(run.model, view_task(run.task, view) if view else run.task, run.family,
                run.format, kind, primary, row.higher_is_better if row else None, run,
                view=view is not None)
    for record in run.records:
        cell.n_requested += record.requested
        cell.n_draws += len(record.texts)
        cell.replies += record.replies
        cell.parse_failures += record.parse_failures
        cell.over_delivered += record.over_delivered
        cell.under_delivered += record.under_delivered
    cell.prompts = len(run.records)
    cell.n_valid = sum(_valid(record) for record in run.records)
    pooled = POOLED.get(primary or "")
    if pooled is not None and pooled.name in run.pooled:  # donations, texts with words
        cell.n_valid = sum(map(len, run.pooled[pooled.name].values()))
    quality = run.metrics.get("quality")
    cell.quality = quality if quality is not None and not math.isnan(quality) else None
    graded = [k for k in ("correct_rate", "incorrect_rate", "refusal_rate") if k in run.metrics]
    if graded:
        cell.graded = any(not math.isnan(run.metrics[k]) for k in graded)
    return cell


def _valid(record: Any) -> int:
    if record.answer_set:
        return int(AnswerSet.from_aliases(record.answer_set).counts(record.texts)[0].sum())
    return len(record.texts)


# ---------------------------------------------------------------------------- measures


def _counts(run: Run, keys: set[Any] | None) -> dict[Any, np.ndarray]:
    return {r.id: AnswerSet.from_aliases(r.answer_set).counts(r.texts)[0]
            for r in run.records if r.answer_set and (keys is None or r.id in keys)}


def _embeddings(run: Run, keys: set[Any] | None) -> dict[Any, np.ndarray]:
    embedder = get_embedder(str(run.embedder) if run.embedder else None)
    return {r.id: embedder.encode(r.texts) for r in run.records if r.texts
            and (keys is None or r.id in keys)}


def _reference_draws(run: Run, keys: set[Any] | None) -> dict[Any, ReferenceDraws]:
    found = {}
    for r in run.records:
        if not r.answer_set or (keys is not None and r.id not in keys):
            continue
        answers = AnswerSet.from_aliases(r.answer_set)
        weights = np.asarray(r.reference if r.reference else np.ones(answers.size), dtype=float)
        index = np.array([-1 if (i := answers.match(t)) is None else i for t in r.texts],
                         dtype=np.int64)
        stated = np.array([math.nan if p is None else p for p in r.probabilities], dtype=float)
        found[r.id] = ReferenceDraws(index, stated, weights / weights.sum())
    return found


def _pooled_interval(cell: Cell, pooled: Pooled, keys: set[Any] | None) -> Interval | None:
    groups = [v for k, v in cell.run.pooled[pooled.name].items() if keys is None or k in keys]
    if not any(groups):
        cell.note = pooled.none
        return None
    if pooled.against_human:
        human = human_reference(cell.family)
        return inference.ks_interval([v for g in groups for v in g], human)
    return inference.clustered_mean_interval(groups, pooled.bounds)


def _units(run: Run, key: str, keys: set[Any] | None) -> tuple[list[float], bool]:
    """The per-prompt values of ``key`` (per-epoch for a one-prompt run) and whether they
    are the run-level value's units (their mean is the log's value)."""
    per_prompt = run.per_prompt.get(key, {})
    values = [v for k, v in per_prompt.items() if keys is None or k in keys]
    if len(per_prompt) < 2 and run.epochs >= 2:
        values = run.per_epoch.get(key, [])
    defined = [v for v in values if not math.isnan(v)]
    logged = run.metrics.get(key, math.nan)
    units = bool(defined) and (keys is not None or math.isclose(
        float(np.mean(defined)), logged, rel_tol=1e-9, abs_tol=1e-12))
    return values, units


def _uniform_tail(counts: Sequence[np.ndarray]) -> float | None:
    """Lower tail P(X² <= x) of Pearson's statistic summed over prompts (independent)."""
    tests = [chi_square_uniform(c) for c in counts if c.sum() > 0 and c.size > 1]
    if not tests:
        return None
    return float(sps.chi2.cdf(sum(t.statistic for t in tests), sum(t.dof for t in tests)))


def measure(cell: Cell, keys: set[Any] | None = None) -> Interval | None:
    """The interval function of the cell's primary metric over the prompts ``keys`` (all
    when None); None (with ``cell.note`` set) when there is nothing to measure."""
    run, kind, minimum = cell.run, cell.kind, MIN_VALID_PER_PROMPT.get(cell.kind)
    if cell.primary is None:
        cell.note = "no primary metric"
        return None
    if kind == "answer_set":
        counts = _counts(run, keys)
        if not counts or min(int(c.sum()) for c in counts.values()) < (minimum or 1):
            cell.note = f"{cell.n_valid} valid of {cell.n_requested}"
            return None
        if keys is None:
            cell.too_uniform_p = _uniform_tail(list(counts.values()))
        return inference.kl_interval(list(counts.values()))
    if kind in _DIVERSITY:
        texts = [r.texts for r in run.records if keys is None or r.id in keys]
        if not texts or min(len(t) for t in texts) < (minimum or 2):
            cell.note = f"{cell.n_draws} texts of {cell.n_requested}"
            return None
        return inference.diversity_interval(list(_embeddings(run, keys).values()))
    if kind == "reference" and cell.primary in inference.REFERENCE_METRICS:
        draws = _reference_draws(run, keys)
        if not any(np.any(d.index >= 0) for d in draws.values()):
            cell.note = f"0 valid of {cell.n_requested}"
            return None
        return inference.reference_interval(cell.primary, list(draws.values()))
    pooled = POOLED.get(cell.primary)
    if pooled is not None and pooled.name in run.pooled:
        return _pooled_interval(cell, pooled, keys)
    logged = run.metrics.get(cell.primary)
    if logged is None or math.isnan(logged):
        cell.note = "not graded" if cell.graded is False else f"no {cell.primary} in the log"
        return None
    values, units = _units(run, cell.primary, keys)
    if not units:  # a run-level statistic: the log's value, no interval
        cell.note = "run-level statistic: no interval"
        return lambda level: (logged, math.nan, math.nan)
    row = catalogue.spec(cell.primary)
    return inference.units_interval(values, rate=row is not None and row.scale == "0-1")


def _scale(cell: Cell) -> tuple[float, float]:
    """The range of the cell's primary metric."""
    pooled = POOLED.get(cell.primary or "")
    if pooled is not None:
        return pooled.bounds
    row = catalogue.spec(cell.primary or "")
    if row is not None and row.scale == "0-100":
        return 0.0, 100.0
    if row is not None and row.scale == "0-1":
        return 0.0, 1.0
    if row is not None and row.scale == "nats":
        return 0.0, math.inf
    return -math.inf, math.inf


def _fisher(cell: Cell, base: Cell) -> float | None:
    if not cell.n_requested or not base.n_requested:
        return None
    table = [[cell.n_valid, cell.n_requested - cell.n_valid],
             [base.n_valid, base.n_requested - base.n_valid]]
    return float(sps.fisher_exact(table).pvalue)


# ---------------------------------------------------------------------------- engine


def evaluate(runs: Sequence[Run]) -> Results:
    """Every cell of ``runs`` measured and compared with its model's direct."""
    from vs_bench.formats import FORMATS

    order = {name: i for i, name in enumerate([*families(), *FORMATS])}
    views = [_cell(run, key) for run in runs for key in VIEWS
             if key in run.metrics and key != _spec(run.family)[1]]
    cells = sorted([*(_cell(run) for run in runs), *views], key=lambda c: (
        order.get(c.family, len(order)), c.task, order.get(c.format, len(order)),
        c.model != "random/python", c.model))
    for cell in cells:
        cell.interval = measure(cell)
        if cell.interval is not None:
            cell.value, lo, hi = cell.interval(LEVEL)
            cell.lo, cell.hi = (None, None) if math.isnan(lo) else (lo, hi)
            if cell.lo is None and cell.note is None:
                cell.note = "one value: no interval"
    for model in dict.fromkeys(c.model for c in cells):
        compared = []
        for cell in (c for c in cells if c.model == model):
            base = next((c for c in cells if c.key == (model, cell.task, BASELINE)), None)
            if base is None or base is cell:
                continue
            cell.valid_p = _fisher(cell, base)
            if cell.interval is None or base.interval is None:
                continue
            common = {r.id for r in cell.run.records} & {r.id for r in base.run.records}
            mine, theirs = measure(cell, common), measure(base, common)
            if mine is None or theirs is None:
                continue
            cell.vs_direct = inference.compare(mine, theirs, LEVEL, _scale(cell))
            if not math.isnan(cell.vs_direct.p):
                compared.append(cell)
        for cell, p in zip(compared, holm([c.vs_direct.p for c in compared if c.vs_direct]),
                           strict=True):
            cell.p_holm = p
    return Results(cells)
