"""The Task type, its filters and orders."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

import strawberry

from models import employees as em
from models import tasks as m
from models import teams as tm
from resolvers import tasks as r
from resolvers.ids import to_global_id
from resolvers.listing import child_listing
from resolvers.pagination import PageArgs, SortKey
from schema.common import pk_of
from schema.context import Info
from schema.employees import Employee
from schema.enums import OrderDirection, TaskPriority, TaskStatus
from schema.relay import Connection, Node, to_connection


@strawberry.enum(description="Fields tasks can be ordered by.")
class TaskOrderField(Enum):
    CREATED_AT = strawberry.enum_value("CREATED_AT", description="When the task was created.")
    UPDATED_AT = strawberry.enum_value("UPDATED_AT", description="When the task last changed.")
    DUE_DATE = strawberry.enum_value("DUE_DATE", description="Due date; tasks without one come last.")
    TITLE = strawberry.enum_value("TITLE", description="Title.")


@strawberry.input(description="How to order tasks; ties break on ID.")
class TaskOrder:
    field: TaskOrderField = strawberry.field(description="The field to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC, description="The direction.")


def task_sort(order: TaskOrder | None) -> SortKey:
    if order is None:
        return SortKey("created_at", descending=True)
    return SortKey(r.TASK_ORDER_FIELDS[order.field.value], order.direction == OrderDirection.DESC)


@strawberry.input(description="Narrow a list of tasks; all given conditions must hold.")
class TaskFilter:
    status: list[TaskStatus] | None = strawberry.field(default=None, description="Any of these statuses.")
    priority: list[TaskPriority] | None = strawberry.field(
        default=None, description="Any of these priorities."
    )
    assignee_id: strawberry.ID | None = strawberry.field(
        default=None, description="Assigned to this employee."
    )
    creator_id: strawberry.ID | None = strawberry.field(default=None, description="Created by this employee.")
    team_id: strawberry.ID | None = strawberry.field(default=None, description="Belonging to this team.")
    due_before: date | None = strawberry.field(default=None, description="Due before this date.")
    due_after: date | None = strawberry.field(default=None, description="Due after this date.")
    search: str | None = strawberry.field(default=None, description="Part of the title or description.")
    overdue: bool | None = strawberry.field(default=None, description="Only open tasks past their due date.")


def task_filter_kwargs(f: TaskFilter | None) -> dict[str, Any]:
    if f is None:
        return {}
    kwargs: dict[str, Any] = {
        "statuses": [s.value for s in f.status] if f.status else None,
        "priorities": [p.value for p in f.priority] if f.priority else None,
        "assignee_id": pk_of(f.assignee_id, "Employee"),
        "creator_id": pk_of(f.creator_id, "Employee"),
        "team_id": pk_of(f.team_id, "Team"),
        "due_before": f.due_before,
        "due_after": f.due_after,
        "search": f.search,
        "overdue_on": datetime.now(UTC).date() if f.overdue else None,
    }
    return {k: v for k, v in kwargs.items() if v is not None}


@strawberry.type(description="A piece of work assigned to an employee, optionally within a team.")
class Task(Node):
    pk: strawberry.Private[int]
    row: strawberry.Private[m.Task]
    title: str = strawberry.field(description="What is to be done.")
    description: str = strawberry.field(description="Details.")
    status: TaskStatus = strawberry.field(description="Where the task stands.")
    priority: TaskPriority = strawberry.field(description="How urgent it is.")
    due_date: date | None = strawberry.field(description="When it is due, if set.")
    completed_at: datetime | None = strawberry.field(description="When it was marked done.")
    created_at: datetime = strawberry.field(description="When it was created.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    version: int = strawberry.field(description="Increases with every change; pass as `expectedVersion`.")

    @classmethod
    def from_row(cls, row: m.Task) -> Task:
        return cls(
            id=strawberry.ID(to_global_id("Task", row.id)),
            pk=row.id,
            row=row,
            title=row.title,
            description=row.description,
            status=TaskStatus(row.status),
            priority=TaskPriority(row.priority),
            due_date=row.due_date,
            completed_at=row.completed_at,
            created_at=row.created_at,
            updated_at=row.updated_at,
            version=row.version,
        )

    @strawberry.field(description="Who does the task.")
    async def assignee(self, info: Info) -> Employee:
        return Employee.from_row(await info.context.loaders.by_id(em.Employee).load(self.row.assignee_id))

    @strawberry.field(description="Who created the task.")
    async def creator(self, info: Info) -> Employee:
        return Employee.from_row(await info.context.loaders.by_id(em.Employee).load(self.row.creator_id))

    @strawberry.field(description="The team the task belongs to, if any.")
    async def team(self, info: Info) -> Team | None:
        if self.row.team_id is None:
            return None
        row = await info.context.loaders.by_id(tm.Team).load(self.row.team_id)
        return Team.from_row(row) if row else None

    @strawberry.field(description="Whether you may change this task (title, status, assignee, ...).")
    async def viewer_can_update(self, info: Info) -> bool:
        return (await info.context.policy()).can_update_task(self.row)


async def tasks_of(
    info: Info, partition: str, parent_id: int, args: PageArgs, f: TaskFilter | None, order: TaskOrder | None
) -> Connection[Task]:
    spec = r.child_tasks(partition, task_sort(order), args, task_filter_kwargs(f))
    listing = await child_listing(parent_id, spec, info.context.loaders)
    return to_connection(listing.page, Task.from_row, listing.count)


from schema.teams import Team  # noqa: E402  (Team refers back to Task)
