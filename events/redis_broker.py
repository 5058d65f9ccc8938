"""Cross-process fan-out through Redis pub/sub: the rows travel, the log fills gaps.

Each process publishes the events it committed (their rows, `encode`) and runs one listener
task that hears every process's messages and hands the rows to the local hub. A message whose
ids follow the highest this hub has delivered is handed over as it is, with no read: every
worker re-reading every event cost a statement per event and worker, and the read's round
trip came before any subscriber was offered the event (bench/README.md, issue 13). Otherwise
(an id skipped, or a message of ids only) the listener reads the log as below. Redis
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
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

import redis.asyncio as redis

from events import trace
from events.hub import Hub
from events.tasks import end_task
from models.events import Event

CHANNEL = "peoplegraph:events"
_CATCH_UP_LIMIT = 5000
_MAX_BACKOFF = 30.0

log = logging.getLogger("peoplegraph.broker.redis")


def encode(events: Sequence[Event]) -> str:
    """The message naming `events`: their rows, so that listeners need not read them again; just
    their ids if a row's `data` is not plain JSON (the listeners then read the rows from the log)."""
    try:
        return json.dumps(
            [
                {**{f: getattr(e, f) for f in _FIELDS}, "occurred_at": e.occurred_at.isoformat()}
                for e in events
            ]
        )
    except (TypeError, ValueError):
        return json.dumps([e.id for e in events])


def decode(data: bytes | str) -> tuple[list[int], list[Event] | None]:
    """The ids a message names, and their rows when it carries them (ids alone: older publishers)."""
    items = json.loads(data)
    if not isinstance(items, list):
        raise ValueError("not a list")
    if all(isinstance(item, int) for item in items):
        return items, None
    rows = [
        Event(**{f: item[f] for f in _FIELDS}, occurred_at=datetime.fromisoformat(item["occurred_at"]))
        for item in items
    ]
    return [int(row.id) for row in rows], rows


_FIELDS = ("id", "type", "subject_type", "subject_id", "actor_id", "client_id", "data")


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
        self._trace = trace.from_environment()

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
        task, self._task = self._task, None
        await end_task(task)
        await self._redis.aclose()

    async def publish(self, events: Sequence[Event]) -> None:
        if not events:
            return
        try:
            await self._redis.publish(self.channel, encode(events))
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
            ids, rows = decode(data)
        except (ValueError, TypeError, KeyError):
            log.warning("ignoring a malformed message on %s", self.channel)
            return
        wanted = sorted(i for i in ids if self.hub.is_new(i))
        if not wanted:
            return
        if self._trace is not None:
            self._trace.write("heard", ((i, "") for i in wanted))
        first = self.hub.max_seen_id + 1
        if rows is not None and wanted == list(range(first, first + len(wanted))):
            # The rows came with the ids and nothing is missing before them: no read, and the
            # hub (its watchers drop stale policies) has them before this process's next request.
            self.hub.deliver(sorted((row for row in rows if row.id >= first), key=lambda row: row.id))
            if self._trace is not None:
                self._trace.write("offered", ((i, "") for i in wanted))
            return
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
