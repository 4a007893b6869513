"""The command line of the paper authors' repository (CHATS-lab/verbalized-sampling),
``run-experiment`` and ``analyze-results``, over the same machinery.

They keep that repository's flags (argparse, as it had them) and map each one to an
Inspect setting: ``run-experiment`` is an Inspect eval of ``vs_bench/<task>_<format>``
that also writes the responses in the paper's JSONL shape; ``analyze-results`` reads
such files or Inspect logs and writes sample-size metrics and plots.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from inspect_ai.log import EvalLog, read_eval_log

from vs_bench.analysis.plots import (
    REPEATS,
    SEED,
    SIZES,
    histogram_figure,
    parse_sizes,
    sample_size_figure,
    save,
    subsample,
    summarise,
)
from vs_bench.analysis.render import slug
from vs_bench.analysis.runs import PromptDraws, Run, load_runs, prompt_text
from vs_bench.draws import STORE_KEY, SampleDraws
from vs_bench.errors import VsBenchError
from vs_bench.formats import ALIASES, FORMATS, resolve_format
from vs_bench.preflight import check_output
from vs_bench.registry import families, reference_for


class _Parser(argparse.ArgumentParser):
    """Bad flags end in one line naming the fix, like every vs-bench error."""

    def error(self, message: str) -> NoReturn:
        raise VsBenchError(f"{self.prog}: {message} (see {self.prog} --help)")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


def _unit(low: float, high: float) -> Any:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not in [{low}, {high}]")
        return value

    return parse


def experiment_parser() -> _Parser:
    names = list(families())
    parser = _Parser(
        prog="vs-bench run-experiment",
        description="The paper repository's command: one task in one format, as an Inspect eval. "
        "Writes the Inspect log and the responses in the paper's JSONL shape.",
    )
    parser.add_argument("--task", required=True, choices=names, metavar="TASK",
                        help=f"task family: {', '.join(names)}")
    parser.add_argument("--model-name", required=True,
                        help="any Inspect model, e.g. openai/gpt-4.1 or random/python")
    parser.add_argument("--format", default="direct",
                        help="format or the paper repository's method name: "
                        f"{', '.join([*FORMATS, *ALIASES])}")
    parser.add_argument("--temperature", type=_unit(0.0, 2.0), default=0.7)
    parser.add_argument("--top-p", type=_unit(0.0, 1.0), default=1.0)
    parser.add_argument("--num-responses", type=_positive, default=10,
                        help="calls per prompt (conversations for the multi-turn formats)")
    parser.add_argument("--num-samples", type=_positive, default=1,
                        help="candidates per call (k); one-answer formats take 1")
    parser.add_argument("--num-workers", type=_positive, default=None,
                        help="concurrent model calls (Inspect's max_connections)")
    parser.add_argument("--num-prompts", type=_positive, default=None,
                        help="prompts per task, a seeded subset (Inspect task limit)")
    parser.add_argument("--use-vllm", action="store_true",
                        help="serve --model-name through Inspect's vLLM provider (vllm/...)")
    parser.add_argument("--base-url", default=None, help="model base URL (e.g. a vLLM server)")
    parser.add_argument("--seed", type=int, default=None, help="base seed; each draw derives one")
    parser.add_argument("--output-file", type=Path, default=None,
                        help="responses JSONL (default responses/<task>_<format>_<model>.jsonl)")
    parser.add_argument("--log-dir", default=None, help="Inspect log folder (default logs/)")
    return parser


@dataclass(frozen=True)
class Experiment:
    """The Inspect settings the paper repository's flags map to."""

    task: str  # registered task name, vs_bench/<task>_<format> without the prefix
    model: str
    task_args: dict[str, Any]
    eval_args: dict[str, Any]
    output_file: Path
    notes: list[str] = field(default_factory=list)
    family: str = ""  # the task family and format that ``task`` names
    format: str = ""


