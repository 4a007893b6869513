"""simpleqa: 300 short factual questions (SimpleQA, 30 per topic), as in the paper.

Each question is one sample with its gold answer as the target; N answers per
question (paper: N = 5, k = 5), scored by top-1 accuracy and pass@N. Data:
``data/simpleqa.jsonl`` (question, answer, topic, answer_type; see data/ATTRIBUTION.md).
"""

from __future__ import annotations

from functools import cache

from inspect_ai.dataset import FieldSpec, Sample, json_dataset

from vs_bench.answer_set import AnswerSet
from vs_bench.errors import VsBenchError
from vs_bench.scorers.factual_scorer import exact_match_scores, factual_scorer
from vs_bench.tasks._family import DATA, family

QUESTIONS_FILE = DATA / "simpleqa.jsonl"


# a row: the question, its gold answer (the target), topic and answer type (metadata)
FIELDS = FieldSpec(input="question", target="answer", metadata=["topic", "answer_type"])


@cache
def dataset() -> tuple[Sample, ...]:
    """The questions as samples (ids 1, 2, ... in file order), read by Inspect's reader."""
    return tuple(json_dataset(str(QUESTIONS_FILE), FIELDS, auto_id=True))


@cache
def questions() -> dict[str, dict[str, str]]:
    """Question -> its row (answer, topic, answer_type), in file order."""
    return {
        str(s.input): {"question": str(s.input), "answer": str(s.target), **(s.metadata or {})}
        for s in dataset()
    }


def reference(prompt: str) -> AnswerSet | None:
    """The gold answer of a simpleqa question, None for any other prompt."""
    row = questions().get(prompt)
    return AnswerSet.of_labels([row["answer"]]) if row else None


def scoring(prompt: str, texts: list[str], probabilities: list[float | None]) -> dict[str, float]:
    """``vs-bench score`` (no grader): exact match against the question's gold answer."""
    row = questions().get(prompt)
    if row is None:
        raise VsBenchError(f"{prompt[:80]!r} is not a simpleqa question: pass its exact text")
    return exact_match_scores(texts, probabilities, row["answer"])


@family(
    n=5, k=5, scorers=lambda own: [factual_scorer()], rescore=scoring, reference=reference,
    kind="factual", primary="top1_accuracy",
)
def simpleqa() -> list[Sample]:
    """Short factual questions; top-1 accuracy and pass@N against the gold answer.

    Graded by the `grader` model role (correct / incorrect / not attempted) when one
    is given, else by normalised exact match. The ideal sampler answers the gold answer.
    """
    return [s.model_copy(deep=True) for s in dataset()]
