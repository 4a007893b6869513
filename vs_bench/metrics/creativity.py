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
bytes *with both bracketing spaces*, the UTF-8 of ``padded(words[i:j])``, do. The
spaces keep a match from starting or ending inside a word ("ruth" inside "truth",
"fortun" at the start of "fortune"), and documents are apart (the index separates
them with byte 0xff, which UTF-8 text never holds). ``longest_matches`` finds each
word's longest span with at most 2n such queries.

This module is pure: no engine, no I/O.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

MIN_SPAN = 5
MAX_SPAN = 12
SPAN_LENGTHS = tuple(range(MIN_SPAN, MAX_SPAN + 1))
KEY = "creativity_index"
# a score's pooled values (``catalogue.POOLED_KEY``): the index of each text with words
PER_TEXT = KEY

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


def longest_matches(tokens: Sequence[str], occurs: Callable[[int, int], bool]) -> list[int]:
    """Per word i, the length of the longest span of words from i, capped at MAX_SPAN,
    for which ``occurs(i, j)`` (words i..j-1 occur in the corpus) holds.

    A scan with two pointers: a span that occurs still does without its first word, so
    the search from word i + 1 starts where the one from i stopped; at most 2n calls.
    """
    found = []
    end = 0  # words i..end-1 are known to occur
    for i in range(len(tokens)):
        end = max(end, i)
        while end < len(tokens) and end - i < MAX_SPAN and occurs(i, end + 1):
            end += 1
        found.append(end - i)
    return found


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


class Spans(Protocol):
    """What the index needs of a corpus (``vs_bench.corpus.Corpus``, which imports this
    module's word rules): per word of a text, the longest corpus span from it."""

    def matches(self, text: str) -> list[int]: ...


def mean_over_texts(values: Iterable[float]) -> float:
    """The run-level creativity index: the mean of the per-text values (NaN left out)."""
    scored = [v for v in values if not math.isnan(v)]
    return math.fsum(scored) / len(scored) if scored else math.nan


@dataclass(frozen=True)
class CreativityScores:
    """One prompt's texts against a corpus."""

    per_text: list[float]  # creativity index of each text, NaN for a text without words
    uniqueness: dict[int, float]  # L -> mean L-uniqueness over the texts with words

    @property
    def values(self) -> dict[str, float]:
        """The catalogue keys: the mean index over the texts with words, and how many
        texts had none (their index is undefined)."""
        unscored = sum(math.isnan(v) for v in self.per_text)
        return {KEY: mean_over_texts(self.per_text), "creativity_unscored": float(unscored)}


def creativity_scores(corpus: Spans, texts: list[str]) -> CreativityScores:
    """The creativity index of each of ``texts`` against ``corpus``."""
    per_text: list[float] = []
    sums = dict.fromkeys(SPAN_LENGTHS, 0.0)
    for text in texts:
        matches = corpus.matches(text)
        per_text.append(creativity_index(matches))
        if matches:
            for length, value in uniqueness_profile(matches).items():
                sums[length] += value
    scored = sum(not math.isnan(v) for v in per_text)
    return CreativityScores(
        per_text, {k: v / scored if scored else math.nan for k, v in sums.items()}
    )
