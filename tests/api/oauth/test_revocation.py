"""Revoking a client or a token takes effect at once: HTTP, open WebSockets, refresh, webhooks.

Each test opens a subscription before the revocation and awaits its close with a timeout that is
far below the periodic check (REVOCATION_CHECK_SECONDS): the close comes from the pushed
`access.revoked` event, not from polling.
"""

from __future__ import annotations

import pytest
from authlib.integrations.base_client import OAuthError
from starlette.applications import Starlette

from auth.oauth.clients import revoke_client
from config import Settings
from events.webhooks import WebhookDispatcher
from models.events import Event
from models.oauth import OAuthToken
from models.webhooks import Webhook
from resolvers.live.stream import REVOCATION_CHECK_SECONDS
from tests.support import factories as f
from tests.support.graphql_client import ClientMaker, TokenMaker
from tests.support.oauth_helpers import (
    INTROSPECT_URL,
    REVOKE_URL,
    TOKEN_URL,
    make_employee,
    make_service_client,
    make_web_client,
    oauth_client,
    sign_in_with_pkce,
)
from tests.support.revocation_helpers import (
    CREATE_TASK,
    CREATE_WEBHOOK,
    EMPLOYEES,
    assert_refused,
    client_of,
    post,
    settings_fixture,  # noqa: F401  (a fixture: loopback webhooks allowed)
    subscribed,
)
from tests.support.webhook_receiver import Receiver
from tests.support.ws_client import WAIT, Closed, WSClient

assert WAIT < REVOCATION_CHECK_SECONDS  # a close within WAIT cannot come from the periodic check


async def test_a_revoked_client_is_cut_off_over_http_and_its_open_subscription_closed(
    server: str, tokens: TokenMaker
) -> None:
    # given a service token with an open subscription
    token = await tokens()
    ws = await subscribed(server, token)
    assert (await post(server, token, EMPLOYEES)).status_code == 200

    # when the operator revokes the client
    assert await revoke_client(client_of(token))

    # then the connection is closed with 4403 at once, and the next request is refused with 401
    closed = await ws.closed()
    assert closed["code"] == 4403 and "revoked" in closed["reason"]
    assert_refused(await post(server, token, EMPLOYEES))
    with pytest.raises(Closed) as refused:
        await WSClient.connect(server, token)
    assert refused.value.code == 4403


async def test_a_revoked_clients_refresh_tokens_are_refused(oauth_app: Starlette) -> None:
    # given an employee signed in through a web app
    await make_employee()
    client = await make_web_client(first_party=True)
    token = await sign_in_with_pkce(oauth_app, client, email="ada@example.com", scope="tasks:read")

    # when the client is revoked
    await revoke_client(client.client_id)

    # then its refresh token no longer works, and is marked revoked
    async with oauth_client(oauth_app, client) as session:
        with pytest.raises(OAuthError) as refused:
            await session.refresh_token(TOKEN_URL, refresh_token=token["refresh_token"])
    assert refused.value.error == "invalid_client"
    assert not await OAuthToken.filter(client_id=client.client_id, revoked_at__isnull=True).exists()


async def test_a_revoked_clients_webhooks_are_disabled_and_receive_nothing(
    settings: Settings, graphql: ClientMaker, tokens: TokenMaker, receiver: Receiver
) -> None:
    # given a service's webhook that receives task events
    await f.employee(email="ada@example.com")
    service, ada = await tokens(), graphql(await tokens("ada@example.com"))
    created = (
        await graphql(service).data(
            CREATE_WEBHOOK, {"input": {"url": receiver.url, "eventTypes": ["TASK_CREATED"]}}
        )
    )["createWebhook"]
    receiver.secrets.append(created["secret"])
    dispatcher = WebhookDispatcher(settings)
    before = await ada.data(CREATE_TASK, {"input": {"title": "Before"}})
    await dispatcher.run_once()
    assert len(await receiver.wait_for(1)) == 1

    # when the service's client is revoked and another task is created
    await revoke_client(client_of(service))
    await ada.data(CREATE_TASK, {"input": {"title": "After"}})
    await dispatcher.run_once()

    # then the webhook is disabled, saying why, and nothing more was sent
    [webhook] = await Webhook.all()
    assert not webhook.enabled and webhook.disabled_reason == "its OAuth client was revoked"
    [disabled] = await Event.filter(type="webhook.disabled", subject_id=webhook.id)
    assert disabled.data["reason"] == "its OAuth client was revoked"
    assert [r.json["data"]["id"] for r in receiver.received] == [before["createTask"]["task"]["id"]]


