"""Live fan-out: committed events reach the subscriptions of this process (and, with Redis, of all).

Every process has one `Hub`. Each open subscription holds a `Listener` there: a bounded queue
and a cheap filter on the event row. The hub is fed by the broker (events/brokers.py):

- `LocalBroker` (default): the after-commit hook hands its events straight to the hub;
- `RedisBroker` (`REDIS_URL` set, events/redis_broker.py): the hook publishes the event ids to a
  Redis channel; one listener task per process reads them, loads the rows once and feeds the hub.

A parked subscription (web/ws_relay.py) has no listener at all: its group's leader has its
frames written to its socket; the hub only counts it (`Hub.parked`). A slow subscriber never makes memory grow: when its queue is full its buffered events are
dropped and it ends with `SubscriberTooSlow`; the client resumes with `after:` from the log.

Work shared by all subscriptions of the process: for each live event the hub makes one
`EventContext` (rows read once for every subscriber, see schema/live/presenters.py; and one
payload per group of like subscribers, see schema/live/sharing.py), and it
calls its watchers (`Hub.watch`) with every new event before fan-out, so caches that an event
makes stale (the policies of live connections) are dropped before any subscriber sees it.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

from models.events import Event

QUEUE_SIZE = 1000
_SEEN_WINDOW = 10_000  # ids remembered by the hub to drop a repeated delivery (catch-up after a reconnect)
_CONTEXT_WINDOW = 512  # live events whose shared context is kept; a subscriber further behind reads alone
_GROUP_WINDOW = (
    32  # live events whose per-group payloads are kept; a group member further behind makes its own
)

T = TypeVar("T")

log = logging.getLogger("peoplegraph.broker")


class SubscriberTooSlow(Exception):
    """The subscriber's queue overflowed: it missed events and must resume from the log."""


_OVERFLOW = object()


class Listener:
    """One subscription's inbox: events that pass `wants`, at most `maxsize` waiting."""

    def __init__(self, wants: Callable[[Event], bool], maxsize: int) -> None:
        self.wants = wants
        self._queue: asyncio.Queue[object] = asyncio.Queue(maxsize)
        self.overflowed = False

    def offer(self, event: Event) -> None:
        if self.overflowed or not self.wants(event):
            return
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            self.overflowed = True
            while not self._queue.empty():  # free the backlog now, not when the client goes away
                self._queue.get_nowait()
            self._queue.put_nowait(_OVERFLOW)

    async def get(self, within: float | None = None) -> Event | None:
        """The next event; None when `within` seconds pass without one."""
        if self._queue.empty():
            try:
                async with asyncio.timeout(within):  # no extra task per wait, unlike wait_for
                    item = await self._queue.get()
            except TimeoutError:
                return None
        else:  # no timer needed for what is already waiting
            item = self._queue.get_nowait()
        if item is _OVERFLOW:
            raise SubscriberTooSlow(
                f"More than {self._queue.maxsize} events were waiting for this subscriber."
            )
        assert isinstance(item, Event)
        return item

    @property
    def pending(self) -> int:
        return self._queue.qsize()


class EventContext:
    """What the subscriptions of this process share about one event: values made once, on first use.

    Only principal-independent things belong here (rows as read from the database, answers
    keyed by principal); what a subscriber may see is still decided per subscriber.
    """

    def __init__(self, event: Event) -> None:
        self.event = event
        self._values: dict[Hashable, Any] = {}
        self._groups: dict[Hashable, Any] = {}

    def shared(self, key: Hashable, make: Callable[[], T]) -> T:
        """The value under `key`, made by `make()` by the first subscriber that asks."""
        if key not in self._values:
            self._values[key] = make()
        value: T = self._values[key]
        return value

    def group(self, key: Hashable, make: Callable[[], T]) -> T:
        """Like `shared`, for what one group of subscribers shares (schema/live/sharing.py); the hub
        forgets these `_GROUP_WINDOW` events later, so payloads do not pile up per group."""
        if key not in self._groups:
            self._groups[key] = make()
        value: T = self._groups[key]
        return value

    def forget_groups(self) -> None:
        self._groups.clear()


class Hub:
    """The subscriptions of this process and the events handed to them."""

    def __init__(self, queue_size: int = QUEUE_SIZE) -> None:
        self.queue_size = queue_size
        self._listeners: set[Listener] = set()
        self._seen: OrderedDict[int, None] = OrderedDict()
        self._contexts: OrderedDict[int, EventContext] = OrderedDict()
        self._recent: deque[EventContext] = deque()  # the last _GROUP_WINDOW live contexts
        self._watchers: list[Callable[[Event], None]] = []
        self.max_seen_id = 0
        # Subscriptions parked by web/ws_relay.py: open, but with no listener here.
        self.parked = 0

    def watch(self, watcher: Callable[[Event], None]) -> None:
        """Call `watcher` with every new event, before any subscriber is offered it."""
        self._watchers.append(watcher)

    def context_for(self, event: Event) -> EventContext:
        """The context shared by all subscribers of a live event; a private one for a replayed row."""
        shared = self._contexts.get(event.id)
        return shared if shared is not None and shared.event is event else EventContext(event)

    def is_live(self, context: EventContext) -> bool:
        """Whether `context` is the one shared by this process's subscribers (not a replay's)."""
        return self._contexts.get(context.event.id) is context

    def open(self, wants: Callable[[Event], bool]) -> Listener:
        listener = Listener(wants, self.queue_size)
        self._listeners.add(listener)
        return listener

    def close(self, listener: Listener) -> None:
        self._listeners.discard(listener)

    def __len__(self) -> int:
        """The subscriptions of this process: with a listener or parked."""
        return len(self._listeners) + self.parked

    def is_new(self, event_id: int) -> bool:
        return event_id not in self._seen

    def deliver(self, events: Iterable[Event]) -> None:
        for event in events:
            if event.id in self._seen:
                continue
            self._seen[event.id] = None
            if len(self._seen) > _SEEN_WINDOW:
                self._seen.popitem(last=False)
            self.max_seen_id = max(self.max_seen_id, event.id)
            self._contexts[event.id] = context = EventContext(event)
            if len(self._contexts) > _CONTEXT_WINDOW:
                self._contexts.popitem(last=False)
            self._recent.append(context)
            if len(self._recent) > _GROUP_WINDOW:
                self._recent.popleft().forget_groups()
            for watcher in self._watchers:
                try:
                    watcher(event)
                except Exception:  # a cache's bug must not stop the fan-out
                    log.exception("hub watcher %r failed", watcher)
            for listener in list(self._listeners):
                listener.offer(event)
