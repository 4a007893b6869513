"""vs-bench sweep --grid and the tuning-curve figure of vs-bench plot."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.utils.cli import run_cli
from vs_bench.analysis.runs import load_runs
from vs_bench.analysis.tuning import run_parameters, tuning_curves
from vs_bench.errors import VsBenchError
from vs_bench.grid import grid_items, parse_grid
from vs_bench.suite import SuiteItem


def test_parse_grid_values() -> None:
    assert parse_grid(["tail=1,0.5, 0.2", "k=1,3,3", "target=A=0.5"]) == {
        "tail": [1, 0.5, 0.2],
        "k": [1, 3],
        "target": ["A=0.5"],
    }


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["tail"], "not name=values"),
        (["tail="], "not name=values"),
        (["=1,2"], "not name=values"),
        (["k=1", "k=3"], "twice"),
        (["format=direct"], "--formats"),
    ],
)
def test_bad_grids_are_one_line_errors(options: list[str], message: str) -> None:
    with pytest.raises(VsBenchError, match=message):
        parse_grid(options)


def test_grid_items_are_the_product_and_tail_only_for_vs_formats() -> None:
    items = [SuiteItem("rand_num", "direct", {"n": 10}), SuiteItem("rand_num", "vs_cot", {})]
    planned = grid_items(items, {"tail": [1, 0.5], "k": [1, 5]})
    assert [(i.format, i.params) for i in planned] == [
        ("direct", {"n": 10, "k": 1}),
        ("direct", {"n": 10, "k": 5}),
        ("vs_cot", {"tail": 1, "k": 1}),
        ("vs_cot", {"tail": 1, "k": 5}),
        ("vs_cot", {"tail": 0.5, "k": 1}),
        ("vs_cot", {"tail": 0.5, "k": 5}),
    ]
    with pytest.raises(VsBenchError, match="rand_num has no parameter 'temp'"):
        grid_items(items, {"temp": [0.5]})


def test_sweep_grid_then_plot_writes_the_tuning_curve(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    logs = tmp_path / "sweep"
    code, _, err = run_cli(
        [
            "sweep",
            "--models",
            "random/python",
            "--tasks",
            "rand_num",
            "--formats",
            "direct,vs_standard",
            "--n",
            "5",
            "--grid",
            "tail=1,0.2",
            "--grid",
            "k=5",
            "--log-dir",
            str(logs),
        ],
        capsys,
        monkeypatch,
    )
    assert code == 0, err
    runs, _ = load_runs(logs)
    assert len(runs) == 3  # vs_standard at two tails, direct once (no tail)
    # k=5 is rand_num's default: a value, but not one that varies
    ((family, name, group),) = tuning_curves(runs)
    assert (family, name) == ("rand_num", "tail")
    tails = sorted(run_parameters(r)[1].get("tail", "-") for r in group)
    assert tails == ["-", "0.2", "1"]
    out = tmp_path / "plots"
    code, stdout, err = run_cli(
        ["plot", str(logs), "--out", str(out), "--sizes", "1,5", "--prompts", "1"],
        capsys,
        monkeypatch,
    )
    assert code == 0, err
    assert (out / "tuning_rand_num_tail.png").stat().st_size > 10_000
    assert (out / "tuning_rand_num_tail.svg").exists()
    assert "tuning_rand_num_tail" in stdout
