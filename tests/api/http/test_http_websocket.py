"""A WebSocket message that is not sound JSON closes the connection with 4400, never a crash."""

from __future__ import annotations

import asyncio

import pytest
import websockets
from starlette.applications import Starlette

from tests.support.ws_client import WAIT, live_server

BAD_MESSAGES = {
    "100k nested arrays": "[" * 100_000 + "]" * 100_000,
    "a 5,000-digit number": '{"type": "connection_init", "payload": {"n": ' + "9" * 5000 + "}}",
    "NaN": '{"type": "connection_init", "payload": {"n": NaN}}',
    "not JSON": "{",
}


@pytest.mark.parametrize("message", BAD_MESSAGES.values(), ids=BAD_MESSAGES.keys())
async def test_a_bad_first_message_closes_with_4400(app: Starlette, message: str) -> None:
    async with live_server(app) as base:
        url = base.replace("http://", "ws://") + "/graphql"
        async with websockets.connect(
            url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")]
        ) as ws:
            await ws.send(message)
            with pytest.raises(websockets.ConnectionClosed):
                await asyncio.wait_for(ws.recv(), WAIT)

    assert ws.close_code == 4400
