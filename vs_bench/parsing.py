"""Turn one model reply into candidates, or a counted parse failure.

Lenient where models are sloppy in known ways (code fences, prose around the
JSON, trailing commas, Python-literal lists, string items, "70%"), strict
otherwise: a reply that still does not parse raises :class:`ParseError`, which the
solver counts; it never becomes an empty answer.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from typing import Any

from vs_bench.formats import ReplyShape

_FENCE = re.compile(r"```[a-zA-Z0-9_-]*\s*\n?(.*?)```", re.DOTALL)
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
# Keys a model may use for the verbalized probability, whatever was asked.
PROBABILITY_KEYS = ("probability", "confidence", "prob", "likelihood", "score", "weight")
TEXT_KEYS = ("text", "response", "answer", "content")


class ParseError(ValueError):
    """The reply does not have the shape the format asked for."""


@dataclass(frozen=True)
class Candidate:
    text: str
    probability: float | None = None


def parse_reply(reply: str, shape: ReplyShape, expected: int = 1) -> list[Candidate]:
    """Candidates in ``reply`` for a call that asked for ``expected`` of them."""
    if shape == "text":
        text = _strip_fences(reply).strip()
        if not text:
            raise ParseError("empty reply")
        return [Candidate(text)]
    if shape == "cot_single":
        data = load_json(reply, "{")
        if not isinstance(data, dict):
            raise ParseError("expected a JSON object with a 'response' field")
        answer = _text_of(data)
        if answer is None:
            raise ParseError("JSON object has no 'response' field")
        return [Candidate(answer)]
    if shape == "list":
        try:
            data = load_json(reply, "[")
        except ParseError:
            # a model that answers one plain line instead of the list gave one candidate
            # (the solver counts the rest as under-delivered), not an unreadable reply
            line = _strip_fences(reply).strip()
            if line and "\n" not in line and not line.startswith(("[", "{")):
                return [Candidate(line)]
            raise
        if isinstance(data, dict) and isinstance(data.get("responses"), list):
            data = data["responses"]
        if not isinstance(data, list):
            raise ParseError("expected a list of strings")
        return _candidates(data, with_probability=False)
    data = load_json(reply, "{")
    items = data.get("responses") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ParseError("expected a JSON object with a 'responses' list")
    return _candidates(items, with_probability=shape == "vs")


def _candidates(items: list[Any], with_probability: bool) -> list[Candidate]:
    out = []
    for item in items:
        if isinstance(item, dict):
            text = _text_of(item)
            if text is None:
                raise ParseError("a response item has no 'text' field")
            prob = _probability(item) if with_probability else None
        elif isinstance(item, str | int | float) and not isinstance(item, bool):
            text, prob = str(item), None
        else:
            raise ParseError(f"unexpected response item {item!r:.60}")
        text = text.strip()
        if not text:
            raise ParseError("a response item is empty")
        out.append(Candidate(text, prob))
    if not out:
        raise ParseError("no responses in reply")
    return out


def _text_of(item: dict[str, Any]) -> str | None:
    for key in TEXT_KEYS:
        value = item.get(key)
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return str(value)
    return None


def _probability(item: dict[str, Any]) -> float | None:
    for key in PROBABILITY_KEYS:
        if key in item:
            return parse_probability(item[key])
    return None


def parse_probability(value: object) -> float | None:
    """A probability from 0.7, "0.7" or "70%"; None when it is not a number in [0, 1]."""
    try:
        if isinstance(value, str):
            text = value.strip()
            number = float(text.rstrip("%")) / 100 if text.endswith("%") else float(text)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
        else:
            return None
    except ValueError:
        return None
    return number if 0.0 <= number <= 1.0 else None


def _strip_fences(reply: str) -> str:
    match = _FENCE.search(reply)
    return match.group(1) if match else reply


def load_json(reply: str, opener: str) -> Any:
    """The outermost JSON (or Python literal) value that starts with ``opener``."""
    text = _strip_fences(reply)
    closer = "}" if opener == "{" else "]"
    start, end = text.find(opener), text.rfind(closer)
    if opener == "[" and (start < 0 or end < start):
        # a list may also arrive wrapped in {"responses": [...]}
        start, end, closer = text.find("{"), text.rfind("}"), "}"
    if start < 0 or end < start:
        raise ParseError("no [...] or {...} in reply" if opener == "[" else "no {...} in reply")
    body = _TRAILING_COMMA.sub(r"\1", text[start : end + 1])
    try:
        return json.loads(body)
    except json.JSONDecodeError:
        pass
    try:
        return ast.literal_eval(body)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        raise ParseError("reply is neither valid JSON nor a Python literal") from None
