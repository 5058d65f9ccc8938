"""Writing to the event log, inside the mutation's own transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from models.events import Event


class EventType(StrEnum):
    """Every kind of event the log records: one vocabulary for subscriptions, webhooks and the audit
    log. The value is the stored string, which webhook bodies carry as `type` (Standard Webhooks);
    GraphQL shows the member names (`TASK_CREATED`) as the `EventType` enum."""

    EMPLOYEE_CREATED = "employee.created"
    EMPLOYEE_UPDATED = "employee.updated"
    TEAM_CREATED = "team.created"
    TEAM_UPDATED = "team.updated"
    TEAM_MEMBER_ADDED = "team.member_added"
    TEAM_MEMBER_REMOVED = "team.member_removed"
    TASK_CREATED = "task.created"
    TASK_UPDATED = "task.updated"
    TASK_STATUS_CHANGED = "task.status_changed"
    TASK_DELETED = "task.deleted"
    MENTORSHIP_REQUESTED = "mentorship.requested"
    MENTORSHIP_ACCEPTED = "mentorship.accepted"
    MENTORSHIP_DECLINED = "mentorship.declined"
    MENTORSHIP_ENDED = "mentorship.ended"
    MENTORSHIP_CHECKED_IN = "mentorship.checked_in"
    MENTORSHIP_EXPIRED = "mentorship.expired"
    MENTORSHIP_RATED = "mentorship.rated"
    TRAINING_SESSION_SCHEDULED = "training.session_scheduled"
    TRAINING_SESSION_CANCELLED = "training.session_cancelled"
    TRAINING_ENROLLED = "training.enrolled"
    TRAINING_WAITLISTED = "training.waitlisted"
    TRAINING_PROMOTED = "training.promoted"
    TRAINING_ENROLLMENT_CANCELLED = "training.enrollment_cancelled"
    TRAINING_COMPLETED = "training.completed"
    TRAINING_FEEDBACK_SUBMITTED = "training.feedback_submitted"
    KUDOS_GIVEN = "kudos.given"
    FEEDBACK_REQUESTED = "feedback.requested"
    FEEDBACK_SUBMITTED = "feedback.submitted"
    TIME_OFF_REQUESTED = "time_off.requested"
    TIME_OFF_APPROVED = "time_off.approved"
    TIME_OFF_DECLINED = "time_off.declined"
    TIME_OFF_CANCELLED = "time_off.cancelled"
    WEBHOOK_DISABLED = "webhook.disabled"
    ACCESS_REVOKED = "access.revoked"


EVENT_DESCRIPTIONS: dict[EventType, str] = {
    EventType.EMPLOYEE_CREATED: "An employee record was created.",
    EventType.EMPLOYEE_UPDATED: "An employee's record changed; `changed` lists the fields.",
    EventType.TEAM_CREATED: "A team was created.",
    EventType.TEAM_UPDATED: "A team's name, parent, lead or description changed.",
    EventType.TEAM_MEMBER_ADDED: "Someone joined a team (or became its lead).",
    EventType.TEAM_MEMBER_REMOVED: "Someone left a team.",
    EventType.TASK_CREATED: "A task was created.",
    EventType.TASK_UPDATED: "A task's title, description, priority, due date, assignee or team changed.",
    EventType.TASK_STATUS_CHANGED: "A task moved to another status.",
    EventType.TASK_DELETED: "A task was deleted; the event keeps its title, assignee, creator and team.",
    EventType.MENTORSHIP_REQUESTED: "A mentee asked a mentor for a mentorship.",
    EventType.MENTORSHIP_ACCEPTED: "The mentor accepted a request: the mentorship is active.",
    EventType.MENTORSHIP_DECLINED: "The mentor declined a request.",
    EventType.MENTORSHIP_ENDED: "A mentorship was completed or cancelled (a withdrawn request included).",
    EventType.MENTORSHIP_CHECKED_IN: "A check-in was logged on a mentorship.",
    EventType.MENTORSHIP_EXPIRED: (
        "A request went unanswered for the configured number of days and expired "
        "(`peoplegraph mentorships expire`); the mentee may ask someone else."
    ),
    EventType.MENTORSHIP_RATED: "The mentor or the mentee rated a mentorship that ended (1-5).",
    EventType.TRAINING_SESSION_SCHEDULED: "A training session was scheduled.",
    EventType.TRAINING_SESSION_CANCELLED: "A training session was cancelled, with its seats and waitlist.",
    EventType.TRAINING_ENROLLED: "Someone took a seat in a session.",
    EventType.TRAINING_WAITLISTED: "Someone joined a full session's waitlist.",
    EventType.TRAINING_PROMOTED: "A waitlisted enrollment got a seat that was freed.",
    EventType.TRAINING_ENROLLMENT_CANCELLED: "An enrollment (seat or waitlist place) was cancelled.",
    EventType.TRAINING_COMPLETED: "An outcome was recorded: completed (with any certificate) or no-show.",
    EventType.TRAINING_FEEDBACK_SUBMITTED: "A trained employee rated their session.",
    EventType.KUDOS_GIVEN: "Someone thanked a colleague; the event names both and the skills, not the message.",
    EventType.FEEDBACK_REQUESTED: "Someone asked a colleague for feedback; one event per person asked, without the text.",
    EventType.FEEDBACK_SUBMITTED: "An asked colleague submitted their feedback; the event never carries its body.",
    EventType.TIME_OFF_REQUESTED: "An employee asked for time off (approved at once, or pending for a manager).",
    EventType.TIME_OFF_APPROVED: "Time off was approved: at once within allowance and cover, or by a manager.",
    EventType.TIME_OFF_DECLINED: "A manager (or HR) declined a pending time-off request.",
    EventType.TIME_OFF_CANCELLED: "A time-off request was withdrawn or cancelled before it began.",
    EventType.WEBHOOK_DISABLED: "A webhook endpoint was disabled (failures, `410 Gone` or a revoked client).",
    EventType.ACCESS_REVOKED: (
        "A sign-in ended at once: a token, a refresh-token family, a client or a terminated "
        "employee's access was revoked. Audit only: never offered to webhooks or subscriptions."
    ),
}

# Written to the log like the others, but never offered to webhooks or subscriptions as such:
# `access.revoked` tells every process's live connections that a sign-in has ended
# (resolvers/core/revocation.py writes it, resolvers/live/stream.py closes the connections).
INTERNAL_EVENT_TYPES: tuple[str, ...] = (EventType.ACCESS_REVOKED.value,)
# The types webhooks and subscriptions may ask for.
EVENT_TYPES: tuple[str, ...] = tuple(t.value for t in EventType if t.value not in INTERNAL_EVENT_TYPES)


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
    known = EventType(type)  # ValueError for a type outside the vocabulary
    payload = dict(data or {})
    if changed is not None:
        payload["changed"] = changed
    return Event(
        type=known.value,
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
