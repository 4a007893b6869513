"""``vs-bench run --dry-run``: what a run will ask for, computed before any call.

Per (model, task, format) cell: prompts, draws, requests (and the choices per request
the provider's capabilities give), and an estimate of the input and output tokens.
Nothing is sent and no model is made, so a plan needs no API key.

Token estimates: 4 characters a token (the usual figure for English BPE vocabularies);
a reply is its candidates' texts plus the format's own wrapping, measured as the
characters of the reply ``random/python`` renders in that shape (JSON keys, quotes,
probabilities). A candidate's text is ``words`` x 4/3 tokens where the task asks for a
length, else the mean length of the sample's reference answers (or canned texts).
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Sequence
from dataclasses import dataclass

from inspect_ai.dataset import Sample

from vs_bench.capabilities import declared
from vs_bench.dialogue import PARTNER_TURNS_KEY, REPLY_IDEAL_KEY, dialogue_budget, turn_plan
from vs_bench.formats import (
    FORMATS,
    Budget,
    PromptOptions,
    followup_prompt,
    probability_field,
    system_prompt,
)
from vs_bench.ideal import IDEAL_KEY, answers_of
from vs_bench.registry import families
from vs_bench.scenario import Scenario
from vs_bench.solver import choices_per_request, fans_out
from vs_bench.suite import SuiteItem

CHARS_PER_TOKEN = 4
TOKENS_PER_WORD = 4 / 3
# the "reasoning" field of a CoT reply: an assumption (the prompts ask for step-by-step
# reasoning; its length is the model's), not a measurement
REASONING_TOKENS = 100
SHORT_ANSWER_TOKENS = 3  # a task without reference answers or a length: a short answer


@dataclass(frozen=True)
class CellPlan:
    model: str
    task: str
    format: str
    prompts: int
    epochs: int
    n: int
    choices: int  # choices a request (the chat API's n): answers, or calls that fan out
    requests: int | None  # None: the family's own solver (not planned here)
    input_tokens: int
    output_tokens: int
    minimum: int | None  # valid draws per prompt the report needs for an estimate

    @property
    def draws(self) -> int:
        return self.prompts * self.epochs * self.n


def tokens(text: str) -> int:
    return -(-len(text) // CHARS_PER_TOKEN)


def _own_default(name: str, parameter: str) -> object:
    from vs_bench._registry import TASKS

    found = inspect.signature(TASKS[name]).parameters.get(parameter)
    return None if found is None else found.default


def _candidate_tokens(
    sample_metadata: dict[str, object], words: object, key: str = IDEAL_KEY
) -> int:
    if isinstance(words, int) and words > 0:
        return round(words * TOKENS_PER_WORD)
    ideal = sample_metadata.get(key)
    if not isinstance(ideal, dict):
        return SHORT_ANSWER_TOKENS
    try:
        texts = answers_of(ideal).canonical
    except Exception:  # noqa: BLE001 (a reference of another kind: a short answer)
        return SHORT_ANSWER_TOKENS
    return max(1, round(sum(map(tokens, texts)) / max(1, len(texts))))


def _wrapping_tokens(fmt_name: str, count: int, field: str | None) -> int:
    """Tokens of a reply in the format's shape around ``count`` empty candidates."""
    from vs_bench.providers.random_python import _Request

    fmt = FORMATS[fmt_name]
    reply = _Request(fmt.shape, count, field, fmt.cot).render([""] * count, 0.25)
    reasoning = REASONING_TOKENS if fmt.cot else 0
    if reasoning:
        reply = json.dumps({**json.loads(reply), "reasoning": ""})
    return tokens(reply) + reasoning


