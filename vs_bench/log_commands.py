"""The commands over a folder of logs: report, leaderboard, plot, view and bundle."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from vs_bench import preflight
from vs_bench.errors import VsBenchError
from vs_bench.site import write_index
from vs_bench.terminal import console, print_board, print_report

LogDir = Annotated[str | None, typer.Argument(help="Inspect log folder (default logs/).")]


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
        print_report(result)
    for note in found[0].notes if found else []:
        console.print(f"- {note}", markup=False, soft_wrap=True)
    written = report.write_all(found, folder, json_file)
    console.print(f"wrote {', '.join(str(p) for p in written)}", markup=False)


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
    print_board(board)
    for path, write in ((csv_file, render.write_csv), (markdown, render.write_markdown),
                        (html, render.write_html)):
        if path:
            console.print(f"wrote {write(board, path)}")


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


def inspect_cli(*args: str) -> int:
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


def existing_log_dir(log_dir: str | None) -> str:
    """The log folder of view and bundle; a one-line error when there is none."""
    from vs_bench.suite import log_dir as default_log_dir

    folder = log_dir or default_log_dir()
    if "://" not in folder and not Path(folder).is_dir():
        raise VsBenchError(f"no log folder {folder}: pass the folder that holds the .eval logs "
                           "(`vs-bench run` writes them to logs/)")
    return folder


def view(
    log_dir: LogDir = None,
    port: Annotated[int, typer.Option(help="Port of the viewer.")] = 7575,
) -> None:
    """Open Inspect's log viewer on the log folder (Ctrl-C stops it)."""
    raise typer.Exit(inspect_cli("view", "--log-dir", existing_log_dir(log_dir),
                              "--port", str(port)))


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
    folder = existing_log_dir(log_dir)
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
        if inspect_cli("view", "bundle", "--log-dir", viewed, "--output-dir",
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
    write_index(site, summary, figures)
    console.print(f"wrote {site}/index.html, leaderboard.html, viewer/ and {len(figures)} plots")
