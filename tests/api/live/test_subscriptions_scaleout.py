"""Two server processes, one PostgreSQL database, one Redis: a commit on one reaches the other's subscribers.

Runs only with PEOPLEGRAPH_TEST_BACKEND=postgres and TEST_REDIS_URL (skipped otherwise).
"""

from __future__ import annotations

import httpx

from config import Settings
from tests.support import factories as f
from tests.support.graphql_client import TokenMaker
from tests.support.live import CREATE_TASK, TASK_EVENTS
from tests.support.server_process import NEEDS_POSTGRES_AND_REDIS, worker
from tests.support.ws_client import WSClient

pytestmark = NEEDS_POSTGRES_AND_REDIS


async def test_a_commit_in_one_process_reaches_a_subscriber_of_another(
    settings: Settings, tokens: TokenMaker
) -> None:
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
