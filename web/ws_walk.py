"""The relay's passes over a group's parked members (web/ws_relay.py `Relay.broadcast`)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from events import trace
from events.hub import SubscriberTooSlow
from web.ws_transport import FULL, SENT, frame_header

if TYPE_CHECKING:
    from web.ws_relay import Member, Relay

# Frames written for parked members, over the process's life (for tests and benchmarks).
relayed = 0

_trace = trace.from_environment()  # bench/fanout.py --trace: when each walk ended

CHUNK = 512  # parked members a walk writes to before it lets the event loop run


class Walk:
    """One pass over a group's parked members that writes each the events it lacks.

    It writes `CHUNK` members, then lets the loop run (the next chunk is a `call_soon`), so a big
    group does not hold the loop (a mutation's response, another group's event) for the whole of
    its writes. An event the leader sends during a pass joins the backlog, and the members the
    pass has not reached yet get it in the same write as the event before: when the process is
    behind (a busy machine), one write (one system call) carries several frames. The members it
    had already written to get the new event from the next pass. Each distinct run of frames is
    built once per chunk; a member's position is where its last written frame ended.
    """

    __slots__ = ("events", "handle", "members", "relay")

    def __init__(self, relay: Relay) -> None:
        self.relay = relay
        self.members = list(relay.parked)
        self.events = len(relay.backlog)  # what every member parked now is to have at the end
        self.handle: asyncio.Handle | None = None

    def stop(self) -> None:
        if self.handle is not None:
            self.handle.cancel()

    def step(self, start: int) -> None:
        global relayed
        self.handle = None
        relay = self.relay
        parked, backlog = relay.parked, relay.backlog
        first_id, last = backlog[0][0], backlog[-1][0]
        built: dict[tuple[bytes, bool, int], list[bytes]] = {}
        failed: list[tuple[Member, str]] = []
        sent = 0
        for member in self.members[start : start + CHUNK]:
            position = member.position
            if last <= position or member not in parked:
                continue  # it sent these itself before it parked; or it left or was woken
            first = 0  # the backlog's events it lacks start there
            if position >= first_id:
                first = len(backlog) - 1
                while backlog[first - 1][0] > position:
                    first -= 1
            socket = member.socket
            key = (member.frame_start, socket.framed, first)
            frames = built.get(key)
            if frames is None:
                messages = [member.frame_start + rest for _, rest in backlog[first:]]
                # A transport takes the whole run in one write; a server's send_text one message.
                framed = [b"".join(frame_header(len(m)) + m for m in messages)]
                frames = built[key] = framed if socket.framed else messages
            for frame in frames:
                outcome = socket.write(frame)
                if outcome is not SENT:
                    failed.append((member, outcome))
                    break
            else:
                sent += len(backlog) - first
                member.position = last
        relayed += sent
        for member, outcome in failed:
            if outcome == FULL:
                member.wake(
                    SubscriberTooSlow("This subscriber's connection stopped taking the events sent to it.")
                )
            else:  # its connection is closing: its handler's cleanup makes it leave
                relay.unpark(member)
        if start + CHUNK < len(self.members):
            self.handle = asyncio.get_running_loop().call_soon(self.step, start + CHUNK)
        else:
            if _trace is not None:
                _trace.write("written", ((event_id, "") for event_id, _ in backlog[: self.events]))
            relay.walked(self)
