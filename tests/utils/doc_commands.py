"""The shell commands of the README and the docs pages, and their static check.

A fenced ``bash`` block is a list of commands (backslash continuations joined, ``#``
comments dropped, ``&&`` / ``;`` / ``|`` splitting a line). The comment line right
before a block tags it: ``<!-- docs-test: run -->`` (run it, offline, in a scratch
folder) or ``<!-- docs-test: walkthrough -->`` (checked with the family its page
creates installed). Every command is checked statically: the program is one the checker
knows, and its options, tasks, task parameters, models, extras and pins are the ones
the command line and ``pyproject.toml`` define. A command of any other program fails
the check, so a new kind of example needs a rule here.
"""

from __future__ import annotations

import inspect as pyinspect
import os
import re
import shlex
import tomllib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FENCE = re.compile(r"^```(\w*)\s*$")
TAG = re.compile(r"^<!-- docs-test: (run|walkthrough) -->$")
SHELLS = {"bash", "sh", "shell", "console"}
ENV_ASSIGNMENT = re.compile(r"^[A-Z_][A-Z0-9_]*=")


@dataclass(frozen=True)
class Block:
    """One fenced shell block of a page."""

    page: Path
    line: int  # of the opening fence
    tag: str | None
    text: str

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"

    def commands(self) -> list[list[str]]:
        """The block's simple commands as shell words."""
        joined = re.sub(r"\\\n\s*", " ", self.text)
        found: list[list[str]] = []
        for line in joined.splitlines():
            lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
            lexer.whitespace_split = True
            lexer.commenters = "#"
            command: list[str] = []
            for word in lexer:
                if word in ("&&", ";", "|", "||"):
                    if command:
                        found.append(command)
                    command = []
                else:
                    command.append(word)
            if command:
                found.append(command)
        return found


def pages() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def blocks(page: Path) -> list[Block]:
    lines = page.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if opening is None or not opening.group(1):
            i += 1
            continue
        end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
        if opening.group(1) in SHELLS:
            tag = TAG.match(lines[i - 1]) if i else None
            found.append(Block(page, i + 1, tag.group(1) if tag else None,
                               "\n".join(lines[i + 1 : end])))
        i = end + 1
    return found


def all_blocks() -> list[Block]:
    return [block for page in pages() for block in blocks(page)]


# ----------------------------------------------------------------------------- checks


class CommandError(AssertionError):
    """A documented command that does not match the command line."""


def _split_env(words: list[str]) -> tuple[dict[str, str], list[str]]:
    env: dict[str, str] = {}
    while words and ENV_ASSIGNMENT.match(words[0]):
        name, _, value = words[0].partition("=")
        env[name] = value
        words = words[1:]
    return env, words


