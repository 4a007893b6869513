"""Model providers of vs_bench: ``random/python`` (ideal sampler)."""

from __future__ import annotations

from inspect_ai.model import ModelAPI, modelapi


@modelapi(name="random")
def random_python() -> type[ModelAPI]:
    from vs_bench.providers.random_python import RandomPythonAPI

    return RandomPythonAPI
