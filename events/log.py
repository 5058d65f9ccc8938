"""Writing to the event log, inside the mutation's own transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from models.events import Event

EVENT_TYPES: tuple[str, ...] = (
    "employee.created",
    "employee.updated",
    "team.created",
    "team.updated",
    "team.member_added",
    "team.member_removed",
    "task.created",
    "task.updated",
    "task.status_changed",
    "task.deleted",
    "mentorship.requested",
    "mentorship.accepted",
    "mentorship.declined",
    "mentorship.ended",
    "mentorship.checked_in",
    "training.session_scheduled",
    "training.session_cancelled",
    "training.enrolled",
    "training.waitlisted",
    "training.promoted",
    "training.enrollment_cancelled",
    "training.completed",
    "training.feedback_submitted",
    "webhook.disabled",
)
# Written to the log like the others, but never offered to webhooks or subscriptions as such:
# `access.revoked` tells every process's live connections that a sign-in has ended
# (resolvers/revocation.py writes it, resolvers/event_stream.py closes the connections).
INTERNAL_EVENT_TYPES: tuple[str, ...] = ("access.revoked",)


# Held from the moment a transaction writes its events until it commits, so that on PostgreSQL
# event ids are handed out in commit order: a subscriber or dispatcher that has seen id N will
# never later find a smaller id committing behind it. Writers take it last, after their row
# locks, and hold no other lock while waiting, so it cannot deadlock. SQLite serialises
# writers already.
_EVENT_ORDER_LOCK = 72_626_001


def new_event(
    type: str,
    *,
    subject_type: str,
    subject_id: int,
    actor_id: int | None,
    client_id: str | None,
    data: dict[str, Any] | None = None,
    changed: list[str] | None = None,
) -> Event:
    """An event not yet written; `append_events` writes it in the caller's transaction."""
    if type not in EVENT_TYPES and type not in INTERNAL_EVENT_TYPES:
        raise ValueError(f"unknown event type {type!r}")
    payload = dict(data or {})
    if changed is not None:
        payload["changed"] = changed
    return Event(
        type=type,
        subject_type=subject_type,
        subject_id=subject_id,
        actor_id=actor_id,
        client_id=client_id,
        data=payload,
        occurred_at=datetime.now(UTC),
    )


async def append_events(conn: BaseDBAsyncClient, events: list[Event]) -> None:
    """Write events at the end of a transaction, in commit order (see _EVENT_ORDER_LOCK)."""
    if not events:
        return
    if conn.capabilities.dialect == "postgres":
        await conn.execute_query(f"SELECT pg_advisory_xact_lock({_EVENT_ORDER_LOCK})")
    for event in events:
        event.occurred_at = datetime.now(UTC)
        await event.save(using_db=conn)


async def record_event(
    conn: BaseDBAsyncClient,
    type: str,
    *,
    subject_type: str,
    subject_id: int,
    actor_id: int | None,
    client_id: str | None,
    data: dict[str, Any] | None = None,
    changed: list[str] | None = None,
) -> Event:
    """Append one event now, in the caller's transaction; call it after the transaction's
    other writes, since the ordering lock is held from here to the commit."""
    event = new_event(
        type,
        subject_type=subject_type,
        subject_id=subject_id,
        actor_id=actor_id,
        client_id=client_id,
        data=data,
        changed=changed,
    )
    await append_events(conn, [event])
    return event
