"""The embedder's work runs in one thread, whichever sample asks (scorers/embedder_thread.py)."""

from __future__ import annotations

import os
import sys
import threading
from functools import partial

import anyio
import pytest

from vs_bench.scorers.embedder_thread import NICE, run_in_embedder_thread, text_size


def test_concurrent_callers_share_one_thread_off_the_event_loop() -> None:
    seen: list[int] = []

    def work(x: int) -> int:
        seen.append(threading.get_ident())
        return x * x

    async def main() -> tuple[list[int], int]:
        results = [0] * 20
        loop_thread = threading.get_ident()

        async def one(i: int) -> None:
            results[i] = await run_in_embedder_thread(work, i)

        async with anyio.create_task_group() as group:
            for i in range(20):
                group.start_soon(one, i)
        return results, loop_thread

    results, loop_thread = anyio.run(main)
    assert results == [i * i for i in range(20)]
    assert len(set(seen)) == 1 and seen[0] != loop_thread


def test_queued_jobs_run_smallest_first_and_errors_reach_their_caller() -> None:
    started, release = threading.Event(), threading.Event()
    order: list[str] = []

    def hold() -> None:  # keeps the thread busy while the others queue
        started.set()
        release.wait(10)

    def work(name: str) -> str:
        order.append(name)
        if name == "bad":
            raise ValueError("bad input")
        return name

    async def main() -> list[object]:
        results: list[object] = []

        async def one(name: str, size: int) -> None:
            try:
                results.append(await run_in_embedder_thread(work, name, size=size))
            except ValueError as ex:
                results.append(str(ex))

        async with anyio.create_task_group() as group:
            group.start_soon(partial(run_in_embedder_thread, hold, size=0))
            await anyio.to_thread.run_sync(started.wait, 10)
            for name, size in (("poems", 6000), ("bad", 50), ("replies", 40), ("jokes", 900)):
                group.start_soon(one, name, size)
            await anyio.sleep(0.2)  # all four queued behind hold
            release.set()
        return results

    results = anyio.run(main)
    assert order == ["replies", "bad", "jokes", "poems"]
    assert results == ["replies", "bad input", "jokes", "poems"]


def test_text_size_counts_the_characters_of_texts_or_of_dialogues() -> None:
    assert text_size(["abc", "de"]) == 5
    assert text_size([["abc"], ["de", "f"]]) == 6
    assert text_size([]) == 0


@pytest.mark.skipif(sys.platform != "linux", reason="a thread's own niceness is Linux's")
def test_the_embedders_thread_runs_below_the_event_loop() -> None:
    loop = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    def niceness() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    # the thread took its niceness when it started, from the process's (this thread's)
    assert anyio.run(run_in_embedder_thread, niceness) == min(19, loop + NICE)
