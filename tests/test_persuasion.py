"""persuasion: the shipped data, the donation metrics, the dialogue solver (replayed and
modelled persuader, candidate choice, parse failures), Inspect runs on random/python and
``vs-bench score``."""

from __future__ import annotations

import csv
import importlib.util
import json
import math
import random
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog, read_eval_log
from inspect_ai.model import ChatMessage, ChatMessageUser, GenerateConfig, get_model
from scipy import stats

from tests.utils.cli import run_cli
from vs_bench import prompts
from vs_bench._inspect_compat import registry_info
from vs_bench._registry import TASKS
from vs_bench.dialogue import DialogueRecord, choose, turn_plan
from vs_bench.draws import SampleDraws
from vs_bench.errors import VsBenchError
from vs_bench.formats import FORMATS, Budget
from vs_bench.metrics.catalogue import POOLED_KEY
from vs_bench.metrics.persuasion import (
    BINS,
    donation,
    donation_l1,
    donation_metrics,
    first_amount,
    flesch_kincaid,
    histogram,
)
from vs_bench.parsing import Candidate
from vs_bench.tasks import SPECS, persuasion
from vs_bench.tasks._family import CANNED_FILE

FOLDER = Path(persuasion.__file__).parent / "data" / "persuasion"
CANNED = json.loads(CANNED_FILE.read_text(encoding="utf-8"))


def human_from_file() -> list[float]:
    with (FOLDER / "human_donations.csv").open(encoding="utf-8", newline="") as file:
        return [float(row["donation"]) for row in csv.DictReader(file)]


