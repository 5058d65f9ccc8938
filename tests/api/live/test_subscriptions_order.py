"""Across processes, every server hands its subscribers events in commit order: an event that
another process committed but has not announced yet is delivered before a later one.

That is what lets a change of visibility made on one worker (a new manager) reach the live
subscriptions of another before any event that depends on it. Needs TEST_REDIS_URL (skipped
otherwise); runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import os
from dataclasses import replace

import pytest

from config import Settings
from models.employees import Employee
from server import create_app
from tests.support import factories as f
from tests.support.graphql_client import TokenMaker
from tests.support.live import TASK_EVENTS, create_task, listening, record
from tests.support.ws_client import WSClient, live_server

REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="needs TEST_REDIS_URL")


async def test_an_unannounced_new_manager_is_applied_before_the_next_event_it_shows(
    settings: Settings, tokens: TokenMaker
) -> None:
    # given a server on Redis, Ada subscribed, and a task of Bob's she may not see (so her
    # connection has decided with her policy of now: Bob does not report to her)
    ada = await f.employee(email="ada@example.com")
    bob = await f.employee(email="bob@example.com")
    token = await tokens("ada@example.com")
    app = create_app(replace(settings, redis_url=REDIS_URL), manage_db=False)
    async with live_server(app) as url:
        client = await WSClient.connect(url, token)
        op = await client.subscribe(TASK_EVENTS)
        await listening(1)
        await create_task("bob@example.com", "Before", bob.id)
        await create_task("ada@example.com", "Ada's own", ada.id)
        assert (await client.next_data(op))["taskEvents"]["task"]["title"] == "Ada's own"

        # when another process makes Ada Bob's manager and has not announced it yet (the
        # change is committed, its event is in the log, nothing was published), and Bob then
        # creates a task, announced as usual
        await Employee.filter(id=bob.id).update(manager_id=ada.id)
        await record("employee.updated", "Employee", bob.id, {"changed": ["managerId"]})
        await create_task("bob@example.com", "After", bob.id)

        # then Ada sees Bob's new task: the manager change was applied first
        after = (await client.next_data(op))["taskEvents"]
        await client.close()
    assert after["task"]["title"] == "After"
