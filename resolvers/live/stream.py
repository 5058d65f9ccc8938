"""Following the event log live: replay what was missed, then go live with no gap, no duplicate.

`follow()` yields the raw event rows one subscription should consider, in this order:

1. it opens its inbox at the hub FIRST, so nothing committed from now on can be missed;
2. with `after`, it replays the log (`id > after`, in id order, paged) — this may include events
   that also reach the inbox, so the replayed ids are remembered;
3. it then drains the inbox, skipping ids it replayed;
4. with a `Seat` (web/ws_relay.py), whenever its inbox is empty it may park: it closes its
   inbox and ends by raising `Parked`, out of the GraphQL pipeline altogether (its operation
   stays open for the client), and its group's leader has its frames written; when promoted it
   is run again from the last event written to it (steps 1 to 3 again), so parking leaves no
   gap either.

The seam therefore has neither a gap (everything committed before step 1 is in the log, every
later commit reaches the inbox) nor a duplicate (the replayed-id set).

Ordering: event ids are commit order. Transactions write their events last, under a lock held
until commit (events/log.py), so no event commits behind a higher id; a client resuming with
`after: 11` cannot have missed a 10. Live delivery also follows commit order (each commit
publishes its own ids after it committed).

Which of these events a subscriber may see, and what it is shown, is decided per event by the
caller (schema/live/subscriptions.py) with the connection's policy from a `PolicyCache`
(resolvers/live/policies.py): one policy per
principal in the process, reloaded after `POLICY_TTL` seconds and dropped at once when the hub
delivers an event that can change visibility (resolvers/live/rules.py `changes_visibility`).
Across processes (Redis) every hub is handed events in commit order (events/redis_broker.py), so
such an event is applied before any later one, whichever worker committed it; the time bound is
a safety net for a change that wrote no event.

Revocation is pushed, not polled: every revocation writes an `access.revoked` event
(resolvers/core/revocation.py) that reaches every process's hub like any other event, and `follow()`
ends at once the subscriptions of the sign-in it names (`TokenGuard.ended_by`). A subscription also
checks its token when it starts, and every `REVOCATION_CHECK_SECONDS` as a safety net (a
revocation committed by a process that could not publish it: no Redis, or Redis away).
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from auth.principal import Principal
from auth.tokens import is_revoked
from events.hub import Hub
from ids import event_pk
from models.events import Event
from resolvers.core.revocation import REVOKED
from resolvers.live.policies import unusable

REPLAY_PAGE = 200
MAX_REPLAY = 10_000
REVOCATION_CHECK_SECONDS = 30.0
REVOCATION_SHARED_SECONDS = 2.0  # a revocation answer reused by the other connections of a token


_revocations: dict[str, tuple[float, asyncio.Task[bool]]] = {}
_watched_hubs: weakref.WeakSet[Hub] = weakref.WeakSet()


async def shared_is_revoked(principal: Principal) -> bool:
    """`is_revoked`, with one query for all connections of a token checking within a moment."""
    token_id = principal.token_id or ""
    now = time.monotonic()
    entry = _revocations.get(token_id)
    if entry is None or now - entry[0] > REVOCATION_SHARED_SECONDS or unusable(entry[1]):
        for jti in [j for j, (at, _) in _revocations.items() if now - at > REVOCATION_SHARED_SECONDS]:
            del _revocations[jti]
        entry = _revocations[token_id] = (now, asyncio.ensure_future(is_revoked(principal)))
    return await asyncio.shield(entry[1])


def _forget_revocation_answers(event: Event) -> None:
    if event.type == REVOKED:  # a shared "not revoked" may be stale now
        _revocations.clear()


def watch_revocations(hub: Hub) -> None:
    if hub not in _watched_hubs:
        _watched_hubs.add(hub)
        hub.watch(_forget_revocation_answers)


class Seat(Protocol):
    """Where a subscription may park while its group's frames are written for it (the relay
    member of web/ws_relay.py)."""

    def park(self, position: int, guard: TokenGuard) -> bool:
        """Park after event `position` (False: stay active, it leads its group); from then on
        the seat watches `guard` (revocation, expiry) and runs the subscription again when
        promoted or ended."""

    def leave(self) -> None: ...


class Parked(BaseException):  # noqa: N818 (not an error: how a parked subscription ends its pipeline)
    """Raised out of `follow` when the subscription parks. A BaseException, so that Strawberry
    and graphql-core, which turn every Exception into a GraphQL error, let it through to the
    WebSocket handler (web/ws_protocol.py), which keeps the operation open without a task."""

    def __init__(self, seat: Seat) -> None:
        super().__init__()
        self.seat = seat


class ResumeTooOld(Exception):
    """`after` is so far behind that replaying would flood the client."""


class TokenNoLongerValid(Exception):
    """The connection's access token expired or was revoked: the client must reconnect."""