def l1_by_hand(simulated: list[float], human: list[float]) -> float:
    """The definition, written out: 8 bins of $0.25, the last one closed at $2."""

    def shares(values: list[float]) -> list[float]:
        counts = [0] * 8
        for value in values:
            counts[min(int(value // 0.25), 7)] += 1
        return [c / len(values) for c in counts]

    return sum(abs(a - b) for a, b in zip(shares(simulated), shares(human), strict=True))


def run(task: str, model: object = "random/python", **kwargs: Any) -> EvalLog:
    task_args = kwargs.pop("task_args", {})
    log = inspect_eval(TASKS[task](**task_args), model=model, seed=1, **kwargs)[0]  # type: ignore[arg-type]
    assert log.status == "success", log.error
    return log


def run_metrics(log: EvalLog) -> dict[str, float]:
    assert log.results is not None
    return {s.name: m.value for s in log.results.scores for m in s.metrics.values()}


needs_embedder = pytest.mark.skipif(
    importlib.util.find_spec("sentence_transformers") is None,
    reason="the persuadee's semantic diversity needs the embed extra",
)


# --- the shipped data ------------------------------------------------------------------


def test_the_human_reference_is_the_982_valid_persuadee_donations() -> None:
    human = human_from_file()
    assert persuasion.human_donations() == tuple(human)
    assert len(human) == 982 and all(0 <= v <= 2 for v in human)
    # the facts of the reference README, measured on full_info.csv
    assert Counter(human)[0.0] == 472 and Counter(human)[2.0] == 57
    assert float(np.median(human)) == pytest.approx(0.04)
    assert float(np.mean(human)) == pytest.approx(0.352, abs=5e-4)


def test_the_split_is_200_distinct_dialogues_with_valid_donations() -> None:
    lines = (FOLDER / "dialogues.jsonl").read_text(encoding="utf-8").splitlines()
    dialogues = [json.loads(line) for line in lines if line.strip()]
    ids = [d["id"] for d in dialogues]
    assert len(ids) == len(set(ids)) == 200
    with (FOLDER / "human_donations.csv").open(encoding="utf-8", newline="") as file:
        by_id = {row["dialogue_id"]: float(row["donation"]) for row in csv.DictReader(file)}
    for dialogue in dialogues:
        assert by_id[dialogue["id"]] == dialogue["donation"]
        assert dialogue["persuader"] and all(t.strip() for t in dialogue["persuader"])
        assert len(dialogue["persona"]) == 32  # every "*.x" field of full_info.csv
    task = SPECS["persuasion"].task()
    # Inspect's reader keeps the file's order and ids
    assert [sample.id for sample in task.dataset] == ids
    assert "Apache License" in (FOLDER / "LICENSE").read_text(encoding="utf-8")


def test_regenerate_applies_the_eligibility_rules(tmp_path: Path) -> None:
    # the script beside the data (no package: loaded from its file)
    spec = importlib.util.spec_from_file_location("regenerate", FOLDER / "regenerate.py")
    assert spec is not None and spec.loader is not None
    regenerate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(regenerate)

    info = ["B2,B3,B4,B6,B7,age.x,sex.x,extrovert.x"]
    dialog = [",Unit,Turn,B4,B2"]
    rows = [("a", 0.5, "Female"), ("b", 3.0, "Male"), ("c", 2.0, "Male"), ("d", 0.0, "Male"),
            ("e", 1.0, "NA")]
    for dialogue, amount, sex in rows:
        info += [f"{dialogue},u0{dialogue},0,0,2,30,Male,3",
                 f"{dialogue},u1{dialogue},1,{amount},2,41,{sex},2.333333333"]
    index = 0
    for dialogue in ("a", "b", "c", "e"):  # "d" has no utterances
        for turn, role, unit in ((0, 0, "Hi."), (0, 0, "How are you?"), (0, 1, "Fine."),
                                 (1, 0, "Donate?")):
            dialog.append(f"{index},{unit},{turn},{role},{dialogue}")
            index += 1
    (tmp_path / "full_info.csv").write_text("\n".join(info) + "\n", encoding="utf-8")
    (tmp_path / "full_dialog.csv").write_text("\n".join(dialog) + "\n", encoding="utf-8")
    donations, dialogues = regenerate.build(tmp_path, size=2, seed=0)
    # b's $3 is no task donation; d has no persuader turn and e's persona lacks a field:
    # both count in the reference, neither is in the split
    assert donations == [("a", 0.5), ("c", 2.0), ("d", 0.0), ("e", 1.0)]
    assert sorted(str(d["id"]) for d in dialogues) == ["a", "c"]
    (first,) = [d for d in dialogues if d["id"] == "a"]
    assert first["persuader"] == ["Hi. How are you?", "Donate?"]
    assert first["persona"] == {"age": 41.0, "sex": "Female", "extrovert": 2.33}  # rounded


def test_the_persona_is_every_field_it_has() -> None:
    text = persuasion.persona_text({"age": 22.0, "sex": "Male", "income": 5.0, "open": 3.5,
                                    "rational": 4.0})
    assert text.splitlines() == [
        "- Background: age 22, sex Male, income bracket 5 of 12.",
        "- Big Five personality, from 1 (low) to 5 (high): openness 3.5.",
        "- Decision style, from 1 (low) to 5 (high): rational 4.",
    ]


# --- the donation metrics --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount", "valid"),
    [
        ("I donate $0.50.", 0.5, 0.5),
        ("$.25 is what I can spare", 0.25, 0.25),
        ("50 cents", 0.5, 0.5),
        ("75¢", 0.75, 0.75),
        ("I'll give 1 dollar, maybe 2", 1.0, 1.0),
        ("Out of my $2 I give $1", 2.0, 2.0),  # the first amount, whatever follows
        ("I donate $3", 3.0, None),
        ("Nothing, sorry.", None, None),
    ],
)
def test_the_donation_is_the_first_amount_if_in_range(
    text: str, amount: float | None, valid: float | None
) -> None:
    assert first_amount(text) == amount
    assert donation(text) == valid


def test_bins_are_quarters_with_the_last_closed() -> None:
    assert BINS.tolist() == [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2]
    shares = histogram([0.0, 0.24, 0.25, 1.75, 1.99, 2.0])
    assert shares.tolist() == pytest.approx([2 / 6, 1 / 6, 0, 0, 0, 0, 0, 3 / 6])


def test_l1_and_ks_against_their_definitions() -> None:
    rng = random.Random(3)
    human = human_from_file()
    simulated = [round(rng.uniform(0, 2), 2) for _ in range(57)]
    found = donation_metrics(simulated, human)
    test = stats.ks_2samp(simulated, human)
    assert found["donation_ks"] == pytest.approx(test.statistic, abs=1e-12)
    assert found["donation_ks_p"] == pytest.approx(test.pvalue, abs=1e-12)
    assert found["donation_l1"] == pytest.approx(l1_by_hand(simulated, human), abs=1e-12)
    assert found["donation_mean"] == pytest.approx(sum(simulated) / 57)
    assert found["n_valid"] == 57
    assert donation_l1(human, human) == 0.0
    assert donation_l1([2.0], [0.0]) == 2.0
    assert math.isnan(donation_metrics([], human)["donation_ks"])


def test_flesch_kincaid_is_textstats_formula_offline() -> None:
    # 2 sentences, 12 words, 14 syllables (pyphen): 0.39 * 6 + 11.8 * 14 / 12 - 15.59
    text = "The cat sat on the mat. It was a sunny day outside."
    expected = 0.39 * 12 / 2 + 11.8 * 14 / 12 - 15.59
    assert flesch_kincaid([text]) == pytest.approx(expected)
    assert math.isnan(flesch_kincaid(["", "  "]))


# --- the dialogue solver ---------------------------------------------------------------


def test_each_format_asks_its_candidates_per_turn() -> None:
    budget = Budget(1, 5, 3)
    plans = {name: turn_plan(fmt, budget) for name, fmt in FORMATS.items()}
    assert plans == {"direct": [1], "direct_cot": [1], "sequence": [5], "structure": [5],
                     "multi_turn": [1, 1, 1, 1, 1], "vs_standard": [5], "vs_cot": [5],
                     "vs_multi": [3, 2]}


def test_every_format_runs_the_dialogue_solver_with_the_tasks_budget() -> None:
    for fmt in FORMATS:
        task = SPECS["persuasion"].task(format=fmt, n=3, k=4, selection="uniform")
        # the family's own solver: dialogue_solver (vs_bench.dialogue), not vs_sampler
        assert registry_info(task.solver).name == "dialogue_solver", fmt
        # n need not be a multiple of k: each turn asks its k afresh
        assert task.metadata is not None
        assert (task.metadata["n"], task.metadata["k"], task.metadata["m"]) == (3, 4, 2)


def test_the_kept_reply_follows_the_stated_probabilities() -> None:
    candidates = [Candidate("a", 0.7), Candidate("b", 0.2), Candidate("c", 0.1)]
    rng = random.Random(0)
    draws = 20_000
    counts = Counter(choose(candidates, "probability", rng) for _ in range(draws))
    for index, p in enumerate((0.7, 0.2, 0.1)):
        # 5 binomial standard deviations
        assert abs(counts[index] / draws - p) < 5 * math.sqrt(p * (1 - p) / draws)
    uniform = Counter(choose(candidates, "uniform", rng) for _ in range(draws))
    unstated = [Candidate("a", 0.9), Candidate("b", None)]
    half = Counter(choose(unstated, "probability", rng) for _ in range(draws))
    for found, k in ((uniform, 3), (half, 2)):
        for index in range(k):
            assert abs(found[index] / draws - 1 / k) < 5 * math.sqrt((1 / k) * (1 - 1 / k) / draws)


def test_an_unknown_selection_is_a_one_line_error() -> None:
    with pytest.raises(VsBenchError, match=r"pass -T selection=<probability\|uniform>"):
        SPECS["persuasion"].task(selection="greedy")


def scripted_persuadee(final: str, bad_first: bool = False) -> Any:
    """A vs_standard persuadee: a fixed JSON reply a turn, ``final`` to the closing
    question; ``bad_first``: every turn's first reply is prose (a parse failure)."""
    seen: set[int] = set()

    def reply(messages: list[ChatMessage], config: GenerateConfig) -> str:
        users = [m for m in messages if isinstance(m, ChatMessageUser)]
        if bad_first and len(users) not in seen:
            seen.add(len(users))
            return "Sure, here you go: not JSON"
        if users[-1].text == prompts.DONATION_QUESTION:
            text = final
        else:
            text = f"Reply {len(users)} to you."
        return json.dumps({"responses": [{"text": text, "probability": 0.9},
                                         {"text": f"Other {len(users)}.", "probability": 0.1}]})

    return reply


@needs_embedder
def test_the_persuader_is_replayed_and_failures_are_counted() -> None:
    model = get_model("scripted/persuadee", replies=[scripted_persuadee("I give $0.75.", True)])
    log = run("persuasion_vs_standard", model=model, task_args={"limit": 1, "k": 2})
    assert log.samples is not None
    (sample,) = log.samples
    script = sample.metadata["partner_turns"]
    (simulation,) = DialogueRecord.load(sample.store).simulations
    assert [t.partner for t in simulation.turns] == script
    assert simulation.closing is not None and simulation.closing.partner == (
        prompts.DONATION_QUESTION
    )
    # the conversation goes on with the reply kept: each later turn sees those before it
    assert all(t.candidates[0] == f"Reply {i + 1} to you." for i, t in enumerate(simulation.turns))
    metrics = run_metrics(log)
    turns = len(script) + 1
    # each turn: one prose reply (counted), then the JSON one
    assert metrics["parse_failures"] == turns
    assert metrics["parse_failure_rate"] == pytest.approx(0.5)
    draws = SampleDraws.load(sample.store)
    assert len(draws.draws) == 1
    kept = draws.draws[0].text
    assert kept in ("I give $0.75.", f"Other {turns}.")
    valid = kept == "I give $0.75."
    assert metrics["n_valid"] == int(valid) and metrics["donation_invalid"] == int(not valid)


@needs_embedder
def test_out_of_range_and_abandoned_dialogues_are_invalid_never_guessed() -> None:
    model = get_model("scripted/generous", replies=[scripted_persuadee("I give $5.")])
    log = run("persuasion_vs_standard", model=model,
              task_args={"limit": 1, "k": 2, "selection": "uniform"})
    metrics = run_metrics(log)
    assert metrics["n_valid"] == 0 and metrics["donation_invalid"] == 1
    assert metrics["donation_valid_rate"] == 0 and math.isnan(metrics["donation_ks"])

    mute = get_model("scripted/mute", replies=["no JSON here"])
    log = run("persuasion_vs_standard", model=mute, task_args={"limit": 1})
    assert log.samples is not None
    (simulation,) = DialogueRecord.load(log.samples[0].store).simulations
    assert simulation.abandoned is not None and simulation.abandoned.startswith("turn 0")
    metrics = run_metrics(log)
    assert metrics["donation_invalid"] == 1 and metrics["parse_failures"] == 3


@needs_embedder
def test_random_python_runs_every_persuasion_key_and_pools_them() -> None:
    log = run("persuasion_vs_standard", task_args={"limit": 3}, epochs=2)
    metrics = run_metrics(log)
    keys = {"donation_ks", "donation_ks_p", "donation_l1", "donation_mean", "n_valid",
            "semantic_diversity", "distinct_1", "distinct_2", "distinct_3", "flesch_kincaid"}
    assert keys <= set(metrics)
    assert log.samples is not None and len(log.samples) == 6  # 3 dialogues x 2 epochs
    pooled = []
    for sample in log.samples:
        assert sample.scores is not None
        metadata = sample.scores["persuasion_scorer"].metadata
        assert metadata is not None
        pooled += metadata[POOLED_KEY]["donations"]
        (simulation,) = DialogueRecord.load(sample.store).simulations
        assert simulation.replies and set(simulation.replies) <= set(CANNED["persuadee"])
    human = human_from_file()
    # every epoch's donation counts: the run-level statistics are those of all six
    assert metrics["n_valid"] == 6 == len(pooled)
    assert metrics["donation_ks"] == pytest.approx(stats.ks_2samp(pooled, human).statistic)
    assert metrics["donation_l1"] == pytest.approx(l1_by_hand(pooled, human))
    assert metrics["donation_mean"] == pytest.approx(float(np.mean(pooled)))
    assert SPECS["persuasion"].primary == "donation_ks"
    assert SPECS["persuasion"].higher_is_better is False


@needs_embedder
@pytest.mark.parametrize("fmt", ["direct", "vs_standard"])
def test_random_python_donates_like_the_humans(fmt: str) -> None:
    # each dialogue's donation is one draw from the 982 human ones (in vs_standard the one
    # of k i.i.d. candidates kept by their stated shares 1/k), so the KS statistic stays
    # under its 0.1% critical value, sqrt(-ln(0.0005) / 2) * sqrt((n + m) / (n m))
    # (asymptotic; conservative for these discrete values)
    log = run(f"persuasion_{fmt}", task_args={"limit": 60})
    metrics = run_metrics(log)
    n, m = 60, 982
    critical = math.sqrt(-math.log(0.0005) / 2) * math.sqrt((n + m) / (n * m))
    assert metrics["n_valid"] == n
    assert metrics["donation_ks"] < critical


@needs_embedder
def test_a_model_can_play_the_persuader() -> None:
    log = run("persuasion_direct", task_args={"limit": 1},
              model_roles={"persuader": "random/python"})
    assert log.samples is not None
    (sample,) = log.samples
    (simulation,) = DialogueRecord.load(sample.store).simulations
    partner = [t.partner for t in simulation.turns]
    assert len(partner) == len(sample.metadata["partner_turns"])
    assert set(partner) <= set(CANNED["persuader"])
    assert partner != sample.metadata["partner_turns"]


# --- vs-bench score --------------------------------------------------------------------


def test_vs_bench_score_gives_the_pooled_ks_and_l1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(11)
    amounts = [round(rng.choice([0, 0.1, 0.5, 1, 1.5, 2]) * rng.random(), 2) for _ in range(40)]
    lines, valid = [], []
    for index, amount in enumerate(amounts):
        statements = [f"I will donate ${amount:.2f} to the kids."]
        valid.append(amount)
        if index % 10 == 0:  # an answer without an amount, and one out of range
            statements += ["I'd rather not say.", "I donate $20."]
        lines.append({"prompt": f"dialogue {index % 7}", "responses": statements})
    path = tmp_path / "final_statements.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    code, out, err = run_cli(["score", "--task", "persuasion", "--responses", str(path),
                              "--json"], capsys, monkeypatch)
    assert code == 0, err
    result = json.loads(out)
    human = human_from_file()
    assert result["donation_ks"] == pytest.approx(stats.ks_2samp(valid, human).statistic,
                                                  abs=1e-6)
    assert result["donation_l1"] == pytest.approx(l1_by_hand(valid, human), abs=1e-6)
    assert result["n_valid"] == 40 and result["donation_invalid"] == 8
    assert result["donation_valid_rate"] == pytest.approx(40 / 48)
    assert result["prompts"] == 7 and len(result["per_prompt"]) == 7
    first = result["per_prompt"][0]
    mine = [a for i, a in enumerate(amounts) if i % 7 == 0]
    assert first["donation_ks"] == pytest.approx(stats.ks_2samp(mine, human).statistic)