def plan_experiment(argv: Sequence[str]) -> Experiment:
    """Flags -> task name, task arguments (-T) and eval arguments."""
    from vs_bench.suite import log_dir

    args = experiment_parser().parse_args(list(argv))
    fmt = resolve_format(args.format)
    model = args.model_name
    if args.use_vllm and not model.startswith("vllm/"):
        model = f"vllm/{model}"
    if "/" not in model:
        raise VsBenchError(
            f"--model-name {model} names no provider: pass e.g. openai/{model}, "
            "or add --use-vllm for a vLLM server"
        )
    notes = []
    several = fmt.batched or fmt.conversation
    if not several and args.num_samples != 1:
        notes.append(f"{fmt.name} returns one answer per call: --num-samples "
                     f"{args.num_samples} is not used")
    k = args.num_samples if several else 1
    task_args: dict[str, Any] = {
        "n": args.num_responses * k,
        "k": k,
        "temperature": args.temperature,
        "top_p": args.top_p,
    }
    if args.num_prompts is not None:
        task_args["limit"] = args.num_prompts
    eval_args: dict[str, Any] = {"log_dir": log_dir(args.log_dir)}
    for name, value in (("max_connections", args.num_workers), ("seed", args.seed),
                        ("model_base_url", args.base_url)):
        if value is not None:
            eval_args[name] = value
    output = args.output_file or Path("responses") / f"{args.task}_{fmt.name}_{slug(model)}.jsonl"
    return Experiment(f"{args.task}_{fmt.name}", model, task_args, eval_args, output, notes,
                      args.task, fmt.name)


def run_experiment(argv: Sequence[str]) -> tuple[Experiment, EvalLog, int]:
    """Run the eval; write the responses file. Returns the plan, the log and its line count.

    The eval runs through ``suite.run_items``, the one run path: its preflight (model,
    log folder) comes before any work, and the same experiment run again reuses the
    finished log in the log folder instead of asking the model again.
    """
    from vs_bench.suite import SuiteItem, run_items

    plan = plan_experiment(argv)
    # what would otherwise fail after the run fails before it
    check_output(plan.output_file, "--output-file")
    eval_args = dict(plan.eval_args)
    log_dir = eval_args.pop("log_dir")
    max_connections = eval_args.pop("max_connections", None)
    # the paper repository's logs/ holds one experiment after another: other tasks' logs stay
    logs = run_items([SuiteItem(plan.family, plan.format, plan.task_args)], [plan.model], log_dir,
                     max_connections, log_dir_allow_dirty=True, **eval_args)
    log = logs[0] if logs[0].samples else read_eval_log(logs[0].location)
    fmt = resolve_format(plan.format)
    return plan, log, write_responses(log, plan.output_file, fmt.batched or fmt.conversation)


def write_responses(log: EvalLog, path: Path, per_call: bool = True) -> int:
    """One JSONL line per call: {"prompt", "responses": [{"text", "probability"}]}.

    ``probability`` is the verbalized one, null for formats that state none. Replies that
    did not parse add no response (the log counts them). ``per_call`` False (one-answer
    formats): one line per draw, as the paper repository's calls were; the solver may
    have asked for several draws as the choices of one request, each an independent
    completion.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = 0
    with path.open("w", encoding="utf-8") as f:
        for sample in log.samples or []:
            if STORE_KEY not in sample.store:
                continue
            prompt = prompt_text(sample)
            calls: dict[int, list[dict[str, Any]]] = {}
            for i, draw in enumerate(SampleDraws.load(sample.store).draws):
                calls.setdefault(draw.call if per_call else i, []).append(
                    {"text": draw.text, "probability": draw.probability}
                )
            for responses in calls.values():
                f.write(json.dumps({"prompt": prompt, "responses": responses},
                                   ensure_ascii=False) + "\n")
                lines += 1
    return lines


# ---------------------------------------------------------------------------- analyze-results


def analysis_parser() -> _Parser:
    parser = _Parser(
        prog="vs-bench analyze-results",
        description="The paper repository's command: metrics and plots at several sample "
        "sizes, from response files (*.jsonl) or Inspect logs in a folder.",
    )
    parser.add_argument("--target-dir", type=Path, required=True,
                        help="folder with *.jsonl response files and/or Inspect logs")
    parser.add_argument("--output-dir", type=Path, default=Path("analysis"))
    parser.add_argument("--sizes", nargs="+", default=None,
                        help="draws per prompt to subsample, comma-separated as in vs-bench "
                        "plot (default: 1,3,5,10,50; the paper repository's 1 3 5 10 50 works too)")
    parser.add_argument("--repeats", type=_positive, default=REPEATS,
                        help="random subsets per size")
    parser.add_argument("--seed", type=int, default=SEED)
    return parser


def response_draws(path: Path) -> list[PromptDraws]:
    """Draws per prompt of a paper-shape response file, with each prompt's answer set."""
    from vs_bench.rescore import read_responses

    found = []
    for prompt, texts in read_responses(path).items():
        answers = reference_for(prompt)
        if answers is None:
            raise VsBenchError(
                f"{path}: no answer set is known for the prompt {prompt[:60]!r}: "
                "analyze-results handles the number and answer-set tasks"
            )
        found.append(PromptDraws(prompt, answers, texts))
    return found


