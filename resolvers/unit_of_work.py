"""One mutation = one transaction: changes, their events, then after-commit notification.

Resolvers raise `UserErrors` inside `mutate(...)` to roll everything back (the event log
included) and report the errors as data.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from auth.policy import Policy
from events.bus import notify_committed
from events.log import append_events, new_event
from models.events import Event
from resolvers.errors import UserError, UserErrors

T = TypeVar("T")


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
    await notify_committed(uow.events)
    return Outcome(value, [])
