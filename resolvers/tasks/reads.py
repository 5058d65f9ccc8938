"""Reading tasks: filters, orders and nested lists."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from tortoise.expressions import Q

from auth.policy import Policy
from models.tasks import OPEN_TASK_STATUSES, Task, TaskPriority, TaskStatus
from resolvers.core.listing import Listing, root_listing
from resolvers.core.loaders import ChildList, Loaders, NestedList, by_partition
from resolvers.core.pagination import PageArgs, SortKey
from resolvers.core.validation import search_condition

TASK_ORDER_FIELDS = {
    "CREATED_AT": "created_at",
    "UPDATED_AT": "updated_at",
    "DUE_DATE": "due_date",
    "TITLE": "title",
}


def task_filter(
    *,
    statuses: Sequence[TaskStatus] | None = None,
    priorities: Sequence[TaskPriority] | None = None,
    assignee_id: int | None = None,
    creator_id: int | None = None,
    team_id: int | None = None,
    due_before: date | None = None,
    due_after: date | None = None,
    search: str | None = None,
    overdue_on: date | None = None,
) -> Q:
    q = Q()
    if statuses:
        q &= Q(status__in=statuses)
    if priorities:
        q &= Q(priority__in=priorities)
    if assignee_id is not None:
        q &= Q(assignee_id=assignee_id)
    if creator_id is not None:
        q &= Q(creator_id=creator_id)
    if team_id is not None:
        q &= Q(team_id=team_id)
    if due_before is not None:
        q &= Q(due_date__lt=due_before)
    if due_after is not None:
        q &= Q(due_date__gt=due_after)
    q &= search_condition(search, "title", "description")
    if overdue_on is not None:
        q &= Q(due_date__lt=overdue_on) & Q(status__in=OPEN_TASK_STATUSES)
    return q


# The template of the lists below (`on` names and partitions each).
_TASKS_BY = NestedList(
    name="Task.by", model=Task, partition="id", visibility=Policy.visible_tasks, filter_fn=task_filter
)
TASKS_BY_ASSIGNEE = _TASKS_BY.on("assignee_id")
TASKS_BY_CREATOR = _TASKS_BY.on("creator_id")
TASKS_BY_TEAM = _TASKS_BY.on("team_id")
TASKS_BY = by_partition(TASKS_BY_ASSIGNEE, TASKS_BY_CREATOR, TASKS_BY_TEAM)


def child_tasks(partition: str, sort: SortKey, args: PageArgs, filters: dict[str, object]) -> ChildList:
    return TASKS_BY[partition].spec(args, sort=sort, filters=filters)


async def task_listing(
    filters: dict[str, Any], policy: Policy, sort: SortKey, args: PageArgs, loaders: Loaders
) -> Listing:
    """The `tasks` root list: the tasks the policy lets the viewer see, narrowed by `filters`."""
    qs = Task.filter(task_filter(**filters)).filter(policy.visible_tasks())
    return await root_listing(qs, sort, "tasks", args, loaders)