def _draws_key(prompts: Sequence[PromptDraws]) -> frozenset[tuple[str, tuple[str, ...]]]:
    """What a response file and a log share when they hold one experiment: each prompt's
    texts (in any order: a log pools a prompt's draws over its epochs)."""
    return frozenset((p.prompt, tuple(sorted(p.texts))) for p in prompts)


def _datasets(target: Path) -> tuple[list[tuple[str, list[PromptDraws]]], list[str]]:
    """The draws of each response file and log in ``target``, and notes on logs left out."""
    from inspect_ai.log import list_eval_logs

    if not target.is_dir():
        raise VsBenchError(f"--target-dir {target} is not a folder: pass the folder that holds "
                           "the response files or logs")
    files = [(path, response_draws(path)) for path in sorted(target.rglob("*.jsonl"))]
    notes: list[str] = []
    runs: list[Run] = []
    if list_eval_logs(str(target)):
        try:
            runs, notes = load_runs(target)
        except VsBenchError as ex:  # no usable log: the response files may still do
            if not files:
                raise
            notes = [str(ex)]
    logged = {_draws_key(r.draws): r for r in runs if r.draws}
    found: list[tuple[str, list[PromptDraws]]] = []
    for path, draws in files:
        # run-experiment writes its responses beside its log: one experiment, analysed once
        twin = logged.get(_draws_key(draws))
        if twin is not None:
            notes.append(f"{path} holds the draws of the log of {twin.task} {twin.format} "
                         f"{twin.model}: analysed once, from the log")
            continue
        found.append((path.stem, draws))
    found += [(f"{slug(r.task)}_{r.format}_{slug(r.model)}", r.draws) for r in runs if r.draws]
    if not found:
        raise VsBenchError(f"no *.jsonl response files or Inspect logs in {target}: "
                           "run `vs-bench run-experiment` first")
    return found, notes


def analyze_results(argv: Sequence[str]) -> tuple[list[Path], list[str]]:
    """Write metrics/<name>.json and plots/<name>_*.png|svg for each input; the files
    written and notes on the logs left out."""
    args = analysis_parser().parse_args(list(argv))
    sizes = parse_sizes(args.sizes) if args.sizes else list(SIZES)
    check_output(args.output_dir, "--output-dir", folder=True)
    written: list[Path] = []
    datasets, notes = _datasets(args.target_dir)
    for name, prompts in datasets:
        stats = subsample(prompts, sizes, args.repeats, args.seed)
        metrics = {
            "source": name,
            "prompts": len(prompts),
            "draws": sum(len(p.texts) for p in prompts),
            "repeats": args.repeats,
            "seed": args.seed,
            "sizes": {
                str(size): {key: summarise(value) for key, value in values.items()}
                for size, values in stats.items()
            },
            "skipped_sizes": [s for s in sizes if s not in stats],
        }
        path = args.output_dir / "metrics" / f"{name}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
        written.append(path)
        plots = args.output_dir / "plots"
        panels = [(f"prompt {i + 1}", p) for i, p in enumerate(prompts[:3])]
        written += save(histogram_figure(f"{name}: answers", panels), plots, f"{name}_histogram")
        figure = sample_size_figure(name, [(name, stats)], [p.answers.size for p in prompts],
                                    sizes, args.repeats)
        written += save(figure, plots, f"{name}_sample_size")
    return written, notes
