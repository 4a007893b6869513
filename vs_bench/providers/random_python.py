"""``random/python``: an ideal sampler that answers in the shape each format asks for.

It draws answers i.i.d. from the sample's reference answer set (uniformly, or by
the set's weights) with Python's ``random`` module and states each answer's true
probability (in a dialogue, which keeps one candidate by its stated probability, each
candidate's share of the list instead). The request tells it both what to answer and
how: the vs_bench solver puts the reply shape, the count and the sample's reference
(``vs_bench.ideal``) on the messages' metadata, so no prompt wording is parsed. It is
the reference row of every leaderboard and the model of the offline tests.

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
    ChatMessageUser,
    GenerateConfig,
    ModelAPI,
    ModelOutput,
    ModelUsage,
)
from inspect_ai.tool import ToolChoice, ToolInfo

from vs_bench import prompts
from vs_bench.answer_set import AnswerSet
from vs_bench.capabilities import DEFAULT_MAX_CHOICES, Capabilities
from vs_bench.checks import integer
from vs_bench.errors import VsBenchError
from vs_bench.formats import REQUEST_KEY, ReplyShape
from vs_bench.ideal import answers_of

MODEL_NAME = "python"
REASONING = "Each answer is an independent uniform draw from the full answer set."


class RandomPythonAPI(ModelAPI):
    # any number of choices a request; the only provider that reads the request metadata
    CAPABILITIES = Capabilities(DEFAULT_MAX_CHOICES, reads_request=True)

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig = GenerateConfig(),
        max_choices: int = DEFAULT_MAX_CHOICES,
        **model_args: Any,
    ) -> None:
        if model_name != MODEL_NAME:
            raise VsBenchError(f"unknown model random/{model_name}: use --model random/python")
        super().__init__(model_name, base_url, api_key, [], config)
        self.capabilities = Capabilities(
            integer("max_choices", max_choices, low=1, option="-M"), reads_request=True
        )

    def max_tokens(self) -> int | None:
        return None

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput:
        users = [m for m in input if isinstance(m, ChatMessageUser)]
        if not users:
            raise VsBenchError("random/python needs a user message holding the task prompt")
        rng = random.Random(config.seed) if config.seed is not None else random.Random()
        # a fixed --seed reaches every grader call: the text judged varies the draw
        prompt = users[0].text
        grading = random.Random(f"{config.seed}|{prompt}") if config.seed is not None else rng
        graded = grader_reply(prompt, grading)
        if graded is not None:
            return _output([graded], input)
        request, answers = sampler_request(input)
        reference = answers.reference.tolist()
        choices = []
        for _ in range(config.num_choices or 1):
            if answers.weights is None:
                texts = [rng.choice(answers.canonical) for _ in range(request.count)]
            else:
                texts = rng.choices(answers.canonical, reference, k=request.count)
            stated = (
                [1.0 / request.one_kept] * len(texts) if request.one_kept
                else [reference[answers.canonical.index(t)] for t in texts]
            )
            choices.append(request.render(texts, stated))
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
    from vs_bench.metrics.factual import normalize_answer  # case, punctuation, articles

    texts = _ITEM.split(fields["responses"])[1:]
    groups: dict[str, list[int]] = {}
    for number, text in enumerate(texts, start=1):
        groups.setdefault(normalize_answer(text), []).append(number)
    return json.dumps({"groups": list(groups.values())})


def _factual(fields: dict[str, str], rng: random.Random) -> str:
    from vs_bench.metrics.factual import normalize_answer  # the scorer's own matching

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
    # a dialogue keeps one of a turn's candidates by its stated probability
    # (vs_bench.dialogue): this many in all; the i.i.d. candidates then state 1/one_kept
    # each, so the one kept is a draw from the reference (their true probabilities would
    # favour the common answers twice); 0 outside a dialogue
    one_kept: int = 0

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


def sampler_request(messages: list[ChatMessage]) -> tuple[_Request, AnswerSet]:
    """What the last turn asks for, and the sample's reference, from the request's data.

    The vs_bench solver puts both on its user messages (``formats.request_metadata``):
    the reply shape and count on every turn, the reference on the first. A dialogue
    (``vs_bench.dialogue``) puts a reference on each partner message, its latest the one
    that holds: the reference is the last one given.
    """
    users = [m for m in messages if isinstance(m, ChatMessageUser)]
    requests = [(m.metadata or {}).get(REQUEST_KEY) or {} for m in users]
    ideal = next((r["ideal"] for r in reversed(requests) if "ideal" in r), None)
    last = requests[-1] if requests else None
    if not last or ideal is None:
        prompt = users[0].text[:80] if users else ""
        raise VsBenchError(
            f"random/python knows no answer set for the prompt {prompt!r}: it answers the "
            "requests of the vs_bench tasks (their messages carry the reference)"
        )
    reply = last["reply"]
    request = _Request(reply["shape"], int(reply["count"]), reply["field"], reply["reasoning"],
                       int(reply.get("one_kept", 0)))
    return request, answers_of(ideal)
