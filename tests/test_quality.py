"""Judged quality: rubric parsing, aggregation, and a run with a scripted grader."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from inspect_ai import Task
from inspect_ai import eval as inspect_eval
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import get_model

from vs_bench._registry import TASKS
from vs_bench.analysis.plots import plot_runs
from vs_bench.analysis.runs import load_runs
from vs_bench.formats import FORMATS, Budget, PromptOptions
from vs_bench.metrics.quality import RUBRICS, parse_judgement, quality
from vs_bench.parsing import ParseError
from vs_bench.scorers.quality_scorer import quality_scorer
from vs_bench.solver import vs_sampler
from vs_bench.tasks._common import with_ideal
from vs_bench.tasks.numbers import RAND_NUM_PROMPT

JOKE = RUBRICS["joke"]
CREATIVE = RUBRICS["creative"]


def joke_reply(relevance: object, device: object, humor: object) -> str:
    scores = {"Relevance": relevance, "Comedic device": device, "Humor quality": humor}
    return json.dumps({"scores": scores})


def test_parse_judgement_accepts_fractions_and_loose_keys() -> None:
    reply = (
        '```json\n{"scores": {"relevance": "4/5", "comedic_device": 3, "Humor Quality": 2}}\n```'
    )
    assert parse_judgement(reply, JOKE) == {
        "Relevance": 4.0,
        "Comedic device": 3.0,
        "Humor quality": 2.0,
    }


@pytest.mark.parametrize(
    "reply",
    [
        joke_reply(4, 3, None),  # jokes have no "not applicable"
        joke_reply(4, 3, 6),  # above the top score
        json.dumps({"scores": {"Relevance": 4, "Comedic device": 3}}),  # criterion missing
        "I liked it.",
    ],
)
def test_bad_judgements_raise(reply: str) -> None:
    with pytest.raises(ParseError):
        parse_judgement(reply, JOKE)


def test_not_applicable_criteria_are_left_out_of_the_mean() -> None:
    first = dict.fromkeys(CREATIVE.criteria, 10.0) | {"Nuanced characters": None}
    second = dict.fromkeys(CREATIVE.criteria, 20.0) | {"Nuanced characters": None}
    # every applicable criterion averages (10 + 20) / 2 / 20 = 0.75
    assert quality([first, second], CREATIVE) == pytest.approx(75.0)


def judged_task() -> Task:
    fmt = FORMATS["direct"]
    # the sample carries what random/python draws from: the digits
    sample = with_ideal(
        Sample(input=RAND_NUM_PROMPT.format(low=0, high=9), id=1, target=list("0123456789"))
    )
    return Task(
        dataset=MemoryDataset([sample]),
        solver=vs_sampler(fmt, Budget.make(fmt, 6, 1, None), PromptOptions()),
        scorer=quality_scorer("joke"),
    )


def test_scripted_grader_gives_the_known_quality() -> None:
    grader = get_model(
        "scripted/grader", replies=[joke_reply(5, 4, 3), "not json", joke_reply(3, 2, 1)]
    )
    log = inspect_eval(judged_task(), model="random/python", model_roles={"grader": grader})[0]
    assert log.samples is not None
    value = log.samples[0].scores["quality_scorer"].value  # type: ignore[index]
    # 6 judge calls take the 3 replies twice each: 4 judged, 2 failures;
    # criterion means 4/5, 3/5, 2/5 → quality 60
    assert value == {
        "quality": pytest.approx(60.0),
        "quality_judged": 4,
        "quality_parse_failures": 2,
        "utility_k": pytest.approx(math.nan, nan_ok=True),  # no diversity scorer: no classes
    }


def test_without_a_grader_quality_is_not_reported_as_a_number() -> None:
    log = inspect_eval(judged_task(), model="random/python")[0]
    assert log.samples is not None
    score = log.samples[0].scores["quality_scorer"]  # type: ignore[index]
    assert math.isnan(score.value["quality"])  # type: ignore[index]
    assert "--model-role grader=" in (score.explanation or "")


def test_creative_run_with_a_grader_gives_quality_and_the_tradeoff_plot(tmp_path: Path) -> None:
    grader = get_model("scripted/grader", replies=[joke_reply(4, 3, 2)])
    logs = tmp_path / "logs"
    for fmt in ("direct", "vs_standard"):
        log = inspect_eval(
            TASKS[f"joke_{fmt}"](n=10, limit=2),
            model="random/python",
            model_roles={"grader": grader},
            log_dir=str(logs),
        )[0]
        assert log.status == "success"
    runs, _ = load_runs(logs)
    # every judgement is 4/5, 3/5, 2/5 → 60 for every prompt and format
    assert [r.metrics["quality"] for r in runs] == pytest.approx([60.0, 60.0])
    assert all(r.metrics["quality_judged"] == 20 for r in runs)
    written = plot_runs(runs, tmp_path / "plots")
    assert tmp_path / "plots" / "tradeoff_joke-limit-2-n-10.png" in written
