"""A module made to look uninstalled, as the embedder's install checks see it."""

from __future__ import annotations

import pytest

from vs_bench.metrics import embedding


def hide_module(monkeypatch: pytest.MonkeyPatch, hidden: str) -> None:
    """``importlib.util.find_spec(hidden)`` returns None for the embedder's checks."""
    real = embedding.importlib.util.find_spec
    monkeypatch.setattr(
        embedding.importlib.util,
        "find_spec",
        lambda name, *args: None if name == hidden else real(name, *args),
    )
