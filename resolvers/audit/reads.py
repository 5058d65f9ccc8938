"""Reading the event log for audit (HR and service tokens: `Policy.can_read_audit`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.expressions import Q

from auth.policy import Policy
from auth.scopes import Scope
from models.events import Event
from resolvers.core.listing import Listing, root_listing
from resolvers.core.loaders import Loaders
from resolvers.core.pagination import PageArgs, SortKey
from resolvers.core.problems import Forbidden

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


async def audit_listing(filters: dict[str, Any], sort: SortKey, args: PageArgs, loaders: Loaders) -> Listing:
    """`Query.auditEvents`: a page of the event log entries that meet `audit_filter(**filters)`."""
    return await root_listing(Event.filter(audit_filter(**filters)), sort, "auditEvents", args, loaders)


def require_audit_reader(policy: Policy) -> None:
    """Only HR and service tokens read the event log: anyone else gets a `Forbidden` error."""
    if not policy.can_read_audit():
        raise Forbidden(
            "Only HR and service tokens may read the event log.", requiredScope=Scope.AUDIT_READ.value
        )
