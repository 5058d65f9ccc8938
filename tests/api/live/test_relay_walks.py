"""The relay's walks over a big group (web/ws_walk.py): chunks that let the loop run, and
events that come during a walk reaching the members it has not written to yet in one write.

The sockets here take whole frames like uvicorn's transport (web/ws_transport.py `Transport`),
so what each member was sent is read back from the bytes, frame by frame.
"""

from __future__ import annotations

import json
from functools import partial

import pytest

from events.hub import Hub
from resolvers.live.stream import TokenGuard
from tests.support.ws_client import wait_until
from web import ws_relay, ws_walk
from web.ws_transport import SENT


class Wire:
    """A transport that takes every frame and keeps each write's bytes."""

    framed = True

    def __init__(self) -> None:
        self.writes: list[bytes] = []

    def write(self, frame: bytes) -> str:
        self.writes.append(frame)
        return SENT

    def messages(self) -> list[dict[str, object]]:
        data, out = b"".join(self.writes), []
        while data:
            assert data[0] == 0x81  # final text frames, unmasked
            size, start = data[1], 2
            if size == 126:
                size, start = int.from_bytes(data[2:4], "big"), 4
            out.append(json.loads(data[start : start + size]))
            data = data[start + size :]
        return out


def _tail(n: int) -> str:
    return ',"type":"next","payload":{"data":{"n":' + str(n) + "}}}"


def _group(
    size: int,
) -> tuple[ws_relay.Relay, ws_relay.Member, list[tuple[ws_relay.Member, Wire]], list[int]]:
    """A leader and `size` members parked after event 0, each on a Wire of its own."""
    relay = ws_relay.relay_for(Hub(), ("taskEvents", size))
    woken: list[int] = []
    parked = []
    leader = relay.join(object(), "op-leader", lambda: None)
    assert leader.park(0, TokenGuard(None)) is False
    for i in range(size):
        member = relay.join(object(), f"op-{i}", partial(woken.append, i))
        wire = Wire()
        member.socket = wire  # type: ignore[assignment]
        assert member.park(0, TokenGuard(None)) is True
        parked.append((member, wire))
    return relay, leader, parked, woken


def _received(wire: Wire) -> list[tuple[object, object]]:
    return [(m["id"], m["payload"]["data"]["n"]) for m in wire.messages()]  # type: ignore[index]


async def test_a_walk_writes_a_chunk_at_once_and_the_rest_after_the_loop_has_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given five parked members and walks of two members a chunk
    monkeypatch.setattr(ws_walk, "CHUNK", 2)
    relay, leader, parked, _ = _group(5)

    # when the leader sends event 1
    relay.broadcast(leader, 1, _tail(1))

    # then the first two have it at once, the others once the loop has run
    assert [len(wire.writes) for _, wire in parked] == [1, 1, 0, 0, 0]
    await wait_until(lambda: relay.walk is None)
    for i, (member, wire) in enumerate(parked):
        assert _received(wire) == [(f"op-{i}", 1)]
        assert member.position == 1


async def test_an_event_sent_during_a_walk_reaches_the_members_not_written_yet_in_the_same_write(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given five parked members and walks of two members a chunk
    monkeypatch.setattr(ws_walk, "CHUNK", 2)
    relay, leader, parked, _ = _group(5)
    relayed = ws_walk.relayed

    # when the leader sends events 1 and 2 before the loop runs again
    relay.broadcast(leader, 1, _tail(1))
    relay.broadcast(leader, 2, _tail(2))
    await wait_until(lambda: relay.walk is None)

    # then every member has both, once, in order, on its own id
    for i, (member, wire) in enumerate(parked):
        assert _received(wire) == [(f"op-{i}", 1), (f"op-{i}", 2)]
        assert member.position == 2
    # the first chunk in two writes (one per event), the members after it in one
    assert [len(wire.writes) for _, wire in parked] == [2, 2, 1, 1, 1]
    assert ws_walk.relayed - relayed == 10
    assert relay.backlog == []


async def test_when_the_leader_leaves_during_a_walk_each_member_resumes_from_what_it_was_sent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given five parked members and a walk of event 1 written to the first chunk only
    monkeypatch.setattr(ws_walk, "CHUNK", 2)
    relay, leader, parked, woken = _group(5)
    relay.broadcast(leader, 1, _tail(1))

    # when the leader leaves before the walk goes on
    relay.leave(leader)
    await wait_until(lambda: woken == [0, 1, 2, 3, 4])

    # then the walk writes nothing more; each woken member replays from its own position
    assert relay.walk is None and relay.backlog == []
    assert [member.position for member, _ in parked] == [1, 1, 0, 0, 0]
    assert [len(wire.writes) for _, wire in parked] == [1, 1, 0, 0, 0]


async def test_a_member_that_leaves_during_a_walk_is_not_written_to(monkeypatch: pytest.MonkeyPatch) -> None:
    # given five parked members and a walk of event 1 written to the first chunk only
    monkeypatch.setattr(ws_walk, "CHUNK", 2)
    relay, leader, parked, _ = _group(5)
    relay.broadcast(leader, 1, _tail(1))

    # when the fourth leaves (its client completed the operation)
    parked[3][0].leave()
    await wait_until(lambda: relay.walk is None)

    # then it got nothing; the others got the event
    assert [len(wire.writes) for _, wire in parked] == [1, 1, 1, 0, 1]
