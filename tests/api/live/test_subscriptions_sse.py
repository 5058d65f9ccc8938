"""Live updates over Server-Sent Events (graphql-sse, distinct connections mode) at /graphql.

A real uvicorn server runs in the test's process; each subscription is one streaming HTTP request
(tests/support/sse_client.py). As with the WebSocket tests, a test waits until the server holds
the subscription (`listening`) or subscribes with `after`, so that no commit races it.
"""

from __future__ import annotations

from dataclasses import replace

import httpx
from starlette.applications import Starlette

from auth.oauth import routes
from auth.oauth.clients import mint_token, revoke_client
from config import Settings
from events.brokers import current_broker
from ids import to_global_id
from tests.support import factories as f
from tests.support.graphql_client import TokenMaker
from tests.support.live import CREATE_TASK, TASK_EVENTS, call, listening
from tests.support.revocation_helpers import client_of
from tests.support.sse_client import Event, event_stream, request_args
from tests.support.ws_client import live_server

VIEWER = "query Me { viewer { email } }"


async def test_a_subscriber_receives_a_new_task_as_a_next_event(server: str, tokens: TokenMaker) -> None:
    # given ada following taskEvents over SSE
    await f.employee(email="ada@example.com")
    token = await tokens("ada@example.com")
    async with event_stream(server, token, TASK_EVENTS) as stream:
        await listening(1)

        # when she creates a task
        await call(server, token, CREATE_TASK, {"input": {"title": "Write the report"}})

        # then the stream, an uncached and unbuffered event stream, brings it
        event = (await stream.next_data())["taskEvents"]
        headers = stream.response.headers
    assert stream.response.status_code == 200
    assert headers["content-type"] == "text/event-stream; charset=utf-8"
    assert headers["cache-control"] == "no-cache, no-transform"
    assert headers["x-accel-buffering"] == "no"
    assert stream.comments >= 1  # the opening comment, sent before any event
    assert event["type"] == "TASK_CREATED"
    assert event["actor"] == {"email": "ada@example.com"}
    assert event["task"] == {
        "title": "Write the report",
        "status": "TODO",
        "assignee": {"email": "ada@example.com"},
    }


async def test_closing_the_stream_frees_the_subscription(server: str, tokens: TokenMaker) -> None:
    await f.employee(email="ada@example.com")
    token = await tokens("ada@example.com")
    async with event_stream(server, token, TASK_EVENTS):
        await listening(1)

    await listening(0)
    assert len(current_broker().hub) == 0


async def test_a_query_is_one_next_event_then_complete(server: str, tokens: TokenMaker) -> None:
    await f.employee(email="ada@example.com")
    async with event_stream(server, await tokens("ada@example.com"), VIEWER, method="GET") as stream:
        data = await stream.next_data()
        end = await stream.receive()
        after = await stream.receive()

    assert data == {"viewer": {"email": "ada@example.com"}}
    assert end == Event("complete", None)
    assert after is None  # the server ended the response


async def test_a_mutation_over_post_is_one_next_event_then_complete(server: str, tokens: TokenMaker) -> None:
    await f.employee(email="ada@example.com")
    async with event_stream(
        server, await tokens("ada@example.com"), CREATE_TASK, {"input": {"title": "By SSE"}}
    ) as stream:
        data = await stream.next_data()
        end = await stream.receive()

    assert data["createTask"]["errors"] == []
    assert end == Event("complete", None)


async def test_resume_with_after_replays_what_was_missed_by_post_or_get(
    server: str, tokens: TokenMaker
) -> None:
    await f.employee(email="ada@example.com")
    token = await tokens("ada@example.com")
    async with event_stream(server, token, TASK_EVENTS, {"after": "0"}) as stream:
        await call(server, token, CREATE_TASK, {"input": {"title": "one"}})
        last_seen = (await stream.next_data())["taskEvents"]["id"]
    await listening(0)
    for title in ("two", "three"):  # while the client is away
        await call(server, token, CREATE_TASK, {"input": {"title": title}})

    async with event_stream(server, token, TASK_EVENTS, {"after": last_seen}, method="GET") as stream:
        replayed = [(await stream.next_data())["taskEvents"]["task"]["title"] for _ in range(2)]
        await listening(1)
        await call(server, token, CREATE_TASK, {"input": {"title": "four"}})
        live = (await stream.next_data())["taskEvents"]["task"]["title"]

    assert replayed == ["two", "three"]
    assert live == "four"


async def test_a_subscriber_receives_only_events_about_tasks_it_may_read(
    server: str, tokens: TokenMaker
) -> None:
    # given ada following taskEvents, and bob's manager
    await f.employee(email="ada@example.com")
    boss = await f.employee(email="boss@example.com")
    bob = await f.employee(email="bob@example.com", manager=boss)
    ada_token, boss_token = await tokens("ada@example.com"), await tokens("boss@example.com")
    async with event_stream(server, ada_token, TASK_EVENTS) as stream:
        await listening(1)

        # when the manager gives bob a task, then ada creates her own
        bobs = {"title": "For Bob", "assigneeId": to_global_id("Employee", bob.id)}
        await call(server, boss_token, CREATE_TASK, {"input": bobs})
        await call(server, ada_token, CREATE_TASK, {"input": {"title": "Mine"}})

        # then the first event she receives is her own: bob's task is not hers to see
        first = (await stream.next_data())["taskEvents"]
    assert first["task"]["title"] == "Mine"


async def test_the_stream_ends_with_unauthenticated_when_the_token_expires(
    app: Starlette, settings: Settings
) -> None:
    short = replace(settings, access_token_ttl=2)
    await routes.startup(short)
    await f.employee(email="ada@example.com")
    async with live_server(app) as url:  # mint once the server is up: a slow start-up must not eat the TTL
        token = (await mint_token(short, scopes="tasks:read", employee_email="ada@example.com"))[
            "access_token"
        ]
        async with event_stream(url, token, TASK_EVENTS) as stream:
            errors = await stream.errors()
        await listening(0)

    assert [e["extensions"]["code"] for e in errors] == ["UNAUTHENTICATED"]
    assert "expired" in errors[0]["message"]


async def test_the_stream_ends_with_unauthenticated_when_the_client_is_revoked(
    server: str, tokens: TokenMaker
) -> None:
    token = await tokens()  # a service token
    async with event_stream(server, token, TASK_EVENTS) as stream:
        await listening(1)
        assert await revoke_client(client_of(token))
        errors = await stream.errors()

    assert [e["extensions"]["code"] for e in errors] == ["UNAUTHENTICATED"]
    assert "revoked" in errors[0]["message"]
    await listening(0)


async def test_an_accept_without_event_stream_takes_the_json_path(server: str, tokens: TokenMaker) -> None:
    await f.employee(email="ada@example.com")
    async with httpx.AsyncClient(base_url=server) as http:
        response = await http.request(
            **request_args(await tokens("ada@example.com"), VIEWER, accept="application/json")
        )

    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.json()["data"] == {"viewer": {"email": "ada@example.com"}}
