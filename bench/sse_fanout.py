"""Server-Sent Events against WebSocket fan-out (not a test): the same N `taskEvents` subscribers
over each transport, one after the other, each on a fresh server process.

    .venv/bin/python bench/sse_fanout.py [--subscribers 200] [--mutations 20]

The servers, the token and the WebSocket subscribers are bench/fanout.py's; the SSE subscribers
are one streaming `POST /graphql` each (web/sse.py), held in this process. For each transport:
the server's resident memory per idle subscriber, its CPU time per event (mutation and fan-out),
latency from the event's `occurredAt` to receipt, and the ratio SSE / WebSocket of each, the
figure that means something on a machine shared with other work.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fanout import CREATE, cpu_seconds, prepare, rss_kib, serving  # noqa: E402
from bench.fanout_clients import SUBSCRIPTION, Subscriber  # noqa: E402


class Held(Protocol):
    latencies: list[float]
    errors: int
    task: asyncio.Task[None] | None


class SSESubscriber:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors = 0
        self.opened = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    async def open(self, http: httpx.AsyncClient, url: str, token: str) -> None:
        self.task = asyncio.create_task(self.read(http, url, token))
        await self.opened.wait()

    async def read(self, http: httpx.AsyncClient, url: str, token: str) -> None:
        headers = {"Accept": "text/event-stream", "Authorization": f"Bearer {token}"}
        async with http.stream("POST", url, json={"query": SUBSCRIPTION}, headers=headers) as response:
            async for line in response.aiter_lines():
                if line.startswith(":"):
                    self.opened.set()
                elif line.startswith("data: "):
                    payload = json.loads(line[6:])
                    if "errors" in payload:
                        self.errors += 1
                    else:
                        occurred = datetime.fromisoformat(payload["data"]["taskEvents"]["occurredAt"])
                        self.latencies.append(time.time() - occurred.timestamp())


async def _subscribe(transport: str, n: int, base: str, token: str, http: httpx.AsyncClient) -> list[Any]:
    if transport == "sse":
        sse = [SSESubscriber() for _ in range(n)]
        for i in range(0, n, 100):
            await asyncio.gather(*(s.open(http, f"{base}/graphql", token) for s in sse[i : i + 100]))
        return sse
    ws = [Subscriber() for _ in range(n)]
    url = base.replace("http://", "ws://") + "/graphql"
    for i in range(0, n, 100):
        await asyncio.gather(*(s.open(url, token) for s in ws[i : i + 100]))
    return ws


async def _settled(pid: int) -> float:
    """The server's CPU time once it stops working on the subscriptions just opened."""
    before = cpu_seconds(pid)
    for _ in range(120):
        await asyncio.sleep(0.5)
        now = cpu_seconds(pid)
        before, busy = now, now - before
        if busy < 0.05:
            break
    return before


async def run(transport: str, n: int, mutations: int, env: dict[str, str], token: str) -> dict[str, Any]:
    async with (
        serving(1, env, []) as [(base, pid)],
        httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=None)) as http,
    ):
        rss_before = rss_kib(pid)
        held: list[Held] = await _subscribe(transport, n, base, token, http)
        cpu_before = await _settled(pid)
        per_subscriber = (rss_kib(pid) - rss_before) / n
        for i in range(mutations):
            started = time.monotonic()
            response = await http.post(
                f"{base}/graphql",
                json={"query": CREATE, "variables": {"t": f"t{i}"}},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert response.json()["data"]["createTask"]["errors"] == []
            await asyncio.sleep(max(0.0, 0.1 - (time.monotonic() - started)))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and any(len(s.latencies) + s.errors < mutations for s in held):  # noqa: ASYNC110
            await asyncio.sleep(0.1)  # a benchmark may poll its own counters: no event to await
        cpu = cpu_seconds(pid) - cpu_before
        for s in held:
            if isinstance(s, Subscriber) and s.ws is not None:
                await s.ws.close()
            if s.task is not None:
                s.task.cancel()
                with contextlib.suppress(asyncio.CancelledError, httpx.HTTPError):
                    await s.task
    latencies = sorted(x for s in held for x in s.latencies)
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [float("nan")] * 99
    return {
        "transport": transport,
        "subscribers": n,
        "received": f"{len(latencies)}/{n * mutations}",
        "too_slow": sum(1 for s in held if s.errors),
        "p50_ms": round(q[49] * 1000, 1),
        "p99_ms": round(q[98] * 1000, 1),
        "kib_per_idle_subscriber": round(per_subscriber, 1),
        "server_cpu_ms_per_event": round(cpu * 1000 / mutations, 1),
    }


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=200)
    parser.add_argument("--mutations", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("DATABASE_URL") or f"sqlite://{tmp}/sse.db?busy_timeout=5000"
        data_dir = Path(tmp) / "data"
        token = await prepare(url, data_dir)
        env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
        env |= {"DATABASE_URL": url, "PEOPLEGRAPH_DATA_DIR": str(data_dir)}
        env |= {"PEOPLEGRAPH_ISSUER": "http://bench", "PEOPLEGRAPH_NO_DISPATCHER": "1"}
        results = [await run(t, args.subscribers, args.mutations, env, token) for t in ("ws", "sse")]
    for result in results:
        print(json.dumps(result), flush=True)
    ws, sse = results
    ratios = {
        key: round(sse[key] / ws[key], 2)
        for key in ("p50_ms", "p99_ms", "kib_per_idle_subscriber", "server_cpu_ms_per_event")
        if ws[key]
    }
    print(json.dumps({"sse_over_ws": ratios}), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
