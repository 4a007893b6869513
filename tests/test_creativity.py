"""The creativity index: word rules, the byte-to-word mapping, L-uniqueness, local
infini-gram indexes built from the shipped test corpus, the API client against a
loopback fake, the Inspect scorer and the CLI (``index-corpus``, ``score --corpus-index``).

Texts whose overlap with the corpus is known by construction: a copied span (0),
invented words (8), a 24-word text whose first 12 words are a corpus span (4); every
other engine result is checked against a brute-force search of the normalised corpus.
"""

from __future__ import annotations

import json
import math
import random
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from inspect_ai.model import ChatMessage, GenerateConfig, get_model

from tests.utils.cli import run_cli
from tests.utils.evals import draws, metric, run
from vs_bench import corpus as corpora
from vs_bench.analysis.creativity_plots import creativity_figure, creativity_figures
from vs_bench.analysis.render import slug
from vs_bench.analysis.runs import read_run
from vs_bench.errors import VsBenchError
from vs_bench.metrics.creativity import (
    MAX_SPAN,
    SPAN_LENGTHS,
    covered,
    creativity_index,
    longest_matches,
    padded,
    tokenise,
    uniqueness,
    words,
)
from vs_bench.providers.random_python import sampler_request
from vs_bench.tasks._family import canned_texts

pytest.importorskip("infini_gram", reason="needs the corpus extra (infini-gram)")

CORPUS = Path(__file__).parent / "data" / "corpus"
AUSTEN = CORPUS / "pride_and_prejudice_ch1.txt"
VERSE = CORPUS / "verse.jsonl"
AUSTEN_TEXT = AUSTEN.read_text(encoding="utf-8")
VERSE_TEXTS = [json.loads(line)["text"] for line in VERSE.read_text().splitlines()]
# made-up words, none in the corpus
INVENTED = [
    "zorblat", "quenvish", "mirtaflon", "grespule", "vantrik", "oloquine", "tesmafar",
    "brindlewop", "yastrimel", "kuvoreth", "plindax", "sormuzzle",
]
COPIED = "However little known the feelings or views of such a man may be on his first"
# 12 words of the corpus (with its comma), then the 12 invented words
HALF = ("It is a truth universally acknowledged, that a single man in possession "
        + " ".join(INVENTED))


def brute_force(text: str, documents: list[str]) -> float:
    """The creativity index by definition: every span of L words, searched as a substring
    of the normalised documents (no suffix array, no byte mapping)."""
    tokens = words(text)
    stored = [padded(words(d)) for d in documents]
    if not tokens:
        return math.nan
    total = 0.0
    for length in SPAN_LENGTHS:
        hit = [False] * len(tokens)
        for i in range(len(tokens) - length + 1):
            if any(padded(tokens[i : i + length]) in d for d in stored):
                hit[i : i + length] = [True] * length
        total += 1 - sum(hit) / len(tokens)
    return total


# --- word rules ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The cat's-eye, glowing!", ["the", "cat's", "eye", "glowing"]),
        ("don\u2019t O\u2019er", ["don't", "o'er"]),  # curly apostrophes made straight
        ("'tis the end'", ["tis", "the", "end"]),  # an apostrophe outside a word separates
        ("_You_ want\nto\ttell", ["you", "want", "to", "tell"]),  # underscores, line breaks
        ("\ufb01ne \uff21\uff22\uff23 1813", ["fine", "abc", "1813"]),  # NFKC: ligature, wide
        ("Stra\u00dfe \u00dcBER", ["strasse", "\u00fcber"]),  # case-folded
        ("... -- !", []),
    ],
)
def test_words_are_runs_of_letters_and_digits_case_folded(text: str, expected: list[str]) -> None:
    assert words(text) == expected


def test_word_offsets_index_the_prepared_text() -> None:
    text = "  Hello, w\u00f6rld\u2019s end"
    found = tokenise(text)
    assert [(w.start, w.end) for w in found] == [(2, 7), (9, 16), (17, 20)]
    assert [text[w.start : w.end] for w in found] == ["Hello", "w\u00f6rld\u2019s", "end"]


# --- word spans as bytes ----------------------------------------------------------------