def plan_cell(item: SuiteItem, model: str, epochs: int = 1) -> CellPlan:
    from vs_bench.analysis.compare import MIN_VALID_PER_PROMPT

    spec = families()[item.family]
    fmt = FORMATS[item.format]
    task = item.task()
    samples = list(task.dataset)
    n = int(item.params.get("n", spec.n))
    minimum = MIN_VALID_PER_PROMPT.get(spec.kind)
    if spec.scenario is not None:
        return _dialogue_cell(item, spec.scenario, model, epochs, samples, n, minimum)
    if spec.solver is not None:  # the family's own calls: not planned here
        return CellPlan(model, item.family, item.format, len(samples), epochs, n, 1, None,
                        0, 0, minimum)
    k = item.params.get("k", spec.k) or n
    budget = Budget.make(fmt, n, k, item.params.get("m"))
    words = item.params.get("words", _own_default(item.name, "words"))
    length = words if isinstance(words, int) else None
    options = PromptOptions(plausible=spec.plausible, words=length)
    choices = choices_per_request(fmt, budget, declared(model).max_choices)
    calls = budget.plan(fmt, choices)
    system = tokens(system_prompt(fmt, budget, options))
    field = probability_field(fmt, options)
    input_total = output_total = 0
    # calls that fan out share their first request (``solver.fans_out``)
    openings = -(-len(calls) // choices) if fans_out(fmt) else len(calls)
    for sample in samples:
        per_candidate = _candidate_tokens(dict(sample.metadata or {}), words)
        prompt = tokens(sample.input if isinstance(sample.input, str) else str(sample.input))
        input_total += openings * (system + prompt)
        for turns in calls:
            history = system + prompt
            for turn, count in enumerate(turns):
                several = not fans_out(fmt) and count > 1
                per_reply = 1 if several else count
                reply = _wrapping_tokens(fmt.name, per_reply, field) + per_reply * per_candidate
                if turn:
                    history += tokens(followup_prompt(fmt, count))
                    input_total += history
                output_total += reply * (count if several else 1)
                history += reply
    requests = len(samples) * (openings + sum(len(turns) - 1 for turns in calls))
    return CellPlan(
        model=model, task=item.family, format=item.format, prompts=len(samples),
        epochs=epochs, n=n, choices=choices,
        requests=requests * epochs,
        input_tokens=input_total * epochs, output_tokens=output_total * epochs,
        minimum=minimum,
    )


def _dialogue_cell(item: SuiteItem, scenario: Scenario, model: str, epochs: int,
                   samples: Sequence[Sample], n: int, minimum: int | None) -> CellPlan:
    """A dialogue family's cell, as ``vs_bench.dialogue`` runs it: per dialogue, each partner
    message of the sample's script and then the closing question is answered by the
    format's calls of one turn (``turn_plan``); the conversation keeps the kept reply only.
    A reply's candidate is the length of the canned replies the sample names, the closing
    answer's that of its reference answers. A partner model (``--model-role``) is not
    counted: its calls are the partner's model's, one per message."""
    spec = families()[item.family]
    fmt = FORMATS[item.format]
    k = item.params.get("k", spec.k) or n
    budget = dialogue_budget(fmt, n, k, item.params.get("m"))
    options = PromptOptions(plausible=spec.plausible)
    plan = turn_plan(fmt, budget)
    instructions = tokens(system_prompt(fmt, budget, options))
    field = probability_field(fmt, options)
    requests = input_total = output_total = 0
    for sample in samples:
        metadata = dict(sample.metadata or {})
        messages = [*map(str, metadata.get(PARTNER_TURNS_KEY, [])), scenario.closing]
        history = tokens(scenario.system.format(**metadata)) + instructions
        for index, message in enumerate(messages):
            key = IDEAL_KEY if index == len(messages) - 1 else REPLY_IDEAL_KEY
            per_candidate = _candidate_tokens(metadata, None, key)
            turn = history + tokens(message)
            for sub, count in enumerate(plan):
                if sub:
                    turn += tokens(followup_prompt(fmt, count))
                reply = _wrapping_tokens(fmt.name, count, field) + count * per_candidate
                input_total += turn
                output_total += reply
                turn += reply
            requests += len(plan)
            history += tokens(message) + per_candidate  # the kept reply goes on
    return CellPlan(
        model=model, task=item.family, format=item.format, prompts=len(samples),
        epochs=epochs, n=n, choices=1, requests=requests * n * epochs,
        input_tokens=input_total * n * epochs, output_tokens=output_total * n * epochs,
        minimum=minimum,
    )


def plan_run(items: Sequence[SuiteItem], models: Sequence[str], epochs: int = 1) -> list[CellPlan]:
    return [plan_cell(item, model, epochs) for model in models for item in items]


def small_n(items: Sequence[SuiteItem]) -> str | None:
    """A warning for cells whose N can never give an estimate (below the report's minimum
    of valid draws per prompt); None when every cell can."""
    from vs_bench.analysis.compare import MIN_VALID_PER_PROMPT

    small = {}
    for item in items:
        spec = families()[item.family]
        n, minimum = int(item.params.get("n", spec.n)), MIN_VALID_PER_PROMPT.get(spec.kind)
        if minimum is not None and n < minimum:
            small[item.family] = f"{item.family} (N={n}, needs {minimum})"
    if not small:
        return None
    return ("fewer draws per prompt than the report needs for an estimate: "
            f"{', '.join(small.values())}; pass a larger --n")


def over_limit(items: Sequence[SuiteItem], limit: int | None) -> str | None:
    """A note when ``--limit`` asks for more prompts than a task has (it runs them all)."""
    if limit is None:
        return None
    families = {item.family: item for item in items}
    short = [f"{family} has {size}" for family, item in families.items()
             if (size := len(item.task().dataset)) < limit]
    if not short:
        return None
    return (f"--limit {limit} is more than the prompts available: {', '.join(short)}; "
            "running all of them")


def totals(plans: Sequence[CellPlan]) -> dict[str, int]:
    return {
        "cells": len(plans),
        "prompts": sum(p.prompts for p in plans),
        "draws": sum(p.draws for p in plans),
        "requests": sum(p.requests or 0 for p in plans),
        "input_tokens": sum(p.input_tokens for p in plans),
        "output_tokens": sum(p.output_tokens for p in plans),
    }


HEADER = ("model", "task", "format", "prompts", "N", "draws", "choices/request", "requests",
          "input tokens", "output tokens")


def rows(plans: Sequence[CellPlan]) -> list[tuple[str, ...]]:
    """The plan as table rows, a total row last."""
    out: list[tuple[str, ...]] = [
        (p.model, p.task, p.format, str(p.prompts * p.epochs), str(p.n), f"{p.draws:,}",
         str(p.choices), *(("own solver", "?", "?") if p.requests is None else
                           (f"{p.requests:,}", f"~{p.input_tokens:,}", f"~{p.output_tokens:,}")))
        for p in plans
    ]
    t = totals(plans)
    per_draw = t["requests"] / t["draws"] if t["draws"] else 0.0
    out.append(("total", f"{t['cells']} cells", "", f"{t['prompts']:,}", "", f"{t['draws']:,}",
                f"{per_draw:.2f} req/draw", f"{t['requests']:,}", f"~{t['input_tokens']:,}",
                f"~{t['output_tokens']:,}"))
    return out
