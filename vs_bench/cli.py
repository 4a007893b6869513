"""``vs-bench``: run the benchmark suite and inspect its results."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from vs_bench._inspect_compat import PrerequisiteError
from vs_bench.errors import VsBenchError

if TYPE_CHECKING:
    from vs_bench.analysis.leaderboard import Leaderboard
from vs_bench import preflight

app = typer.Typer(
    add_completion=False,
    no_args_is_help=False,
    help="vs-bench: measure mode collapse and how prompting formats recover diversity.",
    pretty_exceptions_enable=False,
    # plain help, as argparse and Inspect print it: flags show no value, -h works too
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
# wide enough for the results table when output is not a terminal
console = Console()


def _size_console() -> None:
    """A terminal's own width (or COLUMNS); piped, COLUMNS or 160, so that no table is
    cropped. Read per command: the environment may change after import."""
    if sys.stdout.isatty():
        return
    columns = os.environ.get("COLUMNS", "")
    console.width = int(columns) if columns.isdigit() and int(columns) > 0 else 160


def _split(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


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


KeyValues = Annotated[list[str] | None, typer.Option()]


@app.command()
def run(
    model: Annotated[
        str, typer.Option(help="Inspect model(s), comma-separated, e.g. openai/gpt-4.1.")
    ] = "",
    suite_name: Annotated[
        str, typer.Option("--suite", help="headline (default), grid (all formats) or paper.")
    ] = "headline",
    tasks: Annotated[str | None, typer.Option(help="Comma-separated task families.")] = None,
    formats: Annotated[
        str | None, typer.Option(help="Comma-separated formats, or all.")
    ] = None,
    n: Annotated[
        int | None,
        typer.Option(min=1, help="Draws per prompt (N); default: the suite's sizes."),
    ] = None,
    limit: Annotated[
        int | None, typer.Option(min=1, help="Prompts per task (seeded subset).")
    ] = None,
    model_base_url: Annotated[
        str | None, typer.Option(help="Base URL of the model's API.")
    ] = None,
    model_args: Annotated[
        list[str] | None,
        typer.Option("-M", help="Model arg key=value (repeatable); -M max_choices=<n> caps "
                     "the choices per request."),
    ] = None,
    task_args: Annotated[
        list[str] | None,
        typer.Option("-T", help="Task arg key=value (repeatable), to every task that has it."),
    ] = None,
    temperature: Annotated[float | None, typer.Option(help="Sampling temperature.")] = None,
    top_p: Annotated[float | None, typer.Option(help="Nucleus sampling cut.")] = None,
    max_tokens: Annotated[
        int | None, typer.Option(min=1, help="Reply cap; default: the suite's.")
    ] = None,
    epochs: Annotated[int | None, typer.Option(min=1, help="Repeats of each prompt.")] = None,
    max_samples: Annotated[
        int | None, typer.Option(min=1, help="Samples run at once per task.")
    ] = None,
    max_connections: Annotated[
        int | None, typer.Option(min=1, help="Concurrent model calls.")
    ] = None,
    batch: Annotated[
        str | None,
        typer.Option(is_flag=False, flag_value="true", metavar="[SIZE|CONFIG]",
                     help="Provider batch APIs: --batch, --batch <size> or a config file."),
    ] = None,
    display: Annotated[
        str | None, typer.Option(help="Inspect's display: full, conversation, rich, plain, "
                                 "log, none (default: one line per prompt).")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Base seed; each draw derives its own.")] = 0,
    log_dir: Annotated[str | None, typer.Option(help="Inspect log folder.")] = None,
    json_file: Annotated[
        str | None, typer.Option("--json", help="Also write the summary JSON here.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the plan (requests, tokens) and exit.")
    ] = False,
) -> None:
    """The main job: a suite of tasks x formats, then per task a verdict against direct.

    Writes summary.json and summary.md next to the logs. Running the same command again
    reuses the finished work in the log folder (an interrupted run resumes).
    """
    import time

    from vs_bench import plan, suite
    from vs_bench import run_options as ro
    from vs_bench.analysis import report

    chosen = suite.suite(suite_name)
    params = {k: v for k, v in (("n", n), ("limit", limit)) if v is not None}
    options = ro.take_max_choices(ro.RunOptions(
        models=ro.split_models(model, suite.DEFAULT_MODEL), model_base_url=model_base_url,
        model_args=ro.key_values(model_args, "-M"), task_args=ro.key_values(task_args, "-T"),
        temperature=temperature, top_p=top_p, max_tokens=max_tokens, epochs=epochs,
        max_samples=max_samples, max_connections=max_connections,
        batch=ro.batch_value(batch), display=display, seed=seed,
    ))
    items = ro.with_task_args(
        suite.plan_suite(_split(tasks), _split(formats), params, chosen.sizes, chosen.formats),
        options.task_args,
    )
    notes = [note for note in (plan.small_n(items), plan.over_limit(items, limit)) if note]
    if dry_run:
        _print_plan(plan.plan_run(items, options.models, epochs or 1), notes)
        return
    folder = suite.log_dir(log_dir)
    if json_file:
        preflight.check_output(json_file, "--json")
    models = ro.resolve_models(options)
    name = ",".join(options.models)
    from vs_bench.analysis.progress import showing

    started = time.monotonic()
    try:
        # Inspect's display off (a metric panel per cell): one line per prompt instead,
        # unless --display asks for Inspect's
        with showing() if display is None else contextlib.nullcontext():
            logs = suite.run_items(
                items, models, folder, max_connections=max_connections, notes=notes,
                display=display or "none", **ro.generate_args(options, chosen.max_tokens),
            )
    except KeyboardInterrupt:
        _fail("interrupted: run the same command again to resume; finished samples are kept",
              INTERRUPTED)
    result = report.build_report(logs, name, chosen.name, time.monotonic() - started)
    _print_report(result)
    with preflight.stop_when_disk_full(folder):
        written = report.write(result, folder, json_file)
    console.print(f"wrote {', '.join(str(p) for p in written)}", markup=False)
    console.print(f"Open the runs with: vs-bench view {folder}", markup=False)


def _print_plan(plans: Any, notes: list[str]) -> None:
    from vs_bench import plan

    table = Table(*plan.HEADER, title="vs-bench run --dry-run: nothing is sent")
    for cells in plan.rows(plans):
        table.add_row(*cells)
    console.print(table)
    for note in notes:
        console.print(f"warning: {note}", markup=False, soft_wrap=True)


def _print_report(result: Any) -> None:
    from vs_bench.analysis import report

    took = f": {result.seconds:.0f} s" if result.seconds is not None else ""
    console.print(f"vs-bench {result.suite} on {result.model}{took}", markup=False)
    if result.model.startswith("local/"):
        from vs_bench.providers.local import loaded_settings

        for settings in loaded_settings():
            console.print(f"{result.model}: n_threads={settings.n_threads} "
                          f"n_parallel={settings.n_parallel} n_ctx={settings.n_ctx}",
                          markup=False)
    for table in report.terminal_tables(result, console.width):
        console.print(table)
    for task in result.tasks.values():
        console.print(task.verdict, markup=False, soft_wrap=True)
    console.print(report.METHODS, markup=False, soft_wrap=True)


@app.command("report")
def report_command(
    log_dir: Annotated[
        str | None, typer.Argument(help="Inspect log folder (default logs/).")
    ] = None,
    json_file: Annotated[
        str | None, typer.Option("--json", help="Also write the summary JSON here.")
    ] = None,
) -> None:
    """Rebuild the run report (tables, verdicts, summary.json/.md) from a folder of logs,
    one per model in it."""
    from vs_bench.analysis import report
    from vs_bench.suite import log_dir as default_log_dir

    if json_file:
        preflight.check_output(json_file, "--json")
    folder = log_dir or default_log_dir()
    found = report.reports(folder)
    for result in found:
        _print_report(result)
    for note in found[0].notes if found else []:
        console.print(f"- {note}", markup=False, soft_wrap=True)
    written = report.write_all(found, folder, json_file)
    console.print(f"wrote {', '.join(str(p) for p in written)}", markup=False)


@app.command("list")
def list_tasks() -> None:
    """List the registered tasks and formats."""
    from vs_bench.formats import ALIASES, FORMATS
    from vs_bench.tasks import FAMILIES

    console.print("tasks:   " + ", ".join(FAMILIES))
    console.print("formats: " + ", ".join(FORMATS))
    console.print("aliases: " + ", ".join(f"{a}={b}" for a, b in ALIASES.items()))
    console.print("run one: inspect eval vs_bench/<task>_<format> --model random/python")
    from vs_bench.corpus import creativity_line

    console.print(creativity_line(), markup=False)


@app.command()
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
    from vs_bench.tasks.answer_sets import read_ground_truth

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


@app.command("index-corpus")
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


LogDir = Annotated[str | None, typer.Argument(help="Inspect log folder (default logs/).")]
# The paper repository's commands parse their own flags (argparse, as it did).
PAPER_REPO_COMMAND = {"allow_extra_args": True, "ignore_unknown_options": True}


def _print_board(board: Leaderboard) -> None:
    from vs_bench.analysis.render import terminal_tables

    for table in terminal_tables(board, console.width):
        console.print(table)
    for note in board.notes:
        console.print(f"- {note}", markup=False, soft_wrap=True)


@app.command()
def leaderboard(
    log_dir: LogDir = None,
    csv_file: Annotated[str | None, typer.Option("--csv", help="Write the table as CSV.")] = None,
    markdown: Annotated[str | None, typer.Option(help="Write the table as Markdown.")] = None,
    html: Annotated[str | None, typer.Option(help="Write a static sortable page.")] = None,
) -> None:
    """Models x tasks x formats from the logs: the primary metric, 95% intervals, the
    difference from direct (the report's figures)."""
    from vs_bench.analysis import leaderboard as lb
    from vs_bench.analysis import render
    from vs_bench.suite import log_dir as default_log_dir

    for path, option in ((csv_file, "--csv"), (markdown, "--markdown"), (html, "--html")):
        preflight.check_output(path, option)
    board = lb.leaderboard(log_dir or default_log_dir())
    _print_board(board)
    for path, write in ((csv_file, render.write_csv), (markdown, render.write_markdown),
                        (html, render.write_html)):
        if path:
            console.print(f"wrote {write(board, path)}")


@app.command()
def plot(
    log_dir: LogDir = None,
    out: Annotated[str, typer.Option(help="Folder for the PNG and SVG files.")] = "plots",
    sizes: Annotated[
        str, typer.Option(help="Sample sizes of the curves, comma-separated.")
    ] = "1,3,5,10,50",
    prompts: Annotated[
        int, typer.Option(min=1, help="Histograms per task: first prompts.")
    ] = 3,
) -> None:
    """Answer histograms, metric-by-format bars and sample-size curves."""
    from vs_bench.analysis.plot_data import parse_sizes
    from vs_bench.analysis.plots import plot_runs
    from vs_bench.analysis.runs import load_runs
    from vs_bench.suite import log_dir as default_log_dir

    chosen = parse_sizes(sizes)
    preflight.check_output(out, "--out", folder=True)
    runs, notes = load_runs(log_dir or default_log_dir())
    written = plot_runs(runs, out, chosen, prompts)
    console.print(f"wrote {len(written)} files to {out}/:")
    for path in written:
        if path.suffix == ".png":
            console.print(f"  {path.stem}.png|svg", markup=False)
    for note in notes:
        console.print(f"- {note}", markup=False, soft_wrap=True)


@app.command()
def sweep(
    models: Annotated[str, typer.Option(help="Comma-separated Inspect models.")],
    tasks: Annotated[str | None, typer.Option(help="Comma-separated task families.")] = None,
    formats: Annotated[str | None, typer.Option(help="Comma-separated formats.")] = None,
    n: Annotated[int | None, typer.Option(min=1, help="Draws per prompt (N).")] = None,
    limit: Annotated[
        int | None, typer.Option(min=1, help="Prompts per task (seeded subset).")
    ] = None,
    epochs: Annotated[int | None, typer.Option(min=1, help="Repeats of each prompt.")] = None,
    max_connections: Annotated[
        int | None, typer.Option(min=1, help="Concurrent model calls.")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Base seed; each draw derives its own.")] = 0,
    log_dir: Annotated[str | None, typer.Option(help="Inspect log folder.")] = None,
    grid: Annotated[
        list[str] | None,
        typer.Option(help="A task parameter's values, e.g. --grid tail=1,0.5,0.2 (repeatable)."),
    ] = None,
) -> None:
    """Models x tasks x formats through Inspect's eval-set: a re-run skips finished work."""
    from vs_bench import suite
    from vs_bench.analysis import leaderboard as lb
    from vs_bench.grid import grid_items, parse_grid

    chosen = _split(models)
    if not chosen:
        raise VsBenchError("--models is empty: pass e.g. --models random/python,openai/gpt-4.1")
    params: dict[str, Any] = {k: v for k, v in (("n", n), ("limit", limit)) if v is not None}
    items = suite.plan_suite(_split(tasks), _split(formats), params)
    if grid:
        items = grid_items(items, parse_grid(grid))
    folder = suite.log_dir(log_dir)
    suite.run_items(items, chosen, folder, max_connections=max_connections, seed=seed,
                    epochs=epochs)
    _print_board(lb.leaderboard(folder))
    console.print(f"Open the runs with: vs-bench view {folder}")


def _inspect(*args: str) -> int:
    """Run Inspect's own CLI with this interpreter; stopping vs-bench stops it too."""
    process = subprocess.Popen([sys.executable, "-m", "inspect_ai", *args])

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # SIGTERM: the same clean-up as Ctrl-C

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        return process.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _existing_log_dir(log_dir: str | None) -> str:
    """The log folder of view and bundle; a one-line error when there is none."""
    from vs_bench.suite import log_dir as default_log_dir

    folder = log_dir or default_log_dir()
    if "://" not in folder and not Path(folder).is_dir():
        raise VsBenchError(f"no log folder {folder}: pass the folder that holds the .eval logs "
                           "(`vs-bench run` writes them to logs/)")
    return folder


@app.command()
def view(
    log_dir: LogDir = None,
    port: Annotated[int, typer.Option(help="Port of the viewer.")] = 7575,
) -> None:
    """Open Inspect's log viewer on the log folder (Ctrl-C stops it)."""
    raise typer.Exit(_inspect("view", "--log-dir", _existing_log_dir(log_dir),
                              "--port", str(port)))


@app.command()
def bundle(
    out: Annotated[str, typer.Option(help="Folder of the static site.")],
    log_dir: LogDir = None,
) -> None:
    """A static site: Inspect's viewer bundle, the leaderboard page and the plots."""
    from vs_bench.analysis import runs as logs
    from vs_bench.analysis.leaderboard import build
    from vs_bench.analysis.plots import plot_runs
    from vs_bench.analysis.render import write_html

    preflight.check_output(out, "--out", folder=True)
    folder = _existing_log_dir(log_dir)
    runs, notes = logs.load_runs(folder)
    site = Path(out)
    with tempfile.TemporaryDirectory() as temporary:
        # Inspect's bundler stops at the first log it cannot read: it gets the readable ones
        headers, unreadable = logs.read_headers(folder)
        viewed = folder
        if unreadable:
            viewed = temporary
            for location, _ in headers:
                source = Path(logs.log_file_name(location))
                target = Path(temporary) / source.resolve().relative_to(Path(folder).resolve())
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
        if _inspect("view", "bundle", "--log-dir", viewed, "--output-dir",
                    str(site / "viewer"), "--overwrite"):
            raise VsBenchError(f"inspect view bundle failed for {folder}: see the message above")
    for note in unreadable:
        console.print(f"- {note}", markup=False, soft_wrap=True)
    from vs_bench.analysis import report

    board = build(runs)
    board.notes.extend(notes)
    write_html(board, site / "leaderboard.html")
    summary = report.summary_html(report.from_results(board.results, notes))
    figures = [p for p in plot_runs(runs, site / "plots", board=board) if p.suffix == ".png"]
    links = "".join(f'<li><a href="plots/{p.name}">{p.stem}</a></li>' for p in figures)
    (site / "index.html").write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>vs-bench</title></head><body>"
        f"<h1>vs-bench</h1>{summary}<ul><li><a href='leaderboard.html'>leaderboard</a></li>"
        "<li><a href='viewer/index.html'>Inspect log viewer</a> (serve the folder over HTTP, "
        f"e.g. python -m http.server)</li></ul><h2>plots</h2><ul>{links}</ul></body></html>\n",
        encoding="utf-8",
    )
    console.print(f"wrote {site}/index.html, leaderboard.html, viewer/ and {len(figures)} plots")


@app.command("run-experiment", context_settings=PAPER_REPO_COMMAND, add_help_option=False)
def run_experiment(ctx: typer.Context) -> None:
    """The paper repository's command: one task x format; writes the log and a responses JSONL."""
    from vs_bench.paper_repo_cli import run_experiment as run

    plan, log, lines = run(ctx.args)
    for note in plan.notes:
        console.print(f"note: {note}")
    console.print(f"wrote {lines} lines to {plan.output_file}; log: {log.location}")


@app.command("analyze-results", context_settings=PAPER_REPO_COMMAND, add_help_option=False)
def analyze_results(ctx: typer.Context) -> None:
    """The paper repository's command: metrics and plots per sample size from responses or logs."""
    from vs_bench.paper_repo_cli import analyze_results as analyze

    written, notes = analyze(ctx.args)
    console.print(f"wrote {len(written)} files under the output dir:")
    for path in written:
        console.print(f"  {path}", markup=False)
    for note in notes:
        console.print(f"- {note}", markup=False, soft_wrap=True)


INTERRUPTED = 130  # 128 + SIGINT: what a shell reports for a command stopped by Ctrl-C


def _fail(message: str, code: int = 2) -> NoReturn:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(code)


def main() -> None:
    """Console entry point: bad input ends with one line on stderr and exit code 2, and
    an interrupt (Ctrl-C) with one line and exit code 130, never with a traceback."""
    _size_console()
    try:
        code = app(standalone_mode=False, prog_name="vs-bench")
    except VsBenchError as ex:
        _fail(preflight.one_line(ex.message, markup=False))
    except PrerequisiteError as ex:  # Inspect's own (a missing API key, ...): rich markup
        _fail(preflight.one_line(ex.message))
    except (KeyboardInterrupt, typer.Abort):
        _fail("interrupted", INTERRUPTED)
    except typer.Exit as ex:
        sys.exit(ex.exit_code)
    except typer.TyperException as ex:  # usage errors: unknown option, bad value, ...
        message = ex.format_message() if hasattr(ex, "format_message") else str(ex)
        context = getattr(ex, "ctx", None)
        where = context.command_path if context is not None else "vs-bench"
        _fail(f"{message} (see {where} --help)")
    # outside standalone mode, Click returns the code of Ctrl-C (and of typer.Exit)
    if code == INTERRUPTED:
        _fail("interrupted", INTERRUPTED)
    if isinstance(code, int) and code:
        sys.exit(code)
