"""The commands that run models: ``vs-bench run`` (a suite, then its report) and
``vs-bench sweep`` (models x tasks x formats through Inspect's eval-set)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Annotated, Any

import typer

from vs_bench import preflight
from vs_bench.errors import VsBenchError
from vs_bench.terminal import (
    INTERRUPTED,
    console,
    fail,
    print_board,
    print_plan,
    print_report,
    split,
)

# Inspect's "log" display on a quiet console prints nothing, as "none" does, but skips the
# task table that "none" still renders (to its quiet console) at the end of an eval and
# at a terminal every second: 9.8% of the CPU of a profiled paper-suite run, and 178 s ->
# 116 s wall on 4 families x 8 formats (docs/scale.md)
QUIET_DISPLAY = "log"


@contextlib.contextmanager
def quiet_console() -> Iterator[None]:
    """Rich's console quiet while the block runs (Inspect's log display leaves it as it is)."""
    import rich

    console = rich.get_console()
    before, console.quiet = console.quiet, True
    try:
        yield
    finally:
        console.quiet = before


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
        # a bare --batch is given the value "true" before parsing (run_options.bare_batch)
        typer.Option(metavar="[SIZE|CONFIG]",
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
        suite.plan_suite(split(tasks), split(formats), params, chosen.sizes, chosen.formats),
        options.task_args,
    )
    notes = [note for note in (plan.small_n(items), plan.over_limit(items, limit)) if note]
    if dry_run:
        print_plan(plan.plan_run(items, options.models, epochs or 1), notes)
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
        with contextlib.ExitStack() as own_display:
            if display is None:
                own_display.enter_context(showing())
                own_display.enter_context(quiet_console())
            logs = suite.run_items(
                items, models, folder, max_connections=max_connections, notes=notes,
                display=display or QUIET_DISPLAY, **ro.generate_args(options, chosen.max_tokens),
            )
    except KeyboardInterrupt:
        fail("interrupted: run the same command again to resume; finished samples are kept",
              INTERRUPTED)
    result = report.build_report(logs, name, chosen.name, time.monotonic() - started)
    print_report(result)
    with preflight.stop_when_disk_full(folder):
        written = report.write(result, folder, json_file)
    console.print(f"wrote {', '.join(str(p) for p in written)}", markup=False)
    console.print(f"Open the runs with: vs-bench view {folder}", markup=False)


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

    chosen = split(models)
    if not chosen:
        raise VsBenchError("--models is empty: pass e.g. --models random/python,openai/gpt-4.1")
    params: dict[str, Any] = {k: v for k, v in (("n", n), ("limit", limit)) if v is not None}
    items = suite.plan_suite(split(tasks), split(formats), params)
    if grid:
        items = grid_items(items, parse_grid(grid))
    folder = suite.log_dir(log_dir)
    suite.run_items(items, chosen, folder, max_connections=max_connections, seed=seed,
                    epochs=epochs)
    print_board(lb.leaderboard(folder))
    console.print(f"Open the runs with: vs-bench view {folder}")
