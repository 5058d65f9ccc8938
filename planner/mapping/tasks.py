"""Tasks (schema/tasks/types.py): the `Task` type, the task lists of employees and teams, and the
root `tasks` list."""

from __future__ import annotations

from typing import Any

from auth.scopes import Scope
from models import tasks as tkm
from planner.capabilities import can_delete_task, can_update_task
from planner.specs import Capability, Column, Keyed, Listed, Many, Spec, ToOne
from resolvers.core.pagination import SortKey
from resolvers.tasks.reads import TASK_ORDER_FIELDS, TASKS_BY, task_filter

_TASK_FILTER = {"status": "statuses", "priority": "priorities", "search": "search"}
_TASK_SORT = SortKey("created_at", descending=True)  # schema/tasks/filters.py `task_sort`


def _tasks(partition: str) -> Many:
    name = TASKS_BY[partition].name if partition else "tasks"
    return Many(
        tkm.Task,
        partition,
        _TASK_SORT,
        "visible_tasks",
        TASK_ORDER_FIELDS,
        task_filter,
        _TASK_FILTER,
        name=name,
    )


MODELS: dict[str, Any] = {"Task": tkm.Task}

FIELDS: dict[str, dict[str, Spec]] = {
    "Task": {
        "id": Column("id", "id"),
        "title": Column("title", "str"),
        "description": Column("description", "str"),
        "status": Column("status", "enum"),
        "priority": Column("priority", "enum"),
        "dueDate": Column("due_date", "date"),
        "completedAt": Column("completed_at", "datetime"),
        "createdAt": Column("created_at", "datetime"),
        "updatedAt": Column("updated_at", "datetime"),
        "version": Column("version", "int"),
        "viewerCanUpdate": Capability(can_update_task),
        "viewerCanDelete": Capability(can_delete_task),
        "assignee": ToOne("Employee", "assignee_id"),
        "creator": ToOne("Employee", "creator_id"),
        "team": ToOne("Team", "team_id"),
    },
    "Employee": {"tasks": _tasks("assignee_id"), "createdTasks": _tasks("creator_id")},
    "Team": {"tasks": _tasks("team_id")},
}

ROOT_LISTS: dict[str, Many] = {"tasks": _tasks("")}

ROOT_ROWS: dict[str, Listed] = {}

ROOT_ROWS_BY_KEY: dict[str, Keyed] = {}

NODES: dict[str, tuple[Scope, str | None]] = {"Task": (Scope.TASKS_READ, "visible_tasks")}
