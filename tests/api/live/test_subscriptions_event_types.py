"""Event types are one GraphQL enum, `EventType`, made from the event log's own vocabulary."""

from __future__ import annotations

from events.log import EventType
from resolvers.training import enrollment as ew
from tests.support import factories as f
from tests.support.graphql_client import ClientMaker, TokenMaker, error_codes
from tests.support.live import act

ENUM = '{ __type(name: "EventType") { enumValues { name description } } }'
AUDIT = """
query Audit($types: [EventType!]) {
  auditEvents(first: 10, filter: {types: $types}) { edges { node { type } } }
}
"""
CREATE_WEBHOOK = """
mutation Create($input: CreateWebhookInput!) {
  createWebhook(input: $input) { webhook { id eventTypes } errors { code } }
}
"""
PING = """
mutation Ping($input: WebhookIdInput!) {
  testWebhook(input: $input) { delivery { eventType kind } errors { code } }
}
"""


async def test_the_enum_lists_every_event_type_of_the_log_with_a_description(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    data = await graphql(await tokens()).data(ENUM)

    values = data["__type"]["enumValues"]
    assert [v["name"] for v in values] == [t.name for t in EventType]
    assert all(v["description"] for v in values)


async def test_the_audit_log_filters_by_event_type_and_refuses_a_typo(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    ada = await f.employee(email="ada@example.com")
    session = await f.session(await f.course(), capacity=1)
    await act("ada@example.com", ew.enroll, session_id=session.id, employee_id=ada.id)
    hr = graphql(await tokens())

    enrolled = await hr.data(AUDIT, {"types": ["TRAINING_ENROLLED"]})
    none = await hr.data(AUDIT, {"types": ["TASK_CREATED"]})
    typo = await hr.execute(AUDIT, {"types": ["training.enrolled"]})

    assert [e["node"]["type"] for e in enrolled["auditEvents"]["edges"]] == ["TRAINING_ENROLLED"]
    assert none["auditEvents"]["edges"] == []
    assert error_codes(typo) == ["GRAPHQL_VALIDATION_FAILED"]


async def test_a_webhook_shows_its_event_types_as_the_enum(graphql: ClientMaker, tokens: TokenMaker) -> None:
    service = graphql(await tokens())

    data = await service.data(
        CREATE_WEBHOOK,
        {"input": {"url": "https://93.184.216.34/in", "eventTypes": ["TASK_DELETED", "TASK_CREATED"]}},
    )

    assert data["createWebhook"]["webhook"]["eventTypes"] == ["TASK_DELETED", "TASK_CREATED"]
    assert data["createWebhook"]["errors"] == []


async def test_a_ping_delivery_has_no_event_type(graphql: ClientMaker, tokens: TokenMaker) -> None:
    service = graphql(await tokens())
    created = await service.data(
        CREATE_WEBHOOK, {"input": {"url": "https://93.184.216.34/in", "eventTypes": ["TASK_CREATED"]}}
    )

    ping = await service.data(PING, {"input": {"id": created["createWebhook"]["webhook"]["id"]}})

    assert ping["testWebhook"] == {"delivery": {"eventType": None, "kind": "ping"}, "errors": []}
