"""An employee who leaves is cut off at once; a role change is seen by the next request.

The per-request check is one statement (auth/tokens.py `is_revoked`), measured here.
"""

from __future__ import annotations

import pytest
from authlib.integrations.base_client import OAuthError
from starlette.applications import Starlette

from config import Settings
from events.webhooks import WebhookDispatcher
from ids import to_global_id
from models.events import Event
from models.oauth import OAuthToken
from models.webhooks import Webhook
from tests.support import factories as f
from tests.support import oauth_helpers as oauth
from tests.support import revocation_helpers as live
from tests.support.graphql_client import ClientMaker, TokenMaker, count_statements
from tests.support.oauth_helpers import sign_in_with_pkce
from tests.support.revocation_helpers import settings_fixture  # noqa: F401  (a fixture: loopback webhooks allowed)
from tests.support.webhook_receiver import Receiver

UPDATE_EMPLOYEE = """
mutation($input: UpdateEmployeeInput!) {
  updateEmployee(input: $input) { employee { status role } errors { code message } }
}
"""
PHONE = "query($id: ID!) { node(id: $id) { ... on Employee { phone } } }"


async def terminate(graphql: ClientMaker, tokens: TokenMaker, employee_id: int) -> None:
    service = graphql(await tokens())
    changed = await service.data(
        UPDATE_EMPLOYEE, {"input": {"id": to_global_id("Employee", employee_id), "status": "TERMINATED"}}
    )
    assert changed["updateEmployee"]["errors"] == []


async def test_a_terminated_employee_is_cut_off_over_http_websocket_and_refresh(
    oauth_app: Starlette, server: str, graphql: ClientMaker, tokens: TokenMaker
) -> None:
    # given Ada signed in through a web app, with an open subscription
    ada = await oauth.make_employee()
    client = await oauth.make_web_client(first_party=True)
    token = await sign_in_with_pkce(oauth_app, client, email=ada.email, scope="tasks:read employees:read")
    ws = await live.subscribed(server, token["access_token"])

    # when HR records that she has left
    await terminate(graphql, tokens, ada.id)

    # then her connection is closed at once, her token refused, her refresh token ended
    assert (await ws.closed())["code"] == 4403
    live.assert_refused(await live.post(server, token["access_token"], live.EMPLOYEES))
    assert not await OAuthToken.filter(employee_id=ada.id, revoked_at__isnull=True).exists()
    async with oauth.oauth_client(oauth_app, client) as session:
        with pytest.raises(OAuthError) as refused:
            await session.refresh_token(oauth.TOKEN_URL, refresh_token=token["refresh_token"])
    assert refused.value.error == "invalid_grant"
    [revoked] = await Event.filter(type="access.revoked", subject_id=ada.id)
    assert revoked.data["employeeId"] == ada.id


async def test_the_webhooks_of_an_employee_who_left_are_disabled_and_receive_nothing(
    settings: Settings, graphql: ClientMaker, tokens: TokenMaker
) -> None:
    # given a webhook an HR employee registered with their own token
    hr = await f.employee(email="hr@example.com", role="hr")
    await f.employee(email="ada@example.com")
    ada = graphql(await tokens("ada@example.com"))
    receiver = await Receiver().start()
    try:
        created = (
            await graphql(await tokens("hr@example.com")).data(
                live.CREATE_WEBHOOK, {"input": {"url": receiver.url, "eventTypes": ["TASK_CREATED"]}}
            )
        )["createWebhook"]
        receiver.secrets.append(created["secret"])
        dispatcher = WebhookDispatcher(settings)

        # when the HR employee leaves and a task is created
        await terminate(graphql, tokens, hr.id)
        await ada.data(live.CREATE_TASK, {"input": {"title": "After"}})
        await dispatcher.run_once()

        # then the webhook is disabled, saying why, and was sent nothing
        [webhook] = await Webhook.all()
        assert not webhook.enabled
        [disabled] = await Event.filter(type="webhook.disabled", subject_id=webhook.id)
        assert disabled.data["reason"] == "the employee who set it up has left"
        assert receiver.received == []
    finally:
        await receiver.close()


async def test_a_demoted_hr_employee_loses_hr_reads_on_the_next_request(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    # given an HR employee whose token may read sensitive fields
    hr = await f.employee(email="hr@example.com", role="hr")
    ada = await f.employee(email="ada@example.com", phone="+1 555 0100")
    hr_client = graphql(await tokens("hr@example.com"))
    ada_id = to_global_id("Employee", ada.id)
    assert (await hr_client.data(PHONE, {"id": ada_id}))["node"]["phone"] == "+1 555 0100"

    # when they are made a plain employee
    service = graphql(await tokens())
    await service.data(
        UPDATE_EMPLOYEE, {"input": {"id": to_global_id("Employee", hr.id), "role": "EMPLOYEE"}}
    )

    # then the same token no longer reads Ada's phone
    body = await hr_client.execute(PHONE, {"id": ada_id})
    assert body["data"]["node"]["phone"] is None


async def test_the_revocation_check_is_one_statement_per_request(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await f.employee(email="ada@example.com")
    ada = graphql(await tokens("ada@example.com"))

    with count_statements() as statements:
        await ada.data("{ viewer { id } }")

    checks = [s for s in statements if "oauth_" in s]
    assert len(checks) == 1, checks
    assert "oauth_tokens" in checks[0] and "oauth_clients" in checks[0] and "employees" in checks[0]
