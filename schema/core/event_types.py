"""The `EventType` GraphQL enum: the event log's own vocabulary (events/log.py), not a copy.

GraphQL shows the member names (`TASK_CREATED`); rows, filters and webhook bodies keep the
stored strings (`task.created`), which are the members' values, so no mapping is needed.
"""

from __future__ import annotations

import strawberry

from events.log import EVENT_DESCRIPTIONS, EventType

strawberry.enum(
    EventType,
    name="EventType",
    description=(
        "What happened: one kind of event, as subscriptions, the audit log and webhooks name it. "
        "Webhook bodies carry the dotted form (`TASK_CREATED` is `task.created`)."
    ),
)
# A type added without a description still serves; tests/api/live/test_subscriptions_event_types.py fails on it.
for _value in EventType.__strawberry_definition__.values:  # type: ignore[attr-defined]
    _value.description = EVENT_DESCRIPTIONS.get(EventType(_value.value))


def known_event_type(value: str) -> EventType | None:
    """The member for a stored type; None for a message that is no event (a webhook ping)."""
    try:
        return EventType(value)
    except ValueError:
        return None


__all__ = ["EventType", "known_event_type"]
