"""One solver for all eight formats: plan the calls for N draws, run them, parse, record."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Sequence
from typing import TypeVar

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

T = TypeVar("T")


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


def fans_out(fmt: Format) -> bool:
    """Whether the format's calls go out together: its N/k calls open with the same messages,
    so their first turn is one request of several choices (the chat API's ``n``), each
    choice one call's reply; a conversation's later turns then go one reply a request.
    A one-answer format's answers are the choices of its requests instead."""
    return fmt.batched or fmt.conversation


def choices_per_request(fmt: Format, budget: Budget, max_choices: int) -> int:
    """Choices one request asks for (the chat API's ``n``), at most the provider's cap
    (``capabilities.Capabilities.max_choices``): a one-answer format's answers, up to N;
    another format's calls, up to its N/k calls (``fans_out``).
    """
    wanted = len(budget.plan(fmt)) if fans_out(fmt) else budget.n
    return max(1, min(wanted, max_choices))


def top_up(
    fmt: Format, plan: Sequence[list[int]], missing: int, allowed: int, choices: int
) -> list[list[int]]:
    """At most ``allowed`` more calls for ``missing`` draws.

    One-answer requests ask for just the missing answers, ``choices`` at most a request;
    a batched call's k is fixed by its system prompt, so it asks for k again (the plan's
    shape).
    """
    if not fans_out(fmt):
        sizes = [min(choices, missing - s) for s in range(0, missing, choices)]
        return [[size] for size in sizes[:allowed]]
    shape = max(plan, key=sum)
    return [list(shape) for _ in range(min(allowed, -(-missing // sum(shape))))]


def settle(results: Sequence[T | BaseException]) -> list[T]:
    """The results of calls gathered with ``return_exceptions``; the first error raised."""
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return [r for r in results if not isinstance(r, BaseException)]


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
        sample = (state.sample_id, state.epoch)

        async def ask(
            messages: list[ChatMessage], where: tuple[object, ...], count: int, several: int | None
        ) -> ModelOutput | None:
            """One request; None when the server refused its number of choices."""
            nonlocal choices
            try:
                return await model.generate(
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

        def user(turn: int, count: int, asked: int) -> ChatMessageUser:
            metadata = None
            if able.reads_request:
                # the request as data (reply shape, count, the sample's reference) for a
                # sampler that answers in the asked shape (random/python); no other
                # provider gets it, as each message's data is copied into the log
                metadata = {REQUEST_KEY: request_metadata(
                    fmt, options, asked, None if turn else state.metadata.get(IDEAL_KEY)
                )}
            return ChatMessageUser(
                content=followup_prompt(fmt, count) if turn else state.input_text,
                metadata=metadata,
            )

        def take(reply: str, call: int, turn: int, asked: int) -> list[Draw]:
            """The candidates of one reply; a reply that does not parse is recorded."""
            record.replies += 1
            try:
                found = parse_reply(reply, fmt.shape)
            except ParseError as ex:
                record.failures.append(ParseFailure(call, turn, str(ex), reply[:REPLY_EXCERPT]))
                return []
            record.over_delivered += max(0, len(found) - asked)
            record.under_delivered += max(0, asked - len(found))
            return [Draw(c.text, c.probability, call, turn) for c in found]

        async def later_turns(
            call: int, turns: list[int], messages: list[ChatMessage], draws: list[Draw]
        ) -> list[Draw]:
            """A conversation's turns after its first, one reply a request."""
            for turn, count in enumerate(turns[1:], start=1):
                messages.append(user(turn, count, count))
                output = await ask(messages, (*sample, call, turn), count, None)
                assert output is not None  # only a request of several choices is refused
                messages.append(output.message)
                for reply in [choice.message.text for choice in output.choices] or [""]:
                    draws += take(reply, call, turn, count)
            return draws

        async def opening(first: int, turns: list[int], fan: int) -> list[list[Draw]] | None:
            """Calls ``first`` .. ``first + fan - 1``, which open with the same request, then
            each its later turns (one call of ``turns[0]`` answers for a one-answer format).
            One list of draws per answered call; None when the server refused the choices."""
            nonlocal choices
            one_answer = not fans_out(fmt)
            count = turns[0]
            wanted = count if one_answer else fan
            several = wanted if wanted > 1 else None
            asked = 1 if one_answer and several else count
            opened: list[ChatMessage] = [ChatMessageSystem(content=system), user(0, count, asked)]
            output = await ask(opened, (*sample, first, 0), count, several)
            if output is None:
                return None
            if several:
                record.under_delivered += max(0, several - len(output.choices)) * asked
                # a server that returns fewer choices than asked (some cap n without saying
                # so): the cell's other requests ask for what it gives
                choices = min(choices, max(1, len(output.choices)))
            if not output.choices:
                return [take("", first, 0, asked)]
            if one_answer:
                return [[d for c in output.choices for d in take(c.message.text, first, 0, asked)]]
            settled = await asyncio.gather(
                *(
                    later_turns(first + i, turns, [*opened, c.message],
                                take(c.message.text, first + i, 0, count))
                    for i, c in enumerate(output.choices)
                ),
                return_exceptions=True,
            )
            return settle(settled)

        async def run(calls: Sequence[list[int]]) -> list[Draw]:
            nonlocal issued
            first, issued = issued, issued + len(calls)
            fan = choices if fans_out(fmt) else 1  # calls of one shape: the plan's or top_up's
            # Let every call settle before failing the sample on a call's error: otherwise
            # the other calls run on detached, and a retry of the sample
            # (--retry-on-error) asks again for draws still in flight instead of reading
            # them from the cache.
            settled = await asyncio.gather(
                *(opening(first + s, calls[s], min(fan, len(calls) - s))
                  for s in range(0, len(calls), fan)),
                return_exceptions=True,
            )
            answered = [call for group in settle(settled) if group is not None for call in group]
            record.calls += len(answered)
            return [d for call in answered for d in call]

        plan = budget.plan(fmt, choices)
        cap = MAX_CALLS_FACTOR * len(plan)
        draws = await run(plan)
        while len(draws) < budget.n and record.calls < cap:
            missing = budget.n - len(draws)
            if choices < max(sum(c) for c in plan) and not fans_out(fmt):
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
