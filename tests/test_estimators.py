"""Small-sample estimators of the answer-set tasks: worked examples, libraries, simulation."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats
from skbio.diversity import alpha

from tests.utils.cli import run_cli
from vs_bench.metrics.distribution import (
    chao1,
    chi_square_uniform,
    entropy_miller_madow,
    entropy_plugin,
    expected_richness_uniform,
    hill_number,
    kl_from_uniform,
    kl_mm,
    rarefied_richness,
    sample_coverage,
)

DICE_ROLLS = Path(__file__).parent / "data" / "dice_vs_standard_rolls.jsonl"
# the authors' 600 VS-Standard dice rolls (tests/data/reference/dice/rng_vs_samples.json)
DICE_COUNTS = (118, 114, 71, 67, 111, 119)


def test_dice_rolls_scored_by_the_cli_match_the_formulas(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run_cli(
        ["score", "--task", "dice", "--responses", str(DICE_ROLLS), "--json"], capsys, monkeypatch
    )
    assert code == 0, err
    result = json.loads(out)
    n = 600
    assert result["n"] == n and result["n_valid"] == n
    # by hand: H = −Σ c/N ln(c/N); every face was rolled >= 67 times, so no singletons
    h = -sum(c / n * math.log(c / n) for c in DICE_COUNTS)
    assert result["kl"] == pytest.approx(math.log(6) - h, rel=1e-12)
    assert result["kl_mm"] == pytest.approx(math.log(6) - h - (6 - 1) / (2 * n), rel=1e-12)
    assert result["kl_mm"] == pytest.approx(0.0218392, abs=1e-7)
    assert result["hill_0"] == 6
    assert result["hill_1"] == pytest.approx(math.exp(h), rel=1e-12)
    # 1 / Σ p² = 600² / (118² + 114² + 71² + 67² + 111² + 119²) = 360000 / 62932
    assert result["hill_2"] == pytest.approx(360000 / 62932, rel=1e-12)
    # f1 = 0: Chao1 = S_obs, and the no-singleton interval is [6, 6 + 1.96 √(6P/(1−P))],
    # P = e^(−600/6), i.e. 6 to within 1e-20
    assert result["chao1"] == 6 and result["chao1_lo"] == 6
    assert result["chao1_hi"] == pytest.approx(6 + 1.96 * math.sqrt(6 * math.exp(-100)), abs=0)
    assert result["sample_coverage"] == 1.0
    # X² = Σ (O − 100)² / 100 = 29.32 on 5 dof: far from too uniform
    assert result["chi2"] == pytest.approx(29.32)
    assert result["chi2_p_under"] == pytest.approx(stats.chi2.cdf(29.32, 5), rel=1e-12)
    assert "over_delivered" not in result  # unknown in a response file


def test_chao1_worked_example() -> None:
    # K = 10 answers, N = 15 draws: S_obs = 7, f1 = 3, f2 = 2
    counts = [5, 3, 2, 2, 1, 1, 1, 0, 0, 0]
    result = chao1(counts)
    assert result.estimate == 7 + 3 * 2 / (2 * 3)  # = 8
    var = 3 * 2 / (2 * 3) + 3 * 5**2 / (4 * 3**2) + 3**2 * 2 * 2**2 / (4 * 3**4)
    c = math.exp(1.96 * math.sqrt(math.log(1 + var / 1**2)))  # T = 8 − 7 = 1
    assert (result.low, result.high) == pytest.approx((7 + 1 / c, 7 + c), rel=1e-12)
    assert (result.low, result.high) == pytest.approx((7.0936, 17.6782), abs=1e-4)
    assert sample_coverage(counts) == pytest.approx(1 - 3 / 15)
    assert entropy_miller_madow(counts) == pytest.approx(
        stats.entropy(counts) + (7 - 1) / (2 * 15), rel=1e-12
    )


def test_estimators_equal_scipy_and_scikit_bio() -> None:
    rng = np.random.default_rng(7)
    checked = 0
    for _ in range(400):
        k = int(rng.integers(1, 40))
        counts = rng.poisson(rng.exponential(2.0, size=k))
        if counts.sum() == 0:
            continue
        checked += 1
        assert entropy_plugin(counts) == pytest.approx(stats.entropy(counts), abs=1e-12)
        assert kl_mm(counts) == pytest.approx(
            math.log(k)
            - stats.entropy(counts)
            - (np.count_nonzero(counts) - 1) / (2 * counts.sum()),
            abs=1e-12,
        )
        result = chao1(counts)
        assert result.estimate == pytest.approx(alpha.chao1(counts), rel=1e-12)
        assert (result.low, result.high) == pytest.approx(alpha.chao1_ci(counts), rel=1e-12)
        assert sample_coverage(counts) == pytest.approx(alpha.goods_coverage(counts), rel=1e-12)
        for q in (0.5, 1, 2, 3):
            assert hill_number(counts, q) == pytest.approx(alpha.hill(counts, order=q), rel=1e-9)
        assert hill_number(counts, 0) == np.count_nonzero(counts)
        assert hill_number(counts, 2) == pytest.approx(alpha.inv_simpson(counts), rel=1e-9)
    assert checked > 350


def test_rows_are_scored_like_single_vectors() -> None:
    rows = np.random.default_rng(3).poisson(1.5, size=(20, 8))
    rows[0] = 0  # an empty row stays NaN without disturbing the others
    batched = chao1(rows)
    for i, row in enumerate(rows):
        single = chao1(row)
        for got, want in (
            (batched.estimate, single.estimate),
            (batched.low, single.low),
            (batched.high, single.high),
            (kl_mm(rows), kl_mm(row)),
            (hill_number(rows, 1), hill_number(row, 1)),
            (sample_coverage(rows), sample_coverage(row)),
        ):
            assert isinstance(got, np.ndarray)
            assert got[i] == pytest.approx(want, nan_ok=True)
    assert math.isnan(kl_mm(rows[0])) and math.isnan(chao1(rows[0]).estimate)  # type: ignore[arg-type]


def test_empty_counts_are_undefined() -> None:
    for value in (
        kl_mm([0, 0, 0]),
        hill_number([0, 0], 1),
        hill_number([0, 0], 0),
        hill_number([0, 0], 2),
        sample_coverage([0, 0]),
        chao1([0, 0]).high,
    ):
        assert isinstance(value, float) and math.isnan(value)


def test_rarefaction_is_the_mean_over_all_subsets() -> None:
    counts = np.array([3, 1, 0, 2])
    draws = [answer for answer, c in enumerate(counts) for _ in range(c)]
    sizes = np.arange(1, 8)
    got = rarefied_richness(counts, sizes)
    for m, value in zip(sizes[:-1], got[:-1], strict=True):
        subsets = itertools.combinations(draws, int(m))
        assert value == pytest.approx(np.mean([len(set(s)) for s in subsets]), rel=1e-12)
    assert math.isnan(got[-1])  # m = 7 > N = 6
    # the ideal sampler: K (1 − (1 − 1/K)^n), e.g. 6 (1 − 25/36) = 11/6 distinct in 2 rolls
    assert expected_richness_uniform(6, [1, 2]) == pytest.approx([1, 11 / 6])


def test_too_uniform_lists_have_a_small_lower_tail() -> None:
    # each face exactly 100 times, as a list that names every face once per reply
    even = chi_square_uniform([100] * 6)
    assert even.statistic == 0 and even.p_under == 0
    dice = chi_square_uniform(DICE_COUNTS)
    assert dice.p_under == pytest.approx(1 - dice.p_value, abs=1e-12)


def test_miller_madow_reduces_the_bias_of_the_plug_in_kl() -> None:
    # the ideal sampler, K = 10, N = 50: true KL 0, plug-in bias about (K − 1)/(2N) = 0.09
    counts = np.random.default_rng(11).multinomial(50, np.full(10, 0.1), size=4000)
    plug_in = np.array([kl_from_uniform(row) for row in counts])
    corrected = np.asarray(kl_mm(counts))
    assert plug_in.mean() == pytest.approx(9 / 100, rel=0.1)
    # what is left is the second-order term, about (K² − 1)/(12 N²) = 0.003 nats, and
    # faces not drawn (S_obs < K); the standard error of each mean is about 0.001
    assert abs(corrected.mean()) < 0.1 * plug_in.mean()
    assert corrected.mean() == pytest.approx(0.0033, abs=0.003)


def test_rarefaction_subsamples_the_invalid_draws_too() -> None:
    # answers 0, 0, 1 and one invalid draw: all 6 pairs of the 4 draws
    pairs = itertools.combinations(["a", "a", "b", None], 2)
    expected = np.mean([len({x for x in pair if x is not None}) for pair in pairs])
    assert rarefied_richness([2, 1], [2], invalid=1)[0] == pytest.approx(expected, rel=1e-12)


def test_sample_size_plot_draws_the_rarefied_coverage_and_the_ideal_curve() -> None:
    from vs_bench.analysis import plots
    from vs_bench.analysis.runs import PromptDraws
    from vs_bench.answer_set import AnswerSet

    answers = AnswerSet.of_labels(range(1, 7))
    texts = ["1", "1", "2", "x", "3", "1"]  # one invalid draw
    prompt = PromptDraws("roll", answers, texts)
    sizes, coverage = plots.rarefied_coverage([prompt, prompt], upto=50)
    assert sizes.tolist() == [1, 2, 3, 4, 5, 6]  # up to the 6 logged draws
    codes = [answers.match(t) for t in texts]
    for m, value in zip(sizes, coverage, strict=True):
        subsets = itertools.combinations(codes, int(m))
        by_hand = np.mean([len({c for c in s if c is not None}) for s in subsets]) / 6
        assert value == pytest.approx(by_hand, rel=1e-12)
    curve = plots.subsample([prompt], [1, 3, 6], repeats=20)
    figure = plots.sample_size_figure(
        "t", [("direct", curve)], [6], [1, 3, 6], rarefied={"direct": (sizes, coverage)}
    )
    lines = figure.axes[1].get_lines()
    assert np.array_equal(lines[0].get_ydata(), coverage)
    ideal_n, ideal = lines[-1].get_xdata(), lines[-1].get_ydata()
    assert np.allclose(ideal, 1 - (5 / 6) ** np.asarray(ideal_n, dtype=float))
