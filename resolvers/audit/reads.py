"""Reading the event log for audit."""

from __future__ import annotations

from datetime import datetime

from tortoise.expressions import Q

AUDIT_ORDER_FIELDS = {"OCCURRED_AT": "occurred_at", "TYPE": "type"}


def audit_filter(
    *,
    types: list[str] | None = None,
    subject_type: str | None = None,
    subject_id: int | None = None,
    actor_id: int | None = None,
    occurred_after: datetime | None = None,
    occurred_before: datetime | None = None,
) -> Q:
    q = Q()
    if types:
        q &= Q(type__in=types)
    if subject_type is not None:
        q &= Q(subject_type=subject_type)
    if subject_id is not None:
        q &= Q(subject_id=subject_id)
    if actor_id is not None:
        q &= Q(actor_id=actor_id)
    if occurred_after is not None:
        q &= Q(occurred_at__gt=occurred_after)
    if occurred_before is not None:
        q &= Q(occurred_at__lt=occurred_before)
    return q
