"""Cross-model homogeneity of creative responses: do different models write the same thing?

The measure of Infinity-Chat / "Artificial Hivemind" (Jiang et al. 2025): the mean
embedding cosine similarity between responses of different models to the same prompt.
Here it is computed for each task x format from the logged draws, with the embedder
the runs were scored with:

- a models x models matrix: off the diagonal, the mean similarity of model a's and
  model b's responses to a prompt, averaged over the prompts both answered; on the
  diagonal, the same within one model (pairs i < j of its own responses), for scale;
- ``homogeneity`` of each run: the mean over the other models of its row, computed per
  prompt (so the leaderboard resamples prompts for its interval) and then averaged.

Values are cosine x100; higher = more alike across models.

Jiang, L. et al. (2025). Artificial Hivemind: The Open-Ended Homogeneity of Language
Models (and Beyond). arXiv:2510.22954.
"""

from __future__ import annotations

import math
import warnings
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from vs_bench.errors import VsBenchError
from vs_bench.metrics import catalogue
from vs_bench.metrics.embedding import get_embedder


class Run(Protocol):
    """What this module reads and writes of a run (``vs_bench.analysis.runs.Run``, which
    calls ``annotate`` as it loads the runs: so this module does not import it)."""

    model: str
    task: str
    format: str
    metrics: dict[str, float]
    per_prompt: dict[str, dict[Any, float]]
    responses: dict[Any, tuple[str, list[str]]]
    embedder: str | None


KEY = "homogeneity"  # its catalogue row: label, direction, scale
SCALE = 100.0
Vectors = npt.NDArray[np.float64]


def _unit_sum(vectors: npt.ArrayLike) -> tuple[Vectors, int]:
    rows = np.asarray(vectors, dtype=np.float64)
    if rows.size == 0:
        return np.zeros(0), 0
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return (rows / np.where(norms > 0, norms, 1.0)).sum(axis=0), rows.shape[0]


def prompt_similarity(responses: Sequence[npt.ArrayLike]) -> Vectors:
    """Models x models mean cosine similarity (x100) of the responses to one prompt.

    ``responses[a]`` holds the embeddings of model a's responses (one row each).
    Off the diagonal: mean over all pairs (i of a, j of b) of cos(x_i, x_j), which is
    the dot product of the two models' summed unit vectors over n_a n_b. On the
    diagonal: mean over pairs i < j within the model, (|sum u|^2 - n) / (n (n - 1)).
    NaN where a model has no responses (or only one, on the diagonal).
    """
    sums, counts = zip(*(_unit_sum(r) for r in responses), strict=True)
    size = len(responses)
    matrix = np.full((size, size), math.nan)
    for a in range(size):
        for b in range(size):
            if a == b and counts[a] >= 2:
                total = float(sums[a] @ sums[a])
                matrix[a, a] = (total - counts[a]) / (counts[a] * (counts[a] - 1))
            elif a != b and counts[a] and counts[b]:
                matrix[a, b] = float(sums[a] @ sums[b]) / (counts[a] * counts[b])
    return SCALE * matrix


def _nanmean(values: Vectors, axis: int) -> Vectors:
    with warnings.catch_warnings():  # an all-NaN slice is NaN: undefined stays undefined
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(np.nanmean(values, axis=axis), dtype=np.float64)


def others_mean(matrix: npt.ArrayLike) -> Vectors:
    """Each model's mean similarity to the other models (its row without the diagonal)."""
    values = np.array(matrix, dtype=np.float64)
    np.fill_diagonal(values, math.nan)
    return _nanmean(values, axis=1)


@dataclass(frozen=True)
class Homogeneity:
    """The cross-model similarity of one task x format."""

    task: str
    format: str
    models: list[str]
    matrix: Vectors  # models x models, x100, mean over the prompts
    per_prompt: dict[str, dict[str, float]]  # model -> prompt -> mean similarity to others
    prompts: int  # prompts answered by at least two models
    embedder: str


def homogeneity(
    task: str,
    fmt: str,
    responses: Mapping[str, Mapping[str, Vectors]],
    embedder: str = "",
) -> Homogeneity:
    """The matrix and per-prompt values from ``responses[model][prompt]`` (embeddings)."""
    models = list(responses)
    prompts = [
        p
        for p in dict.fromkeys(p for m in models for p in responses[m])
        if sum(p in responses[m] for m in models) >= 2
    ]
    empty = np.zeros((0, 0))
    matrices = [prompt_similarity([responses[m].get(p, empty) for m in models]) for p in prompts]
    per_prompt: dict[str, dict[str, float]] = {m: {} for m in models}
    for prompt, matrix in zip(prompts, matrices, strict=True):
        for model, value in zip(models, others_mean(matrix), strict=True):
            if not math.isnan(value):
                per_prompt[model][prompt] = float(value)
    size = len(models)
    mean = _nanmean(np.stack(matrices), axis=0) if matrices else np.full((size, size), math.nan)
    return Homogeneity(task, fmt, models, mean, per_prompt, len(prompts), embedder)


# ---------------------------------------------------------------------------- from runs


def _creative(run: Run) -> bool:
    return "semantic_diversity" in run.metrics and bool(run.responses)


def groups(runs: Sequence[Run]) -> dict[tuple[str, str], list[Run]]:
    """Creative runs by task x format, where at least two models answered."""
    grouped: dict[tuple[str, str], list[Run]] = defaultdict(list)
    for run in runs:
        if _creative(run):
            grouped[(run.task, run.format)].append(run)
    return {key: group for key, group in grouped.items() if len({r.model for r in group}) >= 2}


def measure(runs: Sequence[Run]) -> tuple[list[Homogeneity], list[str]]:
    """The homogeneity of every task x format that two or more models ran, and notes."""
    results: list[Homogeneity] = []
    notes: list[str] = []
    for (task, fmt), unordered in sorted(groups(runs).items()):
        group = sorted(unordered, key=lambda r: r.model)
        specs = {r.embedder for r in group}
        if len(specs) > 1:
            notes.append(
                f"{task} {fmt}: no cross-model similarity, the runs used different "
                f"embedders ({', '.join(sorted(str(s) for s in specs))})"
            )
            continue
        try:
            embedder = get_embedder(specs.pop())
        except VsBenchError as ex:
            notes.append(f"{task} {fmt}: no cross-model similarity ({ex})")
            continue
        responses = {
            run.model: {
                prompt: embedder.encode(texts) for prompt, texts in run.responses.values() if texts
            }
            for run in group
        }
        results.append(homogeneity(task, fmt, responses, embedder.name))
    return results, notes


def annotate(runs: Sequence[Run]) -> list[str]:
    """Add ``homogeneity`` to the metrics and per-prompt values of each creative run that
    shares its task x format with another model; returns notes for the leaderboard."""
    results, notes = measure(runs)
    for result in results:
        for run in runs:
            if (run.task, run.format) != (result.task, result.format) or not _creative(run):
                continue
            values = result.per_prompt.get(run.model, {})
            by_id = {
                sample_id: values[prompt]
                for sample_id, (prompt, _) in run.responses.items()
                if prompt in values
            }
            if by_id:
                run.per_prompt[KEY] = by_id
                run.metrics[KEY] = float(np.mean(list(by_id.values())))
    if results:
        notes.append(
            f"{catalogue.CATALOGUE[KEY].label}: mean cosine similarity x100 of a model's "
            "responses and the other models' to the same prompt, same task and format "
            f"(higher = more alike); embedder {results[0].embedder}"
        )
    return notes