@contextmanager
def _environment(env: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _program(word: str) -> str:
    return word.removeprefix(".venv/bin/")


def check(words: Sequence[str]) -> None:
    """Raise CommandError when ``words`` do not fit the command line they call."""
    env, rest = _split_env(list(words))
    if not rest:
        raise CommandError("an assignment with no command")
    program, args = _program(rest[0]), rest[1:]
    checker = CHECKERS.get(program)
    if checker is None:
        raise CommandError(f"no rule checks the program {rest[0]!r}: add one in {__file__}")
    from vs_bench.errors import VsBenchError

    with _environment(env):
        try:
            checker(args)
        except VsBenchError as ex:  # what the command itself would stop with
            raise CommandError(ex.message) from None


def _check_file(path: str) -> None:
    if not (ROOT / path).exists():
        raise CommandError(f"{path} is not a file of the repository")


def _bash(args: list[str]) -> None:
    if args != [".ci/install"]:
        raise CommandError(f"bash runs only .ci/install in the docs, not {args}")
    _check_file(".ci/install")


def _click_parse(group: Any, name: str, args: list[str]) -> tuple[str, Any, Any]:
    """Parse ``args`` against a Click group (Typer's or Inspect's) without running them."""
    try:
        ctx = group.make_context(name, list(args), resilient_parsing=False)
        # Click 8.2 keeps the sub-command's words in _protected_args (its old name warns)
        protected = list(getattr(ctx, "_protected_args", None) or ctx.protected_args)
        sub, command, rest = group.resolve_command(ctx, protected + ctx.args)
        sub_ctx = command.make_context(sub, rest, parent=ctx)
    except Exception as ex:  # Click's and Typer's usage errors are separate classes
        raise CommandError(f"{name} {' '.join(args)}: {ex}") from None
    return sub, command, sub_ctx


def _vs_bench(args: list[str]) -> None:
    import typer

    from vs_bench import paper_repo_cli
    from vs_bench.cli import app
    from vs_bench.preflight import check_models

    if args in (["--version"], ["-h"], ["--help"]):
        return
    group = typer.main.get_command(app)
    name = args[0] if args else ""
    if name in ("run-experiment", "analyze-results"):
        parser = (paper_repo_cli.experiment_parser() if name == "run-experiment"
                  else paper_repo_cli.analysis_parser())
        try:
            parsed = parser.parse_args(args[1:])
        except Exception as ex:
            raise CommandError(f"vs-bench {' '.join(args)}: {ex}") from None
        if name == "run-experiment":
            check_models([parsed.model_name])
        return
    _, _, ctx = _click_parse(group, "vs-bench", args)
    models = [ctx.params[k] for k in ("model",) if ctx.params.get(k)]
    if ctx.params.get("models"):
        models += str(ctx.params["models"]).split(",")
    check_models(models)


def _task_parameters(task: str) -> set[str]:
    from vs_bench import _registry

    name = task.removeprefix("vs_bench/")
    if not task.startswith("vs_bench/") or name not in _registry.TASKS:
        raise CommandError(f"{task} is no vs_bench task: see vs-bench list")
    return set(pyinspect.signature(_registry.TASKS[name]).parameters)


def _inspect(args: list[str]) -> None:
    from inspect_ai._cli.main import inspect as group  # Inspect has no public CLI object

    from vs_bench.preflight import check_models

    sub, _, ctx = _click_parse(group, "inspect", args)
    if sub in ("eval", "eval-set"):
        tasks = ctx.params.get("tasks") or ()
        for task in tasks:
            parameters = _task_parameters(task)
            for pair in ctx.params.get("t") or ():
                name = pair.partition("=")[0]
                if name not in parameters:
                    raise CommandError(f"{task} has no parameter {name!r} (-T {pair})")
    models = [ctx.params["model"]] if ctx.params.get("model") else []
    for role in ctx.params.get("model_role") or ():
        models.append(role.partition("=")[2])
    check_models([m for model in models for m in str(model).split(",")])


def _pins() -> str:
    """Everything that pins a version: pyproject.toml and the install script."""
    return (ROOT / "pyproject.toml").read_text(encoding="utf-8") + (
        ROOT / ".ci" / "install"
    ).read_text(encoding="utf-8")


def _extras() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return set(data["project"]["optional-dependencies"])


def _pip(args: list[str]) -> None:
    if not args or args[0] != "install":
        raise CommandError(f"pip {' '.join(args)}: the docs only install")
    words = iter(args[1:])
    for word in words:
        if word in ("--index-url", "--extra-index-url"):
            next(words)
        elif word.startswith("-"):
            if word not in ("--no-deps", "-e", "-q", "--upgrade"):
                raise CommandError(f"pip install {word}: an option no rule knows")
        elif "[" in word:
            extras = word[word.index("[") + 1 : word.index("]")].split(",")
            unknown = set(extras) - _extras()
            if unknown:
                raise CommandError(f"pip install {word}: no extra {sorted(unknown)}")
        elif "==" in word:
            if f'"{word}"' not in _pins() and f" {word}" not in _pins():
                raise CommandError(f"pip install {word}: not the version the project pins")
        else:
            raise CommandError(f"pip install {word}: unpinned")


def _help_flags(program: list[str]) -> Any:
    import subprocess
    import sys

    def check_flags(args: list[str]) -> None:
        bin_dir = Path(sys.executable).parent
        result = subprocess.run([str(bin_dir / program[0]), *program[1:], "--help"],
                                capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise CommandError(f"{program[0]} --help failed: {result.stderr[-300:]}")
        for arg in args:
            flag = arg.split("=", 1)[0]
            if flag.startswith("--") and flag not in result.stdout:
                raise CommandError(f"{program[0]} has no option {flag}")

    return check_flags


def _mkdocs(args: list[str]) -> None:
    if not args or args[0] not in ("build", "serve"):
        raise CommandError(f"mkdocs {args}: build or serve")
    _help_flags(["mkdocs", args[0]])(args[1:])


def _pytest(args: list[str]) -> None:
    for arg in args:
        if not arg.startswith("-"):
            _check_file(arg.split("::")[0])


def _hf(args: list[str]) -> None:
    if args[:1] != ["download"]:
        raise CommandError(f"hf {args}: the docs only download")


CHECKERS: dict[str, Any] = {
    "bash": _bash,
    "vs-bench": _vs_bench,
    "inspect": _inspect,
    "pip": _pip,
    "pytest": _pytest,
    "mkdocs": _mkdocs,
    "inspect-evals-lint": _help_flags(["inspect-evals-lint"]),
    "hf": _hf,
}
