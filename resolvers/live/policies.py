"""The policies of this process's live connections and of the endpoint's fast path, one per
principal, and what drops them: an event that can change visibility, from the hub (any
process, through Redis) or from this process's own commit (read your writes).

A policy is reloaded after `POLICY_TTL` seconds at the latest, a safety net for a change that
wrote no event (resolvers/live/stream.py explains the ordering that makes the drop timely).
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
import weakref
from collections.abc import Callable, Sequence

from auth.policy import Policy
from auth.principal import Principal
from events import after_commit
from events.hub import Hub
from models.events import Event
from resolvers.live.rules import changes_visibility

POLICY_TTL = 30.0
_MAX_POLICIES = 10_000

PolicyKey = tuple[int | None, frozenset[str], str | None]


class PolicyCache:
    """The policies of this process's live connections, one per principal (employee, scopes, client).

    Concurrent requests for one principal share one load. `invalidate()` forgets them all; the
    hub calls it (through `observe`) before it offers an event that can change visibility.
    """

    def __init__(self, ttl: float = POLICY_TTL, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self.loads = 0  # how many policies were read from the database (for tests and benchmarks)
        self._entries: dict[PolicyKey, tuple[float, asyncio.Task[Policy]]] = {}

    def invalidate(self) -> None:
        self._entries.clear()

    def observe(self, event: Event) -> None:
        if changes_visibility(event):
            self.invalidate()

    async def get(self, principal: Principal | None) -> Policy:
        if principal is None:
            return await Policy.load(None)
        key = (principal.employee_id, principal.scopes, principal.client_id)
        now = self.clock()
        entry = self._entries.get(key)
        if entry is None or now - entry[0] > self.ttl or unusable(entry[1]):
            if len(self._entries) >= _MAX_POLICIES:
                self._entries.clear()
            self.loads += 1
            entry = self._entries[key] = (now, asyncio.ensure_future(Policy.load(principal)))
        policy = await asyncio.shield(entry[1])  # one subscriber going away must not cancel the others' load
        # Same relationships, this connection's own principal (its token id and expiry).
        return policy if policy.principal is principal else dataclasses.replace(policy, principal=principal)


def unusable(task: asyncio.Task[object]) -> bool:
    """Done without a result, or started on another event loop: not to be awaited again."""
    if task.get_loop() is not asyncio.get_running_loop():
        return True
    return task.done() and (task.cancelled() or task.exception() is not None)


_policy_caches: weakref.WeakKeyDictionary[Hub, PolicyCache] = weakref.WeakKeyDictionary()


def policy_cache(hub: Hub) -> PolicyCache:
    """The policy cache of the process (its live subscriptions and the endpoint's fast path,
    web/fast_reads.py), watching the hub's events and this process's own commits."""
    cache = _policy_caches.get(hub)
    if cache is None:
        cache = _policy_caches[hub] = PolicyCache()
        hub.watch(cache.observe)
        after_commit.add_listener(_forget_policies_on_commit)
    return cache


async def _forget_policies_on_commit(events: Sequence[Event]) -> None:
    """This process's own commits drop the policies they make stale at once, before the mutation
    answers (read your writes); other processes hear of them through their hub. With Redis the
    hub of this process too hears of them only after the round trip, hence this listener."""
    if any(changes_visibility(event) for event in events):
        for cache in list(_policy_caches.values()):
            cache.invalidate()
