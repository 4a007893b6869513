"""Cross-model homogeneity: worked examples, brute-force equality, and a leaderboard over
two models (random/python and a scripted model) with its column and matrix figure."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.model import get_model

from vs_bench._registry import TASKS
from vs_bench.analysis.homogeneity import KEY, homogeneity, others_mean, prompt_similarity
from vs_bench.analysis.leaderboard import build
from vs_bench.analysis.plots import plot_runs
from vs_bench.analysis.render import csv_rows
from vs_bench.analysis.runs import load_runs


def test_identical_within_orthogonal_across() -> None:
    same = np.array([[1.0, 0.0], [3.0, 0.0]])
    other = np.array([[0.0, 2.0]])
    matrix = prompt_similarity([same, other])
    assert matrix[0, 0] == pytest.approx(100.0)  # one pair, cosine 1
    assert matrix[0, 1] == matrix[1, 0] == pytest.approx(0.0)
    assert math.isnan(matrix[1, 1])  # one response: no pair within the model


def test_half_similar_across_models() -> None:
    # pairs across: cos(e1, e1) = 1, cos(e2, e1) = 0 -> 50; within the first: 0
    matrix = prompt_similarity([np.eye(2), np.array([[1.0, 0.0]])])
    assert matrix[0, 1] == pytest.approx(50.0)
    assert matrix[0, 0] == pytest.approx(0.0)


def test_prompt_similarity_equals_the_mean_over_all_pairs() -> None:
    rng = np.random.default_rng(5)
    models = [rng.normal(size=(n, 6)) for n in (4, 7, 2)]
    unit = [m / np.linalg.norm(m, axis=1, keepdims=True) for m in models]
    matrix = prompt_similarity(models)
    for a in range(3):
        for b in range(3):
            cosines = unit[a] @ unit[b].T
            if a == b:
                expected = cosines[np.triu_indices(len(cosines), k=1)].mean()
            else:
                expected = cosines.mean()
            assert matrix[a, b] == pytest.approx(100 * expected, rel=1e-12)


def test_a_model_without_responses_is_undefined() -> None:
    matrix = prompt_similarity([np.eye(2), np.zeros((0, 2))])
    assert np.isnan(matrix[1]).all() and np.isnan(matrix[:, 1]).all()


def test_others_mean_leaves_out_the_diagonal() -> None:
    matrix = np.array([[90.0, 10.0, 30.0], [10.0, 80.0, math.nan], [30.0, math.nan, 70.0]])
    assert others_mean(matrix).tolist() == [20.0, 10.0, 30.0]


def test_homogeneity_averages_the_prompts_two_models_answered() -> None:
    e1, e2 = np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]])
    responses = {
        "a": {"p": e1, "q": e1, "only a": e1},
        "b": {"p": e1, "q": e2},
    }
    result = homogeneity("joke", "direct", responses)
    assert result.prompts == 2  # "only a" has no second model
    assert result.per_prompt == {"a": {"p": 100.0, "q": 0.0}, "b": {"p": 100.0, "q": 0.0}}
    assert result.matrix[0, 1] == pytest.approx(50.0)
    assert math.isnan(result.matrix[0, 0])  # one response per prompt: no pair within


@pytest.mark.embed
def test_a_leaderboard_over_two_models_shows_homogeneity_and_writes_the_figure(
    tmp_path: Path,
) -> None:
    from vs_bench.metrics.embedding import get_embedder
    from vs_bench.metrics.similarity import cosine_kernel

    logs = tmp_path / "logs"
    joke = "My toaster and I are not speaking. It keeps bringing up old crumbs."
    for model in ("random/python", get_model("scripted/one-joke", replies=[joke])):
        log = inspect_eval(
            TASKS["joke_direct"](n=4, limit=2), model=model, log_dir=str(logs), seed=1
        )[0]
        assert log.status == "success", log.error
    runs, notes = load_runs(logs)
    assert len(runs) == 2 and all(KEY in r.metrics for r in runs)
    assert any(note.startswith("cross-model sim.") for note in notes)
    # the value by hand: mean cosine of each random/python joke with the scripted one
    embedder = get_embedder()
    ideal = next(r for r in runs if r.model == "random/python")
    values = []
    assert ideal.responses
    for _, texts in ideal.responses.values():
        kernel = cosine_kernel(embedder.encode([*texts, joke]))
        values.append(100 * kernel[:-1, -1].mean())
    assert ideal.metrics[KEY] == pytest.approx(np.mean(values), rel=1e-9)
    scripted = next(r for r in runs if r.model != "random/python")
    assert scripted.metrics[KEY] == pytest.approx(ideal.metrics[KEY], rel=1e-9)  # 2 models
    assert sorted(ideal.per_prompt[KEY].values()) == pytest.approx(sorted(values))

    board = build(runs)
    rows = board.task_rows(board.tasks[0])
    assert all(row.other(KEY) == row.run.metrics[KEY] for row in rows)
    assert KEY in board.task_keys(board.tasks[0])  # a column of the CSV, Markdown and HTML
    assert KEY in csv_rows(board)[0]

    written = plot_runs(runs, tmp_path / "plots", board=board)
    figures = [p.name for p in written if p.name.startswith("homogeneity_")]
    assert figures and all(name.endswith((".png", ".svg")) for name in figures)
    assert (tmp_path / "plots" / figures[0]).stat().st_size > 0


@pytest.mark.embed
def test_one_model_gets_no_homogeneity(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    log = inspect_eval(
        TASKS["joke_direct"](n=3, limit=1), model="random/python", log_dir=str(logs)
    )[0]
    assert log.status == "success"
    runs, notes = load_runs(logs)
    assert KEY not in runs[0].metrics
    assert not any(note.startswith("cross-model sim.") for note in notes)
