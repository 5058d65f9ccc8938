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
    """Append an event in the caller's transaction; it is published only after commit."""
    if type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {type!r}")
    payload = dict(data or {})
    if changed is not None:
        payload["changed"] = changed
    return await Event.create(
        type=type,
        subject_type=subject_type,
        subject_id=subject_id,
        actor_id=actor_id,
        client_id=client_id,
        data=payload,
        occurred_at=datetime.now(UTC),
        using_db=conn,
    )
