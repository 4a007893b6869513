"""The one thread that runs the embedder's work during a run.

Scorers embed off the event loop so that other samples go on. Handed to anyio's worker
threads (up to 40 alive at once), each encode would run in whichever thread is free, and
glibc gives each thread its own malloc arena (up to 8 per core), each keeping the peak
of the activations it once held. ``benchmarks/embedder_memory.py``, 40 encodes of 30
poem-length texts with the torch backend: RSS grew 1,561 MiB from a pool of 40 threads
against 331 MiB from one (OpenVINO's own threads do its work: 328 against 345 MiB). The
model serves one caller at a time anyway (``_CachedEmbedder``'s lock), so one thread
costs no throughput.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import anyio

T = TypeVar("T")

_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vs-bench-embedder")


async def run_in_embedder_thread(function: Callable[..., T], *args: object) -> T:
    """``function(*args)`` in the embedder's thread, awaited without blocking the loop.

    An anyio worker waits on the result (it allocates nothing), so this works under
    either of Inspect's async backends."""
    return await anyio.to_thread.run_sync(lambda: _THREAD.submit(function, *args).result())
