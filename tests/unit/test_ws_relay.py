"""The relay of a group (web/ws_relay.py) with sockets that take frames or would make it wait.

The API tests (tests/api/live/test_subscriptions_relay.py) run it over real WebSockets; these
pin what is hard to provoke there: a socket whose buffer is full, positions, promotion order.
"""

from __future__ import annotations

import asyncio
import json
from functools import partial

from auth.principal import Principal
from events.hub import Hub, SubscriberTooSlow
from models.events import Event
from resolvers.core.revocation import REVOKED
from resolvers.live.stream import TokenGuard, TokenNoLongerValid
from tests.support.ws_client import wait_until
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


class Runs:
    """What the handler would do when a parked member is woken: run its operation again."""

    def __init__(self) -> None:
        self.woken: list[ws_relay.Member] = []

    def of(self, members: list[ws_relay.Member], i: int) -> None:
        self.woken.append(members[i])


def _group(*sockets: Socket) -> tuple[ws_relay.Relay, ws_relay.Member, list[ws_relay.Member], Runs]:
    """A relay whose first member leads (it was idle first); the others are not parked yet."""
    relay = ws_relay.relay_for(Hub(), ("taskEvents",))
    runs = Runs()
    members: list[ws_relay.Member] = []
    for i, s in enumerate(sockets):
        members.append(relay.join(s, f"op-{i}", partial(runs.of, members, i)))
    leader, *others = members
    assert leader.park(0, TokenGuard(None)) is False
    return relay, leader, others, runs


def _park(member: ws_relay.Member, position: int) -> None:
    assert member.park(position, TokenGuard(None)) is True


async def test_parked_members_get_the_leaders_frame_on_their_own_operation_id() -> None:
    # given a leader and two parked members
    sockets = [Socket(), Socket(), Socket()]
    relay, leader, parked, _ = _group(*sockets)
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
    relay, _, (parked, replaying), _ = _group(Socket(), parked_socket, Socket())
    _park(parked, 3)

    # when the replaying one sends event 5 before the leader does
    relay.broadcast(replaying, 5, TAIL)

    # then nothing is copied: the leader's order is the only one parked members follow
    assert parked_socket.frames == []
    assert parked.position == 3


async def test_a_member_is_not_sent_what_it_sent_itself_before_it_parked() -> None:
    # given a member parked after event 5
    socket = Socket()
    relay, leader, (member,), _ = _group(Socket(), socket)
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
    relay, leader, (stuck, other), runs = _group(Socket(), slow, fine)
    _park(stuck, 1)
    _park(other, 1)

    # when the leader sends an event
    relay.broadcast(leader, 2, TAIL)

    # then the slow one gets nothing and is run again to end as too slow; the other is sent it
    assert runs.woken == [stuck]
    assert isinstance(stuck.fate, SubscriberTooSlow) and stuck.left
    assert slow.frames == [] and len(fine.frames) == 1
    assert list(relay.parked) == [other]
    assert relay.hub.parked == 1 and len(relay.hub) == 1


async def test_when_the_leader_leaves_every_parked_member_resumes_from_its_own_position() -> None:
    # given two members parked at different positions
    relay, leader, (first, second), runs = _group(Socket(), Socket(), Socket())
    _park(first, 7)
    relay.broadcast(leader, 8, TAIL)
    _park(second, 9)

    # when the leader leaves
    relay.leave(leader)

    # then both are run again, each from its own position; the first idle again leads
    assert runs.woken == [first, second]
    assert (first.position, first.fate, second.position, second.fate) == (8, None, 9, None)
    assert relay.hub.parked == 0
    assert second.park(9, TokenGuard(None)) is False
    assert first.park(8, TokenGuard(None)) is True
    assert relay.leader is second


async def test_a_revocation_event_wakes_only_the_parked_members_it_names() -> None:
    # given two parked members of one group, on two tokens of one employee
    relay, _, (revoked, kept), runs = _group(Socket(), Socket(), Socket())
    assert revoked.park(1, TokenGuard(_principal("t-1"))) is True
    assert kept.park(1, TokenGuard(_principal("t-2"))) is True

    # when the hub delivers the revocation of the first token
    relay.hub.deliver([Event(id=2, type=REVOKED, data={"tokenIds": ["t-1"]})])

    # then that one is run again to end with 4403; the other stays parked
    assert runs.woken == [revoked]
    assert isinstance(revoked.fate, TokenNoLongerValid)
    assert list(relay.parked) == [kept]


async def test_a_parked_member_whose_token_expires_is_run_again_to_end() -> None:
    # given a parked member whose token expires in a moment (by its guard's clock)
    relay, _, (member,), runs = _group(Socket(), Socket())
    clock = [999.95]
    expiring = Principal(scopes=frozenset(), employee_id=1, token_id="t", expires_at=1000)
    guard = TokenGuard(expiring, now=lambda: clock[0], revoked=_never_revoked)
    assert member.park(1, guard) is True

    # when its expiry passes
    clock[0] = 1000.0
    await wait_until(lambda: bool(runs.woken))

    # then it is run again, to end as expired
    assert runs.woken == [member]
    assert isinstance(member.fate, TokenNoLongerValid) and "expired" in str(member.fate)
    assert not relay.parked


async def test_parked_members_expiring_one_after_the_other_each_end_when_theirs_is_due() -> None:
    # given three parked members: two tokens expire in a moment, one later, one member leaves
    relay, _, (soon, later, leaving), runs = _group(Socket(), Socket(), Socket(), Socket())
    clock = [999.4]

    def guard(expires_at: int) -> TokenGuard:
        expiring = Principal(scopes=frozenset(), employee_id=1, token_id="t", expires_at=expires_at)
        return TokenGuard(expiring, now=lambda: clock[0], revoked=_never_revoked)

    assert soon.park(1, guard(1000)) and leaving.park(1, guard(1000))
    assert later.park(1, guard(1001))
    leaving.leave()

    # when the first expiry passes, then only the member still parked with it ends
    clock[0] = 1000.0
    await wait_until(lambda: bool(runs.woken))
    assert runs.woken == [soon] and list(relay.parked) == [later]

    # and when the second passes, the other one ends too
    clock[0] = 1001.0
    await wait_until(lambda: len(runs.woken) == 2)
    assert runs.woken == [soon, later] and isinstance(later.fate, TokenNoLongerValid)
    assert not relay.parked


async def test_the_only_member_leads() -> None:
    relay, alone, _, _ = _group(Socket())

    assert alone.park(1, TokenGuard(None)) is False
    assert relay.leader is alone


def _principal(token_id: str) -> Principal:
    return Principal(scopes=frozenset(), employee_id=1, token_id=token_id)


async def _never_revoked(principal: Principal) -> bool:
    return False
