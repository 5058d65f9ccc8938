"""The lean WebSocket protocol (web/ws_server.py): uvicorn's `websockets-sansio` as clients see
it, keeping less per connection. The live API tests run every subscription over it
(tests/support/ws_client.py); these pin its own parts with a bare ASGI app.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
import uvicorn
import websockets
from websockets.asyncio.client import connect

from tests.support.ws_client import WAIT, wait_until
from web.ws_server import LeanWebSocketProtocol, _Flag, _Inbox


async def echo_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Accepts unless the path is /refuse; answers each text with the `x-probe` header and it;
    "close NNNN" closes with that code."""
    if scope["type"] != "websocket":
        return
    assert (await receive())["type"] == "websocket.connect"
    if scope["path"] == "/refuse":
        await send({"type": "websocket.close"})
        return
    await send({"type": "websocket.accept", "subprotocol": (scope["subprotocols"] or [None])[0]})
    probe = dict(scope["headers"]).get(b"x-probe", b"").decode()
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        text = message["text"]
        if text.startswith("close "):
            await send({"type": "websocket.close", "code": int(text.split()[1]), "reason": "asked"})
            return
        await send({"type": "websocket.send", "text": f"{probe}:{text}"})


@contextlib.asynccontextmanager
async def serving() -> AsyncIterator[tuple[str, uvicorn.Server]]:
    config = uvicorn.Config(echo_app, host="127.0.0.1", port=0, ws=LeanWebSocketProtocol, log_level="warning")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        await wait_until(lambda: server.started or task.done())
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"ws://127.0.0.1:{port}", server
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, WAIT)


def _protocol(server: uvicorn.Server) -> LeanWebSocketProtocol:
    (protocol,) = [c for c in server.server_state.connections if isinstance(c, LeanWebSocketProtocol)]
    return protocol


async def test_messages_pings_and_close_codes_reach_the_client_as_with_uvicorns_own() -> None:
    async with (
        serving() as (url, _),
        connect(
            url + "/graphql",
            subprotocols=[websockets.Subprotocol("graphql-transport-ws")],
            additional_headers={"X-Probe": "seen"},
        ) as ws,
    ):
        assert ws.subprotocol == "graphql-transport-ws"
        await ws.send("one")
        await ws.send("two")
        assert [await ws.recv(), await ws.recv()] == ["seen:one", "seen:two"]  # headers from the scope
        await asyncio.wait_for(await ws.ping(), WAIT)  # answered with a pong
        await ws.send("close 4403")
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
        assert closed.value.rcvd is not None
        assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4403, "asked")


async def test_a_refused_handshake_is_still_answered_403() -> None:
    async with serving() as (url, _):
        with pytest.raises(websockets.InvalidStatus) as refused:
            await connect(url + "/refuse")
        assert refused.value.response.status_code == 403


async def test_an_open_connection_no_longer_holds_its_handshake() -> None:
    async with (
        serving() as (url, server),
        connect(url + "/graphql", additional_headers={"X-Probe": "a"}) as ws,
    ):
        await ws.send("x")
        assert await ws.recv() == "a:x"
        protocol = _protocol(server)
        assert not hasattr(protocol, "request") and not hasattr(protocol, "response")
        assert (b"x-probe", b"a") in protocol.scope["headers"]  # what the application reads


async def test_a_send_waits_while_the_socket_is_paused_and_goes_once_it_resumes() -> None:
    async with serving() as (url, server), connect(url + "/graphql") as ws:
        await ws.send("first")
        assert await ws.recv() == ":first"
        protocol = _protocol(server)
        protocol.pause_writing()  # as the transport does above its high-water mark
        sending = asyncio.create_task(protocol.send({"type": "websocket.send", "text": "late"}))
        await asyncio.sleep(0)
        assert not sending.done()
        protocol.resume_writing()
        await asyncio.wait_for(sending, WAIT)
        assert await ws.recv() == "late"


async def test_the_inbox_gives_messages_in_order_to_a_waiting_or_later_reader() -> None:
    inbox = _Inbox()
    reading = asyncio.create_task(inbox.get())
    await asyncio.sleep(0)
    inbox.put_nowait(1)
    inbox.put_nowait(2)
    assert await reading == 1
    assert (inbox.empty(), inbox.qsize()) == (False, 1)
    assert await inbox.get() == 2
    assert inbox.empty()


async def test_a_cancelled_read_leaves_the_inbox_usable() -> None:
    inbox = _Inbox()
    reading = asyncio.create_task(inbox.get())
    await asyncio.sleep(0)
    reading.cancel()
    with pytest.raises(asyncio.CancelledError):
        await reading
    inbox.put_nowait("next")
    assert await inbox.get() == "next"


async def test_the_flag_releases_every_waiter_when_set_and_forgets_a_cancelled_one() -> None:
    flag = _Flag()
    assert flag.is_set()
    await flag.wait()  # set: no wait
    flag.clear()
    waiters = [asyncio.create_task(flag.wait()) for _ in range(3)]
    await asyncio.sleep(0)
    waiters[0].cancel()
    await asyncio.sleep(0)
    assert not any(w.done() for w in waiters[1:])
    flag.set()
    await asyncio.wait_for(asyncio.gather(*waiters[1:]), WAIT)
    assert waiters[0].cancelled() and flag.is_set()
