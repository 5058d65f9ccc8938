"""Two server processes, one PostgreSQL database, one Redis: a commit on one reaches the other's subscribers.

Runs only with PEOPLEGRAPH_TEST_BACKEND=postgres and TEST_REDIS_URL (skipped otherwise).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests import factories as f
from tests.test_subscriptions import CREATE_TASK, TASK_EVENTS
from tests.ws_client import WAIT, WSClient

pytestmark = pytest.mark.skipif(
    os.environ.get("PEOPLEGRAPH_TEST_BACKEND") != "postgres" or not os.environ.get("TEST_REDIS_URL"),
    reason="needs PEOPLEGRAPH_TEST_BACKEND=postgres and TEST_REDIS_URL",
)
ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _ready(url: str, process: asyncio.subprocess.Process) -> None:
    async with httpx.AsyncClient(base_url=url) as http:
        for _ in range(int(WAIT * 20)):
            if process.returncode is not None:
                raise AssertionError(f"server exited with {process.returncode}")
            with contextlib.suppress(httpx.TransportError):
                if (await http.get("/readyz")).status_code == 200:
                    return
            await asyncio.sleep(0.05)  # polling a process we cannot be notified by
    raise AssertionError("server did not become ready")


@contextlib.asynccontextmanager
async def worker(settings) -> AsyncIterator[str]:  # type: ignore[no-untyped-def]
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": os.environ["TEST_REDIS_URL"],
        "PEOPLEGRAPH_DATA_DIR": str(settings.data_dir),  # the test's signing keys
        "PEOPLEGRAPH_ISSUER": settings.issuer,
        "PEOPLEGRAPH_NO_DISPATCHER": "1",
    }
    command = [sys.executable, "-m", "uvicorn", "server:create_app", "--factory", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--ws", "websockets-sansio", "--log-level", "warning"]
    process = await asyncio.create_subprocess_exec(*command, cwd=ROOT, env=env)
    try:
        url = f"http://127.0.0.1:{port}"
        await _ready(url, process)
        yield url
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), WAIT)


async def test_a_commit_in_one_process_reaches_a_subscriber_of_another(settings, tokens):
    await f.employee(email="ada@example.com")
    token = await tokens("ada@example.com")
    async with worker(settings) as first, worker(settings) as second:
        client = await WSClient.connect(second, token)
        op = await client.subscribe(TASK_EVENTS, {"after": "0"})  # no race with the commit below
        async with httpx.AsyncClient(base_url=first) as http:
            response = await http.post(
                "/graphql",
                json={"query": CREATE_TASK, "variables": {"input": {"title": "Across"}}},
                headers={"Authorization": f"Bearer {token}"},
            )
        assert response.json()["data"]["createTask"]["errors"] == []
        replayed_or_live = (await client.next_data(op))["taskEvents"]
        # And a second one, certainly live: the subscription is running by now.
        async with httpx.AsyncClient(base_url=first) as http:
            await http.post(
                "/graphql",
                json={"query": CREATE_TASK, "variables": {"input": {"title": "Live"}}},
                headers={"Authorization": f"Bearer {token}"},
            )
        live = (await client.next_data(op))["taskEvents"]
        await client.close()

    assert replayed_or_live["task"]["title"] == "Across"
    assert live["task"]["title"] == "Live"
