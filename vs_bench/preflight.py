"""Checks of a run's inputs before Inspect starts, which reports these with a traceback.

Inspect raises a bare ``ValueError`` for an unknown model provider and an ``OSError``
for a log folder it cannot create, and a ``vllm/`` model without a server fails
inside every sample; each check here turns that into one line that names the fix.
"""

from __future__ import annotations

import importlib.util
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

from inspect_ai._util.registry import RegistryInfo, registry_find, registry_unqualified_name

from vs_bench.errors import VsBenchError

_MARKUP = re.compile(r"\[/?bold\]")


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


def one_line(message: object) -> str:
    """An Inspect prerequisite message (rich markup over several lines) as one line."""
    lines = [line.strip() for line in _MARKUP.sub("", str(message)).splitlines()]
    return " ".join(line for line in lines if line)
