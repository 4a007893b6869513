"""Answer-set tasks: the paper authors' stored open-ended QA values reproduced, the
shipped question sets, ``vs-bench score`` and the ideal sampler's coverage.

The reference data (``tests/data/reference/openended_qa``, see its README) holds, per
model x method and question, the valid answers as canonical strings with counts, the
number of invalid answers, and the KL, coverage and precision the authors' scorer stored.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from inspect_ai import eval as inspect_eval
from scipy import stats

from tests.utils.paths import REFERENCE
from vs_bench._registry import TASKS
from vs_bench.cli import main
from vs_bench.errors import VsBenchError
from vs_bench.ideal import IDEAL_KEY, answers_of
from vs_bench.metrics.prompt_scores import distribution_score
from vs_bench.rescore import answer_set_scoring, read_responses
from vs_bench.tasks.answer_sets import OPEN_QA_FILE, STATE_NAME_FILE, read_ground_truth

QA = REFERENCE / "openended_qa"
GROUND_TRUTH = QA / "ground_truth.json"
FILES = sorted(QA.glob("*__*.jsonl"))
# The one question whose ground truth lists an answer (["Stockholm"]) twice.
DUPLICATED = "Name a city that has hosted the Summer Olympics."
INVALID = "(not an answer)"


def reference_rows(file: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in file.read_text().splitlines()]


def texts_of(row: dict[str, Any]) -> list[str]:
    """The question's answers as strings: the valid ones, then n_invalid invalid ones."""
    valid = [answer for answer, count in row["answers"].items() for _ in range(count)]
    return valid + [INVALID] * row["n_invalid"]


def deduplicated_expectation(row: dict[str, Any], k: int) -> dict[str, float]:
    """KL, coverage, precision recomputed with scipy for K distinct answers."""
    counts = np.array(list(row["answers"].values()) + [0] * (k - len(row["answers"])))
    return {
        "kl": float(stats.entropy(counts / counts.sum(), np.full(k, 1 / k))),
        "coverage": len(row["answers"]) / k,
        "precision": row["n_valid"] / row["n_responses"],
    }


def expected(row: dict[str, Any]) -> dict[str, float]:
    """The stored values, or for the duplicated question the deduplicated recomputation."""
    if row["question"].startswith(DUPLICATED):
        return deduplicated_expectation(row, row["num_gt_answers"] - 1)
    return {k: row[f"stored_{k}"] for k in ("kl", "coverage", "precision")}


def test_reference_data_is_complete() -> None:
    assert len(FILES) == 14
    for file in FILES:
        rows = reference_rows(file)
        assert len(rows) == 40
        # The authors' code gives KL 0 for an empty distribution, ours NaN ("no valid
        # draws"). No reference question is in that case, so the two never disagree here.
        assert all(row["n_valid"] > 0 for row in rows)


@pytest.mark.parametrize("file", FILES, ids=lambda f: f.stem)
def test_stored_per_question_values_are_reproduced(file: Path) -> None:
    ground_truth = read_ground_truth(GROUND_TRUTH)
    for row in reference_rows(file):
        answers = ground_truth[row["question"]]
        counts, invalid = answers.counts(texts_of(row))
        ours = distribution_score(counts, invalid)
        assert invalid == row["n_invalid"]
        for key, value in expected(row).items():
            # 1e-6 is stricter than the 3 decimals asked; the authors' ε of 1e-10 and
            # their divisor of 100 for larger groups move KL in the 11th digit only.
            assert ours[key] == pytest.approx(value, abs=1e-6), (row["question"], key)


