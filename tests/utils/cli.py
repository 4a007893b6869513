"""``vs-bench`` run in-process, as the tests call it."""

from __future__ import annotations

import sys

import pytest


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
