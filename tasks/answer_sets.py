"""Answer-set tasks: state_name (a US state) and open_qa ("Name a ..." questions).

Each question has a list of valid answers, each a list of aliases (first alias =
canonical). Question sets are JSON files in the paper authors' shape,
``{question: {"answers": [[alias, ...], ...]}}``; the authors' wrapped form
``{"ground_truth": {question: ...}, ...}`` is read too. The shipped sets live in
``data/``; ``-T ground_truth=PATH`` (open_qa) loads another one.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from inspect_ai import Task
from inspect_ai.dataset import Sample

from vs_bench.answer_set import AnswerSet, normalize
from vs_bench.errors import VsBenchError
from vs_bench.scorers import distribution_scorer
from vs_bench.tasks._common import SUBSET_SEED, TEMPERATURE, TOP_P, build_task

DATA = Path(__file__).parent / "data"
STATE_NAME_FILE = DATA / "state_name.json"
OPEN_QA_FILE = DATA / "open_qa.json"
SHAPE = '{"question": {"answers": [["alias", ...], ...]}, ...}'

# Question sets loaded by path in this process, so that random/python can answer them.
_LOADED: dict[str, AnswerSet] = {}


def _fail(path: Path, reason: str) -> VsBenchError:
    return VsBenchError(f"ground truth {path}: {reason}; expected JSON {SHAPE}")


def _answer_set(path: Path, question: str, entry: Any) -> AnswerSet:
    where = f"question {question[:60]!r}"
    answers = entry.get("answers") if isinstance(entry, dict) else None
    if not isinstance(answers, list) or not answers:
        raise _fail(path, f'{where} needs "answers", a non-empty list of alias lists')
    groups: list[list[str]] = []
    for group in answers:
        aliases = [group] if isinstance(group, str) else group
        if not isinstance(aliases, list) or not aliases or not all(
            isinstance(a, str) and normalize(a) for a in aliases
        ):
            raise _fail(path, f"{where} has an answer {group!r} that is not a list of names")
        groups.append(aliases)
    answer_set = AnswerSet.from_aliases(groups)
    # An alias in two different answers would be counted for whichever comes first.
    owner: dict[str, int] = {}
    for index, group in enumerate(answer_set.groups):
        for alias in group:
            first = owner.setdefault(normalize(alias), index)
            if first != index:
                raise _fail(
                    path,
                    f"{where}: {alias!r} names two answers ({answer_set.groups[first][0]!r} "
                    f"and {group[0]!r}); keep it in one",
                )
    return answer_set


def read_ground_truth(path: str | Path) -> dict[str, AnswerSet]:
    """Question -> answer set, in file order; a one-line error for a bad file.

    Alias groups repeated verbatim count once (the authors' Summer Olympics question
    lists Stockholm twice).
    """
    file = Path(path)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise VsBenchError(
            f"ground truth file {file} does not exist: pass the path of a JSON file {SHAPE}"
        ) from None
    except (OSError, UnicodeDecodeError) as ex:
        raise _fail(file, f"cannot be read ({ex})") from None
    except json.JSONDecodeError as ex:
        raise _fail(file, f"not valid JSON (line {ex.lineno}: {ex.msg})") from None
    if isinstance(data, dict) and isinstance(data.get("ground_truth"), dict):
        data = data["ground_truth"]
    if not isinstance(data, dict) or not data:
        raise _fail(file, "no questions (the top level must be a non-empty object)")
    return {str(q): _answer_set(file, str(q), entry) for q, entry in data.items()}


def load_ground_truth(path: str | Path) -> dict[str, AnswerSet]:
    """``read_ground_truth``, and random/python answers its questions from now on."""
    questions = read_ground_truth(path)
    _LOADED.update(questions)
    return questions


@cache
def shipped(path: Path) -> dict[str, AnswerSet]:
    return read_ground_truth(path)


def _task(
    questions: dict[str, AnswerSet], format: str, limit: object | None, seed: object,
    **params: Any,
) -> Task:
    samples = [
        Sample(input=question, id=index, metadata={"answer_set": answers.to_metadata()})
        for index, (question, answers) in enumerate(questions.items(), start=1)
    ]
    return build_task(
        samples, distribution_scorer(), format=format, plausible=True, limit=limit, seed=seed,
        calibrate=True,
        **params,
    )


def state_name(
    format: str = "direct",
    n: int = 100,
    k: int = 20,
    m: int | None = None,
    temperature: float = TEMPERATURE,
    top_p: float = TOP_P,
    tail: float | None = None,
    probability_definition: str | None = None,
    limit: int | None = None,
    seed: int = SUBSET_SEED,
) -> Task:
    """Name a US state; reference: uniform over the 50 states (names, postal codes)."""
    return _task(
        shipped(STATE_NAME_FILE), format, limit, seed, n=n, k=k, m=m, temperature=temperature,
        top_p=top_p, tail=tail, probability_definition=probability_definition,
    )


def open_qa(
    format: str = "direct",
    n: int = 100,
    k: int = 20,
    m: int | None = None,
    ground_truth: str | None = None,
    temperature: float = TEMPERATURE,
    top_p: float = TOP_P,
    tail: float | None = None,
    probability_definition: str | None = None,
    limit: int | None = None,
    seed: int = SUBSET_SEED,
) -> Task:
    """Open-ended "Name a ..." questions; reference: uniform over each question's answers.

    ``ground_truth``: a question-set JSON file in the paper authors' shape (default:
    the shipped set).
    """
    if ground_truth is None:
        questions = shipped(OPEN_QA_FILE)
    else:
        questions = load_ground_truth(str(ground_truth))
    return _task(
        questions, format, limit, seed, n=n, k=k, m=m, temperature=temperature,
        top_p=top_p, tail=tail, probability_definition=probability_definition,
    )


def reference(prompt: str) -> AnswerSet | None:
    """The answer set of a known question: loaded files first, then the shipped sets."""
    for questions in (_LOADED, shipped(STATE_NAME_FILE), shipped(OPEN_QA_FILE)):
        if prompt in questions:
            return questions[prompt]
    return None
