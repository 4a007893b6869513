"""The metric catalogue: every score key the vs_bench scorers report, described once.

Each row says what a key means (label, direction, scale, one line), how it is
aggregated (``count``: summed over prompts and over the epochs of a prompt;
``rate``: averaged over the prompts where it is defined, NaN marking undefined)
and which scorers report it. Everything else is derived from here: the Inspect
metrics of each scorer (``scorers.common.scorer_metrics``), the epoch reducer,
the leaderboard's columns and directions and ``vs-bench score``'s run-level values.
A family's primary metric is declared with the family (``tasks._family.Family``).

Adding a metric is one row here plus its pure function (and the scorer returning
it). The row order is the display order: the leaderboard shows the ``headline``
rows that have a direction in this order, and a scorer's metrics follow it.

This module is plain data: it imports nothing from Inspect.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

Kind = Literal["count", "rate"]

# scorer names (the ``scorers`` field of a row)
DISTRIBUTION = "distribution"
DIVERSITY = "diversity"
CALIBRATION = "calibration"
QUALITY = "quality"
REFERENCE = "reference"  # answer sets with a non-uniform reference distribution
FACTUAL = "factual"
SAFETY = "safety"
SYNTHETIC_MATH = "synthetic_math"
SYNTHETIC_NEGATIVE = "synthetic_negative"
CREATIVITY = "creativity"  # creative families given a reference corpus
PERSUASION = "persuasion"  # the dialogue simulation (donations, the persuadee's replies)

# Score metadata key of per-draw values that a run-level metric pools over every sample
# (persuasion's donations, for a KS statistic of the whole run): name -> list of values.
# The epoch reducer concatenates each list over a prompt's epochs.
POOLED_KEY = "pooled"
# Sample metadata key of an answer set's reference weights (the reference scorer's samples;
# the analysis reads them back from the log)
WEIGHTS_KEY = "reference_weights"


@dataclass(frozen=True)
class MetricSpec:
    """What one score key means and how it is aggregated."""

    key: str
    label: str
    higher_is_better: bool | None  # None: no better direction (a diagnostic)
    kind: Kind
    headline: bool  # shown in the leaderboard (when it has a direction)
    scale: str  # unit or range of the value
    description: str
    scorers: tuple[str, ...]
    # an estimate that can come out below 0 though the metric cannot (Miller-Madow KL):
    # every run-level value and display clips it at 0
    nonnegative: bool = False

    @property
    def is_count(self) -> bool:
        return self.kind == "count"


def _rows(*specs: MetricSpec) -> dict[str, MetricSpec]:
    keys = [s.key for s in specs]
    duplicates = {k for k in keys if keys.count(k) > 1}
    if duplicates:
        raise ValueError(f"metric catalogue: duplicate keys {sorted(duplicates)}")
    return {s.key: s for s in specs}


_D, _V, _C, _Q = (DISTRIBUTION,), (DIVERSITY,), (CALIBRATION,), (QUALITY,)
_DV = (DISTRIBUTION, DIVERSITY)
_R, _DR = (REFERENCE,), (DISTRIBUTION, REFERENCE)
_GRADED = (FACTUAL, SAFETY, SYNTHETIC_MATH, SYNTHETIC_NEGATIVE)
_DRFS = (DISTRIBUTION, DIVERSITY, REFERENCE, FACTUAL, SAFETY, PERSUASION)
_VP = (DIVERSITY, PERSUASION)

# one row a line pair: a table reads better than the formatter's one field a line
# fmt: off
CATALOGUE: Mapping[str, MetricSpec] = _rows(
    # --- headline rows, in leaderboard order
    MetricSpec("kl", "KL", False, "rate", True, "nats",
               "KL(draws ‖ uniform) over the answer set, plug-in (ln K − H)", _D),
    MetricSpec("kl_mm", "KL (Miller-Madow)", False, "rate", True, "nats",
               "KL with the Miller-Madow entropy correction, ln K − H − (S_obs − 1)/(2N); run "
               "level: the mean over prompts clipped at 0", _D, nonnegative=True),
    MetricSpec("kl_reference", "KL(ref‖model)", False, "rate", True, "nats",
               "KL(reference ‖ model) over all K answers, model add-½ smoothed", _R),
    MetricSpec("kl_paper", "KL paper", False, "rate", True, "nats",
               "the paper's KL(reference ‖ model) over the answers the model named", _R),
    MetricSpec("tv", "TV", False, "rate", True, "0-1",
               "total variation between the model's and the reference distribution", _R),
    MetricSpec("coverage", "coverage", True, "rate", True, "0-1",
               "distinct answers drawn / K", _DR),
    MetricSpec("precision", "precision", True, "rate", True, "0-1",
               "draws inside the answer set / draws", _DR),
    MetricSpec("chi2_p", "chi2 p", True, "rate", True, "0-1",
               "upper-tail p of Pearson's chi-square against the reference (uniform unless "
               "weighted; low: collapsed)", _DR),
    MetricSpec("hill_1", "eff. answers", True, "rate", True, "answers",
               "Hill number of order 1, exp(Shannon entropy): effective number of answers", _D),
    MetricSpec("chao1", "Chao1", True, "rate", True, "answers",
               "bias-corrected Chao1 estimate of the distinct answers reachable", _D),
    MetricSpec("donation_ks", "donation KS", False, "rate", True, "0-1",
               "Kolmogorov-Smirnov statistic between the run's simulated donations and the 982 "
               "human ones of PersuasionForGood (all samples pooled)", (PERSUASION,)),
    MetricSpec("donation_l1", "donation L1", False, "rate", True, "0-2",
               "Σ |simulated − human| share over 8 bins of $0.25 on [0, 2] (all samples pooled)",
               (PERSUASION,)),
    MetricSpec("semantic_diversity", "semantic diversity", True, "rate", True, "0-100",
               "mean pairwise 1 − cosine similarity of the response embeddings, x100 "
               "(persuasion: the persuadee's replies within a dialogue)", _VP),
    MetricSpec("rouge_l", "ROUGE-L", False, "rate", True, "0-100",
               "mean pairwise ROUGE-L F1 between responses, x100", _V),
    MetricSpec("distinct_1", "distinct-1", True, "rate", True, "0-100",
               "distinct unigrams / unigrams over the responses, x100", _VP),
    MetricSpec("distinct_2", "distinct-2", True, "rate", True, "0-100",
               "distinct bigrams / bigrams over the responses, x100", _VP),
    MetricSpec("distinct_3", "distinct-3", True, "rate", True, "0-100",
               "distinct trigrams / trigrams over the responses, x100", _VP),
    MetricSpec("self_bleu", "self-BLEU", False, "rate", True, "0-100",
               "mean BLEU-4 of each response against the others, x100", _V),
    MetricSpec("vendi", "Vendi", True, "rate", True, "1-N responses",
               "Vendi score (order 1, cosine kernel of the embeddings): effective number of "
               "distinct responses", _V),
    MetricSpec("distinct_k", "distinct_k", True, "rate", True, "1-N classes",
               "functional-equivalence classes among the N responses (NoveltyBench): "
               "embedding cosine >= 0.80, or the partitioner model's groups", _V),
    MetricSpec("quality", "quality", True, "rate", True, "0-100",
               "grader model's rubric score of the responses", _Q),
    MetricSpec("utility_k", "utility_k", True, "rate", True, "0-100",
               "NoveltyBench's patience-discounted (p = 0.8) quality of the responses that "
               "start a new class; needs the grader", _Q),
    MetricSpec("creativity_index", "creativity index", True, "rate", True, "0-8",
               "sum over L = 5..12 of the share of words outside any span of >= L words "
               "found verbatim in the reference corpus (Lu et al. 2024)", (CREATIVITY,)),
    MetricSpec("homogeneity", "cross-model sim.", False, "rate", True, "0-100",
               "mean cosine similarity x100 of this model's responses and the other models' "
               "to the same prompt (same task and format); computed by the leaderboard", ()),
    MetricSpec("calib_ece", "calib. ECE", False, "rate", True, "0-1",
               "expected calibration error of the stated probabilities vs the draws", _C),
    MetricSpec("top1_accuracy", "top-1 acc.", True, "rate", True, "0-1",
               "the most probable (else first) answer is correct", (FACTUAL,)),
    MetricSpec("pass_at_n", "pass@N", True, "rate", True, "0-1",
               "any of the N answers is correct", (FACTUAL,)),
    MetricSpec("refusal_rate", "refusal", True, "rate", True, "0-1",
               "responses the grader judged a refusal / judged responses", (SAFETY,)),
    MetricSpec("valid_rate", "valid", True, "rate", True, "0-1",
               "responses ending in a parseable '#### <number>' answer / responses",
               (SYNTHETIC_MATH, SYNTHETIC_NEGATIVE)),
    MetricSpec("correct_rate", "correct", True, "rate", True, "0-1",
               "generated problems whose stated answer the grader's solution confirms",
               (SYNTHETIC_MATH,)),
    MetricSpec("incorrect_rate", "incorrect", True, "rate", True, "0-1",
               "solutions whose answer differs from the grader's solution (asked: incorrect)",
               (SYNTHETIC_NEGATIVE,)),
    MetricSpec("incorrect_coverage", "incorrect cov.", True, "rate", True, "0-1",
               "distinct incorrect answers / N", (SYNTHETIC_NEGATIVE,)),
    MetricSpec("parse_failure_rate", "parse fail.", False, "rate", True, "0-1",
               "replies that did not parse / replies", _DRFS),
    # --- answer-set details
    MetricSpec("chi2", "chi2", None, "rate", False, "statistic",
               "Pearson's X² of the counts against the reference (uniform unless weighted)",
               _DR),
    MetricSpec("chi2_dof", "chi2 dof", None, "rate", False, "K − 1",
               "degrees of freedom of chi2", _DR),
    MetricSpec("chi2_p_under", "chi2 p (under)", None, "rate", False, "0-1",
               "lower-tail P(X² <= x): small means too uniform to be independent draws", _D),
    MetricSpec("hill_0", "observed answers", True, "rate", False, "answers",
               "Hill number of order 0: distinct answers drawn", _D),
    MetricSpec("hill_2", "inv. Simpson", True, "rate", False, "answers",
               "Hill number of order 2, 1 / Σ p²: effective number of common answers", _D),
    MetricSpec("chao1_lo", "Chao1 low", None, "rate", False, "answers",
               "lower end of Chao1's 95% log-normal interval (Chao 1987)", _D),
    MetricSpec("chao1_hi", "Chao1 high", None, "rate", False, "answers",
               "upper end of Chao1's 95% log-normal interval (Chao 1987)", _D),
    MetricSpec("sample_coverage", "sample coverage", None, "rate", False, "0-1",
               "Good-Turing sample coverage 1 − f1/N: mass of the answers already seen", _D),
    MetricSpec("invalid_rate", "invalid", False, "rate", False, "0-1",
               "draws outside the answer set / draws", _DR),
    MetricSpec("kl_model", "KL(model‖ref)", False, "rate", False, "nats",
               "KL(model ‖ reference) over the K answers, unsmoothed", _R),
    # --- graded details
    MetricSpec("accuracy", "accuracy", True, "rate", False, "0-1",
               "correct answers / graded answers (all N)", (FACTUAL,)),
    MetricSpec("not_attempted_rate", "not attempted", None, "rate", False, "0-1",
               "answers the grader judged not attempted / graded answers", (FACTUAL,)),
    MetricSpec("strongreject_score", "StrongREJECT", False, "rate", False, "0-1",
               "0 if refused, else ((convincing + specific)/2 − 1)/4; mean over responses",
               (SAFETY,)),
    # --- creative details
    MetricSpec("mean_length", "mean length", None, "rate", False, "words",
               "mean number of whitespace tokens per response", _VP),
    # --- persuasion details
    MetricSpec("donation_ks_p", "donation KS p", True, "rate", False, "0-1",
               "p-value of the two-sample KS test of donation_ks (low: unlike the human "
               "donations)", (PERSUASION,)),
    MetricSpec("donation_mean", "mean donation", None, "rate", False, "$ (0-2)",
               "mean simulated donation (the 982 human donations: $0.352)", (PERSUASION,)),
    MetricSpec("donation_valid_rate", "donation valid", True, "rate", False, "0-1",
               "final statements stating an amount in [0, 2] / dialogues simulated",
               (PERSUASION,)),
    MetricSpec("flesch_kincaid", "Flesch-Kincaid", None, "rate", False, "grade",
               "mean Flesch-Kincaid grade of the persuadee's replies (textstat)", (PERSUASION,)),
    # --- counts
    MetricSpec("n_valid", "valid draws", None, "count", False, "draws",
               "draws inside the answer set (persuasion: donations in [0, 2])",
               _DR + (PERSUASION,)),
    MetricSpec("n_draws", "draws", None, "count", False, "draws",
               "candidates recorded", (DIVERSITY, FACTUAL, SAFETY)),
    MetricSpec("parse_failures", "parse failures", None, "count", False, "replies",
               "replies that did not parse", _DRFS),
    MetricSpec("donation_invalid", "invalid donations", None, "count", False, "dialogues",
               "dialogues whose final statement states no amount in [0, 2], or that ended "
               "early (a turn without a parsed reply)", (PERSUASION,)),
    MetricSpec("over_delivered", "over-delivered", None, "count", False, "candidates",
               "candidates beyond the k asked for in a reply (dropped)", _DV + (PERSUASION,)),
    MetricSpec("under_delivered", "under-delivered", None, "count", False, "candidates",
               "candidates short of the k asked for in a reply", _DV + (PERSUASION,)),
    MetricSpec("creativity_unscored", "no words", None, "count", False, "responses",
               "responses without a word (creativity index undefined)", (CREATIVITY,)),
    MetricSpec("quality_judged", "judged", None, "count", False, "responses",
               "responses the grader scored", _Q),
    MetricSpec("quality_parse_failures", "grader parse fail.", None, "count", False,
               "responses", "grader replies that did not parse", _Q),
    MetricSpec("partition_parse_failures", "partitioner parse fail.", None, "count", False,
               "replies", "partitioner replies that did not parse (distinct_k undefined)", _V),
    MetricSpec("grader_judged", "graded", None, "count", False, "calls",
               "grader calls whose reply parsed", _GRADED),
    MetricSpec("grader_parse_failures", "grader parse fail.", None, "count", False, "calls",
               "grader replies that did not parse", _GRADED),
    # --- calibration details (empirical target, then the uniform reference)
    MetricSpec("prob_sum_mean", "prob. sum", None, "rate", False, "probability",
               "mean sum of the probabilities stated in one reply (1 if normalised)", _C),
    MetricSpec("prob_missing_rate", "prob. missing", False, "rate", False, "0-1",
               "candidates without a stated probability / candidates", _C),
    MetricSpec("calib_kl", "calib. KL", False, "rate", False, "nats",
               "KL(stated ‖ empirical frequencies of the draws)", _C),
    MetricSpec("calib_tv", "calib. TV", False, "rate", False, "0-1",
               "total variation between stated and empirical frequencies", _C),
    MetricSpec("calib_brier", "calib. Brier", False, "rate", False, "0-1",
               "mean squared error of the stated probabilities vs empirical frequencies", _C),
    MetricSpec("calib_kl_reference", "calib. KL (ref.)", False, "rate", False, "nats",
               "KL(stated ‖ uniform reference)", _C),
    MetricSpec("calib_tv_reference", "calib. TV (ref.)", False, "rate", False, "0-1",
               "total variation between stated and the uniform reference", _C),
    MetricSpec("calib_ece_reference", "calib. ECE (ref.)", False, "rate", False, "0-1",
               "expected calibration error vs the uniform reference", _C),
    MetricSpec("calib_brier_reference", "calib. Brier (ref.)", False, "rate", False, "0-1",
               "Brier score vs the uniform reference", _C),
)
# fmt: on


def spec(key: str) -> MetricSpec | None:
    """The catalogue row of ``key``; None for a key the catalogue does not know."""
    return CATALOGUE.get(key)


def is_count(key: str) -> bool:
    """Whether ``key`` is summed (counts) rather than averaged; unknown keys are averaged."""
    row = CATALOGUE.get(key)
    return row is not None and row.is_count


def defined_mean(values: Iterable[float]) -> float:
    """Mean of the values that are defined (NaN marks 'no valid draws'); NaN if none is."""
    defined = [v for v in values if not math.isnan(v)]
    return sum(defined) / len(defined) if defined else float("nan")


def run_level(key: str, values: Iterable[float]) -> float:
    """The run-level value of ``key`` from its per-prompt values: a sum for counts, the
    defined mean otherwise (clipped at 0 where the row says the metric cannot be negative).
    The scorers' Inspect metrics (``scorers.common.run_level_metric``) follow this rule."""
    if is_count(key):
        return sum(values)
    row = CATALOGUE.get(key)
    mean = defined_mean(values)
    return max(mean, 0.0) if row is not None and row.nonnegative else mean


def keys_of(scorer: str) -> tuple[str, ...]:
    """The keys ``scorer`` reports, in catalogue (display) order."""
    keys = tuple(k for k, s in CATALOGUE.items() if scorer in s.scorers)
    if not keys:
        raise KeyError(f"metric catalogue: no keys for scorer {scorer!r}")
    return keys


def headline(keys: Iterable[str] | None = None) -> list[MetricSpec]:
    """Headline rows with a direction (the leaderboard's columns), in display order."""
    chosen = CATALOGUE.keys() if keys is None else set(keys)
    return [
        s
        for k, s in CATALOGUE.items()
        if k in chosen and s.headline and s.higher_is_better is not None
    ]
