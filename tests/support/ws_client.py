"""Test helpers for live updates: a real server on a loopback port and a small protocol client.

`live_server(app)` runs uvicorn in this process and event loop (so tests can look at the
server's tasks and share the test's database connection). `WSClient` speaks
`graphql-transport-ws` with the `websockets` package, keeping every frame the server sends, so
tests can assert close codes and errors that higher-level clients hide.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from typing import Any

import uvicorn
import websockets
from websockets.asyncio.client import ClientConnection

from web.ws_server import LeanWebSocketProtocol

WAIT = 10.0  # seconds a test waits for something that should happen promptly


@contextlib.asynccontextmanager
async def live_server(app: Any) -> AsyncIterator[str]:
    """Serve `app` on 127.0.0.1 (a free port); yields the base URL `http://127.0.0.1:PORT`."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, lifespan="on", ws=LeanWebSocketProtocol, log_level="warning"
    )  # the WebSocket protocol `serve` runs
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        await wait_until(lambda: server.started or task.done())
        if task.done():
            task.result()
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, WAIT)


async def wait_until(condition: Callable[[], bool], within: float = WAIT) -> None:
    """Wait for a condition the test cannot be notified of (a server-side count), or fail."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.01)


class Closed(Exception):
    def __init__(self, code: int | None, reason: str) -> None:
        super().__init__(f"closed {code}: {reason}")
        self.code = code
        self.reason = reason


class WSClient:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self._inbox: dict[str, asyncio.Queue[dict[str, Any]]] = defaultdict(asyncio.Queue)
        self._reader: asyncio.Task[None] | None = None
        self._ids = 0

    @classmethod
    async def connect(cls, base_url: str, token: str | None, *, key: str = "Authorization") -> WSClient:
        """Open, send `connection_init` with the bearer token, await the ack (or raise Closed)."""
        url = base_url.replace("http://", "ws://") + "/graphql"
        ws = await websockets.connect(url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")])
        payload = {key: f"Bearer {token}"} if token else {}
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        try:
            message = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
        except websockets.ConnectionClosed as exc:
            raise Closed(exc.rcvd.code if exc.rcvd else None, exc.rcvd.reason if exc.rcvd else "") from None
        assert message["type"] == "connection_ack", message
        client = cls(ws)
        client._reader = asyncio.create_task(client._read())
        return client

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                message = json.loads(raw)
                if message["type"] == "ping":
                    await self.ws.send(json.dumps({"type": "pong"}))
                elif "id" in message:
                    await self._inbox[message["id"]].put(message)
        except websockets.ConnectionClosed:
            pass
        rcvd = self.ws.close_code
        await self._inbox["__closed__"].put({"type": "closed", "code": rcvd, "reason": self.ws.close_reason})

    async def subscribe(
        self, query: str, variables: dict[str, Any] | None = None, operation_name: str | None = None
    ) -> str:
        self._ids += 1
        op_id = str(self._ids)
        payload: dict[str, Any] = {"query": query, "variables": variables or {}}
        if operation_name is not None:
            payload["operationName"] = operation_name
        await self.send({"id": op_id, "type": "subscribe", "payload": payload})
        return op_id

    async def send(self, message: dict[str, Any]) -> None:
        """Send any protocol message as it is, well-formed or not."""
        await self.ws.send(json.dumps(message))

    async def receive(self, op_id: str, within: float = WAIT) -> dict[str, Any]:
        """The next message for an operation (`next`, `error` or `complete`)."""
        return await asyncio.wait_for(self._inbox[op_id].get(), within)

    async def next_data(self, op_id: str, within: float = WAIT) -> dict[str, Any]:
        message = await self.receive(op_id, within)
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message["payload"]
        return message["payload"]["data"]  # type: ignore[no-any-return]  # JSON

    async def closed(self, within: float = WAIT) -> dict[str, Any]:
        """Wait for the server to close the connection; its code and reason."""
        return await asyncio.wait_for(self._inbox["__closed__"].get(), within)

    async def close(self) -> None:
        await self.ws.close()
        if self._reader is not None:
            await self._reader

    def abort(self) -> None:
        """Drop the TCP connection without a closing handshake, as a vanished phone would."""
        self.ws.transport.abort()
