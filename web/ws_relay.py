"""The hub-level writer: one group's `next` frames written straight to the sockets of its parked members.

The subscribers of a group (schema/live/sharing.py) get the same payload for every live event;
only the operation id in the frame differs. So one member of each group, its leader, runs the
full pipeline per event: its subscription task wakes, graphql-core executes (once per group),
Strawberry handles the result and sends the frame. The others are parked, out of the pipeline
altogether: their subscription closed its inbox and raised `Parked` (resolvers/live/stream.py
`follow`), which ends their operation's task without completing the operation
(web/ws_protocol.py). What is left of a parked subscription is its `Member` here, its
Strawberry `Operation` record and the connection. The leader's frame is copied to each parked
member with its own id, built once per distinct id and written at once, with no task, queue or
await per subscriber (straight to the transport under uvicorn's `websockets-sansio`; through
the socket's own `send_text` elsewhere).

What stays per subscriber:

- its position (the last event id written to it): a frame never goes twice, nor behind a later one;
- its token: a revocation event (one hub watcher for all parked members), expiry and the
  periodic revocation check (one schedule for all members, web/ws_schedule.py) end it as before, with 4403;
- slowness: a socket whose send would wait (its write buffer is full) gets no more frames, and
  its subscription ends with `SubscriberTooSlow`; the client resumes with `after:`;
- when the leader leaves (closed, ended, too slow), the parked members are promoted.

A parked member leaves the relay to be run again (`Member.wake`): its operation gets a new task
through the same pipeline. Promoted, it replays the log from its position, and the first one
idle again leads, the others park again. Ended (revoked, expired, too slow), that run reports it
the way an active subscription does: the same frames, the same close codes.

Only `graphql-transport-ws` connections park (the operation id is known there); any other
transport (graphql-sse, the legacy graphql-ws protocol, tests calling `schema.subscribe`) runs
the normal path throughout. A result without data (an error of the root field) is not copied:
parked members miss it.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import orjson

from events import trace
from events.hub import Hub, SubscriberTooSlow
from models.events import Event
from resolvers.core.revocation import REVOKED
from resolvers.live.stream import REVOKED_MESSAGE, TokenGuard, TokenNoLongerValid
from web.ws_schedule import Schedule
from web.ws_transport import FULL, SENT, Sender, Transport, frame_header

log = logging.getLogger("peoplegraph.ws")


@dataclass(frozen=True, slots=True)
class Serving:
    """The graphql-transport-ws operation the current task runs (set in web/ws_protocol.py)."""

    operation: str
    resume: Callable[[], None]  # runs the operation again, in a new task
    member: Member | None = None  # when this run is a parked member's, woken


serving: ContextVar[Serving | None] = ContextVar("serving", default=None)
# The member of the subscription this task serves, once it has one (set here, read when it sends).
current_member: ContextVar[Member | None] = ContextVar("current_member", default=None)

# Frames written for parked members, over the process's life (for tests and benchmarks).
relayed = 0

_rechecks: set[asyncio.Task[None]] = set()
_trace = trace.from_environment()


class Member:
    """One subscription of a group: where its frames go, how far it has been sent, and, while
    parked, its token's guard and how to run it again."""

    __slots__ = ("fate", "frame_start", "guard", "left", "position", "relay", "resume", "socket", "timer")

    def __init__(self, relay: Relay, websocket: Any, operation: str, resume: Callable[[], None]) -> None:
        self.relay = relay
        self.socket: Transport | Sender = Transport.of(websocket) or Sender(websocket)
        self.frame_start = b'{"id":' + orjson.dumps(operation)
        self.resume = resume
        self.position = 0
        self.guard: TokenGuard | None = None
        self.timer: int | None = None  # its slot in the schedule of token checks, while parked
        self.fate: BaseException | None = None  # why its next run ends at once (None: it resumes)
        self.left = False

    def park(self, position: int, guard: TokenGuard) -> bool:
        """Park after event `position` unless this member leads its group (False)."""
        return self.relay.park(self, position, guard)

    def leave(self) -> None:
        if not self.left:
            self.left = True
            self.relay.leave(self)

    def wake(self, fate: BaseException | None = None) -> None:
        """Run a parked member's subscription again: promoted (it replays from its position), or
        to end it with `fate`."""
        if not self.relay.unpark(self):
            return
        self.fate = fate
        if fate is not None:
            self.leave()
        self.resume()


