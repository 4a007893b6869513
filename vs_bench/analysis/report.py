"""The closing report of a run: per task, one row per format, intervals, tests, a verdict.

Per task the primary metric is KL to the uniform reference (answer sets, the Miller–Madow
corrected estimate ``kl_mm``, lower is better) or semantic diversity (creative tasks,
higher is better), each with its 95% interval; each format is compared with ``direct`` on
the same prompts (difference, interval, permutation p-value), and the p-values of all the
comparisons of a run are Holm-adjusted together (``vs_bench.analysis.stats``). Every number
is recomputed from the draws stored in the logs, not from the logs' summary metrics.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from inspect_ai.log import EvalLog, read_eval_log
from scipy import stats as sps

from vs_bench.analysis import stats
from vs_bench.analysis.render import metric_title, number
from vs_bench.analysis.runs import Run, read_run
from vs_bench.answer_set import AnswerSet
from vs_bench.scorers import catalogue
from vs_bench.scorers.distribution import chi_square_uniform

Kind = Literal["answer_set", "creative", "other"]
BASELINE = "direct"
LEVEL = 0.95
ALPHA = 0.05
# Fewer valid draws per prompt than this (answer sets) or fewer texts (creative) and a
# cell shows "12 valid of 100" instead of an estimate: KL from a handful of draws says
# more about N than about the model, and a diversity needs pairs.
MIN_VALID_PER_PROMPT = {"answer_set": 10, "creative": 3}
# A list whose answers are spread more evenly than independent draws can be: the lower
# tail of Pearson's X² below this is reported as "too uniform", never as a gain.
TOO_UNIFORM_P = 0.001
# the primary metric of each kind (label and direction: the metric catalogue's)
METRIC = {"answer_set": "kl_mm", "creative": "semantic_diversity"}


@dataclass
class Row:
    """One format of one task."""

    format: str
    n_requested: int
    n_draws: int
    n_valid: int
    replies: int
    parse_failures: int
    over_delivered: int
    under_delivered: int
    prompts: int
    value: float | None = None
    ci: tuple[float, float] | None = None
    note: str | None = None  # why there is no value
    too_uniform_p: float | None = None  # P(X² <= x): small = too even for chance
    vs_direct: dict[str, float] | None = None  # diff, ci, p, p_holm

    @property
    def parse_failure_rate(self) -> float | None:
        return self.parse_failures / self.replies if self.replies else None


@dataclass
class TaskReport:
    task: str
    kind: Kind
    metric: str | None
    label: str | None
    higher_is_better: bool | None
    rows: list[Row] = field(default_factory=list)
    verdict: str = ""


@dataclass
class Report:
    model: str
    suite: str
    seconds: float
    tasks: dict[str, TaskReport]


@dataclass
class _Cell:
    """What the statistics need from one log."""

    row: Row
    kind: Kind
    counts: dict[str, npt.NDArray[np.int64]]  # answer sets: prompt id -> counts
    texts: dict[str, list[str]]  # creative: prompt id -> texts
    embedder: str | None


def _kind(run: Run) -> Kind:
    if run.draws:
        return "answer_set"
    return "creative" if "semantic_diversity" in run.metrics else "other"


def _cell(log: EvalLog) -> tuple[str, _Cell]:
    if not log.samples:
        log = read_eval_log(log.location)
    run = read_run(log)  # every prompt's draws, its epochs pooled
    kind = _kind(run)
    row = Row(run.format, 0, 0, 0, 0, 0, 0, 0, 0)
    counts: dict[str, npt.NDArray[np.int64]] = {}
    texts: dict[str, list[str]] = {}
    for record in run.records:
        key = str(record.id)
        row.n_requested += record.requested
        row.n_draws += len(record.texts)
        row.replies += record.replies
        row.parse_failures += record.parse_failures
        row.over_delivered += record.over_delivered
        row.under_delivered += record.under_delivered
        if kind == "answer_set":
            counts[key] = AnswerSet.from_aliases(record.answer_set or []).counts(record.texts)[0]
        else:
            texts[key] = list(record.texts)
    row.prompts = len(counts) or len(texts)
    row.n_valid = int(sum(int(c.sum()) for c in counts.values())) if counts else row.n_draws
    embedder = str(run.embedder) if run.embedder else None
    return run.family, _Cell(row, kind, counts, texts, embedder)


def _embeddings(cell: _Cell) -> dict[str, npt.NDArray[np.float64]]:
    from vs_bench.scorers.embedding import get_embedder

    embedder = get_embedder(cell.embedder)
    return {key: embedder.encode(texts) for key, texts in cell.texts.items()}


def _too_uniform(counts: Sequence[npt.NDArray[np.int64]]) -> float | None:
    """Lower tail P(X² <= x) of Pearson's statistic summed over prompts (independent)."""
    tests = [chi_square_uniform(c) for c in counts if c.sum() > 0 and c.size > 1]
    if not tests:
        return None
    return float(sps.chi2.cdf(sum(t.statistic for t in tests), sum(t.dof for t in tests)))


