"""Shared pieces of the revocation tests: settings for loopback webhooks, open subscriptions, plain
HTTP calls (the live server is the `server` fixture, tests/conftest.py)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx
import pytest

from auth.tokens import decode_access_token
from config import Settings
from events.brokers import current_broker
from tests.support.ws_client import WSClient, wait_until

TASK_EVENTS = "subscription { taskEvents { id type task { title } } }"
CREATE_TASK = """
mutation($input: CreateTaskInput!) { createTask(input: $input) { task { id } errors { code } } }
"""
CREATE_WEBHOOK = """
mutation($input: CreateWebhookInput!) {
  createWebhook(input: $input) { webhook { id } secret errors { code message } }
}
"""
EMPLOYEES = "{ employees(first: 1) { totalCount } }"


@pytest.fixture(name="settings")
def settings_fixture(settings: Settings) -> Settings:
    """Loopback webhook receivers are allowed here; production refuses them unless configured."""
    return replace(settings, webhook_allow_private=True, webhook_retry_schedule=(0, 0, 0))


def client_of(token: str) -> str:
    return str(decode_access_token(token)["client_id"])


async def post(url: str, token: str, query: str, variables: dict[str, Any] | None = None) -> httpx.Response:
    async with httpx.AsyncClient(base_url=url) as http:
        return await http.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {token}"},
        )


async def subscribed(url: str, token: str) -> WSClient:
    """A connection with one `taskEvents` subscription the server already holds."""
    before = len(current_broker().hub)
    ws = await WSClient.connect(url, token)
    await ws.subscribe(TASK_EVENTS)
    await wait_until(lambda: len(current_broker().hub) == before + 1)
    return ws


def assert_refused(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["UNAUTHENTICATED"]
    assert "revoked" in response.json()["errors"][0]["message"]
