"""Draws per second of the main job through the harness against the raw model.

The harness side runs headline-suite cells (tasks x direct/sequence/vs_standard at the
suite's k and reply cap) as one Inspect eval, as ``vs-bench run`` does: solver, top-up
calls, parsing, scoring, logs. The raw side sends the same requests straight to the same
llama.cpp server from ``max_connections`` threads: the same system prompts, grammars
(exactly k candidates per list call), sampling settings and per-call seeds (a direct
cell's k choices go as requests of up to n_parallel completions, as the provider sends
them), and parses the replies. Draws/s = parsed candidates per second.

A warm-up of both sides comes first (model, embedder, imports); then each round goes
raw, harness, harness, raw, so a drift in machine load hits both sides alike (on a
shared machine single runs vary by 30%). Exit status 1 if harness/raw < 0.8.

    .venv/bin/python benchmarks/main_job.py [--tasks rand_num,state_name,joke --scale 0.5]
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from inspect_ai import eval as inspect_eval
from inspect_ai.model import ChatMessageSystem, ChatMessageUser, GenerateConfig, get_model

from vs_bench import suite
from vs_bench.draws import SampleDraws
from vs_bench.formats import FORMATS, Budget, PromptOptions, response_schema, system_prompt
from vs_bench.parsing import ParseError, parse_reply
from vs_bench.providers.local import LocalAPI
from vs_bench.solver import draw_seed
from vs_bench.tasks import SPECS
from vs_bench.tasks._common import TEMPERATURE, TOP_P

TARGET = 0.8
SEED = 2026


def cells(tasks: list[str], scale: float) -> list[suite.SuiteItem]:
    """Headline-suite items of ``tasks``, N scaled (a multiple of k, at least k)."""
    items = []
    for item in suite.plan_suite(tasks, None, {}, suite.HEADLINE_SIZES, suite.HEADLINE_FORMATS):
        k = item.params["k"]
        n = max(k, round(item.params["n"] * scale / k) * k)
        items.append(suite.SuiteItem(item.family, item.format, {**item.params, "n": n}))
    return items


def harness(model: str, items: list[suite.SuiteItem], log_dir: str) -> tuple[float, int]:
    """Seconds and draws of one Inspect eval of every item at once."""
    tasks = [item.task() for item in items]
    started = time.perf_counter()
    logs = inspect_eval(tasks, model=model, seed=SEED, max_tokens=suite.CPU_MAX_TOKENS,
                        log_dir=log_dir, display="none", max_tasks=len(tasks))
    seconds = time.perf_counter() - started
    draws = 0
    for log in logs:
        if log.status != "success" or log.results is None:
            sys.exit(f"harness run of {log.eval.task} failed: {log.error}")
        draws += sum(len(SampleDraws.load(s.store).draws) for s in log.samples or [])
    return seconds, draws


def requests(api: LocalAPI, items: list[suite.SuiteItem]) -> list[tuple[dict[str, Any], str]]:
    """The llama.cpp requests the solver sends for ``items`` (first pass, no top-up)."""
    out = []
    for item in items:
        task = item.task()
        fmt = FORMATS[item.format]
        k = item.params["k"]
        budget = Budget.make(fmt, item.params["n"], k, None)
        words = item.params.get("words")
        options = PromptOptions(plausible=SPECS[item.family].plausible, words=words)
        system = system_prompt(fmt, budget, options)
        for sample in task.dataset:
            messages = [ChatMessageSystem(content=system),
                        ChatMessageUser(content=str(sample.input))]
            choices = k if not fmt.batched else 1
            for call, turns in enumerate(budget.plan(fmt, choices)):
                count = turns[0]
                schema = response_schema(fmt, options, count if fmt.batched else None)
                config = GenerateConfig(max_tokens=suite.CPU_MAX_TOKENS, temperature=TEMPERATURE,
                                        top_p=TOP_P, response_schema=schema)
                body = api.request(messages, config)
                seed = draw_seed(SEED, fmt.name, sample.id, 1, call, 0)
                assert seed is not None
                # as the provider sends k choices: requests of up to n_parallel completions
                slots = api.settings.n_parallel
                for i, start in enumerate(range(0, 1 if fmt.batched else count, slots)):
                    size = 1 if fmt.batched else min(slots, count - start)
                    extra = {"n": size} if size > 1 else {}
                    out.append(({**body, **extra, "seed": (seed + i) & 0xFFFFFFFF}, fmt.shape))
    return out


def raw(api: LocalAPI, work: list[tuple[dict[str, Any], str]]) -> tuple[float, int]:
    """Seconds and parsed candidates of the requests, from ``max_connections`` threads."""

    def call(request: tuple[dict[str, Any], str]) -> int:
        body, shape = request
        result = api.server.handle_chat_completions(body)
        found = 0
        for choice in result["choices"]:
            with contextlib.suppress(ParseError):
                found += len(parse_reply(choice["message"]["content"] or "", shape))
        return found

    started = time.perf_counter()
    with ThreadPoolExecutor(api.max_connections()) as pool:
        draws = sum(pool.map(call, work))
    return time.perf_counter() - started, draws


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=suite.DEFAULT_MODEL)
    parser.add_argument("--tasks", default="rand_num,state_name,joke")
    parser.add_argument("--scale", type=float, default=0.4, help="share of the suite's N")
    parser.add_argument("--rounds", type=int, default=1, help="rounds of 2 runs per side")
    args = parser.parse_args()

    api = get_model(args.model).api
    if not isinstance(api, LocalAPI):
        sys.exit(f"{args.model} is not a local/ model")
    items = cells(args.tasks.split(","), args.scale)
    work = requests(api, items)
    print(f"{args.model}: n_parallel={api.settings.n_parallel} "
          f"n_threads={api.settings.n_threads} max_connections={api.max_connections()}; "
          f"{len(items)} cells, {len(work)} raw requests per run")
    totals = {"harness": [0.0, 0], "raw": [0.0, 0]}
    with tempfile.TemporaryDirectory() as log_dir:
        harness(args.model, cells(args.tasks.split(","), 0.0), log_dir)  # warm-up
        raw(api, work[: api.max_connections()])
        for side in ("raw", "harness", "harness", "raw") * args.rounds:
            seconds, draws = raw(api, work) if side == "raw" else harness(
                args.model, items, log_dir)
            totals[side][0] += seconds
            totals[side][1] += draws
            print(f"  {side}: {draws} draws in {seconds:.1f} s ({draws / seconds:.2f} draws/s)")
    rate = {side: draws / seconds for side, (seconds, draws) in totals.items()}
    ratio = rate["harness"] / rate["raw"]
    print(f"main job ({args.tasks}, N x {args.scale}): harness {rate['harness']:.2f} draws/s | "
          f"raw {rate['raw']:.2f} draws/s | harness/raw {ratio:.3f} "
          f"[target >= {TARGET}: {'ok' if ratio >= TARGET else 'MISSED'}]")
    sys.exit(0 if ratio >= TARGET else 1)


if __name__ == "__main__":
    main()
