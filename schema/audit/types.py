"""The audit log: every change, who made it, through which client, and what changed."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from auth.scopes import Scope
from ids import from_global_id, public_data, to_global_id
from models import events as m
from resolvers.audit.reads import AUDIT_ORDER_FIELDS, audit_filter
from resolvers.core.listing import root_listing
from resolvers.core.pagination import SortKey
from resolvers.core.problems import Forbidden
from schema.core.enums import OrderDirection
from schema.core.event_types import EventType
from schema.core.ordering import ORDER_ARGUMENT, sort_of
from schema.core.paging import After, Before, First, Last, page_args, pk_of
from schema.core.permissions import read_scope, scoped_field
from schema.core.relay import Connection, to_connection
from schema.employees.types import Employee
from schema.live.people import shown_person
from web.context import Info


@read_scope(Scope.AUDIT_READ)
@strawberry.type(description="One entry of the event log: a change, who made it and what changed.")
class AuditEvent:
    id: strawberry.ID = strawberry.field(description="The event's ID; increases with time.")
    type: EventType = strawberry.field(description="The event type, such as `TASK_STATUS_CHANGED`.")
    subject_type: str = strawberry.field(description="The type of the changed object, such as `Task`.")
    subject_id: strawberry.ID = strawberry.field(description="The global ID of the changed object.")
    client_id: str | None = strawberry.field(description="The OAuth client the change came through.")
    data: JSON = strawberry.field(
        description="Details of the change; `changed` lists the changed fields, and every reference "
        "(`assigneeId`, `teamId`, ...) is a global ID that `node(id:)` resolves."
    )
    occurred_at: datetime = strawberry.field(description="When the change was committed.")
    actor_pk: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: m.Event) -> AuditEvent:
        return cls(
            id=strawberry.ID(str(row.id)),
            type=EventType(row.type),
            subject_type=row.subject_type,
            subject_id=strawberry.ID(to_global_id(row.subject_type, row.subject_id)),
            client_id=row.client_id,
            data=JSON(public_data(row.data)),
            occurred_at=row.occurred_at,
            actor_pk=row.actor_id,
        )

    @strawberry.field(
        description=(
            "The employee who made the change; null for a service token or when your token lacks "
            f"`{Scope.EMPLOYEES_READ.value}`."
        )
    )
    async def actor(self, info: Info) -> Employee | None:
        return await shown_person(info.context, self.actor_pk)


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


@strawberry.type
class AuditQuery:
    @scoped_field("The event log, newest first unless ordered (HR and service tokens).", Scope.AUDIT_READ)
    async def audit_events(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: Annotated[
            AuditEventFilter | None,
            strawberry.argument(description="Only events meeting all these conditions."),
        ] = None,
        order_by: Annotated[AuditEventOrder | None, ORDER_ARGUMENT] = None,
    ) -> Connection[AuditEvent] | None:
        if not (await info.context.policy()).can_read_audit():
            raise Forbidden(
                "Only HR and service tokens may read the event log.", requiredScope=Scope.AUDIT_READ.value
            )
        args = page_args(first, after, last, before)
        subject_type = subject_id = None
        if filter is not None and filter.subject_id is not None:
            subject_type, subject_id = from_global_id(filter.subject_id)
        q = audit_filter(
            types=[t.value for t in filter.types] if filter and filter.types is not None else None,
            subject_type=subject_type,
            subject_id=subject_id,
            actor_id=pk_of(filter.actor_id, "Employee") if filter else None,
            occurred_after=filter.occurred_after if filter else None,
            occurred_before=filter.occurred_before if filter else None,
        )
        listing = await root_listing(
            m.Event.filter(q), audit_sort(order_by), "auditEvents", args, info.context.loaders
        )
        return to_connection(listing.page, AuditEvent.from_row, listing.count)
