"""The paper suite at the speed of the server: harness against a raw client, same requests.

A loopback OpenAI-compatible server written for the benchmark (aiohttp, its own
process) answers every chat request after ``--latency`` seconds with ``n`` choices,
creative texts of the length the prompt asks ("approximately 200 words"; 40 words for
a joke, 1-3 words for an answer), and JSON of the asked shape when the request has a
``response_format`` (k items, k read from the system prompt). It writes every request
body it gets to a JSONL file.

1. The harness: ``vs-bench run --model openai-api/scale/m --suite paper
   --max-connections C`` as a user runs it (a subprocess; RSS of its process tree polled
   every 0.5 s; the log folder's size at the end).
2. The raw client: the same request bodies (recorded in 1), sent by one ``openai``
   ``AsyncOpenAI`` client at the same concurrency, in this process.

Printed: the report's rows at their N, wall time, requests, draws (candidates the server
sent), requests per draw, draws/s of both and their ratio, the CPU time of the run's
main thread and of its others, peak RSS and RSS by quarter of the run, log MB per 1,000
draws, and the CPU's model. ``--quick`` runs every cell on 2 prompts per task (``--limit
2``); ``--log-dir`` keeps the run's logs (its output beside them, ``<dir>.out``).

    .venv/bin/python benchmarks/scale.py [--quick] [--latency 0.2] [--connections 256]
        [--harness-only] [--log-dir DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent
WORDS = ("river", "stone", "light", "morning", "quiet", "silver", "wind", "garden", "memory",
         "ember", "harbor", "lantern", "shadow", "meadow", "winter", "velvet", "thunder",
         "orchard", "candle", "distant")
SHORT = ("blue", "Ohio", "seven", "Texas", "4", "green tea", "Maine", "lion", "Paris", "3")


def _text(rng: random.Random, system: str) -> str:
    found = re.search(r"approximately (\d+) words", system)
    words = int(found.group(1)) if found else 40 if "joke" in system.lower() else 0
    if not words:
        return rng.choice(SHORT)
    return " ".join(rng.choice(WORDS) for _ in range(words))


def reply(body: dict[str, Any], rng: random.Random) -> str:
    """One choice's content for ``body``: plain text, or JSON of the asked shape."""
    messages = body.get("messages", [])
    system = next((str(m.get("content")) for m in messages if m["role"] == "system"), "")
    last_user = next((str(m.get("content")) for m in reversed(messages) if m["role"] == "user"), "")
    # a vs_multi follow-up's m, else its first turn's m, else the k of a list prompt
    found = (
        re.search(r"sample (\d+)", last_user)
        or re.search(r"sample (\d+)", system)
        or re.search(r"Generate (\d+)", system)
    )
    k = int(found.group(1)) if found else 1
    fmt = body.get("response_format") or {}
    name = (fmt.get("json_schema") or {}).get("name")
    if name == "cot_response":
        return json.dumps({"reasoning": "one short step", "response": _text(rng, system)})
    if name == "list":
        return json.dumps({"responses": [_text(rng, system) for _ in range(k)]})
    if name == "responses":
        key = "confidence" if "confidence" in system else "probability"
        items = [{"text": _text(rng, system), key: round(rng.random(), 3)} for _ in range(k)]
        return json.dumps(
            {"reasoning": "steps", "responses": items}
            if "reasoning" in system
            else {"responses": items}
        )
    if "Python list" in system:
        return json.dumps([_text(rng, system) for _ in range(k)])
    return _text(rng, system)


def serve(port: int, latency: float, record: str) -> None:
    """The benchmark's server (run in its own process)."""
    from aiohttp import web

    rng = random.Random(0)
    out = open(record, "a", encoding="utf-8")  # noqa: SIM115 (open for the server's life)

    async def chat(request: web.Request) -> web.Response:
        raw = await request.read()
        body = json.loads(raw)
        out.write(raw.decode() + "\n")
        await asyncio.sleep(latency)
        choices = [
            {
                "index": i,
                "message": {"role": "assistant", "content": reply(body, rng)},
                "finish_reason": "stop",
            }
            for i in range(int(body.get("n") or 1))
        ]
        return web.json_response(
            {
                "id": "chatcmpl-scale",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", "m"),
                "choices": choices,
                "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
            }
        )

    async def models(request: web.Request) -> web.Response:
        return web.json_response({"object": "list", "data": []})

    app = web.Application(client_max_size=64 * 1024**2)
    app.router.add_post("/v1/chat/completions", chat)
    app.router.add_get("/v1/models", models)
    web.run_app(app, host="127.0.0.1", port=port, print=None, backlog=2048)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(latency: float, record: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--serve",
            str(port),
            "--latency",
            str(latency),
            "--record",
            str(record),
        ]
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, f"http://127.0.0.1:{port}/v1"
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the benchmark server did not start")