def test_duplicated_answer_differs_from_the_authors_as_stated() -> None:
    """The authors' ground truth lists ["Stockholm"] twice for one question. Their
    regroup counts a "stockholm" answer once per listing and keeps K = 24; ours keeps
    each answer once (K = 23). So KL and coverage differ on that question (coverage by
    distinct/23 - distinct/24), precision does not."""
    question = next(q for q in read_ground_truth(GROUND_TRUTH) if q.startswith(DUPLICATED))
    answers = read_ground_truth(GROUND_TRUTH)[question]
    assert answers.size == 23
    rows = [r for f in FILES for r in reference_rows(f) if r["question"] == question]
    assert len(rows) == 14
    for row in rows:
        assert row["num_gt_answers"] == 24
        doubled = {a: c * (2 if a == "stockholm" else 1) for a, c in row["answers"].items()}
        authors = deduplicated_expectation(row | {"answers": doubled}, 24)
        assert authors["kl"] == pytest.approx(row["stored_kl"], abs=1e-6)
        assert authors["coverage"] == pytest.approx(row["stored_coverage"], abs=1e-12)
        counts, invalid = answers.counts(texts_of(row))
        ours = distribution_score(counts, invalid)
        assert ours["coverage"] - row["stored_coverage"] == pytest.approx(
            len(row["answers"]) * (1 / 23 - 1 / 24)
        )
        assert ours["precision"] == pytest.approx(row["stored_precision"])


