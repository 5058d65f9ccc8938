"""The lean front (web/front.py) answers what it takes without the full stack: a cached read
over HTTP, and a WebSocket to /graphql from its handshake to its close.

Given an app whose full stack is replaced, after start-up, by one that fails every request,
when a registered read or a subscription comes, then it is answered all the same (and
/metrics, served by the full stack, counts it once that stack is back).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

import httpx
import pytest
from starlette.applications import Starlette
from starlette.types import Receive, Scope, Send

from config import RateLimits, Settings
from ids import to_global_id
from tests.support import factories as f
from tests.support.ws_client import Closed, WSClient, live_server, wait_until
from web.front import Front
from web.metrics import FAST_READS, WEBSOCKETS

pytestmark = pytest.mark.usefixtures("nothing_served")

TRIVIAL = "query Trivial($id: ID!) { node(id: $id) { ... on Employee { givenName } } }"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, read_path="compiled", rate_limits=RateLimits(maximum_available=0))


async def _failing(scope: Scope, receive: Receive, send: Send) -> None:
    raise AssertionError(f"the full stack was asked: {scope['type']} {scope.get('path')}")


def _front(app: Starlette) -> Front:
    front = app.middleware_stack
    assert isinstance(front, Front)
    return front


async def test_a_cached_read_is_answered_by_the_front_alone(
    app: Starlette, http: httpx.AsyncClient, tokens: Callable[..., Awaitable[str]]
) -> None:
    hr = await f.employee(email="hr@example.com", role="hr", given_name="Hedy")
    headers = {"authorization": f"Bearer {await tokens(hr.email)}"}
    body = {"query": TRIVIAL, "variables": {"id": to_global_id("Employee", hr.id)}}
    first = await http.post("/graphql", json=body, headers=headers)  # the full path registers it
    full_stack, fast_reads = _front(app).app, FAST_READS._value.get()
    _front(app).app = _failing
    try:
        again = await http.post("/graphql", json=body, headers=headers)
    finally:
        _front(app).app = full_stack
    assert again.status_code == first.status_code == 200
    assert again.json() == first.json()  # PostgreSQL's JSON text has its own spacing
    assert _without_length(again.headers) == _without_length(first.headers)
    assert FAST_READS._value.get() == fast_reads + 1


async def test_a_subscription_is_served_by_the_front_alone(
    app: Starlette, tokens: Callable[..., Awaitable[str]]
) -> None:
    hr = await f.employee(email="hr@example.com", role="hr")
    token, before = await tokens(hr.email), WEBSOCKETS._value.get()
    async with live_server(app) as url:
        full_stack = _front(app).app
        _front(app).app = _failing
        try:
            client = await WSClient.connect(url, token)  # acknowledged: its token was checked
            assert WEBSOCKETS._value.get() == before + 1
            await client.close()
            await wait_until(lambda: WEBSOCKETS._value.get() == before)
        finally:
            _front(app).app = full_stack
        with pytest.raises(Closed) as refused:
            await WSClient.connect(url, "nonsense")
    assert refused.value.code == 4403


def _without_length(headers: httpx.Headers) -> list[tuple[str, str]]:
    return [(k, v) for k, v in headers.multi_items() if k != "content-length"]
