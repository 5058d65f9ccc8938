"""The hub-level writer: one group's `next` frames written straight to the sockets of its idle members.

The subscribers of a group (schema/live/sharing.py) get the same payload for every live event;
only the operation id in the frame differs. So one member of each group, its leader, runs the
full pipeline per event: its subscription task wakes, graphql-core executes (once per group),
Strawberry handles the result and sends the frame. The others are parked: their subscription
stays open but no longer wakes per event (resolvers/live/stream.py `follow`), and the leader's
frame is copied to each of them with their own id (web/ws_protocol.py), written at once, with no
task, queue or await per subscriber (straight to the transport under uvicorn's
`websockets-sansio`; through the socket's own `send_text` elsewhere).

What stays per subscriber:

- its position (the last event id written to it): a frame never goes twice, nor behind a later one;
- its token: a revocation event or expiry ends it as before (`follow`), with 4403;
- slowness: a socket whose send would wait (its write buffer is full) gets no more frames, and
  its subscription ends with `SubscriberTooSlow`; the client resumes with `after:`;
- when the leader leaves (closed, ended, too slow), the parked members are promoted: each
  replays the log from its position, and the first one idle again leads.

Only `graphql-transport-ws` connections park (the operation id is known there); any other
transport (graphql-sse, tests calling `schema.subscribe`) runs the normal path throughout. A
result without data (an error of the root field) is not copied: parked members miss it.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Hashable
from contextvars import ContextVar
from typing import Any

import orjson
from websockets.protocol import State

from events.hub import Hub, SubscriberTooSlow

# The graphql-transport-ws operation the current task serves (set in web/ws_protocol.py), and
# its member of a relay once its subscription has one (set here, read when it sends).
operation_id: ContextVar[str | None] = ContextVar("operation_id", default=None)
current_member: ContextVar[Member | None] = ContextVar("current_member", default=None)

# Frames written for parked members, over the process's life (for tests and benchmarks).
relayed = 0

_SENT, _FULL, _GONE = "sent", "full", "gone"


def _frame_header(length: int) -> bytes:
    """The header of one unmasked, final text frame (RFC 6455 section 5.2) of `length` bytes."""
    if length < 126:
        return bytes((0x81, length))
    if length < 1 << 16:
        return bytes((0x81, 126)) + length.to_bytes(2, "big")
    return bytes((0x81, 127)) + length.to_bytes(8, "big")


class _Transport:
    """A uvicorn `websockets-sansio` connection without extensions: frames go straight to its
    transport. Nothing waits in its protocol between writes (uvicorn flushes after every one),
    so a frame written here keeps its place among the connection's other frames."""

    __slots__ = ("_protocol",)

    def __init__(self, protocol: Any) -> None:
        self._protocol = protocol

    @staticmethod
    def of(websocket: Any) -> _Transport | None:
        protocol = getattr(getattr(websocket, "_receive", None), "__self__", None)
        conn = getattr(protocol, "conn", None)
        if conn is None or conn.extensions or not hasattr(protocol, "writable"):
            return None  # another server, or permessage-deflate: frames must go through it
        return _Transport(protocol)

    def write(self, frame: bytes) -> str:
        protocol = self._protocol
        if protocol.disconnected or protocol.close_sent or protocol.conn.state is not State.OPEN:
            return _GONE
        if not protocol.writable.is_set():  # its write buffer is above the high-water mark
            return _FULL
        protocol.transport.write(_frame_header(len(frame)) + frame)
        return _SENT


class _Sender:
    """Any other ASGI server: the socket's own `send_text`, run to its end without a task when
    it does not wait, abandoned before it writes anything when it would."""

    __slots__ = ("_websocket",)

    def __init__(self, websocket: Any) -> None:
        self._websocket = websocket

    def write(self, frame: bytes) -> str:
        sending = self._websocket.send_text(frame.decode())
        try:
            sending.send(None)
        except StopIteration:
            return _SENT
        except Exception:  # closed meanwhile: its own task is ending it
            return _GONE
        sending.close()
        return _FULL


