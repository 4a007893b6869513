"""The embedders' cache: each distinct text encoded once, the oldest dropped past
``CACHE_LIMIT``, float64 out whatever the model gave, a call larger than the cache encoded
whole."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from vs_bench.metrics import embedding


class Counting(embedding._CachedEmbedder):
    """Row i of a text is its length and its first letter's code, in float32."""

    def __init__(self) -> None:
        super().__init__("counting")
        self.encoded: list[str] = []

    def _encode(self, texts: list[str]) -> Any:
        self.encoded += texts
        return np.array([[len(t), ord(t[0])] for t in texts], dtype=np.float32)


def test_each_text_is_encoded_once_and_returned_in_float64() -> None:
    model = Counting()
    first = model.encode(["ab", "c", "ab"])
    again = model.encode(["c", "ab", "def"])
    assert model.encoded == ["ab", "c", "def"]
    assert first.dtype == np.float64
    np.testing.assert_array_equal(first, [[2, 97], [1, 99], [2, 97]])
    np.testing.assert_array_equal(again, [[1, 99], [2, 97], [3, 100]])
    assert model.encode([]).shape == (0, 0)


def test_past_the_limit_the_oldest_texts_go_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedding, "CACHE_LIMIT", 3)
    model = Counting()
    model.encode(["a", "bb", "ccc"])
    model.encode(["dddd", "bb"])  # "a" goes; "bb" is still there
    assert model.encoded == ["a", "bb", "ccc", "dddd"]
    model.encode(["bb", "ccc", "dddd"])
    assert model.encoded == ["a", "bb", "ccc", "dddd"]
    model.encode(["a"])
    assert model.encoded[-1] == "a"
    assert len(model._cache) == 3


def test_a_call_larger_than_the_cache_is_encoded_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedding, "CACHE_LIMIT", 2)
    model = Counting()
    rows = model.encode(["a", "bb", "ccc", "a"])
    np.testing.assert_array_equal(rows[:, 0], [1, 2, 3, 1])
    assert model._cache == {}
