"""Task filter and order inputs: the `tasks` root list and every task list of an employee or team.

Kept apart from the types (like every domain's filters.py), so the fields of other domains can
take them as arguments without importing the types."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

import strawberry

from resolvers.core.pagination import SortKey
from resolvers.tasks import reads as r
from schema.core.enums import (
    OrderDirection,
    TaskPriority,
    TaskStatus,
)
from schema.core.ordering import sort_of
from schema.core.paging import pk_of


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
    return sort_of(order, r.TASK_ORDER_FIELDS, SortKey("created_at", descending=True))


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
        "statuses": f.status or None,
        "priorities": f.priority or None,
        "assignee_id": pk_of(f.assignee_id, "Employee"),
        "creator_id": pk_of(f.creator_id, "Employee"),
        "team_id": pk_of(f.team_id, "Team"),
        "due_before": f.due_before,
        "due_after": f.due_after,
        "search": f.search,
        "overdue_on": datetime.now(UTC).date() if f.overdue else None,
    }
    return {k: v for k, v in kwargs.items() if v is not None}
