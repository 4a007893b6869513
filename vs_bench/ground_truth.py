"""Question sets: JSON files of questions with their valid answers (alias lists).

The paper authors' shape, ``{question: {"answers": [[alias, ...], ...]}}`` (first alias =
canonical); their wrapped form ``{"ground_truth": {question: ...}, ...}`` is read too.
The answer-set families ship theirs (``tasks/data``); ``vs-bench score --ground-truth``
and ``-T ground_truth=PATH`` read another one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from vs_bench.answer_set import AnswerSet, normalize
from vs_bench.errors import VsBenchError

SHAPE = '{"question": {"answers": [["alias", ...], ...]}, ...}'

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
