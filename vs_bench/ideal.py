"""What an ideal sampler draws for a sample, carried by the sample and by its requests.

``build_task`` writes it into every sample's metadata (``IDEAL_KEY``): the labels of
the sample's answer set with their reference weights, else its target, else canned
texts named by key (the creative and graded families). The solver passes it along
with the first turn of every call (``formats.request_metadata``), and random/python
draws from it: the reference comes from the sample, not from the prompt's wording.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from vs_bench import registry
from vs_bench.answer_set import AnswerSet
from vs_bench.errors import VsBenchError

IDEAL_KEY = "ideal"


def of_answers(answers: AnswerSet) -> dict[str, Any]:
    """The canonical labels of ``answers`` and their weights (None: uniform)."""
    weights = list(answers.weights) if answers.weights is not None else None
    return {"answers": answers.canonical, "weights": weights}


def of_canned(keys: Sequence[str]) -> dict[str, Any]:
    return {"canned": list(keys)}


def answers_of(ideal: Mapping[str, Any]) -> AnswerSet:
    """The answer set an ideal sampler draws from, as ``of_answers`` / ``of_canned`` wrote it."""
    if "canned" in ideal:
        # the canned texts are task data: the task package ships them to the registry
        return registry.canned(ideal["canned"])
    if "answers" in ideal:
        labels = AnswerSet.of_labels(ideal["answers"])
        weights = ideal.get("weights")
        return labels if weights is None else labels.with_weights(weights)
    raise VsBenchError(f"no reference in {dict(ideal)!r}: expected 'answers' or 'canned'")