async def test_revoking_a_refresh_token_closes_the_subscriptions_of_that_sign_in_only(
    oauth_app: Starlette, server: str
) -> None:
    # given two sign-ins of Ada, each with an open subscription
    await make_employee()
    client = await make_web_client(public=True)
    first = await sign_in_with_pkce(
        oauth_app, client, email="ada@example.com", scope="tasks:read tasks:write"
    )
    second = await sign_in_with_pkce(
        oauth_app, client, email="ada@example.com", scope="tasks:read tasks:write"
    )
    ws_first = await subscribed(server, first["access_token"])
    ws_second = await subscribed(server, second["access_token"])

    # when the app signs the first one out (RFC 7009)
    async with oauth_client(oauth_app, client) as session:
        assert (await session.revoke_token(REVOKE_URL, token=first["refresh_token"])).status_code == 200

    # then the first connection is closed at once and its token refused; the second lives on
    assert (await ws_first.closed())["code"] == 4403
    assert_refused(await post(server, first["access_token"], EMPLOYEES))
    await post(server, second["access_token"], CREATE_TASK, {"input": {"title": "Still here"}})
    assert (await ws_second.next_data("1"))["taskEvents"]["task"]["title"] == "Still here"
    await ws_second.close()


async def test_revoking_an_access_token_closes_its_subscription(oauth_app: Starlette, server: str) -> None:
    await make_employee()
    client = await make_web_client(public=True)
    token = await sign_in_with_pkce(oauth_app, client, email="ada@example.com", scope="tasks:read")
    ws = await subscribed(server, token["access_token"])

    async with oauth_client(oauth_app, client) as session:
        response = await session.revoke_token(
            REVOKE_URL, token=token["access_token"], token_type_hint="access_token"
        )
        assert response.status_code == 200

    assert (await ws.closed())["code"] == 4403
    assert_refused(await post(server, token["access_token"], EMPLOYEES))


async def test_a_reused_refresh_token_closes_the_subscriptions_of_its_family(
    oauth_app: Starlette, server: str
) -> None:
    # given a sign-in that refreshed once, subscribed with its newest access token
    await make_employee()
    client = await make_web_client(first_party=True)
    first = await sign_in_with_pkce(oauth_app, client, email="ada@example.com", scope="tasks:read")
    async with oauth_client(oauth_app, client) as session:
        second = await session.refresh_token(TOKEN_URL, refresh_token=first["refresh_token"])
        ws = await subscribed(server, second["access_token"])

        # when the old (rotated) refresh token is presented again: it leaked
        with pytest.raises(OAuthError):
            await session.refresh_token(TOKEN_URL, refresh_token=first["refresh_token"])

    # then the whole family ends, the open subscription with it
    assert (await ws.closed())["code"] == 4403


async def test_introspection_reports_a_revoked_clients_token_inactive(oauth_app: Starlette) -> None:
    # given a service token, and a resource server that introspects tokens
    service, resource_server = await make_service_client(), await make_service_client()
    async with oauth_client(oauth_app, service) as session:
        token = await session.fetch_token(TOKEN_URL, grant_type="client_credentials")

    # when the service's client is revoked
    await revoke_client(service.client_id)

    # then its token is reported inactive
    async with oauth_client(oauth_app, resource_server) as session:
        answer = (await session.introspect_token(INTROSPECT_URL, token=token["access_token"])).json()
    assert answer == {"active": False}
