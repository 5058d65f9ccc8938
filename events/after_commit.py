"""After-commit notification: who hears that new events were committed.

Mutations call `notify_committed(events)` once their transaction has committed (never before,
so nothing is announced for a rolled-back change). Listeners are the live-update broker and the
webhook dispatcher; each registers itself at start-up. A commit that wrote no event but queued
webhook deliveries (a ping, a redelivery, an endpoint enabled again with deliveries held) still
notifies, with no events, so the dispatcher sends them at once. A listener's failure never fails the
mutation: the events are in the log and listeners can catch up from it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

from models.events import Event

Listener = Callable[[Sequence[Event]], Awaitable[None]]

_listeners: list[Listener] = []
log = logging.getLogger("peoplegraph.events")


def add_listener(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def remove_listener(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


async def notify_committed(events: Sequence[Event], *, deliveries_queued: bool = False) -> None:
    if not events and not deliveries_queued:
        return
    for listener in list(_listeners):
        try:
            await listener(events)
        except Exception:  # a listener must not undo a committed mutation; log and go on
            log.exception("event listener %r failed", listener)
