"""The audit log: every change, who made it, through which client, and what changed."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from auth.scopes import Scope
from ids import public_data, to_global_id
from models import events as m
from schema.core.event_types import EventType
from schema.core.permissions import read_scope
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
