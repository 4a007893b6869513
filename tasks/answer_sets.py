"""Answer-set tasks: state_name (a US state) and open_qa ("Name a ..." questions).

Each question has a list of valid answers, each a list of aliases (first alias =
canonical). Question sets are JSON files in the paper authors' shape,
``{question: {"answers": [[alias, ...], ...]}}``; the authors' wrapped form
``{"ground_truth": {question: ...}, ...}`` is read too. The shipped sets live in
``data/``; ``-T ground_truth=PATH`` (open_qa) loads another one.

A new family of this kind is a module calling ``question_set_family`` with its own
question file (README, "Adding a task").
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from inspect_ai import Task
from inspect_ai.dataset import Sample
from inspect_ai.scorer import Scorer

from vs_bench.answer_set import AnswerSet
from vs_bench.errors import VsBenchError
from vs_bench.ground_truth import read_ground_truth as read_ground_truth  # the core's reader
from vs_bench.scorers import distribution_scorer
from vs_bench.tasks._family import DATA, Own, family

STATE_NAME_FILE = DATA / "state_name.json"
OPEN_QA_FILE = DATA / "open_qa.json"


@cache
def shipped(path: Path) -> dict[str, AnswerSet]:
    """The question set of a file of the package (read once)."""
    return read_ground_truth(path)


def _scorers(own: Own) -> list[Scorer]:
    return [distribution_scorer()]


def samples(questions: dict[str, AnswerSet]) -> list[Sample]:
    """One sample per question, carrying its answer set."""
    return [
        Sample(input=question, id=index, metadata={"answer_set": answers.to_metadata()})
        for index, (question, answers) in enumerate(questions.items(), start=1)
    ]


def file_answers(path: Path) -> Callable[[str], AnswerSet]:
    """``vs-bench score``: a one-question set answers any prompt (whatever its wording);
    a set of several questions, the prompt's own."""

    def answers(prompt: str) -> AnswerSet:
        questions = shipped(path)
        if len(questions) == 1:
            return next(iter(questions.values()))
        if prompt not in questions:
            raise VsBenchError(
                f"no answer set is known for the prompt {prompt[:80]!r}: "
                "pass --ground-truth FILE.json holding that question"
            )
        return questions[prompt]

    return answers


def file_reference(path: Path) -> Callable[[str], AnswerSet | None]:
    """The answer set of one of the file's questions, None for any other prompt."""
    return lambda prompt: shipped(path).get(prompt)


def question_set_family(
    name: str, path: Path, *, doc: str, n: int = 100, k: int = 20, version: int = 1
) -> Callable[..., Task]:
    """Register the family ``name``: the questions of the file ``path`` (the shape above).

    Each question is a sample scored by the distribution metrics against its answer set
    (uniform reference), calibrated in the VS formats. ``doc``: the task's description.
    """

    def builder() -> list[Sample]:
        return samples(shipped(path))

    builder.__doc__ = doc
    return family(
        name=name, n=n, k=k, scorers=_scorers, calibrate=True, answers=file_answers(path),
        reference=file_reference(path), version=version, kind="answer_set", primary="kl_mm",
    )(builder)


state_name = question_set_family(
    "state_name", STATE_NAME_FILE,
    doc="Name a US state; reference: uniform over the 50 states (names, postal codes).",
)


@family(
    n=100, k=20, scorers=_scorers, calibrate=True, answers=file_answers(OPEN_QA_FILE),
    reference=file_reference(OPEN_QA_FILE), kind="answer_set", primary="kl_mm",
)
def open_qa(*, ground_truth: str | None = None) -> list[Sample]:
    """Open-ended "Name a ..." questions; reference: uniform over each question's answers.

    Args:
        ground_truth: a question-set JSON file in the paper authors' shape (default:
            the shipped set).
    """
    if ground_truth is None:
        return samples(shipped(OPEN_QA_FILE))
    return samples(read_ground_truth(str(ground_truth)))