# --- the donation histogram ------------------------------------------------------------


@needs_embedder
def test_the_donation_histogram_reads_the_logged_statements(tmp_path: Path) -> None:
    from vs_bench.analysis.persuasion_plots import donation_figures, simulated_donations
    from vs_bench.analysis.runs import load_runs

    logs = tmp_path / "logs"
    for fmt in ("direct", "vs_standard"):
        run(f"persuasion_{fmt}", task_args={"limit": 3}, log_dir=str(logs))
    runs, _ = load_runs(logs)
    assert sorted(r.format for r in runs) == ["direct", "vs_standard"]
    for found in runs:
        log = read_eval_log(found.location)
        pooled = [v for s in log.samples or [] for v in
                  (s.scores or {})["persuasion_scorer"].metadata[POOLED_KEY]["donations"]]  # type: ignore[index]
        assert sorted(simulated_donations(found)) == sorted(pooled)
    written = donation_figures(runs, tmp_path / "plots")
    # one figure of both formats (the task label names the run's -T limit)
    assert [p.suffix for p in written] == [".png", ".svg"]
    assert all(p.stem.startswith("donations_persuasion") for p in written)
    assert all(p.stat().st_size > 1000 for p in written)


# --- the report's donation_ks ----------------------------------------------------------


def test_the_ks_interval_is_the_bootstrap_of_scipys_statistic() -> None:
    from vs_bench.analysis.inference import ks_interval

    rng = np.random.default_rng(4)
    human = human_from_file()
    sample = list(rng.choice([0.0, 0.5, 1.0, 2.0], size=40, p=[0.3, 0.3, 0.3, 0.1]))
    value, lo, hi = ks_interval(sample, human, seed=9, resamples=50)(0.9)
    assert value == pytest.approx(stats.ks_2samp(sample, human).statistic, abs=1e-12)
    # the same resamples, each statistic scipy's: the basic interval, its upper bound at
    # least the percentile one (this sample is far from the humans: no bound at 0)
    picks = np.random.default_rng(9).integers(0, 40, size=(50, 40))
    boot = np.array([stats.ks_2samp(np.asarray(sample)[p], human).statistic for p in picks])
    assert stats.ks_2samp(sample, human).pvalue < 0.1
    assert lo == pytest.approx(max(float(np.quantile(2 * value - boot, 0.05)), 0.0), abs=1e-12)
    assert hi == pytest.approx(max(float(np.quantile(2 * value - boot, 0.95)),
                                   float(np.quantile(boot, 0.95))), abs=1e-12)
    # drawn from the humans themselves: the KS test does not reject, the interval reaches 0
    assert ks_interval(human[::10], human)(0.95)[1] == 0.0


