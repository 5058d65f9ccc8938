"""Server-Sent Events streams end cleanly and hold nothing once they end: keep-alive comments
on an idle stream, a client that reads too slowly, dropped connections, and a server shutdown.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.types import Message, Receive

from events.brokers import current_broker
from tests.support import factories as f
from tests.support.graphql_client import TokenMaker
from tests.support.live import CREATE_TASK, TASK_EVENTS, call, listening
from tests.support.sse_client import event_stream
from tests.support.ws_client import WAIT, wait_until
from web import sse


async def test_keep_alive_comments_are_sent_while_nothing_happens(
    server: str, tokens: TokenMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    await f.employee(email="ada@example.com")
    monkeypatch.setattr(sse, "KEEP_ALIVE_SECONDS", 0.05)
    async with event_stream(server, await tokens("ada@example.com"), TASK_EVENTS) as stream:
        await listening(1)
        await stream.comments_reach(3)  # the opening comment and two keep-alives

    assert stream.comments >= 3


async def test_a_hundred_dropped_streams_leave_no_tasks_behind(server: str, tokens: TokenMaker) -> None:
    await f.employee(email="ada@example.com")
    token = await tokens("ada@example.com")
    async with event_stream(server, token, TASK_EVENTS):  # let the server create its lazy, long-lived tasks
        await listening(1)
    await listening(0)
    baseline = len(asyncio.all_tasks())

    async with asyncio.TaskGroup() as group:
        for _ in range(100):
            group.create_task(_open_and_drop(server, token))
    await listening(0)
    await wait_until(lambda: len(asyncio.all_tasks()) <= baseline)
    assert len(asyncio.all_tasks()) <= baseline


async def _open_and_drop(server: str, token: str) -> None:
    async with event_stream(server, token, TASK_EVENTS) as stream:
        await stream.comments_reach(1)  # the server has answered


async def test_a_client_that_reads_too_slowly_is_told_to_resume_then_the_stream_completes(
    app: Starlette, server: str, tokens: TokenMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a subscriber whose inbox holds 3 events, and whose client stops reading at the first event
    monkeypatch.setattr(current_broker().hub, "queue_size", 3)
    await f.employee(email="ada@example.com")
    token = await tokens("ada@example.com")
    reading, written = asyncio.Event(), list[Message]()

    async def send(message: Message) -> None:
        if message.get("body", b"").startswith(b"event:"):
            await reading.wait()  # the client's TCP window is full: the server's send waits
        written.append(message)

    response = asyncio.ensure_future(app(_sse_scope(token), _request(TASK_EVENTS), send))
    await listening(1)

    # when six tasks are created meanwhile, then the client reads again
    for n in range(6):
        await call(server, token, CREATE_TASK, {"input": {"title": f"task {n}"}})
    reading.set()
    await asyncio.wait_for(response, WAIT)

    # then it got the first event, an error saying how to resume, `complete`, and the end
    bodies = [m["body"].decode() for m in written if m["type"] == "http.response.body"]
    events = [b for b in bodies if b.startswith("event:")]
    assert '"title":"task 0"' in events[0]
    assert '"code":"SUBSCRIBER_TOO_SLOW"' in events[1] and "after" in events[1]
    assert events[2:] == ["event: complete\ndata:\n\n"]
    assert written[-1] == {"type": "http.response.body", "body": b"", "more_body": False}
    await listening(0)


def _sse_scope(token: str) -> dict[str, Any]:
    headers = {
        "accept": "text/event-stream",
        "content-type": "application/json",
        "authorization": f"Bearer {token}",
    }
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "root_path": "",
        "query_string": b"",
        "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }


def _request(query: str, gone: asyncio.Event | None = None) -> Receive:
    """The request body once, then a disconnect when `gone` is set (never, without one)."""
    body, gone = json.dumps({"query": query}).encode(), gone or asyncio.Event()

    async def receive() -> Message:
        nonlocal body
        if body:
            message, body = {"type": "http.request", "body": body, "more_body": False}, b""
            return message
        await gone.wait()
        return {"type": "http.disconnect"}

    return receive


async def test_a_client_that_vanishes_while_a_write_waits_frees_its_subscription(
    app: Starlette, server: str, tokens: TokenMaker
) -> None:
    # given a subscriber whose connection stopped taking bytes at its first event
    await f.employee(email="ada@example.com")
    token = await tokens("ada@example.com")
    gone, stuck = asyncio.Event(), asyncio.Event()

    async def send(message: Message) -> None:
        if message.get("body", b"").startswith(b"event:"):
            stuck.set()
            await asyncio.Event().wait()  # the TCP window never opens again

    response = asyncio.ensure_future(app(_sse_scope(token), _request(TASK_EVENTS, gone), send))
    await listening(1)
    await call(server, token, CREATE_TASK, {"input": {"title": "never read"}})
    await asyncio.wait_for(stuck.wait(), WAIT)

    # when the client's connection is gone
    gone.set()

    # then the request ends and the subscription leaves the hub
    await asyncio.wait_for(response, WAIT)
    await listening(0)


async def test_a_server_shutting_down_ends_open_streams_after_its_grace_period(
    app: Starlette, tokens: TokenMaker
) -> None:
    # given a server configured as `peoplegraph serve` is (a grace period, here 1 s), and a stream
    await f.employee(email="ada@example.com")
    token = await tokens("ada@example.com")
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="critical", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    await wait_until(lambda: server.started)
    url = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    async with event_stream(url, token, TASK_EVENTS) as stream:
        await listening(1)
        hub = current_broker().hub  # the broker stops with the server

        # when the server is asked to stop
        server.should_exit = True
        await asyncio.wait_for(serving, WAIT)

        # then it stopped, the client saw its stream end, and the subscription left the hub
        assert await stream.receive() is None
    assert len(hub) == 0
