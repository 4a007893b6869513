from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import tests.scripted_model  # noqa: F401  (registers scripted/...)

# the paper authors' stored outputs the conformance tests reproduce (see its README)
REFERENCE = Path(__file__).resolve().parent / "data" / "reference"


@pytest.fixture(autouse=True)
def _isolated_inspect(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Logs and model cache of each test live in its own temporary folder."""
    monkeypatch.setenv("INSPECT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("INSPECT_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv("INSPECT_DISPLAY", "none")
    yield


def run_cli(
    args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    """``vs-bench ARGS`` in-process: exit code, stdout, stderr."""
    from vs_bench import cli

    monkeypatch.setattr(sys, "argv", ["vs-bench", *args])
    try:
        cli.main()
        code = 0
    except SystemExit as ex:
        code = int(ex.code or 0)
    out, err = capsys.readouterr()
    return code, out, err
