"""``vs-bench``: run the benchmark suite and inspect its results."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from vs_bench import log_commands, preflight, run_commands, run_options
from vs_bench._inspect_compat import PrerequisiteError
from vs_bench.errors import VsBenchError
from vs_bench.terminal import INTERRUPTED, console, fail, size_console

__all__ = ["INTERRUPTED", "app", "main"]

app = typer.Typer(
    add_completion=False,
    no_args_is_help=False,
    help="vs-bench: measure mode collapse and how prompting formats recover diversity.",
    pretty_exceptions_enable=False,
    # plain help, as argparse and Inspect print it: flags show no value, -h works too
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        print(f"vs-bench {version('vs-bench')}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True,
                     help="Print the version and exit."),
    ] = False,
) -> None:
    """vs-bench: measure mode collapse and how prompting formats recover diversity."""


def list_tasks() -> None:
    """List the registered tasks and formats."""
    from vs_bench.formats import ALIASES, FORMATS
    from vs_bench.registry import families

    console.print("tasks:   " + ", ".join(families()))
    console.print("formats: " + ", ".join(FORMATS))
    console.print("aliases: " + ", ".join(f"{a}={b}" for a, b in ALIASES.items()))
    console.print("run one: inspect eval vs_bench/<task>_<format> --model random/python")
    from vs_bench.corpus import creativity_line

    console.print(creativity_line(), markup=False)


def score(
    task: Annotated[str, typer.Option(help="Task family of the responses, e.g. open_qa.")],
    responses: Annotated[
        str, typer.Option(help='JSONL, one call a line: {"prompt", "responses": [...]}.')
    ],
    ground_truth: Annotated[
        str | None, typer.Option(help="Question set JSON (answer-set tasks).")
    ] = None,
    corpus_index: Annotated[
        str | None,
        typer.Option(help="Corpus index folder (vs-bench index-corpus): adds creativity_index "
                     "(creative tasks)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Re-score a response file: run-level metrics and one row per prompt."""
    from vs_bench import rescore
    from vs_bench.analysis.render import number
    from vs_bench.corpus import HOW_TO_GET_ONE, open_corpus
    from vs_bench.ground_truth import read_ground_truth

    questions = read_ground_truth(ground_truth) if ground_truth is not None else None
    corpus = open_corpus(corpus_index) if corpus_index is not None else None
    result = rescore.score_responses(responses, task, questions, corpus)
    if corpus is None and rescore.family_spec(task).kind == "creative":
        print(f"note: no creativity_index without a corpus: {HOW_TO_GET_ONE}", file=sys.stderr)
    if as_json:
        print(rescore.to_json(result))
        return
    from vs_bench.analysis.render import label

    # key/value: a metric a row, so that no value is cut whatever the number of metrics
    keys = [k for k in result if k not in ("per_prompt", "n", "prompts")]
    table = Table("metric", "key", "all prompts",
                  title=f"vs-bench score: {task}, {responses} ({result.get('prompts', '?')} "
                  f"prompts, {result['n']} responses)", title_justify="left")
    for key in keys:
        table.add_row(label(key), key, number(result[key]))
    console.print(table)
    console.print("per prompt: vs-bench score ... --json", markup=False)


def index_corpus(
    files: Annotated[
        list[str],
        typer.Argument(help="Corpus files: .txt (one document each), .jsonl (one a line)."),
    ],
    out: Annotated[str, typer.Option(help="New folder of the index.")],
    field: Annotated[str, typer.Option(help="The text key of the .jsonl lines.")] = "text",
) -> None:
    """Build a local corpus index for the creativity index (infini-gram, byte-level)."""
    from vs_bench.corpus import build_index, progress_bar

    with progress_bar(console) as progress:
        summary = build_index(files, out, field=field, progress=progress)
    console.print(f"wrote {out}: {summary.documents} documents, {summary.words} words, "
                  f"{summary.seconds:.1f} s; score with --corpus-index {out}", markup=False)


PAPER_REPO_COMMAND = {"allow_extra_args": True, "ignore_unknown_options": True}


def run_experiment(ctx: typer.Context) -> None:
    """The paper repository's command: one task x format; writes the log and a responses JSONL."""
    from vs_bench.paper_repo_cli import run_experiment as run

    plan, log, lines = run(ctx.args)
    for note in plan.notes:
        console.print(f"note: {note}")
    console.print(f"wrote {lines} lines to {plan.output_file}; log: {log.location}")


def analyze_results(ctx: typer.Context) -> None:
    """The paper repository's command: metrics and plots per sample size from responses or logs."""
    from vs_bench.paper_repo_cli import analyze_results as analyze

    written, notes = analyze(ctx.args)
    console.print(f"wrote {len(written)} files under the output dir:")
    for path in written:
        console.print(f"  {path}", markup=False)
    for note in notes:
        console.print(f"- {note}", markup=False, soft_wrap=True)


# the commands, in the order --help lists them
app.command()(run_commands.run)
app.command("report")(log_commands.report_command)
app.command("list")(list_tasks)
app.command()(score)
app.command("index-corpus")(index_corpus)
app.command()(log_commands.leaderboard)
app.command()(log_commands.plot)
app.command()(run_commands.sweep)
app.command()(log_commands.view)
app.command()(log_commands.bundle)
app.command("run-experiment", context_settings=PAPER_REPO_COMMAND, add_help_option=False)(
    run_experiment
)
app.command("analyze-results", context_settings=PAPER_REPO_COMMAND, add_help_option=False)(
    analyze_results
)


def main() -> None:
    """Console entry point: bad input ends with one line on stderr and exit code 2, and
    an interrupt (Ctrl-C) with one line and exit code 130, never with a traceback."""
    size_console()
    try:
        args = run_options.bare_batch(sys.argv[1:])
        code = app(args=args, standalone_mode=False, prog_name="vs-bench")
    except VsBenchError as ex:
        fail(preflight.one_line(ex.message, markup=False))
    except PrerequisiteError as ex:  # Inspect's own (a missing API key, ...): rich markup
        fail(preflight.one_line(ex.message))
    except (KeyboardInterrupt, typer.Abort):
        fail("interrupted", INTERRUPTED)
    except typer.Exit as ex:
        sys.exit(ex.exit_code)
    except typer.TyperException as ex:  # usage errors: unknown option, bad value, ...
        message = ex.format_message() if hasattr(ex, "format_message") else str(ex)
        context = getattr(ex, "ctx", None)
        where = context.command_path if context is not None else "vs-bench"
        fail(f"{message} (see {where} --help)")
    # outside standalone mode, Click returns the code of Ctrl-C (and of typer.Exit)
    if code == INTERRUPTED:
        fail("interrupted", INTERRUPTED)
    if isinstance(code, int) and code:
        sys.exit(code)
