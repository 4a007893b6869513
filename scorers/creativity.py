"""The creativity index: how much of a text is not stitched from a reference corpus.

Lu et al. 2024, "AI as Humanity's Salieri: Quantifying Linguistic Creativity of
Language Models via Systematic Attribution of Machine Text against Web Text",
arXiv 2410.04265. For a text of n words x_1..x_n and a span length L:

    covered_L(k)     = some span x_i..x_j with j - i + 1 >= L and i <= k <= j
                       occurs verbatim in the corpus
    uniqueness_L     = 1 - |{k : covered_L(k)}| / n
    creativity index = sum over L = 5..12 of uniqueness_L      (0 to 8)

0: every word lies in a corpus span of 12 or more words (stitched entirely from the
corpus); 8: no span of 5 or more words is found. A word covered by a span of >= L words
is also covered by a sub-span of exactly L words, so spans longer than 12 words never
change the index: every match length below is capped at ``MAX_SPAN``.

Words (``tokenise``), stated once and used on both sides (texts and corpus): the text
is put in Unicode NFKC form and curly apostrophes become ``'``; a word is a maximal run
of letters and digits, with ``'`` inside it kept (``don't``, ``o'er``); everything else
(punctuation, hyphens, underscores, line breaks) separates words; words are compared
case-folded (``str.casefold``). So "The cat's-eye, glowing!" is the words
``the cat's eye glowing``.

The local engine (infini-gram's byte-level u8 index, ``vs_bench.corpus``) matches
bytes, not words. Texts and corpus documents are therefore both stored as their words
joined by single spaces, with a space before the first and after the last
(``padded``): a word span i..j-1 then occurs in the corpus as words exactly when its
bytes *with both bracketing spaces* do, which ``word_matches`` reads off the engine's
per-byte longest matches.

This module is pure: no engine, no I/O.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from collections.abc import Sequence
from typing import NamedTuple

MIN_SPAN = 5
MAX_SPAN = 12
SPAN_LENGTHS = tuple(range(MIN_SPAN, MAX_SPAN + 1))

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\uff07": "'"})
# letters and digits ([^\W_]: word characters without the underscore), ' inside a word
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


class Word(NamedTuple):
    """One word: its compared (case-folded) form and where it stands in ``prepared(text)``."""

    text: str
    start: int
    end: int


def prepared(text: str) -> str:
    """``text`` in NFKC form with curly apostrophes made straight (what ``Word`` offsets
    index into)."""
    return unicodedata.normalize("NFKC", text).translate(_APOSTROPHES)


def tokenise(text: str) -> list[Word]:
    """The words of ``text`` (see the module docstring), with their offsets."""
    return [Word(m.group().casefold(), m.start(), m.end()) for m in _WORD.finditer(prepared(text))]


def words(text: str) -> list[str]:
    """The compared forms of ``text``'s words."""
    return [w.text for w in tokenise(text)]


def padded(tokens: Sequence[str]) -> str:
    """The stored form of a text or corpus document: ``" w1 w2 ... wn "``."""
    return " " + " ".join(tokens) + " "


def space_offsets(tokens: Sequence[str]) -> list[int]:
    """Byte offsets, in ``padded(tokens)`` as UTF-8, of the space before each word and of
    the final space: n + 1 offsets (word i's bytes lie between offsets i and i + 1)."""
    offsets = [0]
    for token in tokens:
        offsets.append(offsets[-1] + 1 + len(token.encode("utf-8")))
    return offsets


def word_matches(byte_ends: Sequence[int], offsets: Sequence[int]) -> list[int]:
    """Per word i, the length of the longest span of words from i (capped at MAX_SPAN)
    that occurs in the corpus, from the engine's per-byte answer.

    ``byte_ends[p]``: the end (exclusive) of the longest byte string from position p of
    the padded text that occurs in the corpus (infini-gram's ``creativity`` ``rs``);
    ``offsets``: ``space_offsets`` of the words. Words i..j-1 occur, bracketed by spaces,
    when the match from the space before word i reaches past the space after word j-1,
    i.e. ``byte_ends[offsets[i]] >= offsets[j] + 1``.
    """
    n = len(offsets) - 1
    if len(byte_ends) != offsets[-1] + 1:
        raise ValueError(f"{len(byte_ends)} byte ends for a padded text of {offsets[-1] + 1} bytes")
    matches = []
    for i in range(n):
        # the largest j with offsets[j] + 1 <= byte_ends[offsets[i]]
        j = bisect.bisect_right(offsets, byte_ends[offsets[i]] - 1) - 1
        matches.append(min(max(j - i, 0), MAX_SPAN))
    return matches


def covered(matches: Sequence[int], length: int) -> list[bool]:
    """Which words lie inside a corpus span of at least ``length`` words; ``matches[i]``:
    the longest corpus span starting at word i."""
    flags = [False] * len(matches)
    reach = 0  # words before this index are covered
    for i, m in enumerate(matches):
        if m >= length:
            reach = max(reach, i + m)
        if i < reach:
            flags[i] = True
    return flags


def uniqueness(matches: Sequence[int], length: int) -> float:
    """L-uniqueness: the share of words not covered by a corpus span of >= ``length`` words
    (NaN for a text without words)."""
    if not matches:
        return math.nan
    return 1.0 - sum(covered(matches, length)) / len(matches)


def uniqueness_profile(matches: Sequence[int]) -> dict[int, float]:
    """L -> L-uniqueness for L = 5..12."""
    return {length: uniqueness(matches, length) for length in SPAN_LENGTHS}


def creativity_index(matches: Sequence[int]) -> float:
    """Sum of the L-uniqueness over L = 5..12 (0-8); NaN for a text without words."""
    return math.fsum(uniqueness_profile(matches).values())
