"""Every test runs with its own Inspect log folder and cache; helpers are in tests/utils/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import tests.utils.scripted_model  # noqa: F401  (registers scripted/...)


@pytest.fixture(autouse=True)
def _isolated_inspect(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Logs and model cache of each test live in its own temporary folder."""
    monkeypatch.setenv("INSPECT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("INSPECT_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv("INSPECT_DISPLAY", "none")
    # pytest-xdist's workers get COLUMNS=80 and LINES=24: a test sets the width it means
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)
    yield
