"""The harness's command-line entry points, each run in a process of its own, fast.

A fresh interpreter spends seconds importing Inspect and the libraries of the task
modules before it reads its arguments. Here multiprocessing's fork server imports
those once, and every command runs in a child forked from it: a real process with
its own exit status, output and uncaught-exception handling, as a console script.

vs_bench itself is imported in the child, with the source tree off ``sys.path`` as
for a console script: on it, the build's ``vs_bench.egg-info`` hides the editable
install from Inspect, which then finds no ``vs_bench/<task>``.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import sys
from dataclasses import dataclass
from functools import cache
from multiprocessing.context import ForkServerContext
from pathlib import Path

# console script -> entry point (pyproject.toml of inspect-ai and of vs-bench)
ENTRY_POINTS = {"inspect": "inspect_ai._cli.main:main", "vs-bench": "vs_bench.cli:main"}
# third-party imports of the harness that take seconds (none of them imports vs_bench)
PRELOAD = ["inspect_ai._cli.main", "nltk.translate.bleu_score", "scipy.stats", "typer", __name__]
SOURCE_TREE = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Result:
    code: int | None  # exit status; -9 when killed after the timeout
    output: str  # stdout and stderr, interleaved


@cache
def _context() -> ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def run(
    command: str,
    args: list[str],
    cwd: Path,
    env: dict[str, str | None],
    hide: tuple[str, ...] = (),
    timeout: float = 120,
) -> Result:
    """``command args`` in ``cwd``, in this process's environment with ``env`` changed
    (None removes a variable), like a subprocess.

    ``hide`` names modules that fail to import, as when their package is missing.
    """
    output = cwd / f".{command}.out"
    changed = {k: v for k, v in (os.environ | env).items() if v is not None}
    child = _context().Process(target=_main, args=(command, args, cwd, changed, hide, output))
    child.start()
    child.join(timeout)
    if child.is_alive():
        child.kill()
        child.join()
    return Result(child.exitcode, output.read_text())


def _main(
    command: str, args: list[str], cwd: Path, env: dict[str, str], hide: tuple[str, ...],
    output: Path,
) -> None:
    """The console script, as the interpreter runs it; never returns."""
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.chdir(cwd)
    # as for a console script: neither the source tree nor the working folder
    sys.path[:] = [p for p in sys.path if p and Path(p).resolve() != SOURCE_TREE]
    os.environ.clear()  # the fork server's is that of the test that started it
    os.environ.update(env)
    for module in hide:  # a None entry makes its import raise ImportError
        sys.modules[module] = None  # type: ignore[assignment]
    module, function = ENTRY_POINTS[command].split(":")
    sys.argv = [command, *args]
    code = 0
    try:
        try:
            getattr(importlib.import_module(module), function)()
        except SystemExit:
            raise
        except BaseException:
            # the interpreter's report of an uncaught exception (Inspect's hook may exit)
            sys.excepthook(*sys.exc_info())
            code = 1
    except SystemExit as ex:
        if isinstance(ex.code, str):
            print(ex.code, file=sys.stderr)
        code = ex.code if isinstance(ex.code, int) else int(ex.code is not None)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
