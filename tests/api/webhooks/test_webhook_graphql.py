"""Webhooks through the API: register, receive a signed event, see and replay deliveries."""

from __future__ import annotations

from dataclasses import replace

import pytest
from starlette.applications import Starlette

from config import Settings
from events.webhooks import WebhookDispatcher
from ids import to_global_id
from tests.support import factories as f
from tests.support.graphql_client import ClientMaker, TokenMaker, error_codes
from tests.support.webhook_receiver import Receiver

CREATE_WEBHOOK = """
mutation Create($input: CreateWebhookInput!) {
  createWebhook(input: $input) { webhook { id url eventTypes enabled } secret errors { field code message } }
}
"""
CREATE_TASK = """
mutation($input: CreateTaskInput!) { createTask(input: $input) { task { id } errors { code } } }
"""
DELIVERIES = """
query { webhooks(first: 5) { totalCount nodes { url deliveries(first: 5) {
  nodes { eventType status messageId eventId attemptCount attempts(first: 3) { nodes { number statusCode } } } } } } }
"""
REDELIVER = """
mutation($input: RedeliverWebhookEventInput!) {
  redeliverWebhookEvent(input: $input) { delivery { messageId status kind } errors { code } }
}
"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Loopback receivers are allowed here; production refuses them unless configured."""
    return replace(settings, webhook_allow_private=True, webhook_retry_schedule=(0, 0, 0))


async def test_a_service_registers_a_webhook_and_receives_a_signed_event(
    settings: Settings, graphql: ClientMaker, tokens: TokenMaker, receiver: Receiver
) -> None:
    await f.employee(email="ada@example.com")
    service = graphql(await tokens())
    ada = graphql(await tokens("ada@example.com"))
    dispatcher = WebhookDispatcher(settings)

    created = (
        await service.data(
            CREATE_WEBHOOK,
            {"input": {"url": receiver.url, "eventTypes": ["TASK_CREATED"], "description": "HRIS"}},
        )
    )["createWebhook"]
    assert created["errors"] == [] and created["secret"].startswith("whsec_")
    receiver.secrets.append(created["secret"])
    await ada.data(CREATE_TASK, {"input": {"title": "Onboard Bob"}})
    await dispatcher.run_once()

    [delivery] = await receiver.wait_for(1)
    assert delivery.verified_with == [created["secret"]]
    assert delivery.json["type"] == "task.created"
    log = (await service.data(DELIVERIES))["webhooks"]["nodes"][0]["deliveries"]["nodes"]
    assert [(d["eventType"], d["status"], d["attemptCount"]) for d in log] == [
        ("TASK_CREATED", "succeeded", 1)
    ]
    assert log[0]["attempts"]["nodes"] == [{"number": 1, "statusCode": 200}]

    again = await service.data(
        REDELIVER, {"input": {"webhookId": created["webhook"]["id"], "eventId": log[0]["eventId"]}}
    )
    assert again["redeliverWebhookEvent"]["delivery"]["messageId"] == log[0]["messageId"]
    await dispatcher.run_once()
    second = (await receiver.wait_for(2))[1]
    assert second.headers["webhook-id"] == delivery.headers["webhook-id"]


async def test_an_unknown_event_type_fails_validation(graphql: ClientMaker, tokens: TokenMaker) -> None:
    service = graphql(await tokens())

    body = await service.execute(
        CREATE_WEBHOOK, {"input": {"url": "https://example.com/h", "eventTypes": ["task.exploded"]}}
    )

    assert body.get("data") is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "EventType" in error["message"]


async def test_a_bad_url_is_a_user_error(graphql: ClientMaker, tokens: TokenMaker) -> None:
    service = graphql(await tokens())

    data = await service.data(CREATE_WEBHOOK, {"input": {"url": "ftp://x", "eventTypes": ["TASK_CREATED"]}})

    fields = {tuple(e["field"]): e["code"] for e in data["createWebhook"]["errors"]}
    assert ("input", "url") in fields
    assert data["createWebhook"]["webhook"] is None


async def test_an_employee_without_hr_role_cannot_manage_webhooks(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await f.employee(email="ada@example.com")
    ada = graphql(await tokens("ada@example.com"))

    body = await ada.execute(
        CREATE_WEBHOOK, {"input": {"url": "https://example.com/h", "eventTypes": ["TASK_CREATED"]}}
    )

    assert error_codes(body) == ["FORBIDDEN"]


async def test_another_clients_webhook_is_invisible(graphql: ClientMaker, tokens: TokenMaker) -> None:
    first, second = graphql(await tokens()), graphql(await tokens())
    created = await first.data(
        CREATE_WEBHOOK, {"input": {"url": "https://example.com/h", "eventTypes": ["TASK_CREATED"]}}
    )
    webhook_id = created["createWebhook"]["webhook"]["id"]

    assert (await second.data("{ webhooks { totalCount } }"))["webhooks"]["totalCount"] == 0
    found = await second.data("query($id: ID!) { node(id: $id) { id } }", {"id": webhook_id})
    assert found["node"] is None
    assert to_global_id("Webhook", 1) == webhook_id


async def test_a_subscription_document_shapes_the_payload(
    app: Starlette, settings: Settings, graphql: ClientMaker, tokens: TokenMaker, receiver: Receiver
) -> None:
    from schema import schema
    from schema.webhooks.shaping import make_shaper

    await f.employee(email="ada@example.com")
    service, ada = graphql(await tokens()), graphql(await tokens("ada@example.com"))
    dispatcher = WebhookDispatcher(settings)
    dispatcher.payload_shaper = make_shaper(schema._schema, settings)
    shaping = "subscription { taskEvents { type task { title assignee { email } } } }"

    created = await service.data(
        CREATE_WEBHOOK, {"input": {"url": receiver.url, "eventTypes": ["TASK_CREATED"], "query": shaping}}
    )
    receiver.secrets.append(created["createWebhook"]["secret"])
    await ada.data(CREATE_TASK, {"input": {"title": "Shaped"}})
    await dispatcher.run_once()

    [delivery] = await receiver.wait_for(1)
    assert delivery.json["data"] == {
        "taskEvents": {
            "type": "TASK_CREATED",
            "task": {"title": "Shaped", "assignee": {"email": "ada@example.com"}},
        }
    }


async def test_a_document_that_cannot_shape_payloads_is_refused(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    service = graphql(await tokens())

    for document, why in [
        ("subscription { taskEvents { nope } }", "nope"),
        ("query { viewer { email } }", "subscription"),
        ("subscription { viewerEvents { id } }", "taskEvents"),
        ("subscription {", "parse"),
    ]:
        data = await service.data(
            CREATE_WEBHOOK,
            {"input": {"url": "https://93.184.216.34/h", "eventTypes": ["TASK_CREATED"], "query": document}},
        )
        [error] = data["createWebhook"]["errors"]
        assert (error["field"], error["code"]) == (["input", "query"], "INVALID")
        assert why in error["message"], error["message"]
