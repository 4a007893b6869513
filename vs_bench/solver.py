"""One solver for all eight formats: plan the calls for N draws, run them, parse, record."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Sequence

from inspect_ai.model import (
    CachePolicy,
    ChatMessage,
    ChatMessageSystem,
    ChatMessageUser,
    GenerateConfig,
    Model,
    ModelOutput,
    get_model,
)
from inspect_ai.solver import Generate, Solver, TaskState, solver

from vs_bench._inspect_compat import active_generate_config
from vs_bench.draws import Draw, ParseFailure, SampleDraws
from vs_bench.formats import (
    REQUEST_KEY,
    Budget,
    Format,
    PromptOptions,
    followup_prompt,
    request_metadata,
    response_schema,
    system_prompt,
)
from vs_bench.ideal import IDEAL_KEY
from vs_bench.parsing import ParseError, parse_reply

REPLY_EXCERPT = 300
# A cell whose replies deliver fewer candidates than asked (short lists, unparsed replies)
# asks again, up to this many times its planned calls in all; what is still missing then
# is reported as its shortfall.
MAX_CALLS_FACTOR = 3
# Providers that return several choices for one request (``num_choices``, the chat
# API's ``n``): one-answer formats send their draws to them in requests of up to k
# choices. vLLM takes any n; llama.cpp's server refuses n above its slot count, so the
# generic openai-api/ path (llama.cpp, the tests' fault server) gets one request per
# draw. A server that returns fewer choices than asked is topped up like a short list.
NUM_CHOICES_PROVIDERS = frozenset({"local", "random", "vllm", "together"})
# Providers whose constrained decoding enforces an array length (minItems = maxItems): a
# list call there returns exactly the k candidates its prompt asks for. Others get the
# schema without a length, which every structured-output API accepts.
EXACT_COUNT_PROVIDERS = frozenset({"local"})


def draw_seed(base: int | None, *parts: object) -> int | None:
    """A per-call seed derived from the user's seed, so that no two draws share one.

    Providers receive a fixed ``--seed`` unchanged on every call, which would make N
    calls of one prompt N identical answers.
    """
    if base is None:
        return None
    digest = hashlib.blake2b(repr((base, *parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") & 0x7FFFFFFF


def draw_cache(cache: bool | CachePolicy | None, *scope: object) -> bool | CachePolicy:
    """The eval's cache policy with a scope of its own for each draw.

    Inspect's cache key holds no sample id or call index: without a scope, N calls
    of the same prompt would all be served the first cached answer.
    """
    if not cache:
        return False
    policy = cache if isinstance(cache, CachePolicy) else CachePolicy()
    scopes = policy.scopes | {"vs_bench_draw": "/".join(map(str, scope))}
    return policy.model_copy(update={"scopes": scopes})


def provider_of(model: Model) -> str:
    """The provider part of ``provider/name``."""
    return str(model).split("/", 1)[0]


def choices_per_request(model: Model, fmt: Format, budget: Budget) -> int:
    """Answers a one-answer format asks for in one request to ``model``."""
    if fmt.batched or fmt.conversation:
        return 1
    return budget.k if provider_of(model) in NUM_CHOICES_PROVIDERS else 1


def top_up(fmt: Format, plan: Sequence[list[int]], missing: int, allowed: int) -> list[list[int]]:
    """At most ``allowed`` more calls, shaped like the plan's, for ``missing`` draws.

    One-answer requests ask for just the missing answers; a batched call's k is fixed by
    its system prompt, so it asks for k again.
    """
    shape = max(plan, key=sum)
    per_call = sum(shape)
    calls = [list(shape) for _ in range(min(allowed, -(-missing // per_call)))]
    last = missing - per_call * (len(calls) - 1)
    if calls and not fmt.batched and not fmt.conversation and last < per_call:
        calls[-1] = [last]
    return calls


@solver
def vs_sampler(fmt: Format, budget: Budget, options: PromptOptions) -> Solver:
    """Draw ``budget.n`` candidates for the sample's prompt in format ``fmt``."""
    system = system_prompt(fmt, budget, options)

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        model = get_model()
        active = active_generate_config()
        choices = choices_per_request(model, fmt, budget)
        exact = provider_of(model) in EXACT_COUNT_PROVIDERS
        record = SampleDraws(requested=budget.n)

        async def conversation(call: int, turns: list[int]) -> list[Draw]:
            messages: list[ChatMessage] = [ChatMessageSystem(content=system)]
            draws: list[Draw] = []
            for turn, count in enumerate(turns):
                # one-answer formats take their answers as choices; others one reply
                several = count if not fmt.batched and count > 1 else None
                asked = 1 if several else count
                # the request as data as well (reply shape, count, the sample's reference)
                # for samplers that answer in the asked shape (random/python)
                request = request_metadata(
                    fmt, options, asked, None if turn else state.metadata.get(IDEAL_KEY)
                )
                messages.append(
                    ChatMessageUser(
                        content=followup_prompt(fmt, count) if turn else state.input_text,
                        metadata={REQUEST_KEY: request},
                    )
                )
                where = (state.sample_id, state.epoch, call, turn)
                output = await model.generate(
                    messages,
                    config=GenerateConfig(
                        # the format too: an ideal sampler's draws differ between formats
                        seed=draw_seed(active.seed, fmt.name, *where),
                        response_schema=response_schema(
                            fmt, options, count if exact and fmt.batched else None
                        ),
                        num_choices=several,
                    ),
                    cache=draw_cache(active.cache, *where),
                )
                messages.append(output.message)
                replies = [choice.message.text for choice in output.choices] or [""]
                if several:
                    record.under_delivered += max(0, count - len(replies))
                for reply in replies:
                    record.replies += 1
                    try:
                        found = parse_reply(reply, fmt.shape)
                    except ParseError as ex:
                        record.failures.append(
                            ParseFailure(call, turn, str(ex), reply[:REPLY_EXCERPT])
                        )
                        continue
                    record.over_delivered += max(0, len(found) - asked)
                    record.under_delivered += max(0, asked - len(found))
                    draws.extend(Draw(c.text, c.probability, call, turn) for c in found)
            return draws

        async def run(first: int, calls: Sequence[list[int]]) -> list[Draw]:
            # Let every call settle before failing the sample on a call's error: otherwise
            # the other calls run on detached, and a retry of the sample
            # (--retry-on-error) asks again for draws still in flight instead of reading
            # them from the cache.
            settled = await asyncio.gather(
                *(conversation(first + i, turns) for i, turns in enumerate(calls)),
                return_exceptions=True,
            )
            errors = [r for r in settled if isinstance(r, BaseException)]
            if errors:
                raise errors[0]
            record.calls += len(calls)
            return [d for r in settled if not isinstance(r, BaseException) for d in r]

        plan = budget.plan(fmt, choices)
        cap = MAX_CALLS_FACTOR * len(plan)
        draws = await run(0, plan)
        while len(draws) < budget.n and record.calls < cap:
            more = top_up(fmt, plan, budget.n - len(draws), cap - record.calls)
            draws += await run(record.calls, more)
        # every candidate is one draw of equal weight; trim an over-delivering last call
        record.draws = draws[: budget.n]
        record.save(state.store)
        state.output = ModelOutput.from_content(
            model=str(model), content=json.dumps(record.texts, ensure_ascii=False)
        )
        return state

    return solve
