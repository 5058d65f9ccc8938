"""Payload shaping reads with no more than the token that set the webhook up could read itself:
its scopes, cut down to its client's current registration (schema/webhooks/shaping.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from config import Settings
from events.webhooks import WebhookDispatcher
from models.oauth import OAuthClient
from schema import schema
from schema.webhooks.shaping import make_shaper
from tests.support import factories as f
from tests.support.graphql_client import ClientMaker, TokenMaker
from tests.support.revocation_helpers import (
    CREATE_TASK,
    CREATE_WEBHOOK,
    client_of,
    settings_fixture,  # noqa: F401  (a fixture: loopback webhooks allowed)
)
from tests.support.webhook_receiver import Receiver

SHAPING = "subscription { taskEvents { type task { title assignee { email phone } } } }"


# `await deliver(token, before_event=None)`: the delivered `data` (the `deliver` fixture).
Deliver = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
async def deliver(
    settings: Settings, graphql: ClientMaker, tokens: TokenMaker, receiver: Receiver
) -> Deliver:
    """`await deliver(service_token)`: register a shaping webhook with it, create a task as Ada,
    and return the delivered `data`; `before_event` runs in between (e.g. to shrink the client)."""
    await f.employee(email="ada@example.com", phone="+1 555 0100")
    ada = graphql(await tokens("ada@example.com"))
    dispatcher = WebhookDispatcher(settings)
    dispatcher.payload_shaper = make_shaper(schema._schema, settings)

    async def run(token: str, before_event: Any = None) -> dict[str, Any]:
        created = (
            await graphql(token).data(
                CREATE_WEBHOOK,
                {"input": {"url": receiver.url, "eventTypes": ["TASK_CREATED"], "query": SHAPING}},
            )
        )["createWebhook"]
        assert created["errors"] == []
        receiver.secrets.append(created["secret"])
        if before_event is not None:
            await before_event()
        await ada.data(CREATE_TASK, {"input": {"title": "Shaped"}})
        await dispatcher.run_once()
        [delivery] = await receiver.wait_for(1)
        return delivery.json["data"]  # type: ignore[no-any-return]  # JSON

    return run


async def test_a_token_with_every_scope_shapes_the_whole_document(
    deliver: Deliver, tokens: TokenMaker
) -> None:
    data = await deliver(await tokens())

    assert data["taskEvents"]["task"] == {
        "title": "Shaped",
        "assignee": {"email": "ada@example.com", "phone": "+1 555 0100"},
    }


async def test_a_webhooks_manage_only_token_shapes_nothing(deliver: Deliver, tokens: TokenMaker) -> None:
    data = await deliver(await tokens(scopes="webhooks:manage"))

    assert data == {"taskEvents": None}


async def test_shaping_reads_no_sensitive_field_without_the_sensitive_scope(
    deliver: Deliver, tokens: TokenMaker
) -> None:
    # as over the API, `tasks:read` with `employees:read` shows a task's assignee from the
    # directory, never their phone
    data = await deliver(await tokens(scopes="webhooks:manage tasks:read employees:read"))

    assert data["taskEvents"]["task"] == {
        "title": "Shaped",
        "assignee": {"email": "ada@example.com", "phone": None},
    }


async def test_shaping_follows_the_clients_current_registration(deliver: Deliver, tokens: TokenMaker) -> None:
    # given a webhook registered by a token with every scope
    token = await tokens()

    # when its client is then registered without `employees:sensitive`
    async def shrink() -> None:
        await OAuthClient.filter(client_id=client_of(token)).update(
            scopes="webhooks:manage tasks:read employees:read"
        )

    data = await deliver(token, shrink)

    # then shaping reads only what the client may read now
    assert data["taskEvents"]["task"]["assignee"] == {"email": "ada@example.com", "phone": None}


async def test_shaping_stops_when_the_client_loses_the_root_fields_scope(
    deliver: Deliver, tokens: TokenMaker
) -> None:
    token = await tokens()

    async def shrink() -> None:
        await OAuthClient.filter(client_id=client_of(token)).update(scopes="webhooks:manage")

    assert await deliver(token, shrink) == {"taskEvents": None}
