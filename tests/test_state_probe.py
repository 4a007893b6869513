"""Non-uniform reference distributions and the state_probe task (the paper's probe table)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from inspect_ai import eval as inspect_eval
from scipy import stats

from tests.utils.cli import run_cli
from vs_bench._registry import TASKS
from vs_bench.answer_set import AnswerSet
from vs_bench.errors import VsBenchError
from vs_bench.metrics.reference_distribution import (
    chi_square_reference,
    kl_shared_support,
    model_distribution,
    reference_scores,
    smoothed,
)
from vs_bench.scorers.reference_scorer import reference_score
from vs_bench.tasks import reference_for, state_probe

DATA = Path(__file__).parent / "data" / "state_probe"
# KL(ground truth ‖ model) of the paper's probe table (ICLR submission), direct / sequence / VS
PAPER = {
    "direct_gpt-4.1": 0.542,
    "sequence_gpt-4.1": 0.438,
    "vs_gpt-4.1": 0.139,
    "direct_claude-4-sonnet": 0.759,
    "sequence_claude-4-sonnet": 0.438,
    "vs_claude-4-sonnet": 0.150,
}
R = np.array([0.5, 0.3, 0.2])


def test_weights_give_the_reference_and_leave_uniform_sets_unchanged() -> None:
    plain = AnswerSet.of_labels("abc")
    assert plain.weights is None
    assert plain.reference.tolist() == [1 / 3] * 3
    weighted = plain.with_weights([5, 3, 2])
    assert weighted.reference.tolist() == pytest.approx(R.tolist(), abs=1e-15)
    assert weighted.match("B") == 1 and weighted.canonical == plain.canonical
    for bad in ([1, 2], [1, 0, 1], [1, math.nan, 1], [1, -1, 1]):
        with pytest.raises(VsBenchError, match="positive weights"):
            plain.with_weights(bad)


def test_worked_example_against_hand_computed_values() -> None:
    # draws a, a, c (empirical Q = 2/3, 0, 1/3) against R = 0.5, 0.3, 0.2
    model = model_distribution(np.array([0, 0, 2]), np.full(3, np.nan), 3)
    assert not model.verbalized
    assert model.q.tolist() == pytest.approx([2 / 3, 0, 1 / 3])
    # add-1/2: (2.5, 0.5, 1.5) / 4.5
    assert smoothed(model.q, model.n).tolist() == pytest.approx([5 / 9, 1 / 9, 3 / 9])
    scores = reference_scores(model, R)
    assert scores["kl_reference"] == pytest.approx(
        0.5 * math.log(0.9) + 0.3 * math.log(2.7) + 0.2 * math.log(0.6)
    )
    r_shared = np.array([0.5, 0.2]) / 0.7
    q_shared = np.array([2 / 3, 1 / 3])
    assert scores["kl_paper"] == pytest.approx(
        float(np.sum(r_shared * np.log(r_shared / q_shared))), abs=1e-8
    )
    assert scores["kl_model"] == pytest.approx(2 / 3 * math.log(4 / 3) + 1 / 3 * math.log(5 / 3))
    assert scores["tv"] == pytest.approx(0.3)
    # expected counts 1.5, 0.9, 0.6
    assert scores["chi2"] == pytest.approx(0.25 / 1.5 + 0.81 / 0.9 + 0.16 / 0.6)
    assert scores["chi2_dof"] == 2
    assert scores["chi2_p"] == pytest.approx(stats.chi2.sf(scores["chi2"], 2))


def test_chi_square_against_the_reference_is_scipys() -> None:
    counts = np.array([30, 12, 8])
    result = chi_square_reference(counts, R)
    expected = stats.chisquare(counts, 50 * R)
    assert (result.statistic, result.p_value) == (
        pytest.approx(float(expected.statistic)),
        pytest.approx(float(expected.pvalue)),
    )
    # with uniform weights it is the uniform test of the distribution scorer
    uniform = chi_square_reference(counts, np.ones(3))
    assert uniform.statistic == pytest.approx(float(stats.chisquare(counts).statistic))


def test_verbalized_distribution_is_the_renormalised_mean_stated_probability() -> None:
    answers = AnswerSet.of_labels("abc").with_weights(R)
    # a stated 0.4 and 0.6 (mean 0.5), b 0.25: q = (2/3, 1/3, 0); one invalid draw
    values, model = reference_score(answers, ["a", "A.", "b", "zzz"], [0.4, 0.6, 0.25, 0.9])
    assert model.verbalized
    assert model.q.tolist() == pytest.approx([2 / 3, 1 / 3, 0])
    assert values["tv"] == pytest.approx(0.5 * (1 / 6 + 1 / 30 + 0.2))
    assert values["precision"] == 0.75 and values["n_valid"] == 3
    assert values["coverage"] == pytest.approx(2 / 3)
    assert "parse_failures" not in values  # unknown in response files


def test_no_valid_draw_is_undefined_not_zero() -> None:
    values, _ = reference_score(AnswerSet.of_labels("ab").with_weights([1, 3]), ["x"], [None])
    for key in ("kl_reference", "kl_paper", "kl_model", "tv", "chi2", "chi2_p"):
        assert math.isnan(values[key]), key
    assert math.isnan(kl_shared_support(R, np.zeros(3), np.zeros(3, dtype=bool)))


def test_reference_is_redpajama_over_the_50_states() -> None:
    answers = state_probe.answers()
    assert answers.size == 50
    counts = json.loads(state_probe.COUNTS_FILE.read_text())
    ny = answers.canonical.index("New York")
    assert answers.reference[ny] == pytest.approx(counts["New York"] / sum(counts.values()))
    assert answers.match("NY") == ny  # aliases of state_name
    assert reference_for(state_probe.PROMPT) is answers


@pytest.mark.parametrize("name", list(PAPER))
def test_vs_bench_score_reproduces_the_paper_probe_table(
    name: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run_cli(
        ["score", "--task", "state_probe", "--responses", str(DATA / f"{name}.jsonl"), "--json"],
        capsys,
        monkeypatch,
    )
    assert code == 0, err
    result = json.loads(out)
    assert round(result["kl_paper"], 3) == PAPER[name]
    assert result["n"] == 50 and result["precision"] == 1.0
    # the proper KL over all 50 states is never below the lenient one for these files
    assert result["kl_reference"] >= result["kl_paper"] - 1e-12


def test_sequence_without_probabilities_gives_the_same_value(tmp_path: Path) -> None:
    from vs_bench.rescore import score_responses

    line = json.loads((DATA / "sequence_gpt-4.1.jsonl").read_text())
    line["responses"] = [r["text"] for r in line["responses"]]
    plain = tmp_path / "sequence.jsonl"
    plain.write_text(json.dumps(line) + "\n")
    # 50 distinct states: the empirical distribution is the stated one (1/50 each)
    assert score_responses(plain, "state_probe")["kl_paper"] == pytest.approx(
        score_responses(DATA / "sequence_gpt-4.1.jsonl", "state_probe")["kl_paper"]
    )


def test_ideal_sampler_verbalizes_the_reference() -> None:
    log = inspect_eval(TASKS["state_probe_vs_standard"](), model="random/python", seed=1)[0]
    assert log.status == "success", log.error
    value = log.samples[0].scores["reference_scorer"].value
    # stated probabilities are RedPajama's: renormalised over the named states, KL is 0
    assert value["kl_paper"] == pytest.approx(0, abs=1e-12)
    assert value["n_valid"] == 50 and value["precision"] == 1
    assert "verbalized" in log.samples[0].scores["reference_scorer"].explanation


def test_direct_uses_the_draw_frequencies() -> None:
    log = inspect_eval(TASKS["state_probe_direct"](n=20), model="random/python", seed=1)[0]
    score = log.samples[0].scores["reference_scorer"]
    assert "draw frequencies" in score.explanation
    counts = np.array(list(score.metadata["counts"].values()))
    expected = reference_scores(
        model_distribution(np.repeat(np.arange(50), counts), np.full(20, np.nan), 50),
        state_probe.answers().reference,
    )
    assert score.value["kl_reference"] == pytest.approx(expected["kl_reference"])
