"""The Task type; its filters and orders are in filters.py."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from auth.scopes import Scope
from ids import to_global_id
from models import tasks as m
from resolvers.employees import reads as employee_reads
from resolvers.teams import reads as team_reads
from schema.core.enums import TaskPriority, TaskStatus
from schema.core.inputs import version_field
from schema.core.permissions import read_scope
from schema.core.relay import Node, presents, required
from schema.employees.types import Employee
from schema.teams.types import Team
from web.context import Info


@presents(m.Task)
@read_scope(Scope.TASKS_READ)
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
    version: int = version_field()

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
    async def assignee(self, info: Info) -> Employee | None:
        return Employee.from_row(
            required(await employee_reads.employee_by_id(info.context.loaders, self.row.assignee_id))
        )

    @strawberry.field(description="Who created the task.")
    async def creator(self, info: Info) -> Employee | None:
        return Employee.from_row(
            required(await employee_reads.employee_by_id(info.context.loaders, self.row.creator_id))
        )

    @strawberry.field(description="The team the task belongs to, if any.")
    async def team(self, info: Info) -> Team | None:
        row = await team_reads.team_by_id(info.context.loaders, self.row.team_id)
        return Team.from_row(row) if row else None

    @strawberry.field(description="Whether you may change this task (title, status, assignee, ...).")
    async def viewer_can_update(self, info: Info) -> bool:
        return (await info.context.policy()).can_update_task(self.row)

    @strawberry.field(
        description="Whether you may delete this task (its creator, managers above the assignee, team leads, HR)."
    )
    async def viewer_can_delete(self, info: Info) -> bool:
        return (await info.context.policy()).can_delete_task(self.row)
