"""The aggregate root fields: `employeeStats`, `taskStats` and `trainingStats`."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.scopes import Scope
from resolvers.stats import reads as r
from resolvers.stats.dimensions import EmployeeStatsDimension, TaskStatsDimension, TrainingStatsDimension
from resolvers.stats.tables import MAX_DIMENSIONS, MAX_GROUPS
from schema.core.permissions import scoped
from schema.employees.filters import EmployeeFilter, employee_filter_kwargs
from schema.stats.filters import TrainingStatsFilter, training_stats_filter_kwargs
from schema.stats.types import EmployeeStatsRow, TaskStatsRow, TrainingStatsRow
from schema.tasks.filters import TaskFilter, task_filter_kwargs
from web.context import Info

_HOW = (
    " Counted in the database over the rows you could list. Groups of fewer people than the privacy "
    "floor are merged into one row with `suppressed: true` (HR sees every group). "
    f"At most {MAX_DIMENSIONS} dimensions, each once; at most {MAX_GROUPS} groups (TOO_MANY_GROUPS)."
)
_GROUP_BY = "The dimensions to group by, in the order the rows are sorted."


@scoped("Employees counted by group." + _HOW, Scope.EMPLOYEES_READ)
async def employee_stats(
    info: Info,
    group_by: Annotated[list[EmployeeStatsDimension], strawberry.argument(description=_GROUP_BY)],
    filter: Annotated[
        EmployeeFilter | None, strawberry.argument(description="Count only the employees that match.")
    ] = None,
) -> list[EmployeeStatsRow] | None:
    policy = await info.context.policy()
    floor = info.context.settings.min_group_size
    rows = await r.employee_stats(policy, group_by, employee_filter_kwargs(filter), floor)
    return [EmployeeStatsRow(row=row) for row in rows]


@scoped("Tasks counted by group." + _HOW, Scope.TASKS_READ)
async def task_stats(
    info: Info,
    group_by: Annotated[list[TaskStatsDimension], strawberry.argument(description=_GROUP_BY)],
    filter: Annotated[
        TaskFilter | None, strawberry.argument(description="Count only the tasks that match.")
    ] = None,
) -> list[TaskStatsRow] | None:
    policy = await info.context.policy()
    floor = info.context.settings.min_group_size
    rows = await r.task_stats(policy, group_by, task_filter_kwargs(filter), floor)
    return [TaskStatsRow(row=row) for row in rows]


@scoped("Training enrollments counted by group." + _HOW, Scope.TRAINING_READ)
async def training_stats(
    info: Info,
    group_by: Annotated[list[TrainingStatsDimension], strawberry.argument(description=_GROUP_BY)],
    filter: Annotated[
        TrainingStatsFilter | None, strawberry.argument(description="Count only the enrollments that match.")
    ] = None,
) -> list[TrainingStatsRow] | None:
    policy = await info.context.policy()
    floor = info.context.settings.min_group_size
    rows = await r.training_stats(policy, group_by, training_stats_filter_kwargs(filter), floor)
    return [TrainingStatsRow(row=row) for row in rows]
