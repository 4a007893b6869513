"""Effective and functional diversity of one prompt's responses (creative tasks).

Pure functions on embedding rows and class labels:

- ``vendi``: the Vendi score of order 1 with the cosine kernel, the effective number
  of distinct responses (Friedman & Dieng 2023);
- ``similarity_classes`` and ``distinct_k``: NoveltyBench's functional-equivalence
  classes, here from an embedding-similarity threshold, and their number (Zhang et al.
  2025); ``parse_partition`` reads the classes a grader model returns instead;
- ``utility_k``: NoveltyBench's patience-discounted utility of the novel responses.

``DEFAULT_THRESHOLD`` was calibrated with the packaged all-MiniLM-L6-v2 embedder on
paraphrase pairs and on sets of different texts (``benchmarks/equivalence_threshold.py``
prints the figures; the README has them).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from vs_bench import prompts
from vs_bench.parsing import ParseError, load_json

# cosine similarity at or above which two responses are one functional-equivalence class
DEFAULT_THRESHOLD = 0.80
PATIENCE = 0.8  # NoveltyBench's: the chance that a user asks for one more response


def _unit_rows(vectors: npt.ArrayLike) -> npt.NDArray[np.float64]:
    rows = np.atleast_2d(np.asarray(vectors, dtype=np.float64))
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms > 0, norms, 1.0)


def cosine_kernel(vectors: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """K[i, j] = cos(x_i, x_j): the Gram matrix of the row-normalised embeddings."""
    unit = _unit_rows(vectors)
    return unit @ unit.T


def vendi(vectors: npt.ArrayLike) -> float:
    """Vendi score of order 1 on the cosine kernel; NaN for no rows.

    VS = exp(-sum_i l_i ln l_i), l_i the eigenvalues of K/n, K[i, j] = cos(x_i, x_j)
    (0 ln 0 = 0): the exponential of the Shannon entropy of the eigenvalues, i.e. the
    effective number of distinct responses. 1 when all n responses embed alike, n when
    their embeddings are mutually orthogonal.

    The nonzero eigenvalues of K/n = U U^T / n equal those of U^T U / n, so the smaller
    of the two (n x n or d x d) is decomposed: the d x d form makes large n cheap.

    Friedman, D. & Dieng, A. B. (2023). The Vendi Score: A Diversity Evaluation Metric
    for Machine Learning. TMLR. Equal to ``vendi_score.vendi.score_X(X, q=1)``.
    """
    if not np.size(vectors):
        return math.nan
    unit = _unit_rows(vectors)
    n = unit.shape[0]
    gram = unit @ unit.T if n <= unit.shape[1] else unit.T @ unit
    eigenvalues = np.linalg.eigvalsh(gram / n)
    positive = eigenvalues[eigenvalues > 0]  # rounding leaves tiny negatives: they are 0
    return float(np.exp(-np.sum(positive * np.log(positive))))


def similarity_classes(
    vectors: npt.ArrayLike, threshold: float = DEFAULT_THRESHOLD
) -> npt.NDArray[np.int64]:
    """Functional-equivalence class of each response, from embedding similarity.

    NoveltyBench's greedy partition in response order: response i joins the first class
    (in order of creation) whose representative, its first member, has cosine similarity
    >= ``threshold`` with it; otherwise it founds a new class. Classes are numbered
    0, 1, ... in order of their first member.

    Zhang, Y. et al. (2025). NoveltyBench: Evaluating Language Models for Humanlike
    Diversity. arXiv:2504.05228 (there the test is a trained classifier).
    """
    similarity = cosine_kernel(vectors) if np.size(vectors) else np.zeros((0, 0))
    classes = np.empty(similarity.shape[0], dtype=np.int64)
    representatives: list[int] = []
    for i in range(similarity.shape[0]):
        joined = next(
            (c for c, r in enumerate(representatives) if similarity[r, i] >= threshold), None
        )
        if joined is None:
            joined = len(representatives)
            representatives.append(i)
        classes[i] = joined
    return classes


def distinct_k(classes: npt.ArrayLike) -> float:
    """distinct_k = |{c_i : i = 1..k}|, the number of classes among the k responses.

    NaN for no responses. Zhang et al. (2025), NoveltyBench, eq. 1; k is the number of
    responses, so values compare only at equal k.
    """
    labels = np.asarray(classes)
    return float(np.unique(labels).size) if labels.size else math.nan


def utility_k(
    classes: Sequence[int], quality: Sequence[float | None], patience: float = PATIENCE
) -> float:
    """NoveltyBench's cumulative utility of the responses in order.

    utility_k = (1 - p) / (1 - p^k) * sum_{i=1..k} p^(i-1) * 1[c_i != c_j for all j < i] * u_i

    with p the patience (a user asks for one more response with probability p), c_i the
    class and u_i the quality of response i. A response repeating an earlier class adds
    nothing; the factor makes utility_k equal u when all k responses are novel and of
    quality u. Responses without a quality (None: the grader's reply did not parse) are
    left out before the sum, so k counts the judged ones. NaN when none is judged.

    Zhang et al. (2025), NoveltyBench, eq. 2 (there u_i is a reward-model score 1..10;
    here the judged quality 0..100 of the response).
    """
    if len(classes) != len(quality):
        raise ValueError(f"{len(classes)} classes but {len(quality)} quality values")
    if not 0 < patience < 1:
        raise ValueError(f"patience {patience} must be between 0 and 1 (exclusive)")
    judged = [(c, u) for c, u in zip(classes, quality, strict=True) if u is not None]
    if not judged:
        return math.nan
    seen: set[int] = set()
    total = 0.0
    for position, (label, value) in enumerate(judged):
        if label not in seen:
            seen.add(label)
            total += patience**position * value
    k = len(judged)
    return (1 - patience) / (1 - patience**k) * total


def partition_prompt(request: str, texts: Sequence[str]) -> str:
    """The partitioner's prompt: the request and its responses numbered from 1."""
    responses = "\n\n".join(
        prompts.PARTITION_ITEM.format(number=i, text=t) for i, t in enumerate(texts, start=1)
    )
    return prompts.PARTITION_TEMPLATE.format(count=len(texts), prompt=request, responses=responses)


def _index(value: object, count: int) -> int:
    if isinstance(value, bool):
        raise ParseError(f"{value!r} is not a response number")
    try:
        number = int(str(value).strip().lstrip("#"))
    except ValueError:
        raise ParseError(f"{value!r} is not a response number") from None
    if not 1 <= number <= count:
        raise ParseError(f"response {number} does not exist (1..{count})")
    return number - 1


def parse_partition(reply: str, count: int) -> npt.NDArray[np.int64]:
    """Class of each of ``count`` responses from a partitioner's reply; ParseError if invalid.

    Expects ``{"groups": [[1, 4], [2], [3, 5]]}`` (a bare list of lists is accepted, and
    numbers may be strings): groups of 1-based response numbers in which every response
    appears exactly once. Classes are numbered in order of their first member, as in
    ``similarity_classes``.
    """
    data = load_json(reply, "[")
    groups = data.get("groups") if isinstance(data, dict) else data
    if not isinstance(groups, list) or not all(isinstance(g, list) for g in groups):
        raise ParseError('expected {"groups": [[response numbers], ...]}')
    owner = np.full(count, -1, dtype=np.int64)
    for group_number, group in enumerate(groups):
        for value in group:
            index = _index(value, count)
            if owner[index] >= 0:
                raise ParseError(f"response {index + 1} is in two groups")
            owner[index] = group_number
    missing = np.flatnonzero(owner < 0)
    if missing.size:
        listed = ", ".join(str(i + 1) for i in missing[:5])
        raise ParseError(f"response(s) {listed} in no group")
    # renumber by first member: group order in the reply carries no meaning
    _, first, inverse = np.unique(owner, return_index=True, return_inverse=True)
    order = np.argsort(np.argsort(first))
    return order[inverse].astype(np.int64)