def test_a_span_is_stored_between_spaces_as_utf8() -> None:
    assert padded(["a", "bb"]) == " a bb "
    # é and ü are two bytes each: the query is the UTF-8 of the padded span
    assert padded(["\u00e9", "\u00fcber"]).encode("utf-8") == b" \xc3\xa9 \xc3\xbcber "


def spans_of(*runs: tuple[int, int]) -> set[tuple[int, int]]:
    """Every word span inside the given runs (a corpus holding those runs of words)."""
    return {(i, j) for start, end in runs for i in range(start, end)
            for j in range(i + 1, end + 1)}


def test_longest_matches_scan_every_start() -> None:
    tokens = [f"w{i}" for i in range(30)]
    known = spans_of((0, 7), (3, 20), (25, 27))
    calls: list[tuple[int, int]] = []

    def occurs(i: int, j: int) -> bool:
        calls.append((i, j))
        return (i, j) in known

    found = longest_matches(tokens, occurs)
    expected = [max((j - i for (a, j) in known if a == i), default=0) for i in range(30)]
    assert found == [min(v, MAX_SPAN) for v in expected]
    assert found[3] == MAX_SPAN and found[10] == 10  # capped; then the run's end
    assert len(calls) <= 2 * len(tokens)
    assert longest_matches([], occurs) == []


# --- L-uniqueness and the index --------------------------------------------------------

def test_coverage_of_spans() -> None:
    matches = [0, 6, 5, 0, 0, 0, 0, 0, 0, 0]  # words 1-6 (from 1) and 2-6 (from 2)
    assert covered(matches, 5) == [False] + [True] * 6 + [False] * 3
    assert covered(matches, 6) == [False] + [True] * 6 + [False] * 3
    assert covered(matches, 7) == [False] * 10
    assert uniqueness(matches, 5) == pytest.approx(0.4)


