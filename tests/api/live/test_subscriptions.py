"""Live updates over graphql-transport-ws: delivery after commit, authorization, resume.

A real uvicorn server runs in the test's process (tests/support/ws_client.py); mutations go over HTTP.
To subscribe without racing the mutation, a test either waits until the server holds the
subscription (`listening`) or subscribes with `after`, which replays from the log.
"""

from __future__ import annotations

import asyncio

import pytest
from gql import Client, gql
from gql.transport.websockets import WebsocketsTransport
from starlette.applications import Starlette

from config import Settings
from events.brokers import current_broker
from ids import to_global_id
from tests.support import factories as f
from tests.support.graphql_client import TokenMaker
from tests.support.live import CREATE_TASK, TASK_EVENTS, call, listening
from tests.support.ws_client import WAIT, Closed, WSClient, live_server, wait_until

VIEWER_EVENTS = """
subscription Mine($after: ID) {
  viewerEvents(after: $after) {
    __typename id type
    ... on TaskEvent { task { title } }
  }
}
"""


SET_STATUS = """
mutation Set($input: SetTaskStatusInput!) {
  setTaskStatus(input: $input) { task { status } errors { code } }
}
"""


async def test_a_subscriber_receives_a_new_task_and_its_status_change(
    server: str, tokens: TokenMaker
) -> None:
    await f.employee(email="ada@example.com")
    token = await tokens("ada@example.com")
    transport = WebsocketsTransport(
        url=server.replace("http", "ws") + "/graphql",
        init_payload={"Authorization": f"Bearer {token}"},
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
    )
    async with Client(transport=transport) as session:
        events = session.subscribe(gql(TASK_EVENTS))
        first = asyncio.ensure_future(anext(events))
        await listening(1)

        created = await call(server, token, CREATE_TASK, {"input": {"title": "Write the report"}})
        event = (await asyncio.wait_for(first, WAIT))["taskEvents"]
        task_id = created["createTask"]["task"]["id"]
        await call(server, token, SET_STATUS, {"input": {"id": task_id, "status": "IN_PROGRESS"}})
        change = (await asyncio.wait_for(anext(events), WAIT))["taskEvents"]
        await events.aclose()

    assert event["type"] == "TASK_CREATED"
    assert event["actor"] == {"email": "ada@example.com"}
    assert event["task"] == {
        "title": "Write the report",
        "status": "TODO",
        "assignee": {"email": "ada@example.com"},
    }
    assert change["type"] == "TASK_STATUS_CHANGED"
    assert change["task"]["status"] == "IN_PROGRESS"
    assert change["changedFields"] == ["status", "completedAt"]
    assert int(change["id"]) > int(event["id"])


async def test_a_subscriber_hears_nothing_about_a_task_it_may_not_see(
    server: str, tokens: TokenMaker
) -> None:
    ada = await f.employee(email="ada@example.com")
    bob = await f.employee(email="bob@example.com")
    team = await f.team()
    await f.member(team, ada, "lead")
    await f.member(team, bob)
    ada_token = await tokens("ada@example.com")
    bob_client = await WSClient.connect(server, await tokens("bob@example.com"))
    op = await bob_client.subscribe(TASK_EVENTS)
    await listening(1)

    await call(server, ada_token, CREATE_TASK, {"input": {"title": "Private"}})
    await call(
        server,
        ada_token,
        CREATE_TASK,
        {"input": {"title": "Team work", "teamId": to_global_id("Team", team.id)}},
    )

    data = await bob_client.next_data(op)
    assert data["taskEvents"]["task"]["title"] == "Team work"  # the hidden one came first and was not sent
    await bob_client.close()


async def test_a_rolled_back_mutation_delivers_nothing(server: str, tokens: TokenMaker) -> None:
    await f.employee(email="ada@example.com")
    token = await tokens("ada@example.com")
    client = await WSClient.connect(server, token)
    op = await client.subscribe(TASK_EVENTS)
    await listening(1)

    refused = await call(server, token, CREATE_TASK, {"input": {"title": " "}})
    await call(server, token, CREATE_TASK, {"input": {"title": "Real"}})

    assert refused["createTask"]["errors"] == [{"code": "REQUIRED"}]
    data = await client.next_data(op)
    assert data["taskEvents"]["task"]["title"] == "Real"
    await client.close()


@pytest.mark.parametrize("token", [None, "not-a-token", "Bearer-less"])
async def test_a_connection_without_a_valid_token_is_refused_with_4403(
    server: str, token: str | None
) -> None:
    with pytest.raises(Closed) as refused:
        await WSClient.connect(server, token)
    assert refused.value.code == 4403


