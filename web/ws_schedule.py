"""When each parked subscription's token is next checked (web/ws_relay.py).

One schedule per event loop: members in slots of `TICK` seconds and one loop timer for the
earliest slot, not a timer (a handle, its arguments and a context) for each member.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

TICK = 0.25  # seconds: how much later than due a parked member's token may be checked


class Timed(Protocol):
    timer: int | None  # its slot while it waits in a schedule


M = TypeVar("M", bound=Timed)


class Schedule(Generic[M]):
    """Members waiting for their check; `due(member)` runs when a member's slot comes."""

    __slots__ = ("due", "handle", "loop", "slots")

    def __init__(self, loop: asyncio.AbstractEventLoop, due: Callable[[M], None]) -> None:
        self.loop, self.due = loop, due
        self.slots: dict[int, dict[M, None]] = {}
        self.handle: asyncio.TimerHandle | None = None

    def add(self, member: M, delay: float) -> int:
        slot = math.ceil((self.loop.time() + delay) / TICK)
        self.slots.setdefault(slot, {})[member] = None
        self._wake_at(slot)
        return slot

    def remove(self, member: M, slot: int) -> None:
        members = self.slots.get(slot)
        if members is not None:
            members.pop(member, None)
            if not members:
                del self.slots[slot]

    def _wake_at(self, slot: int) -> None:
        when = slot * TICK
        if self.handle is None or self.handle.when() > when:
            if self.handle is not None:
                self.handle.cancel()
            self.handle = self.loop.call_at(when, self._tick)

    def _tick(self) -> None:
        self.handle = None
        now = self.loop.time() + 0.01  # the loop runs a timer up to its clock's resolution early
        for slot in sorted(slot for slot in self.slots if slot * TICK <= now):
            for member in self.slots.pop(slot):
                member.timer = None
                self.due(member)
        if self.slots:
            self._wake_at(min(self.slots))