@pytest.mark.parametrize(
    ("matches", "expected"),
    [
        ([12] + [11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 0.0),  # stitched entirely
        ([0] * 24, 8.0),  # nothing found
        ([12] + [0] * 23, 4.0),  # half covered at every L
        # a 7-word span in 10 words: covered at L = 5..7 (0.3 unique), not at 8..12
        ([7] + [0] * 9, 3 * 0.3 + 5 * 1.0),
        ([0, 0, 0], 8.0),  # under 5 words: no span of 5 can be found
    ],
)
def test_creativity_index_is_the_sum_over_l(matches: list[int], expected: float) -> None:
    assert creativity_index(matches) == pytest.approx(expected)


def test_a_text_without_words_has_no_index() -> None:
    assert math.isnan(creativity_index([]))
    assert math.isnan(uniqueness([], 5))


# --- a local index of the shipped corpus ----------------------------------------------

@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus") / "index"
    stages: list[tuple[str, int, int | None]] = []
    summary = corpora.build_index(
        [AUSTEN, VERSE], out, progress=lambda *stage: stages.append(stage)
    )
    assert summary.documents == 3
    assert summary.words == len(words(AUSTEN_TEXT)) + sum(len(words(t)) for t in VERSE_TEXTS)
    total = AUSTEN.stat().st_size + VERSE.stat().st_size
    assert ("read", total, total) in stages and stages[-1] == ("index", summary.bytes,
                                                               summary.bytes)
    return out


@pytest.fixture(scope="module")
def index(index_dir: Path) -> corpora.LocalIndex:
    return corpora.LocalIndex(index_dir)


def local_ci(index: corpora.LocalIndex, text: str) -> float:
    return creativity_index(index.matches(text))


def test_a_copied_span_scores_zero(index: corpora.LocalIndex) -> None:
    assert local_ci(index, COPIED) == 0.0
    # case, punctuation and line breaks are normalised away on both sides
    assert local_ci(index, "HOWEVER little -- known the feelings, or views of such a man\n"
                           "may be on his first") == 0.0


def test_invented_words_score_eight(index: corpora.LocalIndex) -> None:
    assert local_ci(index, " ".join(INVENTED * 2)) == 8.0


def test_a_half_copied_text_scores_four(index: corpora.LocalIndex) -> None:
    assert len(words(HALF)) == 24
    assert local_ci(index, HALF) == 4.0


def test_spans_do_not_cross_documents(index: corpora.LocalIndex) -> None:
    # the last 8 words of the Austen file and the first 8 of the sonnet: two 8-word spans
    austen, sonnet = words(AUSTEN_TEXT), words(VERSE_TEXTS[0])
    text = " ".join(austen[-8:] + sonnet[:8])
    assert local_ci(index, text) == pytest.approx(4 * 0.0 + 4 * 1.0)


def test_a_word_must_match_whole(index: corpora.LocalIndex) -> None:
    # "ruth" is the end of the corpus's "truth": only the 11 words after it match
    text = "ruth universally acknowledged that a single man in possession of a good"
    assert local_ci(index, text) == pytest.approx(7 * (1 / 12) + 1.0)
    # "fortun" is the start of "fortune": the span before it is 11 words
    text = "universally acknowledged that a single man in possession of a good fortun"
    assert local_ci(index, text) == pytest.approx(7 * (1 / 12) + 1.0)


def test_multibyte_text_is_mapped_to_words(index: corpora.LocalIndex) -> None:
    copied = "\u00dcBER ALLEN GIPFELN ist Ruh in allen Wipfeln sp\u00fcrest du kaum einen Hauch"
    assert local_ci(index, copied) == 0.0
    assert local_ci(index, copied + " " + " ".join(INVENTED[:1])) == pytest.approx(
        8 * (1 / 14)
    )


def test_the_engine_agrees_with_brute_force(index: corpora.LocalIndex) -> None:
    # seeded mixes of corpus runs and invented words
    documents = [AUSTEN_TEXT, *VERSE_TEXTS]
    pool = [words(d) for d in documents]
    rng = random.Random(20)
    for _ in range(25):
        tokens: list[str] = []
        while len(tokens) < rng.randint(5, 200):
            source = rng.choice(pool)
            start = rng.randrange(len(source))
            tokens += source[start : start + rng.randint(1, 16)]
            tokens += rng.sample(INVENTED, rng.randint(0, 2))
        text = " ".join(tokens)
        assert local_ci(index, text) == pytest.approx(brute_force(text, documents), abs=1e-12)


def test_index_inputs_are_checked(tmp_path: Path) -> None:
    bad = tmp_path / "corpus.csv"
    bad.write_text("a,b\n")
    with pytest.raises(VsBenchError, match="unknown corpus file type .csv"):
        corpora.build_index([bad], tmp_path / "out")
    with pytest.raises(VsBenchError, match="no such file"):
        corpora.build_index([tmp_path / "missing.txt"], tmp_path / "out")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("")
    with pytest.raises(VsBenchError, match="not an empty folder"):
        corpora.build_index([AUSTEN], tmp_path / "full")
    lines = tmp_path / "bad.jsonl"
    lines.write_text('{"text": "fine words here"}\n{"body": "no text key"}\n')
    with pytest.raises(VsBenchError, match=r"bad.jsonl:2: no string 'text'.*--field"):
        corpora.build_index([lines], tmp_path / "out")
    empty = tmp_path / "empty.txt"
    empty.write_text("... !!! ---\n")
    with pytest.raises(VsBenchError, match="no words in"):
        corpora.build_index([empty], tmp_path / "out2")


def test_jsonl_field_and_strings(tmp_path: Path) -> None:
    lines = tmp_path / "docs.jsonl"
    lines.write_text('{"body": "one two three four five six"}\n\n"seven eight nine ten eleven"\n')
    summary = corpora.build_index([lines], tmp_path / "idx", field="body")
    assert (summary.documents, summary.words) == (2, 11)
    found = corpora.LocalIndex(tmp_path / "idx").matches("two three four five six seven")
    assert found == [5, 4, 3, 2, 1, 1]  # "six seven" would cross the two documents


def test_a_folder_without_manifest_is_refused(tmp_path: Path) -> None:
    with pytest.raises(VsBenchError, match="not a vs-bench corpus index.*index-corpus"):
        corpora.read_manifest(tmp_path)
    with pytest.raises(VsBenchError, match="no such folder"):
        corpora.open_corpus(str(tmp_path / "nothing"))


def test_corpus_choice_is_checked() -> None:
    with pytest.raises(VsBenchError, match="not both"):
        corpora.open_corpus("idx", "api:v4_rpj_llama_s4")
    with pytest.raises(VsBenchError, match=r"corpus=api:<index>"):
        corpora.open_corpus(None, "v4_rpj_llama_s4")
    api = corpora.open_corpus(None, "api:v4_rpj_llama_s4")
    assert isinstance(api, corpora.ApiIndex)
    assert (api.name, api.url) == ("api:v4_rpj_llama_s4", corpora.API_URL)
    assert corpora.open_corpus() is None


# --- infini-gram's API, against a loopback fake ----------------------------------------

class FakeApi:
    """Answers ``count`` queries of index ``test`` by substring search of the raw corpus
    at word boundaries, as the API matches token boundaries; records every request."""

    def __init__(self, documents: list[str], fail_first: int = 0) -> None:
        self.documents = [" ".join(d.split()) for d in documents]
        self.requests: list[dict[str, Any]] = []
        self.fail_first = fail_first
        self.lock = threading.Lock()

    def count(self, query: str) -> int:
        total = 0
        for doc in self.documents:
            start = doc.find(query)
            while start >= 0:
                end = start + len(query)
                if (start == 0 or not doc[start - 1].isalnum()) and (
                    end == len(doc) or not doc[end].isalnum()
                ):
                    total += 1
                start = doc.find(query, start + 1)
        return total

    def answer(self, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.requests.append(payload)
            if len(self.requests) <= self.fail_first:
                return 500, {"error": "busy"}
        if payload.get("index") != "test":
            return 400, {"error": f"[Flask] Invalid index: {payload.get('index')}"}
        return 200, {"count": self.count(payload["query"]), "latency": 0.1}


@pytest.fixture
def api() -> Iterator[tuple[FakeApi, str]]:
    fake = FakeApi([AUSTEN_TEXT, *VERSE_TEXTS])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            status, answer = fake.answer(json.loads(body))
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_api_client_scores_the_constructed_texts(api: tuple[FakeApi, str]) -> None:
    fake, url = api
    client = corpora.ApiIndex("test", url)
    # the API gets the text's own characters: the copy keeps the corpus's punctuation
    copied = "It is a truth universally acknowledged, that a single man in possession"
    assert creativity_index(client.matches(copied)) == 0.0
    assert creativity_index(client.matches(" ".join(INVENTED))) == 8.0
    assert creativity_index(client.matches(HALF)) == 4.0
    assert {"index": "test", "query_type": "count",
            "query": "It is a truth universally"} in fake.requests
    assert all(len(r["query"].split()) <= MAX_SPAN for r in fake.requests)


def test_api_client_agrees_with_the_local_index(
    api: tuple[FakeApi, str], index: corpora.LocalIndex
) -> None:
    _, url = api
    client = corpora.ApiIndex("test", url)
    rng = random.Random(3)
    source = AUSTEN_TEXT.split()  # raw words, punctuation attached, as the API sees them
    for _ in range(5):
        start = rng.randrange(len(source) - 20)
        text = " ".join(source[start : start + rng.randint(5, 20)] + rng.sample(INVENTED, 3))
        expected = brute_force(text, [AUSTEN_TEXT, *VERSE_TEXTS])
        assert creativity_index(client.matches(text)) == pytest.approx(expected)
        assert local_ci(index, text) == pytest.approx(expected)


def test_api_errors_are_one_line(
    api: tuple[FakeApi, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, url = api
    monkeypatch.setattr(corpora.time, "sleep", lambda seconds: None)
    with pytest.raises(VsBenchError, match=r"index nope: \[Flask\] Invalid index: nope"):
        corpora.ApiIndex("nope", url).count("a b c d e")
    fake.fail_first = len(fake.requests) + corpora.API_TRIES - 1  # the last try succeeds
    assert corpora.ApiIndex("test", url).count("It is a truth universally") == 1
    fake.fail_first = len(fake.requests) + corpora.API_TRIES  # every try fails
    with pytest.raises(VsBenchError, match=r"unreachable after 3 tries \(HTTP 500\)"):
        corpora.ApiIndex("test", url).count("It is a truth universally")


# --- the Inspect scorer ----------------------------------------------------------------

def test_poem_task_scores_the_creativity_index(tmp_path: Path) -> None:
    poems = list(canned_texts()["poem"])
    corpus_file = tmp_path / "corpus.jsonl"
    # half of random/python's poems, and the Austen text
    corpus_file.write_text("".join(json.dumps({"text": p}) + "\n" for p in poems[:4]))
    corpora.build_index([corpus_file, AUSTEN], tmp_path / "idx")
    log = run("poem_direct", task_args={"n": 6, "limit": 2,
                                        "corpus_index": str(tmp_path / "idx")}, seed=1)
    samples = draws(log)
    expected = [[brute_force(t, [*poems[:4], AUSTEN_TEXT]) for t in s.texts] for s in samples]
    assert {0.0} < {v for row in expected for v in row}  # both copied and new poems drawn
    assert log.samples is not None
    for sample, want in zip(log.samples, expected, strict=True):
        (score,) = [s for k, s in (sample.scores or {}).items() if k == "creativity_scorer"]
        assert score.metadata is not None
        assert score.metadata["per_text"] == pytest.approx(want)
        assert score.metadata["corpus"] == f"local:{(tmp_path / 'idx').resolve()}"
    means = [sum(row) / len(row) for row in expected]
    assert metric(log, "creativity_index") == pytest.approx(sum(means) / len(means))
    assert metric(log, "creativity_unscored") == 0
    # the plot of the index per format: the bar is the logged mean, the dots the prompts
    logged = read_run(log)
    assert sorted(logged.per_prompt["creativity_index"].values()) == pytest.approx(sorted(means))
    figure = creativity_figure("poem", [logged])
    (ax,) = figure.axes
    assert [bar.get_height() for bar in ax.patches] == pytest.approx([sum(means) / len(means)])
    dots = ax.collections[0].get_offsets()
    assert sorted(float(y) for _, y in dots) == pytest.approx(sorted(means))
    written = creativity_figures([logged], tmp_path / "plots")
    assert logged.task.startswith("poem")
    stem = f"creativity_{slug(logged.task)}"
    assert [p.name for p in written] == [f"{stem}.png", f"{stem}.svg"]


def test_the_run_level_index_is_the_mean_over_texts(tmp_path: Path) -> None:
    """Prompts with unequal numbers of scored texts: the run's index weighs each text once
    (not each prompt), and each prompt keeps its own texts' values."""
    poems = list(canned_texts()["poem"])
    corpus_file = tmp_path / "corpus.jsonl"
    corpus_file.write_text("".join(json.dumps({"text": p}) + "\n" for p in poems[:4]))
    corpora.build_index([corpus_file], tmp_path / "idx")

    def reply(messages: list[ChatMessage], config: GenerateConfig) -> str:
        request, _ = sampler_request(messages)
        # one prompt: one new poem and two texts without words (no index), the others
        # two copied poems and a new one
        uneven = "Season" in messages[-1].text
        return request.render([poems[5], "...", "--"] if uneven else poems[2:5], 1 / 3)

    log = run("poem_sequence", get_model("scripted/uneven", replies=[reply]),
              task_args={"n": 3, "k": 3, "limit": 3, "corpus_index": str(tmp_path / "idx")},
              seed=1)
    assert log.samples is not None
    per_text = []
    for sample in log.samples:
        score = (sample.scores or {})["creativity_scorer"]
        assert score.metadata is not None
        texts = draws(log)[log.samples.index(sample)].texts
        want = [brute_force(t, poems[:4]) for t in texts]
        assert score.metadata["per_text"] == [None if math.isnan(v) else v for v in want]
        per_text.append([v for v in want if not math.isnan(v)])
    assert sorted(len(v) for v in per_text) == [1, 3, 3]
    over_texts = sum(map(sum, per_text)) / sum(map(len, per_text))
    over_prompts = sum(sum(v) / len(v) for v in per_text) / len(per_text)
    assert over_texts == pytest.approx(24 / 7) and over_prompts == pytest.approx(40 / 9)
    assert metric(log, "creativity_index") == pytest.approx(over_texts, abs=1e-12)
    assert metric(log, "creativity_unscored") == 2
    logged = read_run(log)
    assert sorted(logged.per_prompt["creativity_index"].values()) == pytest.approx(
        sorted(sum(v) / len(v) for v in per_text))
    assert sorted(map(sorted, logged.pooled["creativity_index"].values())) == sorted(
        map(sorted, per_text))


def test_without_a_corpus_there_is_no_creativity_index() -> None:
    log = run("joke_direct", task_args={"n": 2, "limit": 1})
    assert log.results is not None
    assert "creativity_index" not in {s.name for s in log.results.scores}


# --- the command line ------------------------------------------------------------------

def test_cli_index_corpus_then_score(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus_file = tmp_path / "corpus.txt"
    corpus_file.write_text(AUSTEN_TEXT)
    out = tmp_path / "idx"
    code, stdout, stderr = run_cli(["index-corpus", str(corpus_file), "--out", str(out)],
                                   capsys, monkeypatch)
    assert code == 0, stderr
    assert f"wrote {out}: 1 documents, {len(words(AUSTEN_TEXT))} words" in stdout
    responses = tmp_path / "responses.jsonl"
    # two texts of one prompt: the run's index is the mean over the 4 texts (5), not
    # over the 3 prompts (4)
    rows = {"copied": [COPIED], "invented": [" ".join(INVENTED), " ".join(INVENTED[::-1])],
            "half": [HALF]}
    responses.write_text("".join(json.dumps({"prompt": p, "responses": t}) + "\n"
                                 for p, t in rows.items()))
    code, stdout, stderr = run_cli(
        ["score", "--task", "poem", "--responses", str(responses), "--corpus-index", str(out),
         "--json"], capsys, monkeypatch,
    )
    assert code == 0, stderr
    result = json.loads(stdout)
    by_prompt = {row["prompt"]: row for row in result["per_prompt"]}
    assert {p: row["creativity_index"] for p, row in by_prompt.items()} == {
        "copied": 0.0, "invented": 8.0, "half": 4.0}
    assert by_prompt["half"]["creativity_per_text"] == [4.0]
    assert by_prompt["invented"]["creativity_per_text"] == [8.0, 8.0]
    assert result["creativity_index"] == pytest.approx((0.0 + 8.0 + 8.0 + 4.0) / 4)
    assert result["creativity_unscored"] == 0
    # no corpus: the metric is absent, and one line says how to get one
    code, stdout, stderr = run_cli(["score", "--task", "poem", "--responses", str(responses),
                                    "--json"], capsys, monkeypatch)
    assert code == 0
    assert "creativity_index" not in json.loads(stdout)
    assert stderr.strip().splitlines() == [f"note: no creativity_index without a corpus: "
                                           f"{corpora.HOW_TO_GET_ONE}"]


def test_cli_corpus_errors_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, stderr = run_cli(["index-corpus", str(tmp_path / "none.txt"), "--out",
                               str(tmp_path / "idx")], capsys, monkeypatch)
    assert code == 2
    assert stderr.strip() == f"error: {tmp_path / 'none.txt'}: no such file: pass existing " \
                             ".txt or .jsonl files"
    responses = tmp_path / "r.jsonl"
    responses.write_text(json.dumps({"prompt": "p", "responses": ["3"]}) + "\n")
    code, _, stderr = run_cli(["score", "--task", "poem", "--responses", str(responses),
                               "--corpus-index", str(tmp_path)], capsys, monkeypatch)
    assert code == 2
    assert stderr.startswith(f"error: corpus index {tmp_path}: not a vs-bench corpus index")
    assert len(stderr.strip().splitlines()) == 1


def test_list_names_the_tasks_that_take_a_corpus(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, stdout, _ = run_cli(["list"], capsys, monkeypatch)
    assert code == 0
    # both families of issue 20: the creative tasks that take a corpus, and persuasion
    tasks = stdout.partition("tasks:")[2].partition("formats:")[0]  # may wrap
    assert {"poem", "story", "joke", "persuasion"} <= set(tasks.replace(",", " ").split())
    # the console wraps long lines at its width: compare the words
    assert ("creativity index (poem, story, joke): -T corpus_index=DIR (vs-bench index-corpus "
            "FILES --out DIR) or -T corpus=api:<index>") in " ".join(stdout.split())
