"""`peoplegraph client revoke`, run as its own process, closes a subscription held by a server
process at once: the revocation travels through the event log and Redis like any event.

Runs only with PEOPLEGRAPH_TEST_BACKEND=postgres and TEST_REDIS_URL (skipped otherwise).
"""

from __future__ import annotations

import asyncio
import os
import sys

import httpx

from config import Settings
from ids import to_global_id
from tests.support import factories as f
from tests.support.graphql_client import TokenMaker
from tests.support.live import CREATE_TASK, TASK_EVENTS
from tests.support.revocation_helpers import client_of
from tests.support.server_process import NEEDS_POSTGRES_AND_REDIS, ROOT, worker
from tests.support.ws_client import WAIT, WSClient

pytestmark = NEEDS_POSTGRES_AND_REDIS


async def revoke_from_the_command_line(settings: Settings, client_id: str) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": os.environ["TEST_REDIS_URL"],
        "PEOPLEGRAPH_DATA_DIR": str(settings.data_dir),
    }
    command = [sys.executable, "-c", "import sys, cli; sys.exit(cli.main())", "client", "revoke", client_id]
    process = await asyncio.create_subprocess_exec(*command, cwd=ROOT, env=env)
    assert await asyncio.wait_for(process.wait(), WAIT * 3) == 0


async def test_a_client_revoked_by_the_operator_is_closed_in_every_server_process(
    settings: Settings, tokens: TokenMaker
) -> None:
    # given a subscription, certainly live, held by a server process
    ada = await f.employee(email="ada@example.com")
    token = await tokens()
    async with worker(settings) as server, httpx.AsyncClient(base_url=server) as http:
        client = await WSClient.connect(server, token)
        op = await client.subscribe(TASK_EVENTS, {"after": "0"})
        await http.post(
            "/graphql",
            json={
                "query": CREATE_TASK,
                "variables": {"input": {"title": "Live", "assigneeId": to_global_id("Employee", ada.id)}},
            },
            headers={"Authorization": f"Bearer {token}"},
        )
        assert (await client.next_data(op))["taskEvents"]["task"]["title"] == "Live"

        # when the operator revokes the client from another process
        await revoke_from_the_command_line(settings, client_of(token))

        # then the server closes the connection at once and refuses the token
        assert (await client.closed())["code"] == 4403
        response = await http.post(
            "/graphql", json={"query": "{ viewer { id } }"}, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 401


FLOOR = "{ __typename }"
MY_TASKS = "query MyTasks { viewer { tasks(first: 5) { totalCount } } }"


async def _remembered(http: httpx.AsyncClient) -> float:
    for line in (await http.get("/metrics")).text.splitlines():
        if line.startswith('peoplegraph_token_revocation_checks_total{by="remembered"}'):
            return float(line.split()[-1])
    return 0.0


async def test_a_token_the_server_remembers_as_good_is_refused_once_another_process_revokes_it(
    settings: Settings, tokens: TokenMaker
) -> None:
    # given a server process that has answered the token on its fast path and its full path
    # often enough to answer from its remembered check (web/token_checks.py), no statement
    ada = await f.employee(email="ada@example.com")
    token = await tokens("ada@example.com")
    headers = {"Authorization": f"Bearer {token}"}
    async with worker(settings) as server, httpx.AsyncClient(base_url=server, headers=headers) as http:
        for query in (FLOOR, MY_TASKS, "{ viewer { id } }") * 2:
            assert (await http.post("/graphql", json={"query": query})).status_code == 200
        assert await _remembered(http) > 0
        # and a subscription, certainly live, whose close tells that the server heard the revocation
        client = await WSClient.connect(server, token)
        op = await client.subscribe(TASK_EVENTS, {"after": "0"})
        mine = {"input": {"title": "Live", "assigneeId": to_global_id("Employee", ada.id)}}
        await http.post("/graphql", json={"query": CREATE_TASK, "variables": mine})
        assert (await client.next_data(op))["taskEvents"]["task"]["title"] == "Live"

        # when the operator revokes the token's client from another process
        await revoke_from_the_command_line(settings, client_of(token))

        # then, as soon as the server has heard it, both paths refuse the token
        assert (await client.closed())["code"] == 4403
        for query in (FLOOR, MY_TASKS, "{ viewer { id } }"):
            response = await http.post("/graphql", json={"query": query})
            assert response.status_code == 401, (query, response.text)
