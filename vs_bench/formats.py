"""The eight prompting formats: what each call asks for, and the call plan for N draws."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from inspect_ai.model import ResponseSchema
from inspect_ai.util import JSONSchema

from vs_bench import prompts
from vs_bench.errors import VsBenchError

ReplyShape = Literal["text", "cot_single", "list", "structure", "vs"]


@dataclass(frozen=True)
class Format:
    """A prompting method of the paper (the README's Formats table)."""

    name: str
    shape: ReplyShape
    batched: bool  # k candidates per call, else one
    conversation: bool  # later candidates come from follow-up turns
    cot: bool = False
    default_definition: prompts.ProbabilityDefinition | None = None

    @property
    def probabilities(self) -> bool:
        return self.default_definition is not None


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("direct", "text", batched=False, conversation=False),
        Format("direct_cot", "cot_single", batched=False, conversation=False, cot=True),
        Format("sequence", "list", batched=True, conversation=False),
        Format("structure", "structure", batched=True, conversation=False),
        Format("multi_turn", "text", batched=False, conversation=True),
        Format(
            "vs_standard", "vs", batched=True, conversation=False, default_definition="explicit"
        ),
        Format(
            "vs_cot",
            "vs",
            batched=True,
            conversation=False,
            cot=True,
            default_definition="explicit",
        ),
        Format("vs_multi", "vs", batched=True, conversation=True, default_definition="confidence"),
    )
}

# Method names of the paper's code (and the seed CLI).
ALIASES: dict[str, str] = {
    "seq": "sequence",
    "structure_with_prob": "vs_standard",
    "chain_of_thought": "vs_cot",
    "combined": "vs_multi",
}


def resolve_format(name: str) -> Format:
    """The format called ``name`` or one of its aliases; a one-line error otherwise."""
    key = ALIASES.get(str(name), str(name))
    if key not in FORMATS:
        raise VsBenchError(
            f"unknown format {name!r}: use one of {', '.join(FORMATS)} "
            f"(aliases: {', '.join(f'{a}={b}' for a, b in ALIASES.items())})"
        )
    return FORMATS[key]