def draws_of(bodies: list[dict[str, Any]]) -> int:
    """Candidates the server sent: choices x the k each JSON list reply holds."""
    total = 0
    for body in bodies:
        content = reply(body, random.Random(0))
        try:
            parsed = json.loads(content)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict) and isinstance(parsed.get("responses"), list):
            k = len(parsed["responses"])
        elif isinstance(parsed, list):
            k = len(parsed)
        else:
            k = 1
        total += k * int(body.get("n") or 1)
    return total


def harness(url: str, connections: int, log_dir: Path, extra: list[str]) -> dict[str, Any]:
    """``vs-bench run`` on the paper suite; wall time, RSS of its process tree, and CPU time
    of its main thread (the event loop) and of its other threads (the embedder's, chiefly)."""
    import psutil

    env = {**os.environ, "SCALE_API_KEY": "none", "SCALE_BASE_URL": url}
    env.pop("PYTHONPATH", None)
    command = [
        str(VENV_BIN / "vs-bench"),
        "run",
        "--model",
        "openai-api/scale/m",
        "--suite",
        "paper",
        "--max-connections",
        str(connections),
        "--log-dir",
        str(log_dir),
        *extra,
    ]
    started = time.perf_counter()
    # output to a file: a pipe nobody reads fills up and stops the run
    log_dir.parent.mkdir(parents=True, exist_ok=True)
    output_file = log_dir.parent / f"{log_dir.name}.out"  # beside the logs, not counted
    sink = open(output_file, "wb")  # noqa: SIM115 (closed when the run ends)
    process = subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT)
    watched = psutil.Process(process.pid)
    samples: list[tuple[float, int]] = []
    cpu = (0.0, 0.0)  # seconds: the main thread's, all threads' (the last poll's)
    while process.poll() is None:
        try:
            tree = [watched, *watched.children(recursive=True)]
            samples.append(
                (
                    time.perf_counter() - started,
                    sum(p.memory_info().rss for p in tree if p.is_running()),
                )
            )
            times = watched.cpu_times()
            main = next(t for t in watched.threads() if t.id == watched.pid)
            cpu = (main.user_time + main.system_time, times.user + times.system)
        except (psutil.Error, StopIteration):
            pass
        time.sleep(0.5)
    sink.close()
    output = output_file.read_text(errors="replace")
    seconds = time.perf_counter() - started
    if process.returncode:
        print(output[-4000:])
        raise SystemExit(f"vs-bench run failed ({process.returncode})")
    quarters = [
        max((r for t, r in samples if q * seconds / 4 <= t < (q + 1) * seconds / 4), default=0)
        for q in range(4)
    ]
    size = sum(f.stat().st_size for f in log_dir.rglob("*") if f.is_file())
    rows, short = rows_at_n(log_dir / "summary.json")
    return {
        "rows": rows,
        "short": short,
        "seconds": seconds,
        "peak_rss": max(r for _, r in samples),
        "quarters": quarters,
        "log_bytes": size,
        "cpu_main": cpu[0],
        "cpu_other": cpu[1] - cpu[0],
        "tail": output[-600:],
    }


async def raw(url: str, connections: int, bodies: list[dict[str, Any]]) -> float:
    """Seconds for one AsyncOpenAI client to send ``bodies`` at ``connections`` at once.

    The SDK's own HTTP client (httpx2, as Inspect's providers use it), every connection
    kept alive: an ``httpx.AsyncClient`` (httpx 0.29) in its place sent 45-50 requests/s
    here at 128-256 connections against 200-240 for this one (docs/scale.md)."""
    import httpx2
    from openai import AsyncOpenAI, DefaultAsyncHttpxClient

    limits = httpx2.Limits(max_connections=connections, max_keepalive_connections=connections)
    client = AsyncOpenAI(
        api_key="none",
        base_url=url,
        max_retries=2,
        http_client=DefaultAsyncHttpxClient(limits=limits, timeout=120),
    )
    queue = iter(bodies)

    async def worker() -> None:
        for body in queue:
            await client.chat.completions.create(**body)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    await client.close()
    return time.perf_counter() - started


