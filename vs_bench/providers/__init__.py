"""Model providers of vs_bench: ``random/python`` (ideal sampler), ``local/<name>`` (llama.cpp)."""

from __future__ import annotations

from inspect_ai.model import ModelAPI, modelapi


@modelapi(name="random")
def random_python() -> type[ModelAPI]:
    from vs_bench.providers.random_python import RandomPythonAPI

    return RandomPythonAPI


@modelapi(name="local")
def local_llamacpp() -> type[ModelAPI]:
    # imported on use: llama.cpp (the `local` extra) is loaded only when a local model is asked for
    from vs_bench.providers.local import LocalAPI

    return LocalAPI
