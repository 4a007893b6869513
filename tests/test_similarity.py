"""Vendi score, functional-equivalence classes (distinct_k), NoveltyBench utility and the
partitioner role: worked examples, equality with vendi-score, runs on random/python and
with a scripted partitioner."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog
from inspect_ai.model import ChatMessage, GenerateConfig, get_model
from vendi_score import vendi as vendi_reference

from vs_bench._registry import TASKS
from vs_bench.draws import SampleDraws
from vs_bench.metrics.similarity import (
    DEFAULT_THRESHOLD,
    PATIENCE,
    cosine_kernel,
    distinct_k,
    parse_partition,
    partition_prompt,
    similarity_classes,
    utility_k,
    vendi,
)
from vs_bench.parsing import ParseError

CALIBRATION = Path(__file__).parent / "data" / "similarity_calibration.json"


# --- Vendi score ------------------------------------------------------------------------


def test_identical_responses_have_vendi_one() -> None:
    assert vendi(np.tile([0.3, -1.0, 2.0], (5, 1))) == pytest.approx(1.0)


@pytest.mark.parametrize("n", [1, 2, 4, 7])
def test_orthogonal_responses_have_vendi_n(n: int) -> None:
    assert vendi(3.0 * np.eye(n, 10)) == pytest.approx(n)


def test_two_responses_at_cosine_one_half() -> None:
    # K = [[1, .5], [.5, 1]]; K/2 has eigenvalues 3/4 and 1/4
    vectors = np.array([[1.0, 0.0], [0.5, math.sqrt(3) / 2]])
    entropy = -(0.75 * math.log(0.75) + 0.25 * math.log(0.25))
    assert vendi(vectors) == pytest.approx(math.exp(entropy), rel=1e-12)


def test_vendi_ignores_vector_length_and_is_undefined_without_responses() -> None:
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(6, 4))
    scaled = vectors * rng.uniform(0.1, 10, size=(6, 1))
    assert vendi(scaled) == pytest.approx(vendi(vectors), rel=1e-12)
    assert math.isnan(vendi(np.zeros((0, 4))))


@pytest.mark.parametrize(("n", "d"), [(3, 8), (30, 384), (50, 16), (200, 5)])
def test_vendi_equals_the_vendi_score_package(n: int, d: int) -> None:
    # n > d takes the d x d (dual) path of ours; the package decomposes n x n
    vectors = np.random.default_rng(n * d).normal(size=(n, d))
    with warnings.catch_warnings():  # vendi-score reads the deprecated scipy.sparse.csr
        warnings.simplefilter("ignore", DeprecationWarning)
        expected = vendi_reference.score_X(vectors, q=1)
    assert vendi(vectors) == pytest.approx(expected, rel=1e-10)


# --- functional-equivalence classes -----------------------------------------------------


def unit(degrees: float) -> list[float]:
    return [math.cos(math.radians(degrees)), math.sin(math.radians(degrees))]


def test_classes_join_the_first_similar_representative() -> None:
    # cos 30° = 0.866 >= 0.8 > cos 40° = 0.766
    vectors = [unit(0), unit(90), unit(30), unit(60), unit(85), unit(180)]
    classes = similarity_classes(vectors, threshold=0.8)
    # 30° joins 0°; 60° is 60° from 0° and 30° from 90°: joins 90°'s class;
    # 85° is close to both 60° (a member) and 90° (the representative): class 1
    assert classes.tolist() == [0, 1, 0, 1, 1, 2]
    assert distinct_k(classes) == 3


def test_classes_compare_with_representatives_only() -> None:
    # 35° is within 0.8 of 0° (cos 35° = 0.819); 70° is within 0.8 of 35° but not of 0°
    classes = similarity_classes([unit(0), unit(35), unit(70)], threshold=0.8)
    assert classes.tolist() == [0, 0, 1]


def test_threshold_is_inclusive_and_identical_texts_are_one_class() -> None:
    vectors = np.array([[1.0, 0.0], [0.8, 0.6], [2.0, 0.0]])  # cos = 0.8 exactly, then 1
    assert similarity_classes(vectors, threshold=0.8).tolist() == [0, 0, 0]
    assert similarity_classes(vectors, threshold=0.81).tolist() == [0, 1, 0]


def test_distinct_k_counts_classes() -> None:
    assert distinct_k([0, 0, 1, 2, 1]) == 3
    assert distinct_k(np.eye(4).argmax(axis=1)) == 4
    assert math.isnan(distinct_k([]))
    assert similarity_classes(np.zeros((0, 3))).tolist() == []


# --- utility_k --------------------------------------------------------------------------


def test_utility_worked_example() -> None:
    # p = 0.8, k = 3: (0.2 / 0.488) * (1 * 50 + 0 (repeat) + 0.64 * 100) = 46.7213...
    assert utility_k([0, 0, 1], [50.0, 80.0, 100.0]) == pytest.approx(114 * 0.2 / 0.488)


def test_utility_is_the_quality_when_every_response_is_novel() -> None:
    assert utility_k([0, 1, 2, 3], [70.0] * 4) == pytest.approx(70.0)


def test_utility_of_a_collapsed_set_is_the_first_share() -> None:
    k, p = 10, PATIENCE
    assert utility_k([0] * k, [90.0] * k) == pytest.approx(90.0 * (1 - p) / (1 - p**k))


def test_utility_leaves_out_unjudged_responses() -> None:
    # the unjudged first response drops out: the rest is [1, 1, 2] with k = 3
    assert utility_k([0, 1, 1, 2], [None, 60.0, 10.0, 30.0]) == pytest.approx(
        (60.0 + 0.64 * 30.0) * 0.2 / 0.488
    )
    assert math.isnan(utility_k([0, 1], [None, None]))


def test_utility_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="2 classes but 1 quality"):
        utility_k([0, 1], [1.0])
    with pytest.raises(ValueError, match="patience 1"):
        utility_k([0], [1.0], patience=1)


# --- the partitioner's reply ------------------------------------------------------------


@pytest.mark.parametrize(
    "reply",
    [
        '{"groups": [[2, 4], [1], [3]]}',
        'Here you are:\n```json\n{"groups": [["2", "4"], [1], [3],]}\n```',
        "[[3], [1], [4, 2]]",
    ],
)
def test_partitions_parse_and_are_numbered_by_first_member(reply: str) -> None:
    assert parse_partition(reply, 4).tolist() == [0, 1, 2, 1]


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        ("I think they are all different.", "no"),
        ('{"groups": [[1, 2], [2, 3]]}', "response 2 is in two groups"),
        ('{"groups": [[1, 2]]}', r"response\(s\) 3 in no group"),
        ('{"groups": [[1, 2, 3, 4]]}', r"response 4 does not exist \(1..3\)"),
        ('{"groups": [[1, "two", 3]]}', "'two' is not a response number"),
        ('{"groups": [[1, true], [2, 3]]}', "True is not a response number"),
        ('{"groups": "1, 2, 3"}', "expected"),
    ],
)
def test_malformed_partitions_are_parse_errors(reply: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_partition(reply, 3)


def test_the_partition_prompt_numbers_every_response() -> None:
    text = partition_prompt("Tell me a joke about tea.", ["first joke", "second joke"])
    assert "Tell me a joke about tea." in text
    assert "### Response 1\nfirst joke" in text and "### Response 2\nsecond joke" in text
    assert "from 1 to 2" in text


# --- the threshold on real texts (packaged embedder) ------------------------------------


@pytest.mark.embed
def test_the_default_threshold_separates_paraphrases_from_different_texts() -> None:
    from vs_bench.metrics.embedding import get_embedder

    data = json.loads(CALIBRATION.read_text(encoding="utf-8"))
    embedder = get_embedder()
    same = [cosine_kernel(embedder.encode([p["a"], p["b"]]))[0, 1] for p in data["paraphrases"]]
    # figures of benchmarks/similarity.py: 19 of 20 paraphrase pairs merged, 417 of 428
    # different pairs kept apart (the 11 merged are DeepSeek-R1 poems quoting one line)
    assert sum(s >= DEFAULT_THRESHOLD for s in same) == 19
    merged = 0
    for name, texts in data["different"].items():
        classes = similarity_classes(embedder.encode(texts))
        if name.startswith("canned") or name.startswith("same_topic"):
            assert distinct_k(classes) == len(texts), name
        kernel = cosine_kernel(embedder.encode(texts))
        merged += int(np.sum(np.triu(kernel >= DEFAULT_THRESHOLD, k=1)))
    assert merged == 11


# --- Inspect runs -----------------------------------------------------------------------


def run(task: str, **kwargs: object) -> EvalLog:
    task_args = {k: v for k, v in kwargs.items() if k not in ("model", "model_roles")}
    log = inspect_eval(
        TASKS[task](**task_args),
        model=kwargs.get("model", "random/python"),  # type: ignore[arg-type]
        model_roles=kwargs.get("model_roles"),  # type: ignore[arg-type]
        seed=1,
    )[0]
    assert log.status == "success", log.error
    return log


@pytest.mark.embed
def test_joke_run_on_random_python_shows_vendi_and_distinct_k() -> None:
    log = run("joke_direct", limit=2, n=10)
    assert log.results is not None
    metrics = {s.name: m.value for s in log.results.scores for m in s.metrics.values()}
    assert log.samples is not None
    distinct, vendis = [], []
    for sample in log.samples:
        texts = SampleDraws.load(sample.store).texts
        score = sample.scores["diversity_scorer"]  # type: ignore[index]
        value = score.value
        assert isinstance(value, dict) and score.metadata is not None
        # the canned jokes are far apart (cosine <= 0.5): a class is a distinct text
        assert value["distinct_k"] == len(set(texts))
        assert 1 <= value["vendi"] <= value["distinct_k"] + 1e-9
        assert value["partition_parse_failures"] == 0
        assert score.metadata["partition"] == f"embedding cosine >= {DEFAULT_THRESHOLD}"
        assert len(score.metadata["classes"]) == len(texts)
        distinct.append(value["distinct_k"])
        vendis.append(value["vendi"])
    assert metrics["distinct_k"] == pytest.approx(np.mean(distinct))
    assert metrics["vendi"] == pytest.approx(np.mean(vendis))
    # random/python draws 10 of 12 canned jokes uniformly: about 7 distinct
    assert 4 <= metrics["distinct_k"] <= 10


def writer(messages: list[ChatMessage], config: GenerateConfig) -> str:
    return '["one joke", "two joke", "three joke"]'


@pytest.mark.embed
def test_a_scripted_partitioner_gives_the_classes_and_its_failures_are_counted() -> None:
    partitioner = get_model(
        "scripted/partitioner", replies=['{"groups": [[1, 3], [2]]}', "all different"]
    )
    log = run(
        "joke_sequence",
        model=get_model("scripted/writer", replies=[writer]),
        model_roles={"partitioner": partitioner},
        limit=2,
        n=3,
        k=3,
    )
    assert log.samples is not None
    values = sorted(
        (s.scores["diversity_scorer"].value for s in log.samples),  # type: ignore[index]
        key=lambda v: math.isnan(v["distinct_k"]),  # type: ignore[index]
    )
    parsed, failed = values
    assert parsed["distinct_k"] == 2 and parsed["partition_parse_failures"] == 0  # type: ignore[index]
    assert math.isnan(failed["distinct_k"])  # type: ignore[index]
    assert failed["partition_parse_failures"] == 1  # type: ignore[index]
    assert log.results is not None
    metrics = {s.name: m.value for s in log.results.scores for m in s.metrics.values()}
    assert metrics["partition_parse_failures"] == 1
    assert metrics["distinct_k"] == 2


def grader_reply(relevance: int, device: int, humor: int) -> str:
    scores = {"Relevance": relevance, "Comedic device": device, "Humor quality": humor}
    return json.dumps({"scores": scores})


@pytest.mark.embed
def test_utility_k_with_a_scripted_grader_and_a_scripted_partitioner() -> None:
    # 4 jokes, classes [0, 1, 0, 2] from the partitioner; per-draw quality from the
    # grader's replies in call order: 100, 60, unparsed, 20 (joke rubric, top 5)
    jokes = '["a joke", "b joke", "a joke again", "c joke"]'
    grader = get_model(
        "scripted/grader",
        replies=[grader_reply(5, 5, 5), grader_reply(4, 3, 2), "no", grader_reply(1, 1, 1)],
    )
    partitioner = get_model("scripted/partitioner", replies=['{"groups": [[1, 3], [2], [4]]}'])
    log = run(
        "joke_sequence",
        model=get_model("scripted/writer", replies=[jokes]),
        model_roles={"grader": grader, "partitioner": partitioner},
        limit=1,
        n=4,
        k=4,
    )
    assert log.samples is not None
    score = log.samples[0].scores["quality_scorer"]  # type: ignore[index]
    assert score.metadata is not None
    assert score.metadata["quality_per_draw"] == pytest.approx([100.0, 60.0, None, 20.0])
    # judged draws in order: classes [0, 1, 2] (the unparsed repeat drops out), k = 3:
    # (1 - .8) / (1 - .8^3) * (100 + .8 * 60 + .64 * 20)
    expected = 0.2 / 0.488 * (100 + 0.8 * 60 + 0.64 * 20)
    assert score.value["utility_k"] == pytest.approx(expected)  # type: ignore[index]
    assert score.value["quality_parse_failures"] == 1  # type: ignore[index]


@pytest.mark.embed
def test_without_a_grader_utility_k_is_undefined() -> None:
    log = run("joke_direct", limit=1, n=3)
    assert log.samples is not None
    score = log.samples[0].scores["quality_scorer"]  # type: ignore[index]
    assert math.isnan(score.value["utility_k"])  # type: ignore[index]
    assert "--model-role grader=" in (score.explanation or "")


@pytest.mark.embed
def test_vs_bench_score_reports_vendi_and_distinct_k(tmp_path: Path) -> None:
    from vs_bench.metrics.embedding import get_embedder
    from vs_bench.rescore import score_responses

    texts = ["a quiet sea at night", "a quiet sea at night", "bread rises in the oven"]
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps({"prompt": "Write about the sea.", "responses": texts}), "utf-8")
    result = score_responses(path, "joke")
    vectors = get_embedder().encode(texts)
    assert result["distinct_k"] == 2  # the repeated text is one class
    assert result["vendi"] == pytest.approx(vendi(vectors))
    assert 1 < result["vendi"] < 2
