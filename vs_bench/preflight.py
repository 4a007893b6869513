"""Checks of a run's inputs before Inspect starts, which reports these with a traceback.

Inspect raises a bare ``ValueError`` for an unknown model provider and an ``OSError``
for a log folder it cannot create, and a ``vllm/`` model without a server fails
inside every sample; each check here turns that into one line that names the fix.
Output paths are checked the same way before a command does its work, so that a
run does not end in a crash when it writes its results.
"""

from __future__ import annotations

import contextlib
import errno
import importlib.util
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from inspect_ai.log import EvalLog
from rich.errors import MarkupError
from rich.text import Text

from vs_bench._inspect_compat import RegistryInfo, registry_find, registry_unqualified_name
from vs_bench.errors import VsBenchError


def check_models(models: Sequence[str], base_url: str | None = None) -> None:
    """A one-line error for a model that no installed Inspect provider can serve."""
    for model in models:
        provider, _, name = model.partition("/")
        if not name:
            raise VsBenchError(
                f"model {model!r} has no provider: pass <provider>/<model>, e.g. random/python"
            )

        def named(info: RegistryInfo, provider: str = provider) -> bool:
            return info.type == "modelapi" and registry_unqualified_name(info) == provider

        if not registry_find(named):
            raise VsBenchError(
                f"unknown model provider {provider!r} in {model!r}: pass <provider>/<model>, "
                "e.g. random/python, local/qwen2.5-0.5b, openai/gpt-4.1 or vllm/<model>"
            )
        # without a base URL, vllm/ starts a local server, which needs the vllm package
        if (provider == "vllm" and not (base_url or os.environ.get("VLLM_BASE_URL"))
                and importlib.util.find_spec("vllm") is None):
            raise VsBenchError(
                f"{model} starts a local vLLM server, which needs the vllm extra: run "
                "pip install 'vs-bench[vllm]', or set VLLM_BASE_URL to a running server"
            )


def check_log_dir(log_dir: str) -> None:
    """A one-line error for a local log folder that cannot be created or written."""
    if "://" in log_dir:
        return  # a remote file system: Inspect's own credentials and checks apply
    try:
        Path(log_dir).mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=log_dir):
            pass
    except OSError as ex:
        raise VsBenchError(
            f"log folder {log_dir} is not writable ({ex.strerror}): "
            "pass --log-dir <a writable folder>"
        ) from None


def check_output(path: str | Path | None, option: str, *, folder: bool = False) -> None:
    """A one-line error, before any work, for an output path that cannot be written.

    ``folder``: the path names a folder (made if missing), else a file (its folders made
    if missing). Nothing is created here: the nearest existing folder on the path must
    take a new file, and an existing file must be writable.
    """
    if path is None or "://" in str(path):
        return  # no output asked for, or a remote file system with its own checks
    target = Path(path)
    want = f"pass {option} <a {'folder' if folder else 'file'} in a writable folder>"
    if target.is_dir() and not folder:
        raise VsBenchError(f"{option} {target} is a folder: pass a file name, e.g. "
                           f"{option} {target / 'out'}")
    if target.exists() and not target.is_dir():
        if folder:
            raise VsBenchError(f"{option} {target} is a file, not a folder: {want}")
        if not os.access(target, os.W_OK):
            raise VsBenchError(f"{option} {target} is not writable: {want}")
        return
    existing = target if target.is_dir() else target.parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise VsBenchError(f"{option} {target}: {existing} is a file, not a folder: {want}")
    try:
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as ex:
        raise VsBenchError(f"{option} {target}: {existing} is not writable ({ex.strerror}): "
                           f"{want}") from None


# A full disk (or quota): the errors' numbers, and their text as a logged error quotes it.
DISK_FULL = {code: os.strerror(code) for code in (errno.ENOSPC, errno.EDQUOT)}


def disk_full(folder: str) -> VsBenchError:
    """The one line for a log folder whose disk is full."""
    return VsBenchError(
        f"no space left on the disk of the log folder {folder}: free some or pass --log-dir "
        "<a folder on a disk with space>, then run the same command again (the logs of "
        "finished work there are kept)"
    )


@contextlib.contextmanager
def stop_when_disk_full(folder: str) -> Iterator[None]:
    """A full disk anywhere inside (Inspect's log writes, our summaries): one line naming
    ``folder`` instead of a traceback. Inspect writes each log whole to a temporary file
    and renames it, so a write that fails leaves the log's last complete version."""
    try:
        yield
    except OSError as ex:
        if ex.errno in DISK_FULL:
            raise disk_full(folder) from None
        raise


def failed_for_disk_space(logs: Sequence[EvalLog]) -> bool:
    """Whether a run failed because its disk was full (Inspect logs the OSError's text)."""
    return any(
        log.error is not None and any(text in log.error.message for text in DISK_FULL.values())
        for log in logs
    )


def stop_if_interrupted(logs: Sequence[EvalLog], expected: int) -> None:
    """Re-raise a Ctrl-C that Inspect's eval absorbed, so the command exits with 130.

    Interrupted, Inspect's ``eval`` returns fewer logs than tasks (none, if no sample
    finished) or logs with status "cancelled", instead of raising.
    """
    if len(logs) < expected or any(log.status == "cancelled" for log in logs):
        raise KeyboardInterrupt


def one_line(message: object, markup: bool = True) -> str:
    """A prerequisite message over several lines as one line.

    ``markup``: the message is rich markup, as Inspect's own are (``[bold]``, ``[blue]``):
    the tags are dropped. Ours are plain text, where ``[local]`` is no tag.
    """
    text = str(message)
    if markup:
        with contextlib.suppress(MarkupError):
            text = Text.from_markup(text).plain
    return " ".join(line.strip() for line in text.splitlines() if line.strip())
