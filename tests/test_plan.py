"""``vs-bench run --dry-run``: the plan of a run, before any call and without a key."""

from __future__ import annotations

from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.event import ModelEvent

from tests.utils.cli import run_cli
from vs_bench import capabilities, plan
from vs_bench.formats import FORMATS, Budget
from vs_bench.suite import SuiteItem, plan_suite, suite


@pytest.fixture(autouse=True)
def _fresh_capabilities() -> None:
    capabilities.forget()


def test_requests_follow_the_providers_choices_per_request() -> None:
    items = plan_suite(["dice"], ["direct", "sequence", "multi_turn"], {"n": 600})
    by = {(p.model, p.format): p for p in plan.plan_run(items, ["openai-api/x/m", "anthropic/c"])}
    # direct: 600 draws as requests of 128 choices where the API has n, else one each
    assert by["openai-api/x/m", "direct"].requests == 5  # 4 x 128 + 88
    assert by["openai-api/x/m", "direct"].choices == 128
    assert by["anthropic/c", "direct"].requests == 600
    # lists: k=5 a call; the 120 calls as the choices of one request where the API has n
    assert by["anthropic/c", "sequence"].requests == 120
    assert by["openai-api/x/m", "sequence"].requests == 1
    assert by["openai-api/x/m", "sequence"].choices == 120
    # multi_turn: the 120 conversations share their first request, then one a turn
    assert by["openai-api/x/m", "multi_turn"].requests == 1 + 120 * 4
    assert by["anthropic/c", "multi_turn"].requests == 600
    assert all(p.draws == 600 for p in by.values())


def test_max_choices_lowers_the_choices_of_a_model() -> None:
    capabilities.configure("vllm/m", 4)
    (cell,) = plan.plan_run(plan_suite(["rand_num"], ["direct"], {}), ["vllm/m"])
    assert cell.choices == 4 and cell.requests == 25


def test_tokens_grow_with_the_draws_and_the_conversation() -> None:
    items = plan_suite(["state_name"], ["direct", "vs_standard", "vs_multi"], {"n": 100})
    cells = {p.format: p for p in plan.plan_run(items, ["random/python"])}
    budget = Budget.make(FORMATS["vs_multi"], 100, 20, None)
    calls = budget.plan(FORMATS["vs_multi"])
    # the 5 conversations open with one request of 5 choices, then go on one by one
    assert cells["vs_multi"].requests == 1 + sum(len(turns) - 1 for turns in calls)
    # a conversation re-sends its history: more input per request than a single call
    multi, standard = cells["vs_multi"], cells["vs_standard"]
    assert multi.input_tokens / multi.requests > standard.input_tokens / standard.requests
    # one direct request of 100 choices sends its prompt once
    assert cells["direct"].requests == 1
    assert cells["direct"].input_tokens < standard.input_tokens
    assert all(p.output_tokens > 0 for p in cells.values())


def test_small_n_and_a_limit_above_the_prompts_are_named() -> None:
    items = plan_suite(["rand_num", "joke"], ["direct"], {"n": 2, "limit": 30})
    assert "rand_num (N=2, needs 10)" in (plan.small_n(items) or "")
    assert "joke (N=2, needs 3)" in (plan.small_n(items) or "")
    note = plan.over_limit(items, 30) or ""
    assert "rand_num has 1" in note and "joke has 24" in note
    assert plan.small_n(plan_suite(["rand_num"], ["direct"], {"n": 10})) is None
    assert plan.over_limit(items, None) is None


def test_paper_suite_dry_run_needs_no_key_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("INSPECT_LOG_DIR", str(tmp_path / "logs"))
    code, out, err = run_cli(
        ["run", "--suite", "paper", "--model", "openai/gpt-4.1", "--dry-run"], capsys, monkeypatch
    )
    assert code == 0, err
    assert list(tmp_path.iterdir()) == []  # no log folder, no file
    cells = plan_suite(None, None, {}, suite("paper").sizes, suite("paper").formats)
    totals = plan.totals(plan.plan_run(cells, ["openai/gpt-4.1"]))
    assert f"{totals['requests']:,}" in out and f"{totals['draws']:,}" in out
    assert f"{len(cells)} cells" in out
    # the sampler's cells with n choices: at most 0.3 requests per draw; the dialogues are
    # counted too (a request per partner message and format call), not left out
    plans = plan.plan_run(cells, ["openai/gpt-4.1"])
    sampled = plan.totals([p for p in plans if p.task != "persuasion"])
    assert sampled["requests"] / sampled["draws"] <= 0.3
    dialogues = [p for p in plans if p.task == "persuasion"]
    assert len(dialogues) == 8 and all(p.requests and p.input_tokens for p in dialogues)
    assert "own solver" not in out


def _planned_and_sent(item: SuiteItem, tmp_path: Path) -> tuple[plan.CellPlan, list[ModelEvent]]:
    """The cell's plan on random/python, and the model events of running it there."""
    (cell,) = plan.plan_run([item], ["random/python"])
    log = inspect_eval(item.task(), model="random/python", seed=3, display="none",
                       log_dir=str(tmp_path), score=False)[0]
    assert log.status == "success", log.error
    return cell, [e for s in log.samples or [] for e in s.events if isinstance(e, ModelEvent)]


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_a_dialogue_cell_plans_the_calls_the_solver_makes(fmt: str, tmp_path: Path) -> None:
    (item,) = plan_suite(["persuasion"], [fmt], {"limit": 2, "k": 3})
    cell, events = _planned_and_sent(item, tmp_path)
    assert cell.requests == len(events)
    assert cell.draws == 2 and cell.output_tokens > 0
    assert cell.input_tokens > cell.requests * 100  # a persona and a growing conversation


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_a_sampler_cell_plans_the_requests_the_solver_sends(fmt: str, tmp_path: Path) -> None:
    (item,) = plan_suite(["dice"], [fmt], {"n": 30, "k": 5})
    cell, events = _planned_and_sent(item, tmp_path)
    assert cell.requests == len(events)
    # the format's 6 calls (or 30 answers) go as the choices of the first request
    assert cell.choices == (30 if fmt in ("direct", "direct_cot") else 6)
    assert events[0].config.num_choices == cell.choices
