"""Creative tasks (poem, story, joke): prompt sets, dataset loading, Inspect runs on
random/python, parse failures, and ``vs-bench score``."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog
from inspect_ai.model import ChatMessage, GenerateConfig, get_model

from vs_bench._registry import TASKS
from vs_bench.draws import SampleDraws
from vs_bench.errors import VsBenchError
from vs_bench.metrics.text_diversity import rouge_l
from vs_bench.rescore import score_responses
from vs_bench.scorers.diversity_scorer import KEYS as SCORE_KEYS
from vs_bench.tasks import creative
from vs_bench.tasks._family import CANNED_FILE, DATA
from vs_bench.tasks.creative import CREATIVE, load_prompts

FAMILIES = CREATIVE


def run(task: str, model: object = "random/python", **task_args: Any) -> EvalLog:
    log = inspect_eval(TASKS[task](**task_args), model=model, seed=1)[0]  # type: ignore[arg-type]
    assert log.status == "success", log.error
    return log


def run_metrics(log: EvalLog) -> dict[str, float]:
    assert log.results is not None
    # a dict-valued scorer also lists itself, without metrics
    return {s.name: m.value for s in log.results.scores for m in s.metrics.values()}


# --- shipped prompt sets ---------------------------------------------------------------

@pytest.mark.parametrize("family", FAMILIES)
def test_shipped_sets_have_twenty_distinct_prompts(family: str) -> None:
    prompts = load_prompts(DATA / f"{family}.jsonl")
    assert len(prompts) >= 20
    assert len(set(prompts)) == len(prompts)


def test_the_potato_story_is_shipped() -> None:
    stories = load_prompts(DATA / "story.jsonl")
    assert any(p.startswith("Write a creative story about potatoes") for p in stories)


# --- the user's own prompts ------------------------------------------------------------

PROMPTS = ["Write a poem about rain.", "Write a poem about salt."]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("p.jsonl", '{"prompt": "Write a poem about rain."}\n\n"Write a poem about salt."\n'),
        ("p.csv", 'id,prompt\n1,Write a poem about rain.\n2,"Write a poem about salt."\n'),
        ("p.txt", "Write a poem about rain.\n\n  Write a poem about salt.  \n"),
        # Inspect's jsonl reader alone fails on any blank line, trailing ones too
        ("b.jsonl",
         '\ufeff\n{"prompt": "Write a poem about rain."}\n"Write a poem about salt."\n\n\n'),
        ("b.csv", '\ufeffprompt\nWrite a poem about rain.\n\nWrite a poem about salt.\n'),
    ],
)
def test_prompt_files_are_read(tmp_path: Path, name: str, content: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert load_prompts(path) == PROMPTS


def test_record_to_sample_maps_a_shipped_record_and_skips_blank_prompts() -> None:
    record = json.loads((DATA / "poem.jsonl").read_text(encoding="utf-8").splitlines()[0])
    record_to_sample = creative.prompt_record_to_sample("poem.jsonl", "prompt")
    (first,) = record_to_sample(record)
    assert (first.id, first.input) == (1, record["prompt"].strip())
    assert first.input.startswith("Please write a poem inspired by the line")
    assert record_to_sample({}) == record_to_sample({"prompt": "  "}) == []
    (second,) = record_to_sample({"prompt": " Write a poem about salt. ", "other": 1})
    assert (second.id, second.input) == (2, "Write a poem about salt.")
    with pytest.raises(VsBenchError, match="row 4: 'prompt' is not a string"):
        record_to_sample({"prompt": 3})


def test_a_custom_field_is_read(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text('{"question": "Tell me a joke about tea."}\n', encoding="utf-8")
    assert load_prompts(path, field="question") == ["Tell me a joke about tea."]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.jsonl", None, "no such file"),
        ("empty.txt", "\n  \n", "no prompts"),
        ("bad.jsonl", '{"prompt": "ok"}\n{"prompt": \n', r"bad\.jsonl:2: not valid JSON"),
        ("key.jsonl", '{"text": "a"}\n', "no 'prompt' key"),
        ("number.jsonl", '{"prompt": 3}\n', "row 1: 'prompt' is not a string"),
        ("cols.csv", "text\nhello\n", r"no 'prompt' column \(columns: text\)"),
        ("p.json", "[]", "unknown file type .json"),
        ("ragged.csv", "prompt\na\nb,c\n", r"line 3 has 2 fields, the header has 1\..*header's"),
    ],
)
def test_bad_prompt_files_give_one_line_errors(
    tmp_path: Path, name: str, content: str | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(VsBenchError, match=message) as error:
        load_prompts(path)
    assert "\n" not in str(error.value)


HubCalls = list[tuple[str, str]]


@pytest.fixture(autouse=True)
def _hub_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Inspect's cache of hub datasets (under XDG_CACHE_HOME) lives in the test's folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> HubCalls:
    """``datasets.load_dataset`` answers every hub id with PROMPTS, offline."""
    import datasets

    calls: HubCalls = []

    def load_dataset(path: str, split: str, **options: Any) -> datasets.Dataset:
        calls.append((path, split))
        return datasets.Dataset.from_dict({"prompt": PROMPTS, "other": [1, 2]})

    monkeypatch.setattr(datasets, "load_dataset", load_dataset)
    return calls


def test_hugging_face_datasets_load_through_datasets(hub: HubCalls) -> None:
    assert load_prompts("someone/poems", split="test") == PROMPTS
    assert hub == [("someone/poems", "test")]
    with pytest.raises(VsBenchError, match=r"no 'title' column \(columns: prompt, other\)"):
        load_prompts("someone/poems", field="title")


def test_hub_datasets_are_read_by_inspects_hf_dataset_and_cached(
    hub: HubCalls, tmp_path: Path
) -> None:
    samples = creative.poem(dataset="someone/poems", split="test").dataset
    assert [(s.id, s.input) for s in samples] == [(1, PROMPTS[0]), (2, PROMPTS[1])]
    # hf_dataset saved the split in Inspect's cache: a second read is offline
    assert load_prompts("someone/poems", split="test") == PROMPTS
    assert hub == [("someone/poems", "test")]
    (saved,) = (tmp_path / "xdg" / "inspect_ai" / "hf_datasets").iterdir()
    assert saved.name.startswith("someone_poems-")


def test_an_unreachable_hugging_face_dataset_is_a_one_line_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import datasets

    def offline(*args: object, **options: object) -> None:
        raise ConnectionError("Couldn't reach the Hub\n(details)")

    monkeypatch.setattr(datasets, "load_dataset", offline)
    with pytest.raises(VsBenchError, match="Couldn't reach the Hub") as error:
        load_prompts("someone/poems")
    assert "\n" not in str(error.value)


def test_an_offline_cache_miss_fails_at_once_without_retries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import datasets
    from huggingface_hub.errors import LocalEntryNotFoundError

    calls: list[object] = []

    def offline(*args: object, **options: object) -> None:
        calls.append(args or options)
        raise LocalEntryNotFoundError("Cannot find the requested files in the local cache")

    monkeypatch.setattr(datasets, "load_dataset", offline)
    # hf_dataset retries this error with waits of a minute and more, unless told not to
    with pytest.raises(VsBenchError, match="Cannot find the requested files"):
        load_prompts("someone/poems")
    assert len(calls) == 1


# --- tasks ----------------------------------------------------------------------------

def test_limit_and_seed_draw_a_reproducible_subset() -> None:
    def inputs(**params: Any) -> list[str]:
        return [str(s.input) for s in creative.poem(**params).dataset]

    first = inputs(limit=5, seed=1)
    assert len(first) == 5
    assert first == inputs(limit=5, seed=1)
    assert first != inputs(limit=5, seed=2)
    assert set(first) <= set(load_prompts(DATA / "poem.jsonl"))


def test_bad_task_parameters_fail_before_any_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(VsBenchError, match="OPENAI_API_KEY"):
        creative.joke(embedder="openai/text-embedding-3-small")
    with pytest.raises(VsBenchError, match="words=0 must be at least 1"):
        creative.poem(words=0)


@pytest.mark.embed
@pytest.mark.parametrize(("family", "words"), [("poem", "200"), ("joke", None)])
def test_word_target_is_asked_for_poems_not_jokes(family: str, words: str | None) -> None:
    systems: list[str] = []

    def reply(messages: list[ChatMessage], config: GenerateConfig) -> str:
        systems.append(messages[0].text)
        return "a reply"

    model = get_model(f"scripted/{family}-writer", replies=[reply])
    run(f"{family}_direct", model=model, n=2, limit=1)
    assert len(systems) == 2
    if words is None:
        assert "words" not in systems[0]
    else:
        assert f"Each response should be approximately {words} words." in systems[0]


@pytest.mark.embed
def test_joke_vs_standard_on_random_python_shows_every_diversity_key() -> None:
    log = run("joke_vs_standard", limit=4)
    metrics = run_metrics(log)
    assert set(SCORE_KEYS) <= set(metrics)
    assert metrics["n_draws"] == 4 * 30
    assert metrics["parse_failures"] == 0
    canned = set(json.loads(CANNED_FILE.read_text(encoding="utf-8"))["joke"])
    assert log.samples is not None
    for sample in log.samples:
        texts = SampleDraws.load(sample.store).texts
        assert set(texts) <= canned
        assert sample.scores is not None
        score = sample.scores["diversity_scorer"]
        assert score.metadata is not None
        assert score.metadata["embedder"].startswith("all-MiniLM-L6-v2")
        assert isinstance(score.value, dict)
        assert score.value["rouge_l"] == pytest.approx(rouge_l(texts))
    assert 0 < metrics["semantic_diversity"] < 100


@pytest.mark.embed
def test_random_python_answers_a_users_own_prompts(tmp_path: Path) -> None:
    path = tmp_path / "mine.txt"
    path.write_text("Write a story about a lost glove.\n", encoding="utf-8")
    log = run("story_sequence", n=5, dataset=str(path))
    metrics = run_metrics(log)
    assert metrics["n_draws"] == 5
    # the reference travels with the sample: story's canned texts, for any prompt
    canned = set(json.loads(CANNED_FILE.read_text(encoding="utf-8"))["story"])
    assert log.samples is not None
    (sample,) = log.samples
    assert set(SampleDraws.load(sample.store).texts) <= canned


@pytest.mark.embed
def test_unparsed_replies_are_counted_not_scored() -> None:
    # two lines of prose are no list (one plain line would count as one candidate)
    model = get_model("scripted/poet", replies=["not\na list", '["a b c", "a b c"]'])
    log = run("poem_sequence", model=model, n=4, k=2, limit=1)
    metrics = run_metrics(log)
    # two calls of two: one fails and adds no draw; the cell asks again for the missing
    # two, gets the failing reply, then the list: 4 replies, 2 failures, 4 draws
    assert metrics["parse_failures"] == 2
    assert metrics["parse_failure_rate"] == pytest.approx(2 / 4)
    assert metrics["n_draws"] == 4
    assert metrics["distinct_1"] == pytest.approx(25.0)
    assert metrics["rouge_l"] == pytest.approx(100.0)


# --- vs-bench score -------------------------------------------------------------------

@pytest.mark.embed
def test_vs_bench_score_rescores_creative_responses(tmp_path: Path) -> None:
    texts = ["a quiet sea at night", "the sea at night is loud", "bread rises in the oven"]
    path = tmp_path / "r.jsonl"
    lines = [
        {"prompt": "Write a poem about the sea.", "responses": texts[:2]},
        {"prompt": "Write a poem about the sea.", "responses": [{"text": texts[2]}]},
        {"prompt": "Write a poem about bread.", "responses": ["one"]},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    result = score_responses(path, "poem")
    sea, bread = result["per_prompt"]
    assert sea["rouge_l"] == pytest.approx(rouge_l(texts))
    assert sea["n"] == 3
    assert math.isnan(bread["rouge_l"])
    assert result["rouge_l"] == pytest.approx(sea["rouge_l"])  # mean over defined prompts
    assert {"semantic_diversity", "distinct_1", "distinct_2", "distinct_3", "self_bleu"} <= set(
        result
    )