class Member:
    """One subscription of a group: where its frames go and how far it has been sent."""

    __slots__ = ("frame_start", "position", "relay", "seated", "socket")

    def __init__(self, relay: Relay, websocket: Any, operation: str) -> None:
        self.relay = relay
        self.socket: _Transport | _Sender = _Transport.of(websocket) or _Sender(websocket)
        self.frame_start = b'{"id":' + orjson.dumps(operation)
        self.position = 0
        self.seated: asyncio.Future[int] | None = None

    def take(self, position: int) -> asyncio.Future[int] | None:
        """Park after event `position` unless this member leads its group (None); the future
        gives the position to resume from when it is promoted."""
        return self.relay.take(self, position)

    def leave(self) -> None:
        self.relay.leave(self)


class Relay:
    """The members of one group on one hub: its leader and the parked ones.

    Only the leader's frames are copied, so the parked members get them in the leader's order,
    which is commit order. A member parks when nothing waits in its inbox, so it has sent every
    event delivered so far; and the leader never sends the parked ones what they sent themselves
    (positions). When the leader leaves, every parked member is promoted and replays from its
    own position: none of them can be sure to have what the leader had not sent yet. The first
    one to be idle again leads; the others park again. (Averaged over departures, one in N is
    the leader's, so that costs one replay per departure.)
    """

    def __init__(self, hub: Hub, key: Hashable) -> None:
        self.hub, self.key = hub, key
        self.members = 0
        self.leader: Member | None = None
        self.parked: dict[Member, None] = {}

    def join(self, websocket: Any, operation: str) -> Member:
        self.members += 1
        return Member(self, websocket, operation)

    def take(self, member: Member, position: int) -> asyncio.Future[int] | None:
        if self.leader is None:
            self.leader = member
        if self.leader is member:
            return None
        member.position = position
        member.seated = asyncio.get_running_loop().create_future()
        self.parked[member] = None
        return member.seated

    def leave(self, member: Member) -> None:
        self.members -= 1
        self.parked.pop(member, None)
        if self.leader is member:
            self.leader = None
            parked, self.parked = self.parked, {}
            for other in parked:
                if other.seated is not None and not other.seated.done():
                    other.seated.set_result(other.position)
        if self.members == 0:
            _relays(self.hub).pop(self.key, None)

    def broadcast(self, sender: Member, event_id: int, tail: str) -> None:
        """Copy the leader's frame of one event (all but its `{"id":...` start) to every parked
        member that has not had it."""
        if sender is not self.leader:
            return
        global relayed
        rest = tail.encode()
        for member in list(self.parked):
            if event_id <= member.position:
                continue  # it sent this one itself before it parked
            outcome = member.socket.write(member.frame_start + rest)
            if outcome == _SENT:
                member.position = event_id
                relayed += 1
                continue
            del self.parked[member]
            if outcome == _FULL and member.seated is not None and not member.seated.done():
                member.seated.set_exception(
                    SubscriberTooSlow("This subscriber's connection stopped taking the events sent to it.")
                )


_by_hub: weakref.WeakKeyDictionary[Hub, dict[Hashable, Relay]] = weakref.WeakKeyDictionary()


def _relays(hub: Hub) -> dict[Hashable, Relay]:
    relays = _by_hub.get(hub)
    if relays is None:
        relays = _by_hub[hub] = {}
    return relays


def relay_for(hub: Hub, key: Hashable) -> Relay:
    """The relay of group `key` on `hub`."""
    relays = _relays(hub)
    relay = relays.get(key)
    if relay is None:
        relay = relays[key] = Relay(hub, key)
    return relay


def seat_for(hub: Hub, key: Hashable, websocket: Any) -> Member | None:
    """A member of group `key` for the subscription this task serves over graphql-transport-ws;
    None on any other transport (it keeps the normal path)."""
    operation = operation_id.get()
    if operation is None or not hasattr(websocket, "send_text"):
        return None
    member = relay_for(hub, key).join(websocket, operation)
    current_member.set(member)  # this task's own context: the one that will send its frames
    return member


def parked(hub: Hub) -> int:
    """How many subscriptions on `hub` are parked (for tests and benchmarks)."""
    return sum(len(relay.parked) for relay in _relays(hub).values())
