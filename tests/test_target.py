"""target_dist: stated targets, their prompts, and the distance of a model to them."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.model import get_model

from tests.utils.cli import run_cli
from tests.utils.collapsed_model import collapsed_reply
from vs_bench._registry import TASKS
from vs_bench.errors import VsBenchError
from vs_bench.tasks import reference_for, target_dist

ABC = {"A": 0.6, "B": 0.3, "C": 0.1}


@pytest.mark.parametrize(
    "value", ["A=0.6,B=0.3,C=0.1", ["A=0.6", "B=0.3", "C=0.1"], {"A": 0.6, "B": 0.3, "C": 0.1}]
)
def test_target_from_string_list_or_mapping(value: object) -> None:
    assert target_dist.parse_target(value) == ABC


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("A=0.6,B=0.3", "sum to 0.9"),
        ("A=1", "at least two"),
        ("A=0.6,B", "not label=probability"),
        ("A=0.5,B=x", "not label=probability"),
        ("A=1.5,B=-0.5", "not in"),
    ],
)
def test_bad_targets_are_one_line_errors(value: str, message: str) -> None:
    with pytest.raises(VsBenchError, match=message):
        target_dist.parse_target(value)


def test_shipped_targets_round_trip_through_their_prompts() -> None:
    targets = target_dist.shipped()
    assert sorted(len(t) for t in targets.values()) == [2, 3, 4, 5, 10]
    for target in targets.values():
        prompt = target_dist.prompt_for(target)
        assert target_dist.target_of(prompt) == target
        answers = reference_for(prompt)
        assert answers is not None
        assert answers.reference.tolist() == pytest.approx(list(target.values()))
    assert target_dist.target_of("Name a US state.") is None


def test_prompt_states_the_target() -> None:
    assert target_dist.prompt_for(ABC) == (
        'Pick one answer at random from this distribution: "A" with probability 0.6, '
        '"B" with probability 0.3, "C" with probability 0.1. Output ONLY the answer you picked.'
    )


def test_ideal_sampler_is_the_reference_row() -> None:
    direct, vs = inspect_eval(
        [TASKS["target_dist_direct"](n=100), TASKS["target_dist_vs_standard"](n=200)],
        model="random/python",
        seed=2,
    )
    for sample in direct.samples or []:
        value = sample.scores["reference_scorer"].value
        # i.i.d. draws from the target: chi-square against it is not rejected
        assert value["chi2_p"] > 0.001, sample.input
    for sample in vs.samples or []:
        value = sample.scores["reference_scorer"].value
        # stated probabilities are the target's: exact once every answer was drawn
        assert value["coverage"] == 1
        assert value["tv"] == pytest.approx(0, abs=1e-12)
        assert value["kl_model"] == pytest.approx(0, abs=1e-12)


def test_collapsed_model_is_far_from_the_target() -> None:
    # always "B" (the middle answer, share 1): Q = (0, 1, 0) against (0.6, 0.3, 0.1)
    model = get_model("scripted/collapsed", replies=[collapsed_reply(share=1.0)], memoize=False)
    log = inspect_eval(
        TASKS["target_dist_direct"](n=10, target="A=0.6,B=0.3,C=0.1"), model=model, seed=0
    )[0]
    value = log.samples[0].scores["reference_scorer"].value
    assert value["tv"] == pytest.approx(0.7)
    assert value["kl_model"] == pytest.approx(math.log(1 / 0.3))
    assert value["kl_paper"] == pytest.approx(0, abs=1e-9)  # lenient: only B is compared
    # add-1/2 over N = 10: Q~ = (0.5, 10.5, 0.5) / 11.5
    q = [0.5 / 11.5, 10.5 / 11.5, 0.5 / 11.5]
    expected = sum(r * math.log(r / s) for r, s in zip(ABC.values(), q, strict=True))
    assert value["kl_reference"] == pytest.approx(expected)


def test_vs_bench_score_reads_the_target_from_the_prompt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    responses = tmp_path / "target.jsonl"
    line = {"prompt": target_dist.prompt_for(ABC), "responses": ["A", "A", "B", "C"]}
    responses.write_text(json.dumps(line) + "\n")
    code, out, err = run_cli(
        ["score", "--task", "target_dist", "--responses", str(responses), "--json"],
        capsys,
        monkeypatch,
    )
    assert code == 0, err
    # Q = (0.5, 0.25, 0.25): TV = (0.1 + 0.05 + 0.15) / 2
    assert json.loads(out)["tv"] == pytest.approx(0.15)
    line["prompt"] = "Pick one answer."
    responses.write_text(json.dumps(line) + "\n")
    code, _, err = run_cli(
        ["score", "--task", "target_dist", "--responses", str(responses)], capsys, monkeypatch
    )
    assert code == 2 and "states no target" in err and "Traceback" not in err
