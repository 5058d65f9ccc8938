"""The hub-level writer: one group's `next` frames written straight to the sockets of its idle members.

The subscribers of a group (schema/live/sharing.py) get the same payload for every live event;
only the operation id in the frame differs. So one member of each group (the active one) runs
the full pipeline per event: its subscription task wakes, graphql-core executes (once per
group), Strawberry handles the result and sends the frame. The others are parked: their
subscription stays open but no longer wakes per event (resolvers/live/stream.py `follow`), and
the active member's frame is copied to each of them with their own id
(web/ws_protocol.py), written at once without a task, a queue or an await per subscriber.

What stays per subscriber:

- its position (the last event id written to it): a frame never goes twice, nor behind a later one;
- its token: a revocation event or expiry ends it as before (`follow`), with 4403;
- slowness: a socket whose send would wait (its write buffer is full) gets no more frames, and
  its subscription ends with `SubscriberTooSlow`; the client resumes with `after:`;
- when the last active member leaves (closed, ended, too slow), a parked one is promoted: it
  replays the log from its position and becomes the active one.

Only `graphql-transport-ws` connections park (the operation id is known there); any other
transport (graphql-sse, tests calling `schema.subscribe`) runs the normal path throughout.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Hashable
from contextvars import ContextVar
from typing import Any

import orjson

from events.hub import Hub, SubscriberTooSlow

# The graphql-transport-ws operation the current task serves (set in web/ws_protocol.py).
operation_id: ContextVar[str | None] = ContextVar("operation_id", default=None)

# Frames written for parked members, over the process's life (for tests and benchmarks).
relayed = 0

_SENT, _FULL, _GONE = "sent", "full", "gone"


def _write_now(websocket: Any, text: str) -> str:
    """Send `text` if the socket takes it without waiting; no task, no suspension."""
    sending = websocket.send_text(text)
    try:
        sending.send(None)
    except StopIteration:
        return _SENT
    except Exception:  # closed meanwhile: its own task is ending it
        return _GONE
    sending.close()  # it waited for the write buffer to drain: nothing was written
    return _FULL


class Member:
    """One subscription of a group: where its frames go and how far it has been sent."""

    __slots__ = ("frame_start", "position", "relay", "seated", "websocket")

    def __init__(self, relay: Relay, websocket: Any, operation: str) -> None:
        self.relay = relay
        self.websocket = websocket
        self.frame_start = '{"id":' + orjson.dumps(operation).decode()
        self.position = 0
        self.seated: asyncio.Future[int] | None = None

    def take(self, position: int) -> asyncio.Future[int] | None:
        """Park if another member of the group is active; the future gives the position to
        resume from when this one is promoted."""
        return self.relay.take(self, position)

    def leave(self) -> None:
        self.relay.leave(self)


class Relay:
    """The members of one group on one hub: the active ones and the parked ones."""

    def __init__(self, hub: Hub, key: Hashable) -> None:
        self.hub, self.key = hub, key
        self.active: set[Member] = set()
        self.parked: dict[Member, None] = {}  # in parking order: the oldest is promoted first

    def join(self, websocket: Any, operation: str) -> Member:
        member = Member(self, websocket, operation)
        self.active.add(member)
        return member

    def take(self, member: Member, position: int) -> asyncio.Future[int] | None:
        if member not in self.active or len(self.active) < 2:
            return None
        self.active.discard(member)
        member.position = position
        member.seated = asyncio.get_running_loop().create_future()
        self.parked[member] = None
        return member.seated

    def leave(self, member: Member) -> None:
        self.active.discard(member)
        self.parked.pop(member, None)
        if not self.active and self.parked:
            self._promote()
        if not self.active and not self.parked:
            _relays(self.hub).pop(self.key, None)

    def _promote(self) -> None:
        member = next(iter(self.parked))
        del self.parked[member]
        self.active.add(member)
        if member.seated is not None and not member.seated.done():
            member.seated.set_result(member.position)

    def broadcast(self, event_id: int, tail: str) -> None:
        """Write one event's frame (all but its `{"id":...` start) to every parked member."""
        global relayed
        for member in list(self.parked):
            if event_id <= member.position:
                continue  # it sent this one itself before it parked
            outcome = _write_now(member.websocket, member.frame_start + tail)
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
    return relay_for(hub, key).join(websocket, operation)


def parked(hub: Hub) -> int:
    """How many subscriptions on `hub` are parked (for tests and benchmarks)."""
    return sum(len(relay.parked) for relay in _relays(hub).values())
