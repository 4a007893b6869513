"""Lexical diversity of one prompt's responses, the paper's measures: ROUGE-L, distinct-n,
self-BLEU, length.

Pure functions on lists of strings. Tokens are whitespace tokens (``str.split()``:
case-sensitive, punctuation attached, no stemming), as in the paper's scorer.
Set-level values are on the paper's x100 scale; a set too small for a metric gives
NaN (undefined), never a number that looks real.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import LCSseq

SCALE = 100.0
DISTINCT_ORDERS = (1, 2, 3)
BLEU_WEIGHTS = (0.25, 0.25, 0.25, 0.25)

Tokens = Sequence[str]


def tokenize(text: str) -> list[str]:
    """Whitespace tokens, exactly as the paper's ROUGE-L."""
    return text.split()


def lcs_matrix(token_lists: Sequence[Tokens]) -> npt.NDArray[np.int64]:
    """Longest-common-subsequence length (in tokens) of every pair of token lists.

    rapidfuzz's bit-parallel ``LCSseq`` over all pairs (``process.cdist``). Tokens are
    mapped to integer ids first, so equal ids mean equal tokens (no string hashing).
    """
    vocabulary: dict[str, int] = {}
    ids = [[vocabulary.setdefault(t, len(vocabulary)) for t in tokens] for tokens in token_lists]
    # the same list object twice: rapidfuzz computes one triangle and mirrors it
    return process.cdist(ids, ids, scorer=LCSseq.similarity, dtype=np.int64)


def _rouge_l_pairs(token_lists: Sequence[Tokens]) -> npt.NDArray[np.float64]:
    count = len(token_lists)
    if count < 2:
        return np.empty(0)
    common = lcs_matrix(token_lists).astype(np.float64)
    lengths = np.array([len(t) for t in token_lists], dtype=np.float64)
    first, second = np.triu_indices(count, k=1)
    lcs = common[first, second]
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = lcs / lengths[first]
        recall = lcs / lengths[second]
        # same operations in the same order as rouge-score's fmeasure: equal to the last bit
        f1 = 2 * precision * recall / (precision + recall)
    return np.where(lcs > 0, f1, 0.0)


def rouge_l_pairs(texts: Sequence[str]) -> npt.NDArray[np.float64]:
    """ROUGE-L F1 (0..1) of every pair i<j, in the order (0,1), (0,2), ..., (1,2), ...

    F1 = 2PR/(P+R), P = LCS/|a|, R = LCS/|b|; 0 when a text is empty or LCS = 0.
    """
    return _rouge_l_pairs([tokenize(t) for t in texts])


def _pair_mean(values: npt.NDArray[np.float64]) -> float:
    return SCALE * float(values.mean()) if values.size else math.nan


def rouge_l(texts: Sequence[str]) -> float:
    """Mean pairwise ROUGE-L x100 (lower = more diverse); NaN for fewer than 2 texts."""
    return _pair_mean(rouge_l_pairs(texts))


@dataclass(frozen=True)
class _Grams:
    """Every n-gram occurrence (n-grams within a text) as text-index and n-gram-id arrays."""

    lengths: list[int]
    text: dict[int, npt.NDArray[np.int64]]  # n -> text index of each occurrence
    gram: dict[int, npt.NDArray[np.int64]]  # n -> id of each occurrence's n-gram


def _grams(token_lists: Sequence[Tokens], max_n: int) -> _Grams:
    vocabulary: dict[str, int] = {}
    flat = np.array(
        [vocabulary.setdefault(t, len(vocabulary)) for tokens in token_lists for t in tokens],
        dtype=np.int64,
    )
    lengths = [len(tokens) for tokens in token_lists]
    text_of = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    size = max(len(vocabulary), 1)
    ids = flat
    texts, grams = {}, {}
    for n in range(1, max_n + 1):
        if n > 1:
            # the n-gram at p = the (n-1)-gram at p + the token at p+n-1; keys < len(flat)²: exact
            _, ids = np.unique(ids[:-1] * size + flat[n - 1 :], return_inverse=True)
        windows = max(len(flat) - n + 1, 0)
        inside = text_of[:windows] == text_of[n - 1 :]  # the window does not cross two texts
        texts[n], grams[n] = text_of[:windows][inside], ids[inside]
    return _Grams(lengths, texts, grams)


def _distinct(grams: _Grams, n: int) -> float:
    total = grams.gram[n].size
    return SCALE * np.unique(grams.gram[n]).size / total if total else math.nan


def distinct_n(texts: Sequence[str], n: int) -> float:
    """Distinct n-grams / all n-grams over the set (n-grams within each text) x100."""
    return _distinct(_grams([tokenize(t) for t in texts], n), n)


