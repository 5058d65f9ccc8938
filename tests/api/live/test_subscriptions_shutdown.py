"""A server holding parked subscriptions still stops on SIGTERM (an orchestrator stopping a
worker, a `peoplegraph serve` user pressing Ctrl+C with dashboards open).

Several dashboards of one employee form one group: one leads, the others are parked
(web/ws_relay.py), and each departure promotes them, their operations run again from their
position. None of that may keep the process from exiting once uvicorn asks it to: neither when
the clients have gone first, nor when they are still connected (uvicorn closes them).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import pytest

from config import Settings
from models.employees import EmployeeRole
from tests.support import factories as f
from tests.support.graphql_client import TokenMaker
from tests.support.live import CREATE_TASK, TASK_EVENTS, call
from tests.support.server_process import NEEDS_POSTGRES_AND_REDIS, server_process, stop, worker
from tests.support.ws_client import WSClient

DASHBOARDS = 6

Server = Callable[[Settings], AbstractAsyncContextManager[list[str]]]


@asynccontextmanager
async def _single(settings: Settings) -> AsyncIterator[list[str]]:
    """One process, no Redis (SQLite by default), stopped with SIGTERM by the test itself."""
    async with server_process(settings, lean_ws=True) as server:
        yield [server.url]
        await stop(server.process)  # fails the test if it does not exit in time


@asynccontextmanager
async def _two_workers(settings: Settings) -> AsyncIterator[list[str]]:
    """Two workers on PostgreSQL and Redis, each stopped with SIGTERM (`worker` fails the test
    if one does not exit in time)."""
    async with worker(settings) as first, worker(settings) as second:
        yield [first, second]


SERVERS = [
    pytest.param(_single, id="one-process"),
    pytest.param(_two_workers, id="redis-workers", marks=NEEDS_POSTGRES_AND_REDIS),
]


async def _dashboards(urls: list[str], token: str) -> list[tuple[WSClient, str]]:
    """Six dashboards of one employee, spread over the servers, all live (each has had the same
    events, created on the servers in turn)."""
    clients = [await WSClient.connect(urls[n % len(urls)], token) for n in range(DASHBOARDS)]
    ops = [await client.subscribe(TASK_EVENTS, {"after": "0"}) for client in clients]
    for n, title in enumerate(("Opening", "Live", "Later")):
        await call(urls[n % len(urls)], token, CREATE_TASK, {"input": {"title": title}})
        for client, op in zip(clients, ops, strict=True):
            assert (await client.next_data(op))["taskEvents"]["task"]["title"] == title
    return list(zip(clients, ops, strict=True))


@pytest.mark.parametrize("serve", SERVERS)
async def test_a_server_whose_dashboards_closed_exits_on_sigterm(
    settings: Settings, tokens: TokenMaker, serve: Server
) -> None:
    # given six dashboards of one employee on one server, which then all close
    await f.employee(email="hr@example.com", role=EmployeeRole.HR)
    token = await tokens("hr@example.com")
    async with serve(settings) as urls:
        for client, _ in await _dashboards(urls, token):
            await client.close()
        # when the server is sent SIGTERM (leaving the block), then it exits in time


@pytest.mark.parametrize("serve", SERVERS)
async def test_a_server_with_dashboards_still_open_closes_them_and_exits_on_sigterm(
    settings: Settings, tokens: TokenMaker, serve: Server
) -> None:
    # given six dashboards of one employee, still open
    await f.employee(email="hr@example.com", role=EmployeeRole.HR)
    token = await tokens("hr@example.com")
    async with serve(settings) as urls:
        dashboards = await _dashboards(urls, token)
    # when the server was sent SIGTERM (leaving the block), it exited in time, and it closed
    # every dashboard's connection as a server going away does
    for client, _ in dashboards:
        assert (await client.closed())["code"] == 1012
        await client.close()
