"""A sentence-transformers model as one ONNX graph and its tokenizer, with torch kept out of
the calling process.

torch exports the graph (the Transformer, mean pooling and L2 normalisation: the packaged
all-MiniLM-L6-v2's modules) in a child process. Exported in a run's own process, torch and
the model's weights stayed resident: about 700 MiB of the run's RSS for an embedder that
OpenVINO runs from the graph alone (docs/scale.md, "Memory"). The tokenizer is the model's
``tokenizer.json`` run by the ``tokenizers`` library, which is what transformers' fast
tokenizer runs; the test compares their token ids on the shipped texts.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from vs_bench.errors import VsBenchError

INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")
_ENCODING_FIELDS = {"input_ids": "ids", "attention_mask": "attention_mask",
                    "token_type_ids": "type_ids"}
_GRAPH, _INPUTS = "graph.onnx", "inputs.json"
_EXPORT_EXIT = 3  # the child's exit status for an error it printed as one line


@dataclass(frozen=True)
class Graph:
    """The ONNX graph from token arrays (``inputs`` order) to unit embeddings, its tokenizer."""

    onnx: bytes
    inputs: tuple[str, ...]
    tokenizer: Any  # tokenizers.Tokenizer, truncating at the model's max_seq_length

    def tokens(self, texts: list[str]) -> list[npt.NDArray[np.int64]]:
        """The input arrays of one batch, padded to its longest text."""
        encodings = self.tokenizer.encode_batch(texts)
        return [np.array([getattr(e, _ENCODING_FIELDS[name]) for e in encodings], dtype=np.int64)
                for name in self.inputs]


def load_graph(model_dir: str | os.PathLike[str]) -> Graph:
    """The graph of the sentence-transformers model in ``model_dir`` (exported by a child
    process) and its tokenizer, as sentence-transformers would tokenise for it."""
    from tokenizers import Tokenizer

    folder = Path(model_dir)
    with tempfile.TemporaryDirectory(prefix="vs-bench-onnx-") as out:
        done = subprocess.run(
            [sys.executable, "-m", __name__, str(folder), out],
            capture_output=True, text=True, env=os.environ | {"HF_HUB_OFFLINE": "1"},
            check=False,
        )
        if done.returncode != 0:
            lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
            raise VsBenchError(f"exporting the embedder {folder.name} to ONNX failed: {lines[-1]}")
        onnx = (Path(out) / _GRAPH).read_bytes()
        inputs = tuple(json.loads((Path(out) / _INPUTS).read_text(encoding="utf-8")))
    config = json.loads((folder / "sentence_bert_config.json").read_text(encoding="utf-8"))
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=int(config["max_seq_length"]))
    pad = tokenizer.padding or {}  # the file's padding names the pad token; the length is ours
    tokenizer.enable_padding(pad_id=pad.get("pad_id", 0), pad_token=pad.get("pad_token", "[PAD]"),
                             pad_type_id=pad.get("pad_type_id", 0))
    return Graph(onnx, inputs, tokenizer)


def export_onnx(model: Any) -> tuple[bytes, list[str]]:
    """A SentenceTransformer (Transformer, mean Pooling, Normalize) as an ONNX graph from
    token ids to unit embeddings, and the names of its inputs."""
    import torch

    example = model.tokenizer(["an example", "of two texts"], padding=True, return_tensors="pt")
    names = [key for key in INPUT_NAMES if key in example]
    onnx = io.BytesIO()
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the tracer's warnings about Python-side branches
        torch.onnx.export(
            _pooled_transformer(model[0].auto_model).eval(),
            tuple(example[key] for key in names),
            onnx,  # type: ignore[arg-type]  # the TorchScript exporter takes a file object
            input_names=names,
            output_names=["embedding"],
            opset_version=17,
            dynamic_axes={key: {0: "texts", 1: "tokens"} for key in names},
            dynamo=False,  # the TorchScript exporter: no onnxscript dependency
        )
    return onnx.getvalue(), names


def _pooled_transformer(transformer: Any) -> Any:
    """The transformer with sentence-transformers' mean pooling and L2 normalisation."""
    import torch

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, *inputs: Any) -> Any:
            names = INPUT_NAMES[: len(inputs)]
            states = self.transformer(**dict(zip(names, inputs, strict=True))).last_hidden_state
            mask = inputs[1].unsqueeze(-1).to(states.dtype)
            pooled = (states * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    return Pooled()


def _export(model_dir: str, out: str) -> None:
    """The child's work: load the model offline, write the graph and its input names."""
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging

    logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    onnx, names = export_onnx(SentenceTransformer(model_dir, local_files_only=True))
    (Path(out) / _GRAPH).write_bytes(onnx)
    (Path(out) / _INPUTS).write_text(json.dumps(names), encoding="utf-8")


if __name__ == "__main__":
    try:
        _export(sys.argv[1], sys.argv[2])
    except (ImportError, OSError, ValueError) as ex:
        print(str(ex).splitlines()[0] if str(ex) else type(ex).__name__, file=sys.stderr)
        sys.exit(_EXPORT_EXIT)