@needs_embedder
def test_the_report_measures_donation_ks_and_says_when_no_donation_is_valid() -> None:
    from vs_bench.analysis import compare, report
    from vs_bench.analysis.runs import read_run

    human = human_from_file()
    logs = [run(f"persuasion_{fmt}", task_args={"limit": 12}) for fmt in ("direct", "sequence")]
    cells = compare.evaluate([read_run(log) for log in logs]).cells
    for cell, log in zip(cells, logs, strict=True):
        pooled = [v for s in log.samples or [] for v in
                  (s.scores or {})["persuasion_scorer"].metadata[POOLED_KEY]["donations"]]  # type: ignore[index]
        assert cell.n_valid == len(pooled) == 12 and cell.primary == "donation_ks"
        assert cell.value == pytest.approx(stats.ks_2samp(pooled, human).statistic, abs=1e-12)
        assert cell.value == pytest.approx(run_metrics(log)["donation_ks"], abs=1e-12)
        assert cell.lo is not None and cell.hi is not None and cell.lo <= cell.value <= cell.hi
    vs = cells[1].vs_direct
    assert vs is not None and vs.diff == pytest.approx(cells[1].value - cells[0].value)
    assert (not vs.lo <= 0.0 <= vs.hi) == (vs.p < 0.05)
    # every final statement out of range: no estimate, and the row says why
    generous = get_model("scripted/generous", replies=[scripted_persuadee("I give $5.")])
    log = run("persuasion_vs_standard", model=generous, task_args={"limit": 2, "k": 2})
    (cell,) = compare.evaluate([read_run(log)]).cells
    assert (cell.value, cell.note, cell.n_valid) == (None, "no valid donation", 0)
    task = report.from_results(compare.Results([cell]))[0].tasks[cell.task]
    assert report.table_rows(task)[0][1] == "no valid donation"