def rows_at_n(summary: Path) -> tuple[int, list[str]]:
    """The report's rows (``summary.json``) and those short of their N: fewer draws than
    asked (``n_draws`` < ``n_requested``) or none asked."""
    tasks = json.loads(summary.read_text(encoding="utf-8"))["tasks"]
    rows = [(name, row) for name, task in tasks.items() for row in task["rows"]]
    short = [f"{name} {row['format']} {row['n_draws']}/{row['n_requested']}"
             for name, row in rows if not 0 < row["n_requested"] <= row["n_draws"]]
    return len(rows), short


def cpu_model() -> str:
    """The CPU's model name (Linux): the same run differs by machine, so figures name it."""
    try:
        info = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return "CPU model unknown"
    found = re.search(r"^model name\s*:\s*(.+)$", info, re.MULTILINE)
    return found.group(1).strip() if found else "CPU model unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--connections", type=int, default=256)
    parser.add_argument("--quick", action="store_true", help="2 prompts per task")
    parser.add_argument("--harness-only", action="store_true",
                        help="skip the raw client (it sends every request again)")
    parser.add_argument("--log-dir", type=Path,
                        help="keep the run's logs there (default: a temporary folder)")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--record", help=argparse.SUPPRESS)
    args, extra = parser.parse_known_args()
    if args.serve:
        serve(args.serve, args.latency, args.record)
        return
    extra = [*(["--limit", "2"] if args.quick else []), *extra]
    with tempfile.TemporaryDirectory() as temporary:
        record = Path(temporary) / "requests.jsonl"
        server, url = start_server(args.latency, record)
        try:
            log_dir = args.log_dir or Path(temporary) / "logs"
            run = harness(url, args.connections, log_dir, extra)
            bodies = [json.loads(line) for line in record.read_text().splitlines()]
            raw_seconds = math.nan if args.harness_only else asyncio.run(
                raw(url, args.connections, bodies))
        finally:
            server.terminate()
            server.wait()
    requests, draws = len(bodies), draws_of(bodies)
    mib = 1024**2
    print(run["tail"])
    print(
        f"paper suite{' (--quick)' if args.quick else ''} via vs-bench run against a "
        f"{args.latency} s server, {args.connections} connections, {os.cpu_count()} CPUs "
        f"({cpu_model()})"
    )
    print(
        f"report rows: {run['rows']}, at their N (as many draws as asked): "
        f"{run['rows'] - len(run['short'])}" + (f"; short: {', '.join(run['short'])}"
                                                if run["short"] else "")
    )
    print(
        f"harness: {run['seconds']:.0f} s wall, {requests:,} requests, {draws:,} draws, "
        f"{requests / draws:.3f} requests/draw, {draws / run['seconds']:.0f} draws/s, "
        f"{requests / run['seconds']:.1f} requests/s"
    )
    print(
        f"raw openai client, same {requests:,} requests: {raw_seconds:.0f} s, "
        f"{draws / raw_seconds:.0f} draws/s, {requests / raw_seconds:.1f} requests/s"
    )
    print(f"harness/raw draws/s: {raw_seconds / run['seconds']:.3f}")
    cores = os.cpu_count() or 1
    main, other, seconds = run["cpu_main"], run["cpu_other"], run["seconds"]
    print(
        f"CPU: main thread (event loop) {main:.0f} s, {main / seconds:.2f} cores on average; "
        f"other threads (embedder) {other:.0f} s, {other / seconds:.2f} cores; "
        f"{(main + other) / seconds / cores:.0%} of {cores} cores"
    )
    print(
        f"peak RSS {run['peak_rss'] / mib:.0f} MiB; by quarter of the run: "
        f"{', '.join(f'{q / mib:.0f}' for q in run['quarters'])} MiB"
    )
    print(
        f"logs: {run['log_bytes'] / mib:.1f} MB, {run['log_bytes'] / mib / draws * 1000:.2f} "
        "MB per 1,000 draws"
    )


if __name__ == "__main__":
    main()
