"""One mutation = one transaction: changes, their events, then after-commit notification.

Resolvers raise `UserErrors` inside `mutate(...)` to roll everything back (the event log
included) and report the errors as data. Inside `request_transaction()` (an idempotent HTTP
request) each mutation is a savepoint of the request's one transaction, and its events are
announced once that transaction commits.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from auth.policy import Policy
from events.after_commit import notify_committed
from events.log import append_events, new_event
from models.events import Event
from resolvers.core.errors import UserError, UserErrors

T = TypeVar("T")


@dataclass
class Committed:
    """What a transaction leaves for the after-commit listeners."""

    events: list[Event] = field(default_factory=list)
    deliveries_queued: bool = False  # webhook deliveries written without an event (a ping, ...)

    def add(self, other: Committed) -> None:
        self.events.extend(other.events)
        self.deliveries_queued = self.deliveries_queued or other.deliveries_queued

    async def announce(self) -> None:
        await notify_committed(self.events, deliveries_queued=self.deliveries_queued)


# What mutations committed in savepoints of an enclosing request transaction: announced only
# when that transaction commits, since nothing is visible to listeners before.
_deferred: ContextVar[Committed | None] = ContextVar("deferred_commits", default=None)


@dataclass
class Actor:
    """Who performs a mutation: the request's policy and the OAuth client it came through."""

    policy: Policy
    client_id: str | None = None

    @property
    def employee_id(self) -> int | None:
        return self.policy.viewer_id


@dataclass
class UnitOfWork:
    actor: Actor
    conn: BaseDBAsyncClient
    events: list[Event] = field(default_factory=list)
    deliveries_queued: bool = False  # set when webhook deliveries are written without an event

    async def record(
        self,
        type: str,
        subject_type: str,
        subject_id: int,
        data: dict[str, Any] | None = None,
        changed: list[str] | None = None,
    ) -> Event:
        event = new_event(
            type,
            subject_type=subject_type,
            subject_id=subject_id,
            actor_id=self.actor.employee_id,
            client_id=self.actor.client_id,
            data=data,
            changed=changed,
        )
        self.events.append(event)  # written at the end of the transaction, in commit order
        return event


@dataclass
class Outcome(Generic[T]):
    value: T | None
    errors: list[UserError]


async def mutate(actor: Actor, work: Callable[[UnitOfWork], Awaitable[T]]) -> Outcome[T]:
    """Run `work` in one transaction; announce its events only after the commit."""
    try:
        async with in_transaction() as conn:
            uow = UnitOfWork(actor, conn)
            value = await work(uow)
            await append_events(conn, uow.events)
    except UserErrors as exc:
        return Outcome(None, exc.errors)
    committed = Committed(uow.events, uow.deliveries_queued)
    deferred = _deferred.get()
    if deferred is not None:
        deferred.add(committed)
    else:
        await committed.announce()
    return Outcome(value, [])


@asynccontextmanager
async def request_transaction() -> AsyncIterator[BaseDBAsyncClient]:
    """One transaction around a whole request: its mutations, their reads and whatever the
    caller writes with the returned connection commit together or not at all."""
    pending = Committed()
    token = _deferred.set(pending)
    try:
        async with in_transaction() as conn:
            yield conn
    finally:
        _deferred.reset(token)
    await pending.announce()
