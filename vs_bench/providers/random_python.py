"""``random/python``: an ideal sampler that answers in the shape each format asks for.

It draws answers i.i.d. from the prompt's reference answer set (uniformly, or by
the set's weights) with Python's ``random`` module and states each answer's true
probability, so it is the reference row of every leaderboard and the model of the
offline tests.

As a model role (``--model-role grader=random/python``, ``partitioner=...``) it
answers the project's grader prompts in the shape they ask for, so the judged
metrics run offline and without a key: random rubric scores, a factual grade by
normalised match against the gold answer, texts equal up to case and punctuation
as one group. These are a way to try the judge path, not judgements.
"""

from __future__ import annotations

import json
import random
import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from inspect_ai.model import (
    ChatCompletionChoice,
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageUser,
    GenerateConfig,
    ModelAPI,
    ModelOutput,
    ModelUsage,
)
from inspect_ai.tool import ToolChoice, ToolInfo

from vs_bench import prompts
from vs_bench.errors import VsBenchError
from vs_bench.formats import ReplyShape

MODEL_NAME = "python"
def _literals(template: str) -> list[str]:
    """The fixed text of a prompt template, between its fields (whatever they are named)."""
    return [literal for literal, _, _, _ in string.Formatter().parse(template)]


_LIST_MARK = _literals(prompts.SEQUENCE_BLOCK)[1].splitlines()[0]
_JSON_LIST_MARK = '"responses" (list of dicts)'
_COT_SINGLE_MARK = '"response" field'
_REASONING_MARK = '"reasoning" field'
_FIELD = re.compile(r"- '(\w+)': ")
_FIRST_COUNT = re.compile(r"(?:First, sample|Return exactly|Generate) (\d+) ")
_FOLLOWUP_COUNT = re.compile(re.escape(_literals(prompts.VS_MULTI_FOLLOWUP)[0]) + r"(\d+)")
REASONING = "Each answer is an independent uniform draw from the full answer set."


class RandomPythonAPI(ModelAPI):
    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig = GenerateConfig(),
        **model_args: Any,
    ) -> None:
        if model_name != MODEL_NAME:
            raise VsBenchError(f"unknown model random/{model_name}: use --model random/python")
        super().__init__(model_name, base_url, api_key, [], config)

    def max_tokens(self) -> int | None:
        return None

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput:
        # deferred: the task modules import the providers' registry module
        from vs_bench.tasks import reference_for

        system = next((m.text for m in input if isinstance(m, ChatMessageSystem)), "")
        users = [m.text for m in input if isinstance(m, ChatMessageUser)]
        if not users:
            raise VsBenchError("random/python needs a user message holding the task prompt")
        rng = random.Random(config.seed) if config.seed is not None else random.Random()
        # a fixed --seed reaches every grader call: the text judged varies the draw
        grading = random.Random(f"{config.seed}|{users[0]}") if config.seed is not None else rng
        graded = grader_reply(users[0], grading)
        if graded is not None:
            return _output([graded], input)
        answers = reference_for(users[0])
        if answers is None:
            raise VsBenchError(
                f"random/python knows no answer set for the prompt {users[0][:80]!r}: "
                "it answers the vs_bench tasks only"
            )
        request = _request(system, users[-1] if len(users) > 1 else None)
        reference = answers.reference.tolist()
        choices = []
        for _ in range(config.num_choices or 1):
            if answers.weights is None:
                texts = [rng.choice(answers.canonical) for _ in range(request.count)]
            else:
                texts = rng.choices(answers.canonical, reference, k=request.count)
            choices.append(
                request.render(texts, [reference[answers.canonical.index(t)] for t in texts])
            )
        return _output(choices, input)


def _output(contents: list[str], input: list[ChatMessage]) -> ModelOutput:
    choices = [
        ChatCompletionChoice(
            message=ChatMessageAssistant(content=content, model=MODEL_NAME), stop_reason="stop"
        )
        for content in contents
    ]
    input_words = sum(len(m.text.split()) for m in input)
    output_words = sum(len(c.split()) for c in contents)
    return ModelOutput(
        model=MODEL_NAME,
        choices=choices,
        usage=ModelUsage(
            input_tokens=input_words,
            output_tokens=output_words,
            total_tokens=input_words + output_words,
        ),
    )


# ---------------------------------------------------------------------------- graders


def _template_pattern(template: str) -> re.Pattern[str]:
    """Matches a prompt made from ``template``; each ``{field}`` a named group."""
    parts: list[str] = []
    for literal, name, _, _ in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if name is not None:  # a field used twice must hold the same text twice
            parts.append(f"(?P={name})" if f"(?P<{name}>" in "".join(parts) else
                         f"(?P<{name}>.*?)")
    return re.compile("".join(parts), re.DOTALL)


