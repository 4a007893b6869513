"""Throughput of the embedded model through the harness against raw xllamacpp calls.

Two workloads on ``local/<model>``: short answers (``rand_num_direct``: one integer per
call) and ~100-token answers (``story_direct`` with ``words=75``, capped by
``--long-tokens``). Each is run as an Inspect eval (solver, parsing, scoring, log) and
as plain ``handle_chat_completions`` calls from a thread pool on the same llama.cpp
server, with the same messages, sampling settings, per-call seeds and concurrency.

A warm-up of both paths comes first (model, embedder, imports); then each round goes
raw, harness, harness, raw, so a drift in machine load hits both sides alike (on a
shared machine single runs vary by 30%). It prints answers/s and tokens/s of each path
over all rounds and harness/raw; exit status 1 if a ratio is below the target.

    .venv/bin/python benchmarks/local_throughput.py [--short 100 --long 8 --rounds 2]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from inspect_ai import eval as inspect_eval
from inspect_ai.dataset import Sample
from inspect_ai.model import get_model

from vs_bench._registry import TASKS
from vs_bench.formats import FORMATS, Budget, PromptOptions, system_prompt
from vs_bench.providers.local import DEFAULT_MIN_P, LocalAPI
from vs_bench.solver import draw_seed
from vs_bench.tasks._common import TEMPERATURE, TOP_P

TARGET = 0.9
SEED = 2026
STORY_WORDS = 75


@dataclass
class Workload:
    name: str
    task: str
    params: dict[str, Any]
    words: int | None  # the length the system prompt asks for
    max_tokens: int

    def sample(self) -> Sample:
        """The prompt the harness runs: the task's seeded subset of one."""
        return TASKS[self.task](n=1, limit=1, **self.params).dataset[0]


@dataclass
class Tally:
    seconds: float = 0.0
    answers: int = 0
    tokens: int = 0

    def add(self, seconds: float, answers: int, tokens: int) -> None:
        self.seconds += seconds
        self.answers += answers
        self.tokens += tokens

    def rates(self) -> tuple[float, float]:
        return self.answers / self.seconds, self.tokens / self.seconds


def harness(model: str, work: Workload, n: int, log_dir: str) -> tuple[float, int, int]:
    """Seconds, answers and output tokens of one Inspect eval of ``n`` draws."""
    task = TASKS[work.task](n=n, limit=1, **work.params)
    started = time.perf_counter()
    log = inspect_eval(task, model=model, seed=SEED, max_tokens=work.max_tokens,
                       log_dir=log_dir, display="none")[0]
    seconds = time.perf_counter() - started
    if log.status != "success" or log.stats is None:
        sys.exit(f"harness run of {work.task} failed: {log.error}")
    usage = log.stats.model_usage[model]
    return seconds, n, usage.output_tokens


def raw(api: LocalAPI, work: Workload, n: int) -> tuple[float, int, int]:
    """The same calls, straight to the llama.cpp server from ``max_connections`` threads."""
    sample = work.sample()
    system = system_prompt(FORMATS["direct"], Budget(n, 1, 1), PromptOptions(words=work.words))
    messages = [{"role": "system", "content": system}, {"role": "user", "content": sample.input}]

    def call(index: int) -> int:
        result = api.server.handle_chat_completions({
            "messages": messages,
            "max_tokens": work.max_tokens,
            "temperature": TEMPERATURE,
            "top_p": TOP_P,
            "top_k": 0,
            "min_p": DEFAULT_MIN_P,
            # the solver's seed of this sample, epoch 1, call ``index``, turn 0
            "seed": draw_seed(SEED, sample.id, 1, index, 0),
        })
        return int(result["usage"]["completion_tokens"])

    started = time.perf_counter()
    with ThreadPoolExecutor(api.max_connections()) as pool:
        tokens = sum(pool.map(call, range(n)))
    return time.perf_counter() - started, n, tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="local/qwen2.5-0.5b")
    parser.add_argument("--short", type=int, default=100, help="short answers per run")
    parser.add_argument("--long", type=int, default=8, help="long answers per run")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of 2 runs per side")
    parser.add_argument("--long-tokens", type=int, default=100, help="max_tokens of long ones")
    args = parser.parse_args()

    workloads = [
        (Workload("short answers", "rand_num_direct", {}, None, 16), args.short),
        (Workload("~100-token answers", "story_direct", {"words": STORY_WORDS}, STORY_WORDS,
                  args.long_tokens), args.long),
    ]
    api = get_model(args.model).api
    if not isinstance(api, LocalAPI):
        sys.exit(f"{args.model} is not a local/ model")
    print(f"{args.model}: n_parallel={api.settings.n_parallel} "
          f"n_threads={api.settings.n_threads} max_connections={api.max_connections()}")
    failed = False
    with tempfile.TemporaryDirectory() as log_dir:
        for work, n in workloads:
            harness(args.model, work, api.max_connections(), log_dir)  # warm-up
            raw(api, work, api.max_connections())
            sides = {"harness": Tally(), "raw": Tally()}
            for side in ("raw", "harness", "harness", "raw") * args.rounds:
                run = raw(api, work, n) if side == "raw" else harness(args.model, work, n, log_dir)
                sides[side].add(*run)
            (h_ans, h_tok), (r_ans, r_tok) = sides["harness"].rates(), sides["raw"].rates()
            ratio = min(h_ans / r_ans, h_tok / r_tok)
            failed |= ratio < TARGET
            print(f"{work.name} ({work.task}, {n} per run, {2 * args.rounds} runs per side): "
                  f"harness {h_ans:.2f} answers/s {h_tok:.1f} tok/s | "
                  f"raw {r_ans:.2f} answers/s {r_tok:.1f} tok/s | "
                  f"harness/raw answers {h_ans / r_ans:.3f} tokens {h_tok / r_tok:.3f} "
                  f"[target >= {TARGET}: {'ok' if ratio >= TARGET else 'MISSED'}]")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