def _clipped_counts(grams: _Grams, n: int) -> tuple[list[int], list[int]]:
    """Per text: n-gram matches clipped by the largest count in any *other* text, and total.

    The numerator and denominator of nltk's ``modified_precision`` with all other texts as
    references. nltk rebuilds every reference's counts for every hypothesis (N² work);
    the maximum over the others only needs each n-gram's two largest counts and the
    owner of the largest.
    """
    count = len(grams.lengths)
    text, gram = grams.text[n], grams.gram[n]
    if not gram.size:
        return [0] * count, [0] * count
    width = int(gram.max()) + 1
    pairs, occurrences = np.unique(text * width + gram, return_counts=True)
    owner, gram_of = pairs // width, pairs % width
    order = np.lexsort((-occurrences, gram_of))  # by n-gram, largest count first
    owner, gram_of, occurrences = owner[order], gram_of[order], occurrences[order]
    first = np.flatnonzero(np.r_[True, gram_of[1:] != gram_of[:-1]])
    top = np.zeros(width, dtype=np.int64)
    top_owner = np.full(width, -1, dtype=np.int64)
    runner_up = np.zeros(width, dtype=np.int64)
    top[gram_of[first]], top_owner[gram_of[first]] = occurrences[first], owner[first]
    has_second = first + 1 < gram_of.size
    has_second[has_second] = gram_of[first[has_second] + 1] == gram_of[first[has_second]]
    runner_up[gram_of[first[has_second]]] = occurrences[first[has_second] + 1]
    best_other = np.where(top_owner[gram_of] == owner, runner_up[gram_of], top[gram_of])
    clipped = np.bincount(owner, np.minimum(occurrences, best_other), minlength=count)
    totals = np.bincount(text, minlength=count)
    return [int(c) for c in clipped], [int(t) for t in totals]


def _self_bleu(token_lists: Sequence[Tokens], grams: _Grams) -> float:
    """Mean of nltk ``sentence_bleu(others, text, smoothing method1)`` over the texts."""
    # importing nltk takes about a second: deferred from every CLI start to the first use
    from nltk.translate.bleu_score import (
        Fraction,
        SmoothingFunction,
        brevity_penalty,
        closest_ref_length,
    )

    token_lists = list(token_lists)
    if len(token_lists) < 2:
        return math.nan
    smoothing = SmoothingFunction().method1
    orders = [_clipped_counts(grams, n) for n in range(1, len(BLEU_WEIGHTS) + 1)]
    scores = []
    for i, hypothesis in enumerate(token_lists):
        precisions = [
            Fraction(clipped[i], max(1, totals[i]), _normalize=False) for clipped, totals in orders
        ]
        # the rest is the tail of nltk's corpus_bleu for this one hypothesis
        if precisions[0].numerator == 0:
            scores.append(0.0)
            continue
        others = token_lists[:i] + token_lists[i + 1 :]
        penalty = brevity_penalty(closest_ref_length(others, len(hypothesis)), len(hypothesis))
        smoothed = smoothing(precisions)
        logs = (w * math.log(p) for w, p in zip(BLEU_WEIGHTS, smoothed, strict=True) if p > 0)
        scores.append(float(penalty * math.exp(math.fsum(logs))))
    return SCALE * math.fsum(scores) / len(scores)


def self_bleu(texts: Sequence[str]) -> float:
    """Mean BLEU-4 of each text against all the others (nltk, smoothing method1) x100.

    Lower = more diverse; NaN for fewer than 2 texts.
    """
    token_lists = [tokenize(t) for t in texts]
    return _self_bleu(token_lists, _grams(token_lists, len(BLEU_WEIGHTS)))


def _mean_length(token_lists: Sequence[Tokens]) -> float:
    return float(np.mean([len(t) for t in token_lists])) if token_lists else math.nan


def mean_length(texts: Sequence[str]) -> float:
    """Mean length in whitespace tokens (words); NaN for no texts."""
    return _mean_length([tokenize(t) for t in texts])


def text_metrics(texts: Sequence[str]) -> dict[str, float]:
    """Every lexical metric of one prompt's responses, tokenizing once."""
    token_lists = [tokenize(t) for t in texts]
    grams = _grams(token_lists, max(len(BLEU_WEIGHTS), *DISTINCT_ORDERS))
    return {
        "rouge_l": _pair_mean(_rouge_l_pairs(token_lists)),
        **{f"distinct_{n}": _distinct(grams, n) for n in DISTINCT_ORDERS},
        "self_bleu": _self_bleu(token_lists, grams),
        "mean_length": _mean_length(token_lists),
    }
