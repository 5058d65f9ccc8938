"""A real HTTP receiver on loopback for webhook tests and the benchmark.

A tiny asyncio HTTP/1.1 server (one request per connection) that verifies every delivery with
the `standardwebhooks` package against the secrets it is given, records it in memory, and
answers from a programmable queue of replies (status, headers, huge bodies, holding).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from standardwebhooks.webhooks import Webhook as StandardWebhook
from standardwebhooks.webhooks import WebhookVerificationError


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"ok"
    headers: dict[str, str] = field(default_factory=dict)
    stream_bytes: int = 0  # send this many bytes of body (to test the read limit)
    hold: asyncio.Event | None = None  # answer only once this is set


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float
    verified_with: list[str]

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class Receiver:
    def __init__(self, secrets: list[str] | None = None) -> None:
        self.secrets = list(secrets or [])
        self.replies: deque[Reply] = deque()
        self.default = Reply()
        self.received: list[Received] = []
        self._changed = asyncio.Condition()
        self._server: asyncio.Server | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def start(self) -> Receiver:
        # start_server returns once the socket listens: no waiting for readiness.
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def wait_for(self, count: int, within: float = 5.0) -> list[Received]:
        """Wait (bounded) until at least `count` requests arrived."""
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(lambda: len(self.received) >= count)
        return self.received

    def verifies(self, item: Received, secret: str) -> bool:
        try:
            StandardWebhook(secret).verify(item.body, item.headers)
        except WebhookVerificationError:
            return False
        return True

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            path = lines[0].split(" ")[1]
            headers = {}
            for line in lines[1:]:
                if ":" in line:
                    name, value = line.split(":", 1)
                    headers[name.strip().lower()] = value.strip()
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            item = Received(path, headers, body, time.perf_counter(), [])
            item.verified_with = [s for s in self.secrets if self.verifies(item, s)]
            reply = self.replies.popleft() if self.replies else self.default
            async with self._changed:
                self.received.append(item)
                self._changed.notify_all()
            if reply.hold is not None:
                await reply.hold.wait()
            payload = reply.body if not reply.stream_bytes else b""
            extra = "".join(f"{k}: {v}\r\n" for k, v in reply.headers.items())
            length = reply.stream_bytes or len(payload)
            writer.write(
                f"HTTP/1.1 {reply.status} X\r\ncontent-length: {length}\r\n{extra}connection: close\r\n\r\n".encode()
                + payload
            )
            chunk = b"x" * 65536
            sent = 0
            while sent < reply.stream_bytes:  # stops early when the client hangs up
                writer.write(chunk)
                await writer.drain()
                sent += len(chunk)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()


# -- helpers shared by the webhook tests ---------------------------------------------------------


async def emit(type: str = "task.created", subject_id: int = 1, **data: Any) -> Any:
    """Record an event the way a mutation does: in its own committed transaction."""
    from tortoise.transactions import in_transaction

    from events.log import record_event

    async with in_transaction() as conn:
        return await record_event(
            conn, type, subject_type="Task", subject_id=subject_id, actor_id=None, client_id=None, data=data
        )


async def drain(dispatcher: Any, done: Any, passes: int = 30) -> None:
    """Run dispatcher passes until `done()` (an async predicate) holds; bounded, no sleeping."""
    for _ in range(passes):
        if await done():
            return
        await dispatcher.run_once()
    assert await done(), "condition not reached within the pass budget"
