"""The hub-level writer (web/ws_relay.py): the idle subscribers of a group are parked, and the
frame of each live event is written to their sockets once, with their own operation id.

What a client sees must not change: every event, once, in order, on its own id; a promoted
member misses nothing; a revoked sign-in is closed with 4403 while parked.
"""

from __future__ import annotations

import asyncio
import base64
import json

from strawberry.types import ExecutionResult

from auth.principal import Principal
from auth.revocation import Revocation
from config import Settings
from events.brokers import current_broker
from resolvers.core.revocation import publish
from schema import schema
from schema.live import sharing
from tests.support import factories as f
from tests.support.graphql_client import TokenMaker
from tests.support.live import CREATE_TASK, call, listening
from tests.support.ws_client import WAIT, WSClient, wait_until
from web import ws_relay
from web.context import Context

TASK_EVENTS = "subscription { taskEvents { type task { title } } }"


async def _dashboards(server: str, signed_in: list[str]) -> list[tuple[WSClient, str]]:
    """A connection with one `taskEvents` per token, each on its own operation id; all but the
    first parked."""
    dashboards = []
    for i, token in enumerate(signed_in):
        client = await WSClient.connect(server, token)
        op = f"dashboard-{i}"
        await client.send({"id": op, "type": "subscribe", "payload": {"query": TASK_EVENTS}})
        dashboards.append((client, op))
        await listening(i + 1)
    await wait_until(lambda: ws_relay.parked(current_broker().hub) == len(signed_in) - 1)
    return dashboards


async def _titles(dashboards: list[tuple[WSClient, str]]) -> list[str]:
    return [(await c.next_data(op))["taskEvents"]["task"]["title"] for c, op in dashboards]


def _jti(token: str) -> str:
    claims = token.split(".")[1]
    return str(json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))["jti"])


async def test_twenty_dashboards_get_every_event_once_in_order_on_their_own_ids(
    server: str, tokens: TokenMaker
) -> None:
    # given twenty dashboards of one employee, nineteen of them parked
    await f.employee(email="ada@example.com")
    token = await tokens("ada@example.com")
    dashboards = await _dashboards(server, [token] * 20)
    relayed, executions = ws_relay.relayed, sharing.executions

    # when three tasks are created
    for title in ("One", "Two", "Three"):
        await call(server, token, CREATE_TASK, {"input": {"title": title}})

    # then each dashboard receives the three, in commit order, each once, on its own id
    for title in ("One", "Two", "Three"):
        assert await _titles(dashboards) == [title] * 20
    assert ws_relay.relayed - relayed == 19 * 3  # written by the relay, not by nineteen pipelines
    assert sharing.executions - executions == 3
    for client, _ in dashboards:
        await client.close()
    await listening(0)


async def test_when_the_active_dashboard_leaves_a_parked_one_takes_over_and_nothing_is_missed(
    server: str, tokens: TokenMaker
) -> None:
    # given three dashboards, the first one active
    await f.employee(email="ada@example.com")
    token = await tokens("ada@example.com")
    first, *others = await _dashboards(server, [token] * 3)
    await call(server, token, CREATE_TASK, {"input": {"title": "Before"}})
    assert await _titles([first, *others]) == ["Before"] * 3

    # when the active one closes and two more tasks are created
    await first[0].close()
    await listening(2)
    await call(server, token, CREATE_TASK, {"input": {"title": "After"}})
    await call(server, token, CREATE_TASK, {"input": {"title": "Later"}})

    # then the others get both, once each and in order (the promoted one replays nothing twice)
    assert await _titles(others) == ["After", "After"]
    assert await _titles(others) == ["Later", "Later"]
    await wait_until(lambda: ws_relay.parked(current_broker().hub) == 1)
    for client, _ in others:
        await client.close()
    await listening(0)


async def test_a_parked_dashboard_whose_token_is_revoked_is_closed_and_the_others_live_on(
    server: str, tokens: TokenMaker
) -> None:
    # given two sign-ins of one employee: one dashboard active, the other parked
    await f.employee(email="ada@example.com")
    kept, revoked = await tokens("ada@example.com"), await tokens("ada@example.com")
    (active, active_op), (parked, _) = await _dashboards(server, [kept, revoked])

    # when the second sign-in's token is revoked
    await publish(Revocation("signed out", token_ids=(_jti(revoked),)))

    # then its connection is closed with 4403 at once; the other one still gets events
    closed = await parked.closed()
    assert closed["code"] == 4403 and "revoked" in closed["reason"]
    await call(server, kept, CREATE_TASK, {"input": {"title": "Still here"}})
    assert (await active.next_data(active_op))["taskEvents"]["task"]["title"] == "Still here"
    await active.close()
    await listening(0)


async def test_a_subscription_run_through_the_schema_without_the_websocket_yields_every_event_itself(
    server: str, settings: Settings, tokens: TokenMaker
) -> None:
    # given a WebSocket group with a leader and a parked member, and the same subscription run
    # through the schema directly, as another transport (graphql-sse) runs it
    ada = await f.employee(email="ada@example.com")
    token = await tokens(ada.email)
    dashboards = await _dashboards(server, [token] * 2)
    principal = Principal(scopes=frozenset({"tasks:read", "tasks:write"}), employee_id=ada.id)
    stream = await schema.subscribe(TASK_EVENTS, context_value=Context(settings, principal))
    assert not isinstance(stream, ExecutionResult)
    first = asyncio.ensure_future(anext(stream))
    await listening(3)

    # when a task is created
    await call(server, token, CREATE_TASK, {"input": {"title": "Everywhere"}})

    # then the schema's own stream yields it, and the dashboards get it too
    result = await asyncio.wait_for(first, WAIT)
    assert result.errors is None
    assert result.data == {"taskEvents": {"type": "TASK_CREATED", "task": {"title": "Everywhere"}}}
    assert await _titles(dashboards) == ["Everywhere"] * 2
    await stream.aclose()
    for client, _ in dashboards:
        await client.close()
    await listening(0)