def _measure(cell: _Cell) -> Any:
    """The cell's data for the statistics, or None when it has too few valid draws."""
    row = cell.row
    minimum = MIN_VALID_PER_PROMPT.get(cell.kind)
    if minimum is None:
        return None
    per_prompt = (
        [int(c.sum()) for c in cell.counts.values()]
        if cell.kind == "answer_set"
        else [len(t) for t in cell.texts.values()]
    )
    if not per_prompt or min(per_prompt) < minimum:
        row.note = f"{row.n_valid} valid of {row.n_requested}"
        return None
    if cell.kind == "answer_set":
        data: Any = cell.counts
        estimate = stats.kl_estimate(list(data.values()), LEVEL)
        row.too_uniform_p = _too_uniform(list(data.values()))
    else:
        data = _embeddings(cell)
        estimate = stats.diversity_estimate(list(data.values()), LEVEL)
    row.value, row.ci = estimate.value, (estimate.lo, estimate.hi)
    return data


def _compare(kind: Kind, a: dict[str, Any], b: dict[str, Any]) -> stats.Comparison:
    keys = sorted(set(a) & set(b))
    if kind == "answer_set":
        return stats.kl_compare([a[k] for k in keys], [b[k] for k in keys], LEVEL)
    return stats.diversity_compare([a[k] for k in keys], [b[k] for k in keys], LEVEL)


def build_report(logs: Sequence[EvalLog], model: str, suite: str, seconds: float) -> Report:
    """The report of a run's finished logs (one model)."""
    from vs_bench.formats import FORMATS
    from vs_bench.tasks import FAMILIES

    found = [_cell(log) for log in logs]
    # registry order (direct first), whatever order the logs came back in
    order = {name: i for i, name in enumerate([*FAMILIES, *FORMATS])}
    found.sort(key=lambda fc: (order.get(fc[0], len(order)), fc[0],
                               order.get(fc[1].row.format, len(order))))
    cells: dict[str, list[_Cell]] = {}
    for family, cell in found:
        cells.setdefault(family, []).append(cell)
    tasks: dict[str, TaskReport] = {}
    comparisons: list[tuple[Row, stats.Comparison]] = []
    for family, group in cells.items():
        kind = group[0].kind
        spec = catalogue.spec(METRIC.get(kind, ""))
        report = TaskReport(
            family, kind, *((spec.key, spec.label, spec.higher_is_better) if spec else (None,) * 3)
        )
        data = {cell.row.format: _measure(cell) for cell in group}
        base = data.get(BASELINE)
        for cell in group:
            report.rows.append(cell.row)
            mine = data[cell.row.format]
            if cell.row.format != BASELINE and mine is not None and base is not None:
                comparisons.append((cell.row, _compare(kind, mine, base)))
        tasks[family] = report
    adjusted = stats.holm([c.p for _, c in comparisons])
    for (row, comparison), p_holm in zip(comparisons, adjusted, strict=True):
        row.vs_direct = {
            "diff": comparison.diff,
            "ci": [comparison.lo, comparison.hi],  # type: ignore[dict-item]
            "p": comparison.p,
            "p_holm": p_holm,
        }
    for report in tasks.values():
        report.verdict = verdict(report)
    return Report(model, suite, seconds, tasks)


def _interval(value: float | None, ci: Sequence[float] | None) -> str:
    if value is None:
        return "n/a"
    return f"{number(value)} [{number(ci[0])}, {number(ci[1])}]" if ci else number(value)