async def test_the_authorization_key_is_accepted_in_any_case(server: str, tokens: TokenMaker) -> None:
    await f.employee(email="ada@example.com")
    token = await tokens("ada@example.com")
    client = await WSClient.connect(server, token, key="authorization")
    op = await client.subscribe(TASK_EVENTS)
    await listening(1)

    await call(server, token, CREATE_TASK, {"input": {"title": "Lower-case key"}})

    data = await client.next_data(op)  # signed in as Ada: her new task reaches her
    assert data["taskEvents"]["type"] == "TASK_CREATED"
    assert data["taskEvents"]["actor"] == {"email": "ada@example.com"}
    assert data["taskEvents"]["task"]["title"] == "Lower-case key"
    await client.close()


async def test_a_token_without_the_scope_gets_a_forbidden_error(server: str, tokens: TokenMaker) -> None:
    await f.employee(email="ada@example.com")
    client = await WSClient.connect(server, await tokens("ada@example.com", "employees:read"))
    op = await client.subscribe(TASK_EVENTS)

    message = await client.receive(op)

    assert message["type"] in {"error", "next"}
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert errors[0]["extensions"] == {"code": "FORBIDDEN", "requiredScope": "tasks:read"}
    await client.close()


async def test_resume_with_after_replays_what_was_missed_without_gap_or_duplicate(
    server: str, tokens: TokenMaker
) -> None:
    await f.employee(email="ada@example.com")
    token = await tokens("ada@example.com")
    client = await WSClient.connect(server, token)
    op = await client.subscribe(TASK_EVENTS, {"after": "0"})
    await call(server, token, CREATE_TASK, {"input": {"title": "one"}})
    last_seen = (await client.next_data(op))["taskEvents"]["id"]
    client.abort()
    await listening(0)

    for title in ("two", "three"):  # while the client is away
        await call(server, token, CREATE_TASK, {"input": {"title": title}})
    client = await WSClient.connect(server, token)
    op = await client.subscribe(TASK_EVENTS, {"after": last_seen})
    replayed = [(await client.next_data(op))["taskEvents"]["task"]["title"] for _ in range(2)]
    await listening(1)
    await call(server, token, CREATE_TASK, {"input": {"title": "four"}})
    live = (await client.next_data(op))["taskEvents"]["task"]["title"]

    assert replayed == ["two", "three"]
    assert live == "four"
    await client.close()


async def test_viewer_events_bring_a_task_a_manager_assigns_to_you(server: str, tokens: TokenMaker) -> None:
    boss = await f.employee(email="boss@example.com")
    ada = await f.employee(email="ada@example.com", manager=boss)
    bob = await f.employee(email="bob@example.com", manager=boss)
    boss_token = await tokens("boss@example.com")
    client = await WSClient.connect(server, await tokens("ada@example.com"))
    op = await client.subscribe(VIEWER_EVENTS)
    await listening(1)

    await call(
        server,
        boss_token,
        CREATE_TASK,
        {"input": {"title": "For Bob", "assigneeId": to_global_id("Employee", bob.id)}},
    )
    await call(
        server,
        boss_token,
        CREATE_TASK,
        {"input": {"title": "For Ada", "assigneeId": to_global_id("Employee", ada.id)}},
    )

    data = (await client.next_data(op))["viewerEvents"]
    assert data["__typename"] == "TaskEvent"
    assert data["task"] == {"title": "For Ada"}
    await client.close()


async def test_a_connection_is_closed_when_its_token_expires(
    app: Starlette, settings: Settings, database_url: str
) -> None:
    from dataclasses import replace

    from auth.oauth import routes
    from auth.oauth.clients import mint_token

    short = replace(settings, access_token_ttl=2)
    await routes.startup(short)
    await f.employee(email="ada@example.com")
    async with live_server(app) as url:  # mint once the server is up: a slow start-up must not eat the TTL
        token = (await mint_token(short, scopes="tasks:read", employee_email="ada@example.com"))[
            "access_token"
        ]
        client = await WSClient.connect(url, token)
        await client.subscribe(TASK_EVENTS)

        closed = await client.closed()

    assert closed["code"] == 4403
    assert "expired" in closed["reason"]


async def test_two_hundred_dropped_connections_leave_no_tasks_behind(server: str, tokens: TokenMaker) -> None:
    await f.employee(email="ada@example.com")
    token = await tokens("ada@example.com")
    warm = await WSClient.connect(server, token)  # let the server create its lazy, long-lived tasks
    await warm.close()
    await wait_until(lambda: len(current_broker().hub) == 0)
    baseline = len(asyncio.all_tasks())
    clients = [await WSClient.connect(server, token) for _ in range(200)]
    for client in clients:
        await client.subscribe(TASK_EVENTS)
    await listening(200)

    for client in clients:
        client.abort()

    await listening(0)
    await wait_until(lambda: len(asyncio.all_tasks()) <= baseline)
    assert len(asyncio.all_tasks()) <= baseline
