"""Donation metrics of the persuasion dialogue simulation: pure functions on amounts.

A simulated persuadee's donation is the first amount in its final statement (``donation``);
the simulated donations are compared with a human reference sample (the 982 persuadee
donations in [0, 2] of PersuasionForGood's ``full_info.csv``, Wang et al. 2019), as in
section 6 of the Verbalized Sampling paper:

- ``donation_ks``: the two-sample Kolmogorov-Smirnov statistic
  D = sup_x |F_sim(x) − F_human(x)| (``scipy.stats.ks_2samp``), and ``donation_ks_p`` its
  p-value (scipy's default method: exact for small samples, else asymptotic);
- ``donation_l1``: Σ_b |p_sim(b) − p_human(b)| over the 8 bins of $0.25 on [0, 2]
  ([0, 0.25), [0.25, 0.5), ..., [1.75, 2]: the last bin closed), p(b) the share of the
  sample's donations in bin b (0 = same histogram, 2 = disjoint);
- ``donation_mean``: the mean simulated donation; ``n_valid``: the donations counted.

Readability: ``flesch_kincaid`` = 0.39 · words/sentences + 11.8 · syllables/words − 15.59
(Kincaid et al. 1975), computed by ``textstat`` with syllables from pyphen's en_US
hyphenation dictionary (textstat's own English path would download CMUdict through NLTK
at first use, which offline runs cannot).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np
from scipy import stats

# a score's pooled values (``catalogue.POOLED_KEY``): the sample's valid donations
DONATIONS = "donations"
MAX_DONATION = 2.0  # the task payment: a donation is an amount in [0, 2] dollars
BIN_WIDTH = 0.25
BINS = np.linspace(0.0, MAX_DONATION, int(MAX_DONATION / BIN_WIDTH) + 1)  # 9 edges, 8 bins
# the first amount: "$1", "1.50", "$.50", "50 cents", "50¢"
_AMOUNT = re.compile(r"\$?\s*(?P<number>\d+(?:\.\d+)?|\.\d+)(?:\s*(?P<cents>cents?\b|¢))?",
                     re.IGNORECASE)
# textstat's language tag for pyphen-only syllable counts (see the module docstring):
# its CMUdict path is taken for a tag whose root (before "_") is "en"
READABILITY_LANGUAGE = "en-US"


def first_amount(text: str) -> float | None:
    """The first amount of money in ``text``, in dollars; None when it states none.

    A number, with or without "$"; "cents" or "¢" after it divides it by 100.
    """
    found = _AMOUNT.search(text)
    if found is None:
        return None
    value = float(found["number"])
    return value / 100 if found["cents"] else value


def donation(text: str) -> float | None:
    """The donation a final statement states: its first amount if in [0, 2], else None."""
    value = first_amount(text)
    return value if value is not None and 0.0 <= value <= MAX_DONATION else None


def histogram(donations: Sequence[float]) -> np.ndarray[Any, np.dtype[np.float64]]:
    """The share of ``donations`` in each of the 8 bins of $0.25 on [0, 2] (last closed)."""
    counts, _ = np.histogram(np.asarray(donations, dtype=np.float64), bins=BINS)
    total = counts.sum()
    return counts / total if total else np.full(len(BINS) - 1, math.nan)


def donation_l1(simulated: Sequence[float], human: Sequence[float]) -> float:
    """Σ over the 8 bins of |p_simulated − p_human| (0-2); NaN without simulated donations."""
    if not simulated:
        return math.nan
    return float(np.abs(histogram(simulated) - histogram(human)).sum())


def donation_metrics(simulated: Sequence[float], human: Sequence[float]) -> dict[str, float]:
    """donation_ks, donation_ks_p, donation_l1, donation_mean and n_valid of ``simulated``
    (valid donations) against ``human``; the first four NaN when there are none."""
    if not simulated:
        nan = math.nan
        return {"donation_ks": nan, "donation_ks_p": nan, "donation_l1": nan,
                "donation_mean": nan, "n_valid": 0.0}
    test = stats.ks_2samp(np.asarray(simulated, dtype=np.float64),
                          np.asarray(human, dtype=np.float64))
    return {
        "donation_ks": float(test.statistic),
        "donation_ks_p": float(test.pvalue),
        "donation_l1": donation_l1(simulated, human),
        "donation_mean": float(np.mean(simulated)),
        "n_valid": float(len(simulated)),
    }


def statement_metrics(statements: Sequence[str], human: Sequence[float]) -> dict[str, float]:
    """``donation_metrics`` of the donations that final ``statements`` state, with the
    count of statements that state none in [0, 2] (``donation_invalid``) and the valid share."""
    found = [donation(text) for text in statements]
    valid = [value for value in found if value is not None]
    return donation_metrics(valid, human) | {
        "donation_valid_rate": len(valid) / len(found) if found else math.nan,
        "donation_invalid": float(len(found) - len(valid)),
    }


@cache
def _readability() -> Any:
    # deferred: textstat imports nltk (about a second) and is needed only here
    from textstat.textstat import textstatistics

    reader = textstatistics()
    reader.set_lang(READABILITY_LANGUAGE)
    reader.set_rounding_points(None)
    return reader


def flesch_kincaid(texts: Sequence[str]) -> float:
    """Mean Flesch-Kincaid grade of the texts that have words; NaN when none has."""
    grades = [float(_readability().flesch_kincaid_grade(t)) for t in texts if t.split()]
    return float(np.mean(grades)) if grades else math.nan
