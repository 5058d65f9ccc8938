"""The README's resume pattern, with the real `graphql-ws` client, across a cut TCP connection.

A node script (tests/support/live_resume.mjs, the README's code) follows `taskEvents` through a TCP proxy
that the test cuts while events flow: some are committed while the client is away, some while it
reconnects. Every event must arrive exactly once, in order. Skipped only when node is missing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import factories as f
from tests.support.graphql_client import TokenMaker
from tests.support.live import CREATE_TASK, call, listening
from tests.support.ws_client import WAIT

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
ROOT = Path(__file__).resolve().parents[3]


class CuttableProxy:
    """Forwards TCP connections to a port; `cut()` drops them all at once, `refusing` turns new ones away."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.refusing = False
        self._open: set[asyncio.StreamWriter] = set()
        self._pipes: set[asyncio.Task[None]] = set()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            while chunk := await reader.read(65536):
                writer.write(chunk)
                await writer.drain()
        writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.refusing:
            writer.transport.abort()
            return
        upstream_reader, upstream = await asyncio.open_connection("127.0.0.1", self.target_port)
        self._open |= {writer, upstream}
        for pipe in (self._pipe(reader, upstream), self._pipe(upstream_reader, writer)):
            task = asyncio.create_task(pipe)
            self._pipes.add(task)
            task.add_done_callback(self._pipes.discard)

    def cut(self) -> None:
        """Drop every connection without a close handshake, as a network failure does."""
        for writer in self._open:
            writer.transport.abort()
        self._open.clear()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[int]:
        listener = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        try:
            yield listener.sockets[0].getsockname()[1]
        finally:
            listener.close()
            self.cut()
            for task in list(self._pipes):
                task.cancel()
            await listener.wait_closed()


@contextlib.asynccontextmanager
async def readme_client(ws_url: str, token: str) -> AsyncIterator[asyncio.subprocess.Process]:
    env = {**os.environ, "PEOPLEGRAPH_WS_URL": ws_url, "PEOPLEGRAPH_TOKEN": token}
    process = await asyncio.create_subprocess_exec(
        "node", "tests/support/live_resume.mjs", cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE
    )
    try:
        yield process
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), WAIT)


async def received(process: asyncio.subprocess.Process) -> dict[str, Any]:
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), WAIT)
    assert line, "the node client exited"
    return json.loads(line)  # type: ignore[no-any-return]  # JSON


async def test_every_event_arrives_exactly_once_in_order_across_a_network_cut(
    server: str, tokens: TokenMaker
) -> None:  # noqa: F811
    await f.employee(email="ada@example.com")
    writer, reader = await tokens("ada@example.com"), await tokens("ada@example.com", "tasks:read")
    proxy = CuttableProxy(int(server.rsplit(":", 1)[1]))
    titles = [f"task {n}" for n in range(1, 13)]

    async def create(title: str) -> None:
        await call(server, writer, CREATE_TASK, {"input": {"title": title}})

    async with proxy.running() as port, readme_client(f"ws://127.0.0.1:{port}/graphql", reader) as node:
        await listening(1)
        seen = []
        for title in titles[:4]:  # live, each one seen before the next
            await create(title)
            seen.append(await received(node))
        proxy.refusing = True
        proxy.cut()
        await listening(0)
        for title in titles[4:8]:  # committed while the client is away
            await create(title)
        proxy.refusing = False
        for title in titles[8:]:  # committed while it reconnects and replays
            await create(title)
        seen += [await received(node) for _ in titles[8:] + titles[4:8]]
        await create("after all")  # nothing repeated is waiting in front of it
        last = await received(node)

    assert [e["title"] for e in seen] == titles
    assert [int(e["id"]) for e in seen] == sorted({int(e["id"]) for e in seen})
    assert last["title"] == "after all"
