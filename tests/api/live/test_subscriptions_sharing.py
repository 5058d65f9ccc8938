"""Multiplexed fan-out (schema/live/sharing.py): one payload execution per group and live event.

Subscribers of one principal with one document and variables share the presentation and the
execution of their selection; principals who may see different things get their own payloads.
"""

from __future__ import annotations

from typing import Any

from schema.live import sharing
from tests.support import factories as f
from tests.support.graphql_client import TokenMaker
from tests.support.live import CREATE_TASK, call, listening
from tests.support.ws_client import WSClient
from web import ws_protocol

TASK_EVENTS = "subscription { taskEvents { type actor { email } task { title assignee { email } } } }"


async def _one_event(
    server: str,
    subscribers: list[tuple[str, str]],
    by: str,
    already: int = 0,
    variables: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Subscribe each (token, document), send one createTask as `by`; the payload each one received."""
    clients = [await WSClient.connect(server, token) for token, _ in subscribers]
    each = variables or [{}] * len(subscribers)
    ops = [
        await client.subscribe(query, v)
        for client, (_, query), v in zip(clients, subscribers, each, strict=True)
    ]
    await listening(len(subscribers) + already)
    await call(server, by, CREATE_TASK, {"input": {"title": "Shared"}})
    received = [(await c.receive(op))["payload"] for c, op in zip(clients, ops, strict=True)]
    for client in clients:
        await client.close()
    await listening(already)
    return received


async def test_fifty_subscribers_of_one_principal_and_query_share_one_execution(
    server: str, tokens: TokenMaker
) -> None:
    await f.employee(email="ada@example.com")
    first, second = await tokens("ada@example.com"), await tokens("ada@example.com")  # two sign-ins
    before, encoded = sharing.executions, ws_protocol.encodings

    received = await _one_event(server, [(first, TASK_EVENTS)] * 25 + [(second, TASK_EVENTS)] * 25, first)

    assert sharing.executions - before == 1
    assert ws_protocol.encodings - encoded == 1  # one JSON text written into fifty messages
    assert all(r == received[0] for r in received)
    assert received[0]["data"]["taskEvents"]["task"] == {
        "title": "Shared",
        "assignee": {"email": "ada@example.com"},
    }


async def test_principals_who_see_different_things_get_different_payloads(
    server: str, tokens: TokenMaker
) -> None:
    await f.employee(email="ada@example.com")
    await f.employee(email="eve@example.com")
    ada = await tokens("ada@example.com")
    ada_without_people = await tokens("ada@example.com", "tasks:read")
    other_selection = "subscription { taskEvents { task { title } } }"
    eve = await WSClient.connect(server, await tokens("eve@example.com"))
    eve_op = await eve.subscribe(TASK_EVENTS)
    before = sharing.executions

    received = await _one_event(
        server,
        [(ada, TASK_EVENTS)] * 3 + [(ada_without_people, TASK_EVENTS)] * 3 + [(ada, other_selection)],
        ada,
        already=1,
    )
    executions = sharing.executions - before
    await call(server, await tokens("eve@example.com"), CREATE_TASK, {"input": {"title": "Eve's"}})
    eve_first = (await eve.next_data(eve_op))["taskEvents"]
    await eve.close()

    assert executions == 3  # three groups; eve may not read ada's task, so nothing ran for her
    data = [r["data"]["taskEvents"] for r in received]
    assert received[0] == received[2] and data[0]["actor"] == {"email": "ada@example.com"}
    assert received[3] == received[5] and data[3]["actor"] is None  # no employees:read
    assert data[3]["task"] == {"title": "Shared", "assignee": None}
    assert [e["extensions"]["code"] for e in received[3]["errors"]] == ["FORBIDDEN", "FORBIDDEN"]
    assert "errors" not in received[0] and data[6] == {"task": {"title": "Shared"}}
    assert eve_first["task"]["title"] == "Eve's"  # she never received ada's task


async def test_where_a_subscriber_resumes_from_does_not_split_its_group(
    server: str, tokens: TokenMaker
) -> None:
    await f.employee(email="ada@example.com")
    ada = await tokens("ada@example.com")
    first = await call(server, ada, CREATE_TASK, {"input": {"title": "Earlier"}})
    assert first["createTask"]["errors"] == []
    resuming = "subscription ($after: ID) { taskEvents(after: $after) { task { title } } }"
    before = sharing.executions

    received = await _one_event(
        server, [(ada, resuming)] * 3, ada, variables=[{"after": None}, {"after": "999999"}, {}]
    )

    assert sharing.executions - before == 1
    assert [r["data"] for r in received] == [{"taskEvents": {"task": {"title": "Shared"}}}] * 3


async def test_each_operation_of_a_group_gets_the_shared_payload_under_its_own_id(
    server: str, tokens: TokenMaker
) -> None:
    # given one connection with three operations of one group, and a second connection
    await f.employee(email="ada@example.com")
    ada = await tokens("ada@example.com")
    one, two = await WSClient.connect(server, ada), await WSClient.connect(server, ada)
    ops = [await one.subscribe(TASK_EVENTS) for _ in range(3)]
    other = await two.subscribe(TASK_EVENTS)
    await listening(4)
    encoded = ws_protocol.encodings

    # when a task is created
    await call(server, ada, CREATE_TASK, {"input": {"title": "Shared"}})

    # then every operation receives a `next` under its own id, with the same data and extensions
    messages = [await one.receive(op) for op in ops] + [await two.receive(other)]
    await one.close()
    await two.close()
    assert [(m["id"], m["type"]) for m in messages] == [(op, "next") for op in [*ops, other]]
    assert all(m["payload"] == messages[0]["payload"] for m in messages)
    assert messages[0]["payload"]["data"]["taskEvents"]["task"]["title"] == "Shared"
    assert "cost" in messages[0]["payload"]["extensions"]
    assert ws_protocol.encodings - encoded == 1
