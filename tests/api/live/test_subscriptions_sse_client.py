"""The README's Server-Sent Events pattern, with the real `graphql-sse` client.

A node script (tests/support/live_resume_sse.mjs, the README's code) follows `taskEvents` over
SSE through a TCP proxy that the test cuts while events flow: every event must arrive exactly
once, in order. A refusal reaches the client as errors, and the script stops. Skipped only when
node is missing.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.api.live.test_subscriptions_live_resume import CuttableProxy, received
from tests.support import factories as f
from tests.support.graphql_client import TokenMaker
from tests.support.live import CREATE_TASK, call, listening
from tests.support.ws_client import WAIT

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
ROOT = Path(__file__).resolve().parents[3]


@contextlib.asynccontextmanager
async def readme_client(url: str, token: str) -> AsyncIterator[asyncio.subprocess.Process]:
    env = {**os.environ, "PEOPLEGRAPH_URL": url, "PEOPLEGRAPH_TOKEN": token}
    process = await asyncio.create_subprocess_exec(
        "node", "tests/support/live_resume_sse.mjs", cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE
    )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.terminate()
        await asyncio.wait_for(process.wait(), WAIT)


async def test_every_event_arrives_exactly_once_in_order_across_a_network_cut(
    server: str, tokens: TokenMaker
) -> None:
    # given the README's client following taskEvents through a proxy
    await f.employee(email="ada@example.com")
    writer, reader = await tokens("ada@example.com"), await tokens("ada@example.com", "tasks:read")
    proxy = CuttableProxy(int(server.rsplit(":", 1)[1]))
    titles = [f"task {n}" for n in range(1, 11)]

    async def create(title: str) -> None:
        await call(server, writer, CREATE_TASK, {"input": {"title": title}})

    async with proxy.running() as port, readme_client(f"http://127.0.0.1:{port}/graphql", reader) as node:
        await listening(1)
        seen = []
        for title in titles[:3]:  # live, each one seen before the next
            await create(title)
            seen.append(await received(node))

        # when the network drops, events happen while it is away and while it reconnects
        proxy.refusing = True
        proxy.cut()
        await listening(0)
        for title in titles[3:7]:
            await create(title)
        proxy.refusing = False
        for title in titles[7:]:
            await create(title)
        seen += [await received(node) for _ in titles[3:]]
        await create("after all")  # nothing repeated is waiting in front of it
        last = await received(node)

    # then each arrived once, in order
    assert [e["title"] for e in seen] == titles
    assert [int(e["id"]) for e in seen] == sorted({int(e["id"]) for e in seen})
    assert last["title"] == "after all"


async def test_a_token_without_the_scope_is_refused_and_the_client_stops(
    server: str, tokens: TokenMaker
) -> None:
    await f.employee(email="ada@example.com")
    token = await tokens("ada@example.com", "employees:read")

    async with readme_client(f"{server}/graphql", token) as node:
        refusal = await received(node)
        code = await asyncio.wait_for(node.wait(), WAIT)

    assert refusal == {"errors": ["FORBIDDEN"]}
    assert code == 0  # it stopped by itself instead of retrying