class Relay:
    """The members of one group on one hub: its leader and the parked ones.

    Only the leader's frames are copied, so the parked members get them in the leader's order,
    which is commit order. A member parks when nothing waits in its inbox, so it has sent every
    event delivered so far; and the leader never sends the parked ones what they sent themselves
    (positions). When the leader leaves, every parked member is woken and replays from its own
    position: none of them can be sure to have what the leader had not sent yet. (Averaged over
    departures, one in N is the leader's, so that costs one replay per departure.)
    """

    def __init__(self, hub: Hub, key: Hashable) -> None:
        self.hub, self.key = hub, key
        self.members = 0
        self.leader: Member | None = None
        self.parked: dict[Member, None] = {}

    def join(self, websocket: Any, operation: str, resume: Callable[[], None]) -> Member:
        self.members += 1
        return Member(self, websocket, operation, resume)

    def park(self, member: Member, position: int, guard: TokenGuard) -> bool:
        if self.leader is None:
            self.leader = member
        if self.leader is member:
            return False
        member.position, member.guard, member.fate = position, guard, None
        self.parked[member] = None
        self.hub.parked += 1
        _arm(member)
        return True

    def unpark(self, member: Member) -> bool:
        """Take `member` out of the parked ones (False: it was not parked)."""
        if member not in self.parked:
            return False
        del self.parked[member]
        self.hub.parked -= 1
        if member.timer is not None:
            _schedule().remove(member, member.timer)
            member.timer = None
        return True

    def leave(self, member: Member) -> None:
        self.unpark(member)
        self.members -= 1
        if self.leader is member:
            self.leader = None
            for other in list(self.parked):
                other.wake()
        if self.members == 0:
            _relays(self.hub).pop(self.key, None)

    def broadcast(self, sender: Member, event_id: int, tail: str) -> None:
        """Copy the leader's frame of one event (all but its `{"id":...` start) to every parked
        member that has not had it: each distinct frame is built once, then one write per socket."""
        if sender is not self.leader:
            return
        global relayed
        rest = tail.encode()
        frames: dict[tuple[bytes, bool], bytes] = {}
        failed: list[tuple[Member, str]] = []
        for member in self.parked:
            if event_id <= member.position:
                continue  # it sent this one itself before it parked
            socket = member.socket
            frame = frames.get((member.frame_start, socket.framed))
            if frame is None:
                message = member.frame_start + rest
                frame = frame_header(len(message)) + message if socket.framed else message
                frames[member.frame_start, socket.framed] = frame
            outcome = socket.write(frame)
            if outcome == SENT:
                member.position = event_id
                relayed += 1
            else:
                failed.append((member, outcome))
        for member, outcome in failed:
            if outcome == FULL:
                member.wake(
                    SubscriberTooSlow("This subscriber's connection stopped taking the events sent to it.")
                )
            else:  # its connection is closing: its handler's cleanup makes it leave
                self.unpark(member)
        if _trace is not None:  # bench/fanout.py --trace: this worker's last socket took the frame
            _trace.write("written", ((event_id, ""),))


# --- the parked members' tokens ---------------------------------------------------------------


_schedules: list[Schedule[Member]] = []  # the running loop's (tests run one loop after another)


def _schedule() -> Schedule[Member]:
    loop = asyncio.get_running_loop()
    if not _schedules or _schedules[0].loop is not loop:
        _schedules[:] = [Schedule(loop, _due)]
    return _schedules[0]


def _arm(member: Member) -> None:
    """Check the member's token when its guard is next due (expiry or the periodic revocation check)."""
    assert member.guard is not None
    delay = member.guard.seconds_until_check()
    if delay <= 0:  # due now (its first check): at once, not at the next slot
        member.timer = None
        _due(member)
        return
    member.timer = _schedule().add(member, delay)


def _due(member: Member) -> None:
    task = asyncio.ensure_future(_recheck(member))
    _rechecks.add(task)
    task.add_done_callback(_rechecks.discard)


async def _recheck(member: Member) -> None:
    assert member.guard is not None
    try:
        await member.guard.check()
    except TokenNoLongerValid as exc:
        member.wake(exc)
        return
    except Exception:  # the database is away: let its own run find out and report it
        log.exception("checking a parked subscription's token failed")
        member.wake()
        return
    if member in member.relay.parked and member.timer is None:
        _arm(member)


def _revoked(hub: Hub) -> Callable[[Event], None]:
    """The hub watcher that ends the parked members a revocation event names."""
    ref = weakref.ref(hub)

    def watch(event: Event) -> None:
        hub = ref()
        if event.type != REVOKED or hub is None:
            return
        for relay in list(_relays(hub).values()):
            for member in list(relay.parked):
                if member.guard is not None and member.guard.ended_by(event):
                    member.wake(TokenNoLongerValid(REVOKED_MESSAGE))

    return watch


# --- the relays of a hub ------------------------------------------------------------------------

_by_hub: weakref.WeakKeyDictionary[Hub, dict[Hashable, Relay]] = weakref.WeakKeyDictionary()


def _relays(hub: Hub) -> dict[Hashable, Relay]:
    relays = _by_hub.get(hub)
    if relays is None:
        relays = _by_hub[hub] = {}
        hub.watch(_revoked(hub))
    return relays


def relay_for(hub: Hub, key: Hashable) -> Relay:
    """The relay of group `key` on `hub`."""
    relays = _relays(hub)
    relay = relays.get(key)
    if relay is None:
        relay = relays[key] = Relay(hub, key)
    return relay


def seat_for(hub: Hub, key: Hashable, websocket: Any) -> Member | None:
    """The member of group `key` for the subscription this task serves over graphql-transport-ws
    (the one it had when this run wakes a parked member); None on any other transport (it keeps
    the normal path)."""
    run = serving.get()
    if run is None or not hasattr(websocket, "send_text"):
        return None
    member = run.member
    if member is None or member.left or member.relay.key != key:
        member = relay_for(hub, key).join(websocket, run.operation, run.resume)
    current_member.set(member)  # this task's own context: the one that will send its frames
    return member


def woken() -> Member | None:
    """The parked member this task runs again, if it does (its position and fate decide the run)."""
    run = serving.get()
    return None if run is None else run.member


def parked(hub: Hub) -> int:
    """How many subscriptions on `hub` are parked (for tests and benchmarks)."""
    return sum(len(relay.parked) for relay in _relays(hub).values())