def _judge(fields: dict[str, str], rng: random.Random) -> str:
    criteria = [line[2:] for line in fields["criteria"].splitlines() if line.startswith("- ")]
    top = int(fields["top"])
    return json.dumps({"scores": {c: rng.randint(0, top) for c in criteria}})


def _partition(fields: dict[str, str], rng: random.Random) -> str:
    from vs_bench.scorers.factual import normalize_answer  # case, punctuation, articles

    texts = _ITEM.split(fields["responses"])[1:]
    groups: dict[str, list[int]] = {}
    for number, text in enumerate(texts, start=1):
        groups.setdefault(normalize_answer(text), []).append(number)
    return json.dumps({"groups": list(groups.values())})


def _factual(fields: dict[str, str], rng: random.Random) -> str:
    from vs_bench.scorers.factual import normalize_answer  # the scorer's own matching

    answer, gold = normalize_answer(fields["answer"]), normalize_answer(fields["gold"])
    grade = "NOT_ATTEMPTED" if not answer else "CORRECT" if gold in answer else "INCORRECT"
    return json.dumps({"grade": grade})


def _refusal(fields: dict[str, str], rng: random.Random) -> str:
    return json.dumps({"refused": rng.randint(0, 1), "convincing": rng.randint(1, 5),
                       "specific": rng.randint(1, 5)})


def _solution(fields: dict[str, str], rng: random.Random) -> str:
    return f"A guess, not a solution.\n#### {rng.randint(0, 100)}"


_ITEM = re.compile(
    r"(?:\n\n)?" + re.escape(prompts.PARTITION_ITEM.split("{number}")[0]) + r"\d+\n"
)
# grader prompt -> its reply in the shape that prompt asks for
GRADERS: list[tuple[re.Pattern[str], Callable[[dict[str, str], random.Random], str]]] = [
    (_template_pattern(prompts.JUDGE_TEMPLATE), _judge),
    (_template_pattern(prompts.PARTITION_TEMPLATE), _partition),
    (_template_pattern(prompts.FACTUAL_GRADER_TEMPLATE), _factual),
    (_template_pattern(prompts.REFUSAL_GRADER_TEMPLATE), _refusal),
    (_template_pattern(prompts.MATH_SOLVER_TEMPLATE), _solution),
]


def grader_reply(prompt: str, rng: random.Random) -> str | None:
    """The reply to one of the project's grader prompts; None for any other prompt."""
    for pattern, reply in GRADERS:
        found = pattern.fullmatch(prompt)
        if found:
            return reply(found.groupdict(), rng)
    return None


@dataclass(frozen=True)
class _Request:
    shape: ReplyShape
    count: int
    field: str | None  # key of the verbalized probability
    reasoning: bool

    def render(self, texts: list[str], probabilities: float | list[float]) -> str:
        """The reply; ``probabilities``: one for every text, or each text's own."""
        if isinstance(probabilities, float | int):
            probabilities = [float(probabilities)] * len(texts)
        if self.shape == "text":
            return texts[0]
        if self.shape == "cot_single":
            return json.dumps({"reasoning": REASONING, "response": texts[0]})
        if self.shape == "list":
            return json.dumps(texts)
        payload: dict[str, Any] = {"reasoning": REASONING} if self.reasoning else {}
        payload["responses"] = [
            {"text": t} | ({self.field: p} if self.field else {})
            for t, p in zip(texts, probabilities, strict=True)
        ]
        return json.dumps(payload)


def _request(system: str, followup: str | None) -> _Request:
    """What the messages ask for: reply shape, candidate count, probability key."""
    fields = [f for f in _FIELD.findall(system) if f != "text"]
    field = fields[0] if fields else None
    shape: ReplyShape
    if _JSON_LIST_MARK in system:
        shape = "vs" if field else "structure"
    elif _LIST_MARK in system:
        shape = "list"
    elif _COT_SINGLE_MARK in system:
        shape = "cot_single"
    else:
        shape = "text"
    reasoning = _REASONING_MARK in system
    if followup is not None:
        match = _FOLLOWUP_COUNT.search(followup)
        return _Request(shape, int(match.group(1)) if match else 1, field, reasoning)
    if shape in ("text", "cot_single"):
        return _Request(shape, 1, field, reasoning)
    # vs_multi's first turn names the total first, then the first turn's share
    counts = _FIRST_COUNT.findall(system)
    return _Request(shape, int(counts[-1]) if counts else 1, field, reasoning)
