"""The embedder's work runs in one thread, whichever sample asks (scorers/embedder_thread.py)."""

from __future__ import annotations

import threading

import anyio

from vs_bench.scorers.embedder_thread import run_in_embedder_thread


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