def p_text(p: float) -> str:
    """``p < 0.001`` or ``p = 0.041``."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}" if p < 0.01 else f"p = {p:.2f}"


def verdict(report: TaskReport) -> str:
    """One sentence: what each format did to the primary metric against direct."""
    if report.metric is None:
        return f"{report.task}: no verdict (no primary metric with an interval for this task)"
    rows = {row.format: row for row in report.rows}
    base = rows.get(BASELINE)
    if base is None:
        return f"{report.task}: no verdict (direct was not run)"
    if base.value is None:
        return f"{report.task}: no verdict (direct has {base.note})"
    clauses = []
    for row in report.rows:
        if row.format == BASELINE:
            continue
        if row.value is None:
            clauses.append(f"{row.format} has {row.note}, no estimate")
            continue
        assert row.vs_direct is not None
        p = row.vs_direct["p_holm"]
        if row.too_uniform_p is not None and row.too_uniform_p < TOO_UNIFORM_P:
            clauses.append(
                f"{row.format} is too uniform to be independent draws "
                f"(P(X² <= x) {p_text(row.too_uniform_p).removeprefix('p ')}), not a gain"
            )
        elif p < ALPHA:
            better = (row.value > base.value) == report.higher_is_better
            verb = "raises" if row.value > base.value else "lowers"
            clauses.append(
                f"{row.format} {verb} {report.label} from {_interval(base.value, base.ci)} to "
                f"{_interval(row.value, row.ci)} against direct ({p_text(p)}, Holm)"
                + ("" if better else ", a loss")
            )
        else:
            clauses.append(f"{row.format}: no difference from direct detected ({p_text(p)}, Holm)")
    return f"{report.task}: " + ("; ".join(clauses) or "direct only, nothing to compare") + "."


def to_dict(report: Report) -> dict[str, Any]:
    """The machine-readable result (``summary.json``)."""
    tasks: dict[str, Any] = {}
    for name, task in report.tasks.items():
        tasks[name] = {
            "metric": task.metric,
            "higher_is_better": task.higher_is_better,
            "rows": [
                {
                    "format": row.format,
                    "n_requested": row.n_requested,
                    "n_draws": row.n_draws,
                    "n_valid": row.n_valid,
                    "prompts": row.prompts,
                    "value": _finite(row.value),
                    "ci": [_finite(v) for v in row.ci] if row.ci else None,
                    "note": row.note,
                    "parse_failures": row.parse_failures,
                    "parse_failure_rate": row.parse_failure_rate,
                    "over_delivered": row.over_delivered,
                    "under_delivered": row.under_delivered,
                    "too_uniform_p": row.too_uniform_p,
                    "vs_direct": (
                        {
                            k: _finite(v) if not isinstance(v, list) else [_finite(x) for x in v]
                            for k, v in row.vs_direct.items()
                        }
                        if row.vs_direct
                        else None
                    ),
                }
                for row in task.rows
            ],
            "verdict": task.verdict,
        }
    return {"model": report.model, "suite": report.suite, "seconds": report.seconds, "tasks": tasks}


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


HEADER = (
    "format",
    "value [95% CI]",
    "n_draws",
    "n_valid",
    "parse fail",
    "over/under",
    "vs direct [95% CI]",
    "p",
    "p (Holm)",
)


def table_rows(task: TaskReport) -> list[list[str]]:
    """The cells of one task's table, in HEADER order."""
    out = []
    for row in task.rows:
        vs = row.vs_direct
        rate = row.parse_failure_rate
        out.append(
            [
                row.format,
                row.note if row.value is None and row.note else _interval(row.value, row.ci),
                str(row.n_draws),
                str(row.n_valid),
                f"{100 * rate:.0f}%" if rate is not None else "n/a",
                f"{row.over_delivered}/{row.under_delivered}",
                _interval(vs["diff"], vs["ci"]) if vs else "",  # type: ignore[arg-type]
                number(vs["p"]) if vs else "",
                number(vs["p_holm"]) if vs else "",
            ]
        )
    return out


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def to_markdown(report: Report) -> str:
    """``summary.md``: a table per task and its verdict."""
    lines = [
        f"# vs-bench: {report.model}, suite {report.suite}",
        "",
        f"{report.seconds:.0f} s. Values: {LEVEL:.0%} intervals; p-values from "
        "permutation tests against direct, Holm-adjusted over the run.",
        "",
    ]
    for task in report.tasks.values():
        label = metric_title(task.metric) if task.metric else "no primary metric"
        lines += [
            f"## {task.task}: {label}",
            "",
            "| " + " | ".join(HEADER) + " |",
            "|" + "---|" * len(HEADER),
        ]
        lines += ["| " + " | ".join(_escape(c) for c in cells) + " |" for cells in table_rows(task)]
        lines += ["", _escape(task.verdict), ""]
    return "\n".join(lines)


def write(report: Report, folder: str | Path, json_path: str | Path | None = None) -> list[Path]:
    """``summary.json`` and ``summary.md`` in ``folder`` (and the JSON at ``json_path``)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n"
    written = [folder / "summary.json", folder / "summary.md"]
    written[0].write_text(text, encoding="utf-8")
    written[1].write_text(to_markdown(report), encoding="utf-8")
    if json_path is not None:
        Path(json_path).write_text(text, encoding="utf-8")
        written.append(Path(json_path))
    return written
