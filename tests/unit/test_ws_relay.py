"""The relay of a group (web/ws_relay.py) with sockets that take frames or would make it wait.

The API tests (tests/api/live/test_subscriptions_relay.py) run it over real WebSockets; these
pin what is hard to provoke there: a socket whose buffer is full, positions, promotion order.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from events.hub import Hub, SubscriberTooSlow
from web import ws_relay


class Socket:
    """An ASGI WebSocket as Starlette shows it: `send_text` waits forever once `full`."""

    def __init__(self, full: bool = False) -> None:
        self.full = full
        self.frames: list[dict[str, object]] = []

    async def send_text(self, text: str) -> None:
        if self.full:
            await asyncio.Event().wait()
        self.frames.append(json.loads(text))


TAIL = ',"type":"next","payload":{"data":{"taskEvents":{"type":"CREATED"}}}}'


def _group(*sockets: Socket) -> tuple[ws_relay.Relay, ws_relay.Member, list[ws_relay.Member]]:
    """A relay whose first member leads (it was idle first); the others are not parked yet."""
    relay = ws_relay.relay_for(Hub(), ("taskEvents",))
    leader, *others = [relay.join(s, f"op-{i}") for i, s in enumerate(sockets)]
    assert leader.take(0) is None
    return relay, leader, others


def _park(member: ws_relay.Member, position: int) -> asyncio.Future[int]:
    seat = member.take(position)
    assert seat is not None
    return seat


async def test_parked_members_get_the_leaders_frame_on_their_own_operation_id() -> None:
    # given a leader and two parked members
    sockets = [Socket(), Socket(), Socket()]
    relay, leader, parked = _group(*sockets)
    for member in parked:
        _park(member, 3)

    # when the leader sends event 4
    relay.broadcast(leader, 4, TAIL)

    # then each parked member got one `next` frame on its own id; the leader sent its own
    assert sockets[0].frames == []
    for i in (1, 2):
        assert sockets[i].frames == [
            {"id": f"op-{i}", "type": "next", "payload": {"data": {"taskEvents": {"type": "CREATED"}}}}
        ]


async def test_what_another_active_member_sends_is_not_copied() -> None:
    # given a leader, a parked member and one still replaying (active, not leading)
    parked_socket = Socket()
    relay, _, (parked, replaying) = _group(Socket(), parked_socket, Socket())
    _park(parked, 3)

    # when the replaying one sends event 5 before the leader does
    relay.broadcast(replaying, 5, TAIL)

    # then nothing is copied: the leader's order is the only one parked members follow
    assert parked_socket.frames == []
    assert parked.position == 3


async def test_a_member_is_not_sent_what_it_sent_itself_before_it_parked() -> None:
    # given a member parked after event 5
    socket = Socket()
    relay, leader, (member,) = _group(Socket(), socket)
    _park(member, 5)

    # when the leader sends events 5 and 6
    relay.broadcast(leader, 5, TAIL)
    relay.broadcast(leader, 6, TAIL)

    # then it got 6 only, and its position is 6
    assert len(socket.frames) == 1
    assert member.position == 6


async def test_a_socket_that_would_make_the_relay_wait_ends_as_too_slow_and_the_others_go_on() -> None:
    # given two parked members, one whose socket does not take more
    slow, fine = Socket(full=True), Socket()
    relay, leader, (stuck, other) = _group(Socket(), slow, fine)
    stuck_seat, other_seat = _park(stuck, 1), _park(other, 1)

    # when the leader sends an event
    relay.broadcast(leader, 2, TAIL)

    # then the slow one gets nothing and its subscription ends as too slow; the other is sent it
    with pytest.raises(SubscriberTooSlow):
        await asyncio.wait_for(stuck_seat, 1)
    assert slow.frames == [] and len(fine.frames) == 1
    assert not other_seat.done()
    assert list(relay.parked) == [other]


async def test_when_the_leader_leaves_every_parked_member_resumes_from_its_own_position() -> None:
    # given two members parked at different positions
    relay, leader, (first, second) = _group(Socket(), Socket(), Socket())
    first_seat = _park(first, 7)
    relay.broadcast(leader, 8, TAIL)
    second_seat = _park(second, 9)

    # when the leader leaves
    relay.leave(leader)

    # then both are promoted, each from its own position; the first idle again leads
    assert await asyncio.wait_for(first_seat, 1) == 8
    assert await asyncio.wait_for(second_seat, 1) == 9
    assert second.take(9) is None
    assert first.take(8) is not None
    assert relay.leader is second


async def test_the_only_member_leads() -> None:
    relay, alone, _ = _group(Socket())

    assert alone.take(1) is None
    assert relay.leader is alone
