"""Subscription arguments that take an ID or an event position refuse anything but the
canonical form with INVALID_ID, for that operation only."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator

import pytest
from starlette.applications import Starlette

from ids import to_global_id
from tests.support import factories as f
from tests.support.graphql_client import TokenMaker
from tests.support.ws_client import WSClient, live_server

TASK_EVENTS = """
subscription Tasks($teamId: ID, $assigneeId: ID, $after: ID) {
  taskEvents(teamId: $teamId, assigneeId: $assigneeId, after: $after) { id type }
}
"""


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.fixture
async def server(app: Starlette) -> AsyncIterator[str]:
    async with live_server(app) as url:
        yield url


BAD_ARGUMENTS = {
    "team beyond 64 bits": {"teamId": b64(f"Team:{2**64}")},
    "team beyond the database's integer": {"teamId": b64(f"Team:{2**31}")},
    "assignee with a leading zero": {"assigneeId": b64("Employee:01")},
    "assignee of another type": {"assigneeId": to_global_id("Team", 1)},
    "position beyond bigint": {"after": str(2**63)},
    "position with a leading zero": {"after": "01"},
    "position in other digits": {"after": "١٢"},
}


async def test_bad_ids_in_subscription_arguments_are_invalid_ids(server: str, tokens: TokenMaker) -> None:
    # Given a signed-in employee on one connection
    await f.employee(email="ada@example.com")
    client = await WSClient.connect(server, await tokens("ada@example.com"))

    for name, variables in BAD_ARGUMENTS.items():
        # When a subscription names something with a non-canonical or out-of-range ID
        op = await client.subscribe(TASK_EVENTS, variables)
        message = await client.receive(op)

        # Then that operation gets INVALID_ID
        assert message["type"] in {"error", "next"}, name
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert [e["extensions"]["code"] for e in errors] == ["INVALID_ID"], (name, errors)
    await client.close()