def vs_bench(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
             *args: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of the ``vs-bench`` console entry point, in process."""
    monkeypatch.setattr(sys, "argv", ["vs-bench", *args])
    try:
        main()
        code = 0
    except SystemExit as ex:
        code = int(ex.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def write_responses(path: Path, rows: list[dict[str, Any]], per_call: int = 20) -> None:
    """One JSONL line per call of ``per_call`` responses, alternating the two item shapes."""
    with path.open("w") as file:
        for row in rows:
            texts = texts_of(row)
            for start in range(0, len(texts), per_call):
                items = [
                    {"text": t, "probability": 0.05} if i % 2 else t
                    for i, t in enumerate(texts[start : start + per_call])
                ]
                file.write(json.dumps({"prompt": row["question"], "responses": items}) + "\n")


@pytest.mark.parametrize("file", FILES, ids=lambda f: f.stem)
def test_vs_bench_score_gives_the_same_per_question_values(
    file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    rows = reference_rows(file)
    responses = tmp_path / "responses.jsonl"
    write_responses(responses, rows)
    code, out, err = vs_bench(
        monkeypatch, capsys, "score", "--task", "open_qa", "--responses", str(responses),
        "--ground-truth", str(GROUND_TRUTH), "--json",
    )
    assert code == 0, err
    result = json.loads(out)
    assert [p["prompt"] for p in result["per_prompt"]] == [r["question"] for r in rows]
    for row, ours in zip(rows, result["per_prompt"], strict=True):
        assert ours["n"] == row["n_responses"]
        for key, value in expected(row).items():
            assert ours[key] == pytest.approx(value, abs=1e-6), (row["question"], key)
    for key in ("kl", "coverage", "precision"):
        mean = sum(expected(row)[key] for row in rows) / len(rows)
        assert result[key] == pytest.approx(mean, abs=1e-9)
    assert result["n"] == sum(r["n_responses"] for r in rows)


def test_vs_bench_score_names_file_and_line_of_a_bad_line(tmp_path: Path) -> None:
    responses = tmp_path / "responses.jsonl"
    good = {"prompt": "Name a Baltic state.", "responses": ["Latvia"]}
    responses.write_text(json.dumps(good) + "\n" + '{"prompt": "x", "responses": [1,\n')
    done = subprocess.run(
        [sys.executable, "-m", "vs_bench", "score", "--task", "open_qa",
         "--responses", str(responses), "--json"],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode != 0
    assert done.stdout == ""
    assert done.stderr.startswith(f"error: {responses}:2: not valid JSON")
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("[1, 2]", "expected an object"),
        ('{"responses": ["a"]}', '"prompt" must be a string'),
        ('{"prompt": "q", "responses": "a"}', '"responses" must be a list'),
        ('{"prompt": "q", "responses": ["a", 3]}', "response 1 is not a string"),
        ('{"prompt": "q", "responses": [{"text": "a", "probability": "70%"}]}', "response 0"),
        ('{"prompt": "q", "responses": [{"probability": 0.5}]}', "response 0"),
    ],
)
def test_malformed_response_lines_name_file_and_line(
    tmp_path: Path, line: str, reason: str
) -> None:
    responses = tmp_path / "r.jsonl"
    responses.write_text('{"prompt": "q", "responses": []}\n\n' + line + "\n")
    with pytest.raises(VsBenchError, match=f"^{re.escape(str(responses))}:3: {re.escape(reason)}"):
        read_responses(responses)


def test_responses_group_by_prompt_in_order_of_first_appearance(tmp_path: Path) -> None:
    responses = tmp_path / "r.jsonl"
    lines = [("b", ["1", "2"]), ("a", [{"text": "3"}]), ("b", [{"text": "4", "probability": 1}])]
    text = "".join(json.dumps({"prompt": p, "responses": r}) + "\n" for p, r in lines)
    responses.write_text(text)
    assert read_responses(responses) == {"b": ["1", "2", "4"], "a": ["3"]}


def test_no_valid_answer_is_undefined_not_zero() -> None:
    # The authors' scorer reports KL 0 for a question without valid answers; we report
    # it as undefined (NaN, null in JSON), and precision 0.
    question = next(iter(read_ground_truth(OPEN_QA_FILE)))
    scores = answer_set_scoring(question, [INVALID, INVALID])
    assert math.isnan(scores["kl"])
    assert scores["precision"] == 0.0 and scores["coverage"] == 0.0


def test_unknown_prompt_is_an_error_not_a_guess(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    responses = tmp_path / "r.jsonl"
    responses.write_text(json.dumps({"prompt": "Name a river.", "responses": ["Nile"]}) + "\n")
    code, out, err = vs_bench(
        monkeypatch, capsys, "score", "--task", "open_qa", "--responses", str(responses)
    )
    assert code == 2 and out == ""
    assert err.startswith("error: no answer set is known for the prompt 'Name a river.'")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "does not exist"),
        ('{"q": ', "not valid JSON"),
        ("[]", "no questions"),
        ('{"q": {"answer": [["a"]]}}', 'needs "answers"'),
        ('{"q": {"answers": []}}', 'needs "answers"'),
        ('{"q": {"answers": [["a"], [1]]}}', "not a list of names"),
        ('{"q": {"answers": [["a", "x"], ["b", "X."]]}}', "'X.' names two answers"),
    ],
)
def test_malformed_ground_truth_is_a_one_line_error(
    tmp_path: Path, content: str | None, reason: str
) -> None:
    path = tmp_path / "gt.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(VsBenchError, match=reason) as caught:
        read_ground_truth(path)
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)


def test_ground_truth_in_the_authors_plain_shape(tmp_path: Path) -> None:
    path = tmp_path / "gt.json"
    path.write_text(json.dumps({"Name a Benelux country.": {"answers": [
        ["Belgium"], ["Netherlands", "Holland"], ["Luxembourg"], ["Belgium"]]}}))
    (answers,) = read_ground_truth(path).values()
    assert answers.canonical == ["Belgium", "Netherlands", "Luxembourg"]
    assert answers.match(" holland. ") == 1


# Sizes of the shipped open_qa answer sets, from the public facts each question names.
OPEN_QA_SIZES = {
    "Name a planet in the Solar System.": 8,
    "Name a dwarf planet recognized by the International Astronomical Union.": 5,
    "Name a Galilean moon of Jupiter.": 4,
    "Name a noble gas (a group 18 element).": 7,
    "Name an alkali metal (a group 1 element other than hydrogen).": 6,
    "Name an alkaline earth metal (a group 2 element).": 6,
    "Name a halogen (a group 17 element).": 6,
    "Name a continent.": 7,
    "Name an ocean.": 5,
    "Name one of the Great Lakes of North America.": 5,
    "Name a member state of the European Union.": 27,
    "Name a Nordic country.": 5,
    "Name a Baltic state.": 3,
    "Name a Benelux country.": 3,
    "Name a country that borders Germany.": 9,
    "Name a country that borders Switzerland.": 5,
    "Name a sovereign country in South America.": 12,
    "Name a country in Central America.": 7,
    "Name a permanent member of the United Nations Security Council.": 5,
    "Name a G7 member country.": 7,
    "Name an official language of the United Nations.": 6,
    "Name a constituent country of the United Kingdom.": 4,
    "Name a province or territory of Canada.": 13,
    "Name a state of Australia.": 6,
    "Name a state of Germany.": 16,
    "Name a borough of New York City.": 5,
    "Name a New England state.": 6,
    "Name a US state that borders Mexico.": 4,
    "Name a day of the week.": 7,
    "Name a month of the year.": 12,
    "Name a sign of the Western zodiac.": 12,
    "Name a chess piece.": 6,
    "Name a suit in a standard deck of playing cards.": 4,
    "Name a Platonic solid.": 5,
    "Name a nucleobase found in DNA.": 4,
    "Name a blood group of the ABO system.": 4,
    "Name one of the four main islands of Japan.": 4,
    "Name an Ivy League university.": 8,
    "Name a book of the Torah.": 5,
}
SUFFIX = " Only provide the answer without explanation or punctuation."


def test_shipped_question_sets() -> None:
    open_qa = read_ground_truth(OPEN_QA_FILE)
    assert {q.removesuffix(SUFFIX): a.size for q, a in open_qa.items()} == OPEN_QA_SIZES
    assert all(q.endswith(SUFFIX) for q in open_qa)
    (states,) = read_ground_truth(STATE_NAME_FILE).values()
    assert states.size == 50
    postal = [g[1] for g in states.groups]
    assert len(set(postal)) == 50 and all(len(c) == 2 and c.isupper() for c in postal)
    assert states.match("ny") == states.canonical.index("New York")
    # the New England states are states, with the same names and codes
    new_england = next(a for q, a in open_qa.items() if "New England" in q)
    assert all(states.match(alias) is not None for g in new_england.groups for alias in g)


def test_random_python_answers_a_loaded_question_set() -> None:
    log = inspect_eval(
        TASKS["open_qa_vs_standard"](ground_truth=str(GROUND_TRUTH), n=40, limit=3),
        model="random/python", seed=4,
    )[0]
    assert log.status == "success", log.error
    assert log.samples is not None and len(log.samples) == 3
    for sample in log.samples:
        assert sample.scores is not None and isinstance(sample.input, str)
        value = sample.scores["distribution_scorer"].value
        assert isinstance(value, dict)
        assert value["n_valid"] == 40 and value["precision"] == 1.0
        # random/python drew from the answers the sample carries: the loaded file's
        assert answers_of(sample.metadata[IDEAL_KEY]).canonical == (
            read_ground_truth(GROUND_TRUTH)[sample.input].canonical
        )


def metric(log: Any, key: str) -> float:
    (score,) = [s for s in log.results.scores if s.name == key]
    return float(next(iter(score.metrics.values())).value)


@pytest.mark.parametrize("epochs", [1, 20])
def test_state_name_coverage_of_the_ideal_sampler(epochs: int) -> None:
    """``inspect eval vs_bench/state_name_vs_standard --model random/python -T n=100``.

    Each state is missed by 100 uniform draws with probability (1 - 1/50)^100, so its
    coverage indicator is Bernoulli(p), p = 1 - (1 - 1/50)^100 ≈ 0.867. The indicators
    are negatively correlated (a draw fills one state only), so a Binomial(50 x epochs,
    p) count has the larger variance, and its 99.9% interval bounds the mean coverage.
    """
    log = inspect_eval(
        TASKS["state_name_vs_standard"](n=100), model="random/python", epochs=epochs, seed=9
    )[0]
    assert log.status == "success", log.error
    p = 1 - (1 - 1 / 50) ** 100
    q1, q2 = (1 - 1 / 50) ** 100, (1 - 2 / 50) ** 100
    assert q2 < q1**2  # the negative covariance of two states' "missed" indicators
    trials = 50 * epochs
    low, high = stats.binom.interval(0.999, trials, p)
    assert low / trials <= metric(log, "coverage") <= high / trials