@needs_embedder
@pytest.mark.parametrize("reads", [True, False])
def test_request_data_goes_only_to_a_provider_that_reads_it(reads: bool) -> None:
    seen: list[list[ChatMessage]] = []

    def persuadee(messages: list[ChatMessage], config: GenerateConfig) -> str:
        seen.append(messages)
        return scripted_persuadee("I give $1.")(messages, config)

    model = get_model(f"scripted/reads-{reads}", replies=[persuadee], reads_request=reads)
    log = run("persuasion_vs_standard", model=model, task_args={"limit": 1, "k": 2},
              model_roles={"persuader": get_model("scripted/persuader", replies=["Please give."],
                                                  reads_request=reads)})
    assert log.status == "success"
    assert len(seen) == len(log.samples[0].metadata["partner_turns"]) + 1  # type: ignore[index]
    # each call's new message carries the request's data (earlier turns are plain history)
    assert [bool(messages[-1].metadata) for messages in seen] == [reads] * len(seen)
    users = [m for messages in seen for m in messages if isinstance(m, ChatMessageUser)]
    assert reads or not any(m.metadata for m in users)
    calls = [e for s in log.samples or [] for e in s.events if e.event == "model"]
    logged = [m for e in calls for m in e.input if isinstance(m, ChatMessageUser) and m.metadata]
    assert bool(logged) == reads  # the log copies each message's data: none to copy
