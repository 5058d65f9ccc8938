"""Parked subscriptions are out of the GraphQL pipeline (web/ws_relay.py, web/ws_protocol.py):
no operation task runs for them, yet the client sees an open operation as before: `complete`
ends it, its id is taken until then, and a full socket still ends it as SUBSCRIBER_TOO_SLOW.
"""

from __future__ import annotations

import asyncio
from typing import Any

from events.brokers import current_broker
from tests.support import factories as f
from tests.support.graphql_client import TokenMaker
from tests.support.live import CREATE_TASK, call, listening
from tests.support.ws_client import WSClient, wait_until
from web import ws_relay
from web.ws_transport import Transport

TASK_EVENTS = "subscription { taskEvents { type task { title } } }"


def _operation_tasks() -> int:
    """Tasks of this process running a graphql-transport-ws operation."""
    names = [getattr(t.get_coro(), "__qualname__", "") for t in asyncio.all_tasks()]
    return sum(1 for name in names if name.endswith(".run_operation"))


async def _open(server: str, token: str, n: int) -> list[WSClient]:
    clients = []
    for _ in range(n):
        client = await WSClient.connect(server, token)
        await client.send({"id": "live", "type": "subscribe", "payload": {"query": TASK_EVENTS}})
        clients.append(client)
    await listening(n)
    await wait_until(lambda: ws_relay.parked(current_broker().hub) == n - 1)
    return clients


async def test_ten_dashboards_run_one_operation_task_and_all_get_every_event(
    server: str, tokens: TokenMaker
) -> None:
    # given ten dashboards of one employee, each on its own connection
    await f.employee(email="ada@example.com")
    token = await tokens("ada@example.com")
    tasks_before = _operation_tasks()
    clients = await _open(server, token, 10)

    # then only the leader's operation has a task
    assert _operation_tasks() - tasks_before == 1

    # and when a task is created, every dashboard gets it
    await call(server, token, CREATE_TASK, {"input": {"title": "Seen by all"}})
    for client in clients:
        assert (await client.next_data("live"))["taskEvents"]["task"]["title"] == "Seen by all"
    for client in clients:
        await client.close()
    await listening(0)


async def test_a_parked_operation_keeps_its_id_until_the_client_completes_it(
    server: str, tokens: TokenMaker
) -> None:
    # given two dashboards, the second one parked
    await f.employee(email="ada@example.com")
    token = await tokens("ada@example.com")
    leader, parked = await _open(server, token, 2)

    # when the parked one completes its operation and subscribes again on the same id
    await parked.send({"id": "live", "type": "complete"})
    await listening(1)
    await parked.send({"id": "live", "type": "subscribe", "payload": {"query": TASK_EVENTS}})
    await wait_until(lambda: ws_relay.parked(current_broker().hub) == 1)
    await call(server, token, CREATE_TASK, {"input": {"title": "After"}})

    # then it gets the next event on it
    assert (await parked.next_data("live"))["taskEvents"]["task"]["title"] == "After"

    # and a second subscribe on that id while it is parked is refused as the protocol says (4409)
    await parked.send({"id": "live", "type": "subscribe", "payload": {"query": TASK_EVENTS}})
    closed = await parked.closed()
    assert closed["code"] == 4409
    await listening(1)
    await leader.close()
    await listening(0)


async def test_a_parked_dashboard_whose_socket_is_full_ends_as_too_slow_and_the_leader_goes_on(
    server: str, tokens: TokenMaker
) -> None:
    # given two dashboards, and the parked one's server socket above its write high-water mark
    # (what the transport signals with pause_writing when a client stops reading)
    await f.employee(email="ada@example.com")
    token = await tokens("ada@example.com")
    leader, slow = await _open(server, token, 2)
    (member,) = [m for relay in ws_relay._relays(current_broker().hub).values() for m in relay.parked]
    protocol = _protocol(member)
    protocol.pause_writing()

    # when a task is created, and the socket drains again
    await call(server, token, CREATE_TASK, {"input": {"title": "Too fast"}})
    await wait_until(lambda: ws_relay.parked(current_broker().hub) == 0)
    protocol.resume_writing()

    # then the slow one ends with SUBSCRIBER_TOO_SLOW, then `complete`; the leader got the event
    message = await slow.receive("live")
    assert message["type"] == "next"
    assert [e["extensions"]["code"] for e in message["payload"]["errors"]] == ["SUBSCRIBER_TOO_SLOW"]
    assert (await slow.receive("live"))["type"] == "complete"
    assert (await leader.next_data("live"))["taskEvents"]["task"]["title"] == "Too fast"
    await listening(1)
    for client in (leader, slow):
        await client.close()
    await listening(0)


def _protocol(member: ws_relay.Member) -> Any:
    """The uvicorn protocol of a member's connection (sockets with or without deflate)."""
    socket = member.socket
    if isinstance(socket, Transport):
        return socket._protocol
    return socket._websocket._receive.__self__


def _parked_member_of(client: WSClient) -> ws_relay.Member:
    """The parked relay member of a client's connection (found by the client's own port)."""
    port = client.ws.local_address[1]
    members = [m for relay in ws_relay._relays(current_broker().hub).values() for m in relay.parked]
    (member,) = [m for m in members if _protocol(m).transport.get_extra_info("peername")[1] == port]
    return member


async def test_after_a_parked_dashboard_ends_as_too_slow_the_others_still_take_over_from_the_leader(
    server: str, tokens: TokenMaker
) -> None:
    # given three dashboards, two parked, one of those with its socket above its high-water mark
    await f.employee(email="ada@example.com")
    token = await tokens("ada@example.com")
    leader, slow, fine = await _open(server, token, 3)
    protocol = _protocol(_parked_member_of(slow))
    protocol.pause_writing()

    # when a task is created (the slow one ends as too slow), then the leader leaves and another
    # task is created
    await call(server, token, CREATE_TASK, {"input": {"title": "Too fast"}})
    await listening(2)
    protocol.resume_writing()
    message = await slow.receive("live")
    assert [e["extensions"]["code"] for e in message["payload"]["errors"]] == ["SUBSCRIBER_TOO_SLOW"]
    for client in (leader, fine):
        assert (await client.next_data("live"))["taskEvents"]["task"]["title"] == "Too fast"
    # and the group still counts both (the slow one's last run, woken by the leader's send, did
    # not take the leader's place out with it)
    (relay,) = ws_relay._relays(current_broker().hub).values()
    assert relay.members == 2
    await leader.close()
    await listening(1)
    await call(server, token, CREATE_TASK, {"input": {"title": "Taken over"}})

    # then the remaining dashboard, promoted, gets it
    assert (await fine.next_data("live"))["taskEvents"]["task"]["title"] == "Taken over"
    for client in (slow, fine):
        await client.close()
    await listening(0)