@dataclass(frozen=True)
class Budget:
    """N draws per prompt, k per call (or per conversation), m per turn of vs_multi."""

    n: int
    k: int
    m: int

    @staticmethod
    def make(fmt: Format, n: object, k: object, m: object | None) -> Budget:
        n_, k_ = _positive_int("n", n), _positive_int("k", k)
        if (fmt.batched or fmt.conversation) and n_ % k_:
            raise VsBenchError(
                f"n={n_} is not a multiple of k={k_}: pass -T n={n_ - n_ % k_ or k_} "
                f"or a k that divides {n_}"
            )
        m_ = _positive_int("m", m) if m is not None else default_m(k_)
        if m_ > k_:
            raise VsBenchError(f"m={m_} is larger than k={k_}: pass -T m=<1..{k_}>")
        return Budget(n_, k_, m_)

    def plan(self, fmt: Format, choices: int = 1) -> list[list[int]]:
        """Candidates asked per turn, one list per independent call or conversation.

        ``choices``: one-answer formats ask for up to this many answers per request
        (``num_choices``) where the provider returns several choices per request.
        """
        if not fmt.batched and not fmt.conversation:
            whole, rest = divmod(self.n, choices)
            return [[choices]] * whole + ([[rest]] if rest else [])
        if not fmt.conversation:
            return [[self.k]] * (self.n // self.k)
        if not fmt.batched:  # multi_turn: k turns of one answer
            return [[1] * self.k] * (self.n // self.k)
        turns = [self.m] * (self.k // self.m) + ([self.k % self.m] if self.k % self.m else [])
        return [turns] * (self.n // self.k)


def default_m(k: int) -> int:
    """Candidates per vs_multi turn when not given: half the conversation, rounded up."""
    return max(1, -(-k // 2))


def _positive_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise VsBenchError(f"{name}={value!r} is not an integer: pass -T {name}=<integer >= 1>")
    try:
        number = int(value)
    except ValueError:
        raise VsBenchError(
            f"{name}={value!r} is not an integer: pass -T {name}=<integer >= 1>"
        ) from None
    if number < 1:
        raise VsBenchError(f"{name}={number} must be at least 1: pass -T {name}=<integer >= 1>")
    return number


@dataclass(frozen=True)
class PromptOptions:
    """Task-level wording options of the system prompt."""

    plausible: bool = False  # bias tasks ask for "plausible responses"
    words: int | None = None  # creative tasks: approximate length
    tail: float | None = None  # VS formats: cap on each verbalized probability
    definition: prompts.ProbabilityDefinition | None = None  # None: the format's default


def probability_field(fmt: Format, options: PromptOptions) -> str | None:
    """The JSON key that carries each candidate's verbalized probability."""
    definition = options.definition or fmt.default_definition
    return prompts.PROBABILITY_FIELDS[definition][0] if definition and fmt.probabilities else None


def system_prompt(fmt: Format, budget: Budget, options: PromptOptions) -> str:
    """Instruction plus format block for the first turn of every call."""
    first = budget.m if fmt.conversation and fmt.batched else budget.k
    plausible = "plausible " if options.plausible else ""
    if fmt.name in ("direct", "multi_turn"):
        instruction, block = prompts.DIRECT_INSTRUCTION, ""
    elif fmt.name == "direct_cot":
        instruction, block = prompts.DIRECT_COT_INSTRUCTION, prompts.DIRECT_COT_BLOCK
    else:
        template = (
            prompts.VS_MULTI_INSTRUCTION
            if fmt.conversation
            else prompts.MULTI_COT_INSTRUCTION
            if fmt.cot
            else prompts.MULTI_INSTRUCTION
        )
        instruction = template.format(k=budget.k, m=first, plausible=plausible)
        block = _block(fmt, first, options)
    if options.words:
        instruction += prompts.WORDS_SENTENCE.format(words=options.words)
    return f"{instruction}\n\n{block}" if block else instruction


def _block(fmt: Format, count: int, options: PromptOptions) -> str:
    if fmt.shape == "list":
        return prompts.SEQUENCE_BLOCK.format(k=count)
    if fmt.shape == "structure":
        return prompts.STRUCTURE_BLOCK
    definition = options.definition or fmt.default_definition or "explicit"
    field, meaning = prompts.PROBABILITY_FIELDS[definition]
    sampling = (
        prompts.TAIL_SENTENCE.format(tail=options.tail)
        if options.tail is not None
        else prompts.SAMPLE_SENTENCE
    )
    template = prompts.VS_COT_BLOCK if fmt.cot else prompts.VS_BLOCK
    return template.format(field=field, definition=meaning, sampling=sampling)


def followup_prompt(fmt: Format, count: int) -> str:
    """User message of a later turn in a conversation format."""
    if fmt.batched:
        return prompts.VS_MULTI_FOLLOWUP.format(m=count)
    return prompts.MULTI_TURN_FOLLOWUP


class CountedArray(JSONSchema):
    """An array schema with a fixed length (JSON Schema's minItems/maxItems).

    Inspect's JSONSchema has no such fields; the solver sends this only to providers
    known to enforce it (the local llama.cpp grammar), so others never see it.
    """

    minItems: int | None = None  # noqa: N815 (JSON Schema's spelling)
    maxItems: int | None = None  # noqa: N815


def response_schema(
    fmt: Format, options: PromptOptions, count: int | None = None
) -> ResponseSchema | None:
    """JSON schema for providers with structured output (text-only formats get none).

    ``count``: the candidates a call asks for, fixed in the schema (None: any number).
    """

    def responses(items: JSONSchema) -> JSONSchema:
        if count is None:
            return JSONSchema(type="array", items=items)
        return CountedArray(type="array", items=items, minItems=count, maxItems=count)

    if fmt.shape == "cot_single":
        return ResponseSchema(
            name="cot_response",
            json_schema=_object(
                {"reasoning": JSONSchema(type="string"), "response": JSONSchema(type="string")}
            ),
        )
    if fmt.shape == "list":
        # an object, not a bare array: OpenAI's structured output needs an object at the
        # top; the list parser reads {"responses": [...]} as well as [...]
        return ResponseSchema(
            name="list", json_schema=_object({"responses": responses(JSONSchema(type="string"))})
        )
    if fmt.shape not in ("structure", "vs"):
        return None
    item = {"text": JSONSchema(type="string")}
    field = probability_field(fmt, options)
    if field:
        item[field] = JSONSchema(type="number")
    properties = {"responses": responses(_object(item))}
    if fmt.cot:
        properties = {"reasoning": JSONSchema(type="string")} | properties
    return ResponseSchema(name="responses", json_schema=_object(properties))


def _object(properties: dict[str, JSONSchema]) -> JSONSchema:
    return JSONSchema(
        type="object",
        properties=properties,
        required=list(properties),
        additionalProperties=False,
    )
