"""Model providers of vs_bench: ``random/python`` (ideal sampler), ``local/<name>`` (llama.cpp)."""

from __future__ import annotations

from inspect_ai.model import ModelAPI, modelapi


def provider_class(provider: str) -> type[ModelAPI] | None:
    """vs-bench's own ModelAPI class of ``provider`` (None for Inspect's providers)."""
    if provider == "random":
        from vs_bench.providers.random_python import RandomPythonAPI

        return RandomPythonAPI
    if provider == "local":
        from vs_bench.providers.local import LocalAPI

        return LocalAPI
    return None


@modelapi(name="random")
def random_python() -> type[ModelAPI]:
    from vs_bench.providers.random_python import RandomPythonAPI

    return RandomPythonAPI


@modelapi(name="local")
def local_llamacpp() -> type[ModelAPI]:
    # imported on use: llama.cpp (the `local` extra) is loaded only when a local model is asked for
    from vs_bench.providers.local import LocalAPI

    return LocalAPI
