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
    ModelOutput,
    get_model,
)
from inspect_ai.solver import Generate, Solver, TaskState, solver

from vs_bench._inspect_compat import active_generate_config
from vs_bench.capabilities import capabilities, learn_refusal, refused_choices
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


def choices_per_request(fmt: Format, budget: Budget, max_choices: int) -> int:
    """Answers a one-answer format asks for in one request (the chat API's ``n``).

    Up to the cell's N where the provider returns several choices a request
    (``capabilities.Capabilities.max_choices``); other formats take one reply a request.
    """
    if fmt.batched or fmt.conversation:
        return 1
    return max(1, min(budget.n, max_choices))


def top_up(
    fmt: Format, plan: Sequence[list[int]], missing: int, allowed: int, choices: int
) -> list[list[int]]:
    """At most ``allowed`` more calls for ``missing`` draws.

    One-answer requests ask for just the missing answers, ``choices`` at most a request;
    a batched call's k is fixed by its system prompt, so it asks for k again (the plan's
    shape).
    """
    if not fmt.batched and not fmt.conversation:
        sizes = [min(choices, missing - s) for s in range(0, missing, choices)]
        return [[size] for size in sizes[:allowed]]
    shape = max(plan, key=sum)
    return [list(shape) for _ in range(min(allowed, -(-missing // sum(shape))))]


@solver
def vs_sampler(fmt: Format, budget: Budget, options: PromptOptions) -> Solver:
    """Draw ``budget.n`` candidates for the sample's prompt in format ``fmt``."""
    system = system_prompt(fmt, budget, options)

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        model = get_model()
        active = active_generate_config()
        able = capabilities(model)
        choices = choices_per_request(fmt, budget, able.max_choices)
        record = SampleDraws(requested=budget.n)
        issued = 0  # calls handed out: each index its own seed and cache scope

        async def conversation(call: int, turns: list[int]) -> list[Draw] | None:
            """The call's draws; None when the server refused its number of choices."""
            nonlocal choices
            messages: list[ChatMessage] = [ChatMessageSystem(content=system)]
            draws: list[Draw] = []
            for turn, count in enumerate(turns):
                # one-answer formats take their answers as choices; others one reply
                several = count if not fmt.batched and count > 1 else None
                asked = 1 if several else count
                metadata = None
                if able.reads_request:
                    # the request as data (reply shape, count, the sample's reference) for
                    # a sampler that answers in the asked shape (random/python); no other
                    # provider gets it, as each message's data is copied into the log
                    metadata = {REQUEST_KEY: request_metadata(
                        fmt, options, asked, None if turn else state.metadata.get(IDEAL_KEY)
                    )}
                messages.append(
                    ChatMessageUser(
                        content=followup_prompt(fmt, count) if turn else state.input_text,
                        metadata=metadata,
                    )
                )
                where = (state.sample_id, state.epoch, call, turn)
                try:
                    output = await model.generate(
                        messages,
                        config=GenerateConfig(
                            # the format too: an ideal sampler's draws differ between formats
                            seed=draw_seed(active.seed, fmt.name, *where),
                            response_schema=response_schema(
                                fmt, options, count if able.exact_count and fmt.batched else None
                            ),
                            num_choices=several,
                        ),
                        cache=draw_cache(active.cache, *where),
                    )
                except Exception as ex:
                    accepted = refused_choices(ex, several) if several else None
                    if accepted is None:
                        raise
                    learn_refusal(model, accepted, several or 1)
                    choices = min(choices, accepted)
                    return None
                messages.append(output.message)
                replies = [choice.message.text for choice in output.choices] or [""]
                if several:
                    record.under_delivered += max(0, count - len(replies))
                    # a server that returns fewer choices than asked (some cap n without
                    # saying so): the cell's other requests ask for what it gives
                    choices = min(choices, max(1, len(replies)))
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

        async def run(calls: Sequence[list[int]]) -> list[Draw]:
            nonlocal issued
            first, issued = issued, issued + len(calls)
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
            answered = [r for r in settled if isinstance(r, list)]
            record.calls += len(answered)
            return [d for r in answered for d in r]

        plan = budget.plan(fmt, choices)
        cap = MAX_CALLS_FACTOR * len(plan)
        draws = await run(plan)
        while len(draws) < budget.n and record.calls < cap:
            missing = budget.n - len(draws)
            if choices < max(sum(c) for c in plan) and not fmt.batched and not fmt.conversation:
                # fewer choices a request than planned: the cap follows the smaller requests
                plan = [[choices]]
                cap = max(cap, record.calls + MAX_CALLS_FACTOR * -(-missing // choices))
            draws += await run(top_up(fmt, plan, missing, cap - record.calls, choices))
        # every candidate is one draw of equal weight; trim an over-delivering last call
        record.draws = draws[: budget.n]
        record.save(state.store)
        state.output = ModelOutput.from_content(
            model=str(model), content=json.dumps(record.texts, ensure_ascii=False)
        )
        return state

    return solve
