"""The client processes of bench/fanout.py: each holds its share of `taskEvents` subscribers.

A client process opens one WebSocket (graphql-transport-ws) per URL it is given, `_WAVE` at a
time, and tells the benchmark it is ready over its pipe. It then waits for the number of events
the run committed, until every subscriber has received them (or ended with an error, or two
minutes passed), and sends back the latency of every sampled receipt (from the event's
`occurredAt`, same clock, taken as the frame arrives, before parsing), how many events its
subscribers received in all, each subscriber's error count and, per event, its first and last
sampled arrival in the process. It closes its sockets only when told to, once the benchmark has
read the servers' CPU time.

Sampling (`sample` below 1, lean subscribers only): a uniform random subset of a process's
subscribers is read during the run; the others stop reading once subscribed (the kernel keeps
their frames: each socket's receive buffer is `_RCVBUF`, far above a run's frames) and are read
and counted only after the run, so every frame of every subscriber is still counted, and a
lost one or a subscriber ended as too slow still shows, while the clients spend nothing on them
while the servers write.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import random
import socket
import time
from datetime import datetime
from multiprocessing.connection import Connection

import websockets

SUBSCRIPTION = "subscription { taskEvents { id occurredAt task { title } } }"
_WAVE = 200  # connections a client process opens at once
_RCVBUF = 1 << 20  # bytes: the kernel doubles it, up to net.core.rmem_max


class Subscriber:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.arrivals: list[tuple[float, float]] = []  # (occurredAt, arrival) of each event
        self.errors = 0
        self.received = 0
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

    async def close(self) -> None:
        assert self.ws is not None and self.task is not None
        await self.ws.close()
        self.task.cancel()

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
                    self.received += 1
                elif message["type"] in {"next", "error"}:
                    self.errors += 1


def _client_frame(opcode: int, payload: bytes) -> bytes:
    """A masked frame, as a client must send it (RFC 6455 5.3)."""
    mask = os.urandom(4)
    size = len(payload)
    header = bytes([0x80 | opcode]) + (
        bytes([0x80 | size]) if size < 126 else bytes([0x80 | 126]) + size.to_bytes(2, "big")
    )
    return header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


class LeanSubscriber(asyncio.Protocol):
    """The same subscriber on a bare socket: frames are cut from the stream by hand and only
    `occurredAt` is looked for in a `next`, so that a client process spends a few µs per message
    (the websockets library and a full JSON parse cost it about as much as the server's fan-out,
    and on a shared machine the clients' queue then shows up as the servers' latency)."""

    _OCCURRED = b'"occurredAt":"'

    def __init__(self, sampled: bool = True) -> None:
        self.latencies: list[float] = []
        self.arrivals: list[tuple[float, float]] = []
        self.errors = 0
        self.received = 0
        self.sampled = sampled  # its receipts are timed as they arrive; if not, counted after the run
        self._buffer = bytearray()
        self._transport: asyncio.Transport | None = None
        self._upgraded = False
        self._switched: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._acked: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._times: dict[bytes, float] = {}

    async def open(self, url: str, token: str) -> None:
        host, port = url.removeprefix("ws://").split("/")[0].split(":")
        loop = asyncio.get_running_loop()
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, _RCVBUF)  # before connecting: the window
        sock.setblocking(False)
        await loop.sock_connect(sock, (host, int(port)))
        await loop.create_connection(lambda: self, sock=sock)
        assert self._transport is not None
        key = base64.b64encode(os.urandom(16)).decode()
        self._transport.write(
            f"GET /graphql HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            "Sec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n".encode()
        )
        # Only after the 101: uvicorn drops what arrives with the upgrade request.
        await asyncio.wait_for(self._switched, 120)
        init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
        self._send(json.dumps(init))
        await asyncio.wait_for(self._acked, 120)
        self._send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION}}))
        if not self.sampled:
            self._transport.pause_reading()  # until `drain`: its frames wait in the kernel

    def drain(self) -> None:
        """Read what the kernel kept for a subscriber that was not read during the run."""
        if not self.sampled and self._transport is not None and not self._transport.is_closing():
            self._transport.resume_reading()

    def _send(self, text: str) -> None:
        assert self._transport is not None
        self._transport.write(_client_frame(0x1, text.encode()))

    async def close(self) -> None:
        if self._transport is not None and not self._transport.is_closing():
            self._transport.write(_client_frame(0x8, (1000).to_bytes(2, "big")))
            self._transport.close()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        for waiting in (self._switched, self._acked):
            if not waiting.done():
                waiting.set_exception(ConnectionError("closed before connection_ack"))

    def data_received(self, data: bytes) -> None:
        arrived = time.time()
        buffer = self._buffer
        buffer += data
        if not self._upgraded:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            if b" 101 " not in buffer[:end]:
                raise RuntimeError(f"handshake refused: {bytes(buffer[:end])!r}")
            del buffer[: end + 4]
            self._upgraded = True
            self._switched.set_result(None)
        while len(buffer) >= 2:
            size, start = buffer[1] & 0x7F, 2
            if size == 126:
                size, start = int.from_bytes(buffer[2:4], "big"), 4
            elif size == 127:
                size, start = int.from_bytes(buffer[2:10], "big"), 10
            if len(buffer) < start + size:
                return
            opcode, payload = buffer[0] & 0x0F, bytes(buffer[start : start + size])
            del buffer[: start + size]
            if opcode == 0x1:
                self._text(payload, arrived)

    def _text(self, payload: bytes, arrived: float) -> None:
        if not self._acked.done():
            if b'"connection_ack"' in payload:
                self._acked.set_result(None)
            return
        at = payload.find(self._OCCURRED)
        if at < 0 or b'"errors"' in payload:
            if b'"type":"next"' in payload or b'"type":"error"' in payload:
                self.errors += 1
            return
        self.received += 1
        if not self.sampled:
            return
        stamp = payload[at + len(self._OCCURRED) : payload.index(b'"', at + len(self._OCCURRED))]
        occurred = self._times.get(stamp)
        if occurred is None:
            occurred = self._times[stamp] = datetime.fromisoformat(stamp.decode()).timestamp()
        self.latencies.append(arrived - occurred)
        self.arrivals.append((occurred, arrived))


async def _hold(pipe: Connection, urls: list[str], token: str, lean: bool, sample: float) -> None:
    """One client process: open one subscriber per URL, say so, wait for the run, report."""
    loop = asyncio.get_running_loop()
    timed = set(random.sample(range(len(urls)), max(1, round(len(urls) * sample)) if urls else 0))
    subscribers: list[Subscriber | LeanSubscriber] = [
        LeanSubscriber(i in timed) if lean else Subscriber() for i in range(len(urls))
    ]
    for i in range(0, len(urls), _WAVE):
        wave = zip(subscribers[i : i + _WAVE], urls[i : i + _WAVE], strict=True)
        await asyncio.gather(*(s.open(url, token) for s, url in wave))
    pipe.send("ready")
    expected: int = await loop.run_in_executor(None, pipe.recv)  # events the run committed
    for s in subscribers:
        if isinstance(s, LeanSubscriber):
            s.drain()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and any(s.received + s.errors < expected for s in subscribers):
        if all(s.errors for s in subscribers):
            break
        await asyncio.sleep(0.2)  # a benchmark may poll its own counters
    # Per event (by its occurredAt): the first and the last sampled arrival in this process.
    spans: dict[float, list[float]] = {}
    for occurred, arrived in (pair for s in subscribers for pair in s.arrivals):
        span = spans.setdefault(occurred, [arrived, arrived])
        span[0], span[1] = min(span[0], arrived), max(span[1], arrived)
    latencies = [x for s in subscribers for x in s.latencies]
    received = sum(s.received for s in subscribers)
    pipe.send((latencies, received, [s.errors for s in subscribers], spans))
    await loop.run_in_executor(None, pipe.recv)  # close once the servers' CPU has been read
    for s in subscribers:
        await s.close()


def client_main(
    pipe: Connection, urls: list[str], token: str, lean: bool = True, sample: float = 1.0
) -> None:
    """The entry point of one client process (multiprocessing, spawned)."""
    asyncio.run(_hold(pipe, urls, token, lean, sample))