@dataclass
class TokenGuard:
    """Ends a live connection when its token expires or is revoked.

    Expiry is checked before every event and by a timer. Revocation: `ended_by` recognises the
    `access.revoked` event of this sign-in as soon as the hub delivers it; the first `check()`
    asks the database (one statement), and so does one every `interval` seconds after it.
    """

    principal: Principal | None
    interval: float = REVOCATION_CHECK_SECONDS
    now: Callable[[], float] = time.time
    revoked: Callable[[Principal], Awaitable[bool]] = shared_is_revoked
    _checked_at: float = float("-inf")

    def seconds_until_check(self) -> float:
        wait = self.interval - (time.monotonic() - self._checked_at)
        if self.principal is not None and self.principal.expires_at is not None:
            wait = min(wait, self.principal.expires_at - self.now())
        return max(wait, 0.0)

    def ended_by(self, event: Event) -> bool:
        """Whether `event` revokes this connection's sign-in: its client, its employee or its token."""
        principal = self.principal
        if principal is None or event.type != REVOKED or not isinstance(event.data, dict):
            return False
        data = event.data
        if principal.client_id is not None and data.get("clientId") == principal.client_id:
            return True
        if principal.employee_id is not None and data.get("employeeId") == principal.employee_id:
            return True
        return principal.token_id is not None and principal.token_id in (data.get("tokenIds") or ())

    async def check(self) -> None:
        principal = self.principal
        if principal is None:
            return
        if principal.expires_at is not None and principal.expires_at <= self.now():
            raise TokenNoLongerValid(EXPIRED_MESSAGE)
        if time.monotonic() - self._checked_at >= self.interval:
            self._checked_at = time.monotonic()
            if await self.revoked(principal):
                raise TokenNoLongerValid(REVOKED_MESSAGE)


REVOKED_MESSAGE = "The access token has been revoked; reconnect with a new one."
EXPIRED_MESSAGE = "The access token has expired; reconnect with a new one."


def parse_event_id(raw: str | None) -> int | None:
    """An `after:` argument: an event id as a decimal string."""
    if raw is None:
        return None
    return event_pk(raw)  # InvalidId, a ValueError, for anything but a canonical position


async def replay(types: frozenset[str], after: int) -> AsyncIterator[Event]:
    """Events of `types` with ids above `after`, from the log, in id order."""
    cursor, sent = after, 0
    while True:
        rows = await Event.filter(id__gt=cursor, type__in=list(types)).order_by("id").limit(REPLAY_PAGE)
        if not rows:
            return
        for row in rows:
            sent += 1
            if sent > MAX_REPLAY:
                raise ResumeTooOld(
                    f"More than {MAX_REPLAY} events happened since `after`; reload and subscribe without it."
                )
            yield row
        cursor = rows[-1].id


async def follow(
    hub: Hub,
    types: frozenset[str],
    wants: Callable[[Event], bool],
    *,
    after: int | None,
    guard: TokenGuard,
    seat: Seat | None = None,
) -> AsyncIterator[Event]:
    """Yield events of `types` that pass `wants`: the replay after `after`, then live ones.

    With a `seat`, whenever nothing is waiting the subscription offers to park; if it does, its
    inbox closes and `Parked` is raised (the seat stays its group's until it is run again).
    """

    def accepts(event: Event) -> bool:
        return event.type in types and wants(event)

    watch_revocations(hub)
    inbox = hub.open(lambda event: accepts(event) or guard.ended_by(event))  # before reading the log
    position = hub.max_seen_id  # what came before is in the log; live events after it come here
    parked = False
    try:
        await guard.check()  # a revocation announced before the inbox opened is in the database
        replayed: set[int] = set()
        if after is not None:
            async for event in replay(types, after):
                if accepts(event):
                    replayed.add(event.id)
                    position = max(position, event.id)
                    await guard.check()
                    yield event
        while True:
            if seat is not None and inbox.pending == 0 and seat.park(position, guard):
                parked = True
                raise Parked(seat)
            pushed = await inbox.get(within=guard.seconds_until_check())
            await guard.check()
            if pushed is None:
                continue
            if guard.ended_by(pushed):
                raise TokenNoLongerValid(REVOKED_MESSAGE)
            position = max(position, pushed.id)
            if pushed.id in replayed:
                replayed.discard(pushed.id)
                continue
            yield pushed
    finally:
        hub.close(inbox)
        if seat is not None and not parked:
            seat.leave()
