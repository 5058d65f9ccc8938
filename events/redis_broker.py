"""Cross-process fan-out through Redis pub/sub: ids travel, rows are read from the log.

Each process publishes the ids of the events it committed and runs one listener task that
hears every process's ids, loads those rows once and hands them to the local hub. Redis
pub/sub forgets messages sent while a listener is disconnected, so after every (re)connect
the listener reads the log for ids it has not seen; the hub drops what it already delivered.

Every hub delivers in id (commit) order, whichever process committed: two processes publish
in no agreed order, so a message may name id N before the one naming M < N arrives. Events
are written under a lock held until commit (events/log.py), so once N is in the log every
lower id that will ever exist is too: the listener reads the ids it has not seen up to N in
the same statement, and M's own message is dropped later as a repeat. A change of visibility
(a new manager, a role) therefore reaches the policy caches of every process before any
later event is offered to a subscriber there.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence

import redis.asyncio as redis

from events.hub import Hub
from models.events import Event

CHANNEL = "peoplegraph:events"
_CATCH_UP_LIMIT = 5000
_MAX_BACKOFF = 30.0

log = logging.getLogger("peoplegraph.broker.redis")

# A file to append fan-out timestamps to (bench/fanout.py --trace): when each event was published,
# heard by each process and handed to its hub. Unset, nothing is written.
TRACE_VARIABLE = "PEOPLEGRAPH_FANOUT_TRACE"


class _Trace:
    """`pid stage event_id unix_time [occurred_at]` lines, one write per message."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.pid = os.getpid()

    def write(self, stage: str, events: Iterable[tuple[int, str]]) -> None:
        now = time.time()
        lines = "".join(f"{self.pid} {stage} {event_id} {now:.6f} {extra}\n" for event_id, extra in events)
        with open(self.path, "a") as out:
            out.write(lines)


def _trace_from_environment() -> _Trace | None:
    path = os.environ.get(TRACE_VARIABLE)
    return _Trace(path) if path else None


def channel_for(database_url: str) -> str:
    """One channel per database: deployments (or test runs) sharing a Redis never mix their ids."""
    digest = hashlib.sha256(database_url.split("?")[0].encode()).hexdigest()[:16]
    return f"{CHANNEL}:{digest}"


class RedisBroker:
    def __init__(self, url: str, channel: str = CHANNEL, hub: Hub | None = None) -> None:
        self.hub = hub or Hub()
        self.channel = channel
        self._redis = redis.from_url(url)
        self._task: asyncio.Task[None] | None = None
        self._subscribed = asyncio.Event()
        self._connected_once = False
        self._floor = 0
        # Which subscription is listening, None while none is: every event committed by any
        # process is heard while one epoch lasts (web/token_checks.py trusts answers per epoch).
        self.epoch: int | None = None
        self._subscriptions = 0
        self._trace = _trace_from_environment()

    async def start(self) -> None:
        # Start from the log's end: a new process owes nothing to subscribers it never had.
        last = await Event.all().order_by("-id").limit(1).values_list("id", flat=True)
        self.hub.max_seen_id = self._floor = int(str(last[0])) if last else 0
        self._task = asyncio.create_task(self._listen(), name="peoplegraph-redis-listener")
        # Wait briefly for the first subscription, so events committed right after start-up
        # are heard; if Redis is down the listener keeps retrying in the background.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._subscribed.wait(), 5)

    async def stop(self) -> None:
        self.epoch = None
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._redis.aclose()

    async def publish(self, events: Sequence[Event]) -> None:
        if not events:
            return
        try:
            await self._redis.publish(self.channel, json.dumps([e.id for e in events]))
        except redis.RedisError:
            # The events are committed and in the log; every listener catches up on reconnect.
            log.exception("publishing %d events to Redis failed", len(events))
            return
        if self._trace is not None:
            self._trace.write("published", ((e.id, f"{e.occurred_at.timestamp():.6f}") for e in events))

    async def _listen(self) -> None:
        backoff = 0.5
        while True:
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self.channel)
                self._subscribed.set()
                if self._connected_once:
                    await self._catch_up()
                self._connected_once = True
                self._subscriptions += 1
                self.epoch = self._subscriptions
                backoff = 0.5
                async for message in pubsub.listen():
                    if message.get("type") == "message":
                        await self._receive(message["data"])
            except asyncio.CancelledError:
                raise
            except Exception:  # Redis or the database went away: wait and reconnect
                log.exception("Redis listener failed; reconnecting in %.1f s", backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, _MAX_BACKOFF)
            finally:
                self.epoch = None
                # redis-py leaves PubSub.aclose unannotated; its type is this.
                close: Callable[[], Awaitable[None]] = pubsub.aclose
                with contextlib.suppress(Exception):
                    await close()

    async def _receive(self, data: bytes | str) -> None:
        try:
            ids = [int(i) for i in json.loads(data)]
        except (ValueError, TypeError):
            log.warning("ignoring a malformed message on %s", self.channel)
            return
        wanted = [i for i in ids if self.hub.is_new(i)]
        if not wanted:
            return
        if self._trace is not None:
            self._trace.write("heard", ((i, "") for i in wanted))
        newest = max(wanted)
        # From the highest id delivered here (or below the lowest asked for, had that been
        # skipped), so that ids committed earlier by a process that has not published yet
        # are delivered first; bounded, like a catch-up.
        since = min(self.hub.max_seen_id, min(wanted) - 1)
        since = max(since, newest - _CATCH_UP_LIMIT)
        rows = await Event.filter(id__gt=since, id__lte=newest).order_by("id")
        if self._trace is not None:
            self._trace.write("read", ((row.id, "") for row in rows))
        self.hub.deliver(rows)
        if self._trace is not None:
            self._trace.write("offered", ((row.id, "") for row in rows))

    async def _catch_up(self) -> None:
        # Ids a little below the highest seen may have committed late (PostgreSQL assigns ids
        # before commit), so look back a short way; the hub drops ids it already delivered.
        since = max(self._floor, self.hub.max_seen_id - 100)
        rows = await Event.filter(id__gt=since).order_by("id").limit(_CATCH_UP_LIMIT)
        self.hub.deliver(rows)
