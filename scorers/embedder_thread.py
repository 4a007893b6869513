"""The one thread that runs the embedder's work during a run, the smallest job first.

Scorers embed off the event loop so that other samples go on. Handed to anyio's worker
threads (up to 40 alive at once), each encode would run in whichever thread is free, and
glibc gives each thread its own malloc arena (up to 8 per core), each keeping the peak
of the activations it once held. ``benchmarks/embedder_memory.py``, 40 encodes of 30
poem-length texts with the torch backend: RSS grew 1,561 MiB from a pool of 40 threads
against 331 MiB from one (OpenVINO's own threads do its work: 328 against 345 MiB). The
model serves one caller at a time anyway (``_CachedEmbedder``'s lock), so one thread
costs no throughput.

The smallest job first, not the first come: a sample holds its task's slot while its
score waits, and in the paper suite the creative tasks' poems and stories queued
minutes of work ahead of persuasion's short replies. Its dialogues, which send most of
the suite's requests, then stopped: 246 requests in 2 minutes with the event loop idle
(2026-12-03). Under asyncio a caller awaits the job's future itself: waiting in anyio's
workers, the queued samples held all 40 of them, and Inspect's log writes need one.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import queue
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from functools import partial
from typing import Any, TypeVar

import anyio

T = TypeVar("T")

# The embedder's threads run NICE steps below the process (Linux), so the event loop, the
# one thread that sends every request, gets a core whenever it has work, and the
# embeddings take what it leaves.
NICE = 10

# (size, order of arrival, work, its future): the smallest first, ties in order
_Job = tuple[int, int, Callable[[], Any], "Future[Any]"]
_JOBS: queue.PriorityQueue[_Job] = queue.PriorityQueue()
_ARRIVALS = itertools.count()
_STARTED = threading.Lock()
_THREAD: list[threading.Thread] = []


def _serve() -> None:
    if sys.platform == "linux":  # there a thread's id names it; elsewhere it could name a process
        # below the event loop: OpenVINO's worker threads, started from this one, inherit it
        me = threading.get_native_id()
        with contextlib.suppress(OSError):  # a refused renice costs speed, not results
            niceness = min(19, os.getpriority(os.PRIO_PROCESS, me) + NICE)
            os.setpriority(os.PRIO_PROCESS, me, niceness)
    while True:
        _, _, work, future = _JOBS.get()
        if not future.set_running_or_notify_cancel():
            continue  # its caller was cancelled while it waited
        try:
            future.set_result(work())
        except BaseException as ex:  # noqa: BLE001 (handed to the caller, as an executor does)
            future.set_exception(ex)


def _submit(size: int, work: Callable[[], T]) -> Future[T]:
    with _STARTED:
        if not _THREAD:  # daemon: a job left queued at exit does not hold the process
            _THREAD.append(threading.Thread(target=_serve, name="vs-bench-embedder", daemon=True))
            _THREAD[0].start()
    future: Future[T] = Future()
    _JOBS.put((size, next(_ARRIVALS), work, future))
    return future


async def run_in_embedder_thread(function: Callable[..., T], *args: object, size: int = 0) -> T:
    """``function(*args)`` in the embedder's thread, awaited without blocking the loop.

    ``size``: how much the job embeds (its texts' characters); queued jobs run smallest
    first. Under trio (Inspect's other async backend) an anyio worker waits on the result.
    """
    future = _submit(size, partial(function, *args))
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # trio
        return await anyio.to_thread.run_sync(future.result)
    return await asyncio.wrap_future(future)


def text_size(texts: list[str] | list[list[str]]) -> int:
    """The characters of ``texts`` (or of lists of texts): a job's ``size``."""
    return sum(len(t) if isinstance(t, str) else sum(map(len, t)) for t in texts)
