"""One solver for all eight formats: plan the calls for N draws, run them, parse, record."""

from __future__ import annotations

import asyncio
import hashlib
import json

from inspect_ai.model import (
    CachePolicy,
    ChatMessage,
    ChatMessageSystem,
    ChatMessageUser,
    GenerateConfig,
    ModelOutput,
    get_model,
)
from inspect_ai.model._generate_config import active_generate_config
from inspect_ai.solver import Generate, Solver, TaskState, solver

from vs_bench.draws import Draw, ParseFailure, SampleDraws
from vs_bench.formats import (
    Budget,
    Format,
    PromptOptions,
    followup_prompt,
    response_schema,
    system_prompt,
)
from vs_bench.parsing import ParseError, parse_reply

REPLY_EXCERPT = 300


def draw_seed(base: int | None, *parts: object) -> int | None:
    """A per-call seed derived from the user's seed, so that no two draws share one.

    Inspect passes a fixed ``--seed`` unchanged to the provider on every call, which
    would make N calls of one prompt N identical answers.
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


@solver
def vs_sampler(fmt: Format, budget: Budget, options: PromptOptions) -> Solver:
    """Draw ``budget.n`` candidates for the sample's prompt in format ``fmt``."""
    system = system_prompt(fmt, budget, options)
    schema = response_schema(fmt, options)
    plan = budget.plan(fmt)

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        model = get_model()
        active = active_generate_config()
        record = SampleDraws(requested=budget.n)

        async def conversation(call: int, turns: list[int]) -> list[Draw]:
            messages: list[ChatMessage] = [
                ChatMessageSystem(content=system),
                ChatMessageUser(content=state.input_text),
            ]
            draws: list[Draw] = []
            for turn, count in enumerate(turns):
                if turn:
                    messages.append(ChatMessageUser(content=followup_prompt(fmt, count)))
                where = (state.sample_id, state.epoch, call, turn)
                output = await model.generate(
                    messages,
                    config=GenerateConfig(
                        seed=draw_seed(active.seed, *where), response_schema=schema
                    ),
                    cache=draw_cache(active.cache, *where),
                )
                messages.append(output.message)
                record.replies += 1
                try:
                    found = parse_reply(output.completion, fmt.shape)
                except ParseError as ex:
                    record.failures.append(
                        ParseFailure(call, turn, str(ex), output.completion[:REPLY_EXCERPT])
                    )
                    continue
                draws.extend(Draw(c.text, c.probability, call, turn) for c in found)
            return draws

        # Let every call settle before failing the sample on a call's error: otherwise the
        # other calls run on detached, and a retry of the sample (--retry-on-error) asks
        # again for draws still in flight instead of reading them from the cache.
        settled = await asyncio.gather(
            *(conversation(i, turns) for i, turns in enumerate(plan)), return_exceptions=True
        )
        errors = [r for r in settled if isinstance(r, BaseException)]
        if errors:
            raise errors[0]
        results = [r for r in settled if not isinstance(r, BaseException)]
        # every candidate is one draw of equal weight; trim an over-delivering last call
        record.draws = [d for draws in results for d in draws][: budget.n]
        record.save(state.store)
        state.output = ModelOutput.from_content(
            model=str(model), content=json.dumps(record.texts, ensure_ascii=False)
        )
        return state

    return solve
