"""A task's verdict: one sentence per model saying what each format did against direct.

It goes by the Holm-adjusted p of the comparison engine (``compare``) and, where a format
is called better, also names what a reader needs to weigh it: a valid share that differs
from direct's by more than its noise (Fisher's exact test at ``ALPHA``: precision for answer
sets, parse failures and under-delivery for all), and for creative tasks the judged
quality ("quality not measured" when no grader ran: the paper's claim is diversity
without a loss of quality).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vs_bench.analysis.compare import ALPHA, BASELINE, TOO_UNIFORM_P, Cell
from vs_bench.analysis.inference import p_text
from vs_bench.analysis.render import interval_text, number


@dataclass
class TaskReport:
    """One task's rows of a model's report (``vs_bench.analysis.report``) and its verdict."""

    task: str
    kind: str
    metric: str | None
    label: str | None
    higher_is_better: bool | None
    rows: list[Cell] = field(default_factory=list)
    verdict: str = ""


def _share(cell: Cell) -> str:
    share = cell.valid_share
    return "n/a" if share is None else f"{100 * share:.0f}%"


def _validity(cell: Cell, base: Cell) -> str:
    """", but valid share 36% against direct's 98%" when the shares differ beyond noise
    (", and ..." when the format's share is the higher)."""
    if cell.valid_p is None or cell.valid_p >= ALPHA:
        return ""
    word = "valid" if cell.kind in ("answer_set", "reference") else "delivered"
    # "but" only for a lower share: a higher one is no caveat to a gain
    lower = (cell.valid_share or 0.0) < (base.valid_share or 0.0)
    joint = "but" if lower else "and"
    return f", {joint} {word} share {_share(cell)} against direct's {_share(base)}"


def _quality(cell: Cell, base: Cell) -> str:
    if cell.kind == "creative":
        if cell.quality is None or base.quality is None:
            return ", quality not measured (no grader)"
        return f", judged quality {number(cell.quality)} against direct's {number(base.quality)}"
    if cell.kind == "synthetic" and cell.graded is not True:
        return ", not graded (correctness needs a grader)"
    return ""


def _clause(cell: Cell, base: Cell, report: TaskReport) -> str:
    if cell.value is None:
        return f"{cell.format} has {cell.note}, no estimate"
    vs = cell.vs_direct
    if vs is None or cell.p_holm is None:
        why = cell.note or base.note or "no interval"
        return f"{cell.format}: not compared ({why})"
    if cell.too_uniform_p is not None and cell.too_uniform_p < TOO_UNIFORM_P:
        tail = p_text(cell.too_uniform_p).removeprefix("p ")
        return (f"{cell.format} is too uniform to be independent draws (P(X² <= x) {tail}), "
                "not a gain")
    if cell.p_holm >= ALPHA:
        return (f"{cell.format}: no difference from direct detected ({p_text(cell.p_holm)}, "
                f"Holm){_validity(cell, base)}")
    assert base.value is not None and cell.value is not None
    better = (cell.value > base.value) == report.higher_is_better
    verb = "raises" if cell.value > base.value else "lowers"
    text = (f"{cell.format} {verb} {report.label} from "
            f"{interval_text(base.value, base.lo, base.hi)} to "
            f"{interval_text(cell.value, cell.lo, cell.hi)} against direct "
            f"({p_text(cell.p_holm)}, Holm)")
    if not better:
        return text + f", a loss{_validity(cell, base)}"
    return text + _validity(cell, base) + _quality(cell, base)


def verdict(report: TaskReport) -> str:
    """One sentence: what each format did to the primary metric against direct."""
    if report.metric is None:
        return f"{report.task}: no verdict (the family declares no primary metric)"
    rows = {row.format: row for row in report.rows}
    base = rows.get(BASELINE)
    if base is None:
        return f"{report.task}: no verdict (direct was not run)"
    if base.value is None:
        return f"{report.task}: no verdict (direct has {base.note})"
    clauses = [_clause(row, base, report) for row in report.rows if row.format != BASELINE]
    return f"{report.task}: " + ("; ".join(clauses) or "direct only, nothing to compare") + "."
