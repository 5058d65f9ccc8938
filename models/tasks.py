"""Tasks: work assigned to an employee, optionally within a team."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from models._base import updated_at

if TYPE_CHECKING:
    from models.employees import Employee
    from models.teams import Team


class TaskStatus(StrEnum):
    TODO = "todo"
    IN_PROGRESS = "in_progress"
    BLOCKED = "blocked"
    DONE = "done"
    CANCELLED = "cancelled"


class TaskPriority(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    URGENT = "urgent"


# Not finished: what an overdue task still is.
OPEN_TASK_STATUSES = (TaskStatus.TODO, TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED)


class Task(Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=200, db_index=True)
    description = fields.TextField(default="")
    status = fields.CharEnumField(TaskStatus, max_length=16, default=TaskStatus.TODO, db_index=True)
    priority = fields.CharEnumField(TaskPriority, max_length=16, default=TaskPriority.MEDIUM, db_index=True)
    assignee: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "models.Employee", related_name="assigned_tasks", on_delete=fields.RESTRICT
    )
    assignee_id: int
    creator: fields.ForeignKeyRelation[Employee] = fields.ForeignKeyField(
        "models.Employee", related_name="created_tasks", on_delete=fields.RESTRICT
    )
    creator_id: int
    team: fields.ForeignKeyNullableRelation[Team] = fields.ForeignKeyField(
        "models.Team", related_name="tasks", null=True, on_delete=fields.SET_NULL
    )
    team_id: int | None
    due_date = fields.DateField(null=True, db_index=True)
    completed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    updated_at = updated_at()
    version = fields.IntField(default=1)

    class Meta:
        table = "tasks"
        indexes = (("assignee_id", "status"), ("team_id", "status"))
