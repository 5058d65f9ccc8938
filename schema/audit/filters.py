"""How the `auditEvents` root list is narrowed and ordered."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry

from ids import from_global_id
from resolvers.audit.reads import AUDIT_ORDER_FIELDS
from resolvers.core.pagination import SortKey
from schema.core.enums import OrderDirection
from schema.core.event_types import EventType
from schema.core.ordering import sort_of
from schema.core.paging import pk_of


@strawberry.input(description="Narrow the event log; all given conditions must hold.")
class AuditEventFilter:
    types: list[EventType] | None = strawberry.field(default=None, description="Any of these event types.")
    subject_id: strawberry.ID | None = strawberry.field(default=None, description="Changes to this object.")
    actor_id: strawberry.ID | None = strawberry.field(
        default=None, description="Changes made by this employee."
    )
    occurred_after: datetime | None = strawberry.field(default=None, description="Changes after this time.")
    occurred_before: datetime | None = strawberry.field(default=None, description="Changes before this time.")


@strawberry.enum(description="Fields the event log can be ordered by.")
class AuditEventOrderField(Enum):
    OCCURRED_AT = strawberry.enum_value("OCCURRED_AT", description="When the change was committed.")
    TYPE = strawberry.enum_value("TYPE", description="The event type, alphabetically.")


@strawberry.input(description="How to order the event log; ties break on ID (the order of commits).")
class AuditEventOrder:
    field: AuditEventOrderField = strawberry.field(description="The field to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.DESC, description="The direction.")


def audit_sort(order: AuditEventOrder | None) -> SortKey:
    return sort_of(order, AUDIT_ORDER_FIELDS, SortKey("id", descending=True))


def audit_filter_kwargs(f: AuditEventFilter | None) -> dict[str, Any]:
    """The filter as `resolvers.audit.reads.audit_filter`'s keyword arguments."""
    if f is None:
        return {}
    subject_type = subject_id = None
    if f.subject_id is not None:
        subject_type, subject_id = from_global_id(f.subject_id)
    return dict(
        types=list(f.types) if f.types is not None else None,
        subject_type=subject_type,
        subject_id=subject_id,
        actor_id=pk_of(f.actor_id, "Employee"),
        occurred_after=f.occurred_after,
        occurred_before=f.occurred_before,
    )
