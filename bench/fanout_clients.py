"""The client processes of bench/fanout.py: each holds its share of `taskEvents` subscribers.

A client process opens one WebSocket (graphql-transport-ws) per URL it is given, `_WAVE` at a
time, and tells the benchmark it is ready over its pipe. It then waits for the number of events
the run committed, until every subscriber has received them (or ended with an error, or two
minutes passed), and sends back every receipt's latency (from the event's `occurredAt`, same
clock, taken as the frame arrives, before parsing), each subscriber's error count and, per event,
its first and last arrival in the process. It closes its sockets only when told to, once the
benchmark has read the servers' CPU time.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from datetime import datetime
from multiprocessing.connection import Connection

import websockets

SUBSCRIPTION = "subscription { taskEvents { id occurredAt task { title } } }"
_WAVE = 200  # connections a client process opens at once


class Subscriber:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.arrivals: list[tuple[float, float]] = []  # (occurredAt, arrival) of each event
        self.errors = 0
        self.ws: websockets.ClientConnection | None = None
        self.task: asyncio.Task[None] | None = None

    async def open(self, url: str, token: str) -> None:
        self.ws = await websockets.connect(
            url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")], open_timeout=120
        )
        await self.ws.send(
            json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        )
        assert json.loads(await self.ws.recv())["type"] == "connection_ack"
        await self.ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION}}))
        self.task = asyncio.create_task(self.read())

    async def read(self) -> None:
        assert self.ws is not None
        with contextlib.suppress(websockets.ConnectionClosed):
            async for raw in self.ws:
                arrived = time.time()  # before this process's own parsing
                message = json.loads(raw)
                if message["type"] == "next" and "errors" not in message["payload"]:
                    occurred = datetime.fromisoformat(message["payload"]["data"]["taskEvents"]["occurredAt"])
                    self.latencies.append(arrived - occurred.timestamp())
                    self.arrivals.append((occurred.timestamp(), arrived))
                elif message["type"] in {"next", "error"}:
                    self.errors += 1


async def _hold(pipe: Connection, urls: list[str], token: str) -> None:
    """One client process: open one subscriber per URL, say so, wait for the run, report."""
    loop = asyncio.get_running_loop()
    subscribers = [Subscriber() for _ in urls]
    for i in range(0, len(urls), _WAVE):
        wave = zip(subscribers[i : i + _WAVE], urls[i : i + _WAVE], strict=True)
        await asyncio.gather(*(s.open(url, token) for s, url in wave))
    pipe.send("ready")
    expected: int = await loop.run_in_executor(None, pipe.recv)  # events the run committed
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and any(len(s.latencies) + s.errors < expected for s in subscribers):
        if all(s.errors for s in subscribers):
            break
        await asyncio.sleep(0.2)  # a benchmark may poll its own counters
    # Per event (by its occurredAt): the first and the last arrival in this process.
    spans: dict[float, list[float]] = {}
    for occurred, arrived in (pair for s in subscribers for pair in s.arrivals):
        span = spans.setdefault(occurred, [arrived, arrived])
        span[0], span[1] = min(span[0], arrived), max(span[1], arrived)
    latencies = [x for s in subscribers for x in s.latencies]
    pipe.send((latencies, [s.errors for s in subscribers], spans))
    await loop.run_in_executor(None, pipe.recv)  # close once the servers' CPU has been read
    for s in subscribers:
        assert s.ws is not None and s.task is not None
        await s.ws.close()
        s.task.cancel()


def client_main(pipe: Connection, urls: list[str], token: str) -> None:
    """The entry point of one client process (multiprocessing, spawned)."""
    asyncio.run(_hold(pipe, urls, token))
