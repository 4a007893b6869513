"""The eight prompting formats: what each call asks for, and the call plan for N draws."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from inspect_ai.model import ResponseSchema
from inspect_ai.util import JSONSchema

from vs_bench import prompts
from vs_bench.checks import integer
from vs_bench.errors import VsBenchError

ReplyShape = Literal["text", "cot_single", "list", "structure", "vs"]


@dataclass(frozen=True)
class Format:
    """A prompting method of the paper (the README's Formats table).

    ``instruction``, ``block`` and ``followup`` are the templates of ``prompts`` that
    make its messages: the system prompt is the instruction, then the block (if any);
    ``followup`` is the user message of each later turn of a conversation format.
    """

    name: str
    shape: ReplyShape
    batched: bool  # k candidates per call, else one
    conversation: bool  # later candidates come from follow-up turns
    instruction: str
    block: str = ""
    followup: str = ""
    cot: bool = False
    default_definition: prompts.ProbabilityDefinition | None = None

    @property
    def probabilities(self) -> bool:
        return self.default_definition is not None


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("direct", "text", batched=False, conversation=False,
               instruction=prompts.DIRECT_INSTRUCTION),
        Format("direct_cot", "cot_single", batched=False, conversation=False, cot=True,
               instruction=prompts.DIRECT_COT_INSTRUCTION, block=prompts.DIRECT_COT_BLOCK),
        Format("sequence", "list", batched=True, conversation=False,
               instruction=prompts.MULTI_INSTRUCTION, block=prompts.SEQUENCE_BLOCK),
        Format("structure", "structure", batched=True, conversation=False,
               instruction=prompts.MULTI_INSTRUCTION, block=prompts.STRUCTURE_BLOCK),
        Format("multi_turn", "text", batched=False, conversation=True,
               instruction=prompts.DIRECT_INSTRUCTION, followup=prompts.MULTI_TURN_FOLLOWUP),
        Format("vs_standard", "vs", batched=True, conversation=False,
               instruction=prompts.MULTI_INSTRUCTION, block=prompts.VS_BLOCK,
               default_definition="explicit"),
        Format("vs_cot", "vs", batched=True, conversation=False, cot=True,
               instruction=prompts.MULTI_COT_INSTRUCTION, block=prompts.VS_COT_BLOCK,
               default_definition="explicit"),
        Format("vs_multi", "vs", batched=True, conversation=True,
               instruction=prompts.VS_MULTI_INSTRUCTION, block=prompts.VS_BLOCK,
               followup=prompts.VS_MULTI_FOLLOWUP, default_definition="confidence"),
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
        n_, k_ = integer("n", n, low=1), integer("k", k, low=1)
        if (fmt.batched or fmt.conversation) and n_ % k_:
            raise VsBenchError(
                f"n={n_} is not a multiple of k={k_}: pass -T n={n_ - n_ % k_ or k_} "
                f"or a k that divides {n_}"
            )
        m_ = integer("m", m, low=1) if m is not None else default_m(k_)
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
    definition = options.definition or fmt.default_definition or "explicit"
    field, meaning = prompts.PROBABILITY_FIELDS[definition]
    fields = {
        "k": budget.k,
        "first": budget.m if fmt.conversation and fmt.batched else budget.k,
        "plausible": "plausible " if options.plausible else "",
        "field": field,
        "definition": meaning,
        "sampling": (
            prompts.TAIL_SENTENCE.format(tail=options.tail)
            if options.tail is not None
            else prompts.SAMPLE_SENTENCE
        ),
    }
    instruction = fmt.instruction.format(**fields)
    if options.words:
        instruction += prompts.WORDS_SENTENCE.format(words=options.words)
    block = fmt.block.format(**fields)
    return f"{instruction}\n\n{block}" if block else instruction


def followup_prompt(fmt: Format, count: int) -> str:
    """User message of a later turn in a conversation format (``count`` candidates)."""
    return fmt.followup.format(count=count)


# Message metadata key of the solver's requests: what each call asks for, as data.
REQUEST_KEY = "vs_bench_request"


def request_metadata(
    fmt: Format, options: PromptOptions, count: int, ideal: object | None = None
) -> dict[str, Any]:
    """What one reply of a call is asked for (shape, candidates, probability key), as data.

    The solver puts this on the user message of each turn (Inspect sends no message
    metadata to a provider's API), so that a sampler that answers in the asked shape,
    such as random/python, reads the request instead of parsing the prompt's wording.
    ``ideal``: the sample's reference for such a sampler (first turn only).
    """
    reply = {
        "format": fmt.name,
        "shape": fmt.shape,
        "count": count,
        "field": probability_field(fmt, options),
        "reasoning": fmt.cot,
    }
    return {"reply": reply} | ({"ideal": ideal} if ideal is not None else {})


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
