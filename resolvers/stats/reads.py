"""The aggregate root lists: employees, tasks and enrollments counted by group, over the rows the
policy lets the viewer see (the same rules as the lists), with the privacy floor applied."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tortoise.expressions import Q

from auth.policy import Policy
from models.employees import Employee
from models.tasks import Task
from models.training import Enrollment, EnrollmentStatus
from resolvers.employees.reads import employee_filter
from resolvers.stats.dimensions import (
    EMPLOYEES,
    TASKS,
    TRAINING,
    EmployeeStatsDimension,
    TaskStatsDimension,
    TrainingStatsDimension,
)
from resolvers.stats.tables import StatsRow, grouped_rows
from resolvers.tasks.reads import task_filter


def _narrowing(filters: dict[str, Any], make: Any) -> Q | None:
    given = {k: v for k, v in filters.items() if v is not None}
    return make(**given) if given else None


async def employee_stats(
    policy: Policy, group_by: Sequence[EmployeeStatsDimension], filters: dict[str, Any], floor: int
) -> list[StatsRow]:
    """Employees by group. The directory is open to every reader, so every employee counts."""
    return await grouped_rows(
        EMPLOYEES,
        Employee.all(),
        _narrowing(filters, employee_filter),
        group_by,
        exact=policy.sees_exact_aggregates(),
        floor=floor,
    )


async def task_stats(
    policy: Policy, group_by: Sequence[TaskStatsDimension], filters: dict[str, Any], floor: int
) -> list[StatsRow]:
    """Tasks by group, over the tasks the viewer could list."""
    return await grouped_rows(
        TASKS,
        Task.filter(policy.visible_tasks()),
        _narrowing(filters, task_filter),
        group_by,
        exact=policy.sees_exact_aggregates(),
        floor=floor,
    )


def enrollment_stats_filter(
    *,
    course_id: int | None = None,
    statuses: Sequence[EnrollmentStatus] | None = None,
    category: str | None = None,
    mandatory: bool | None = None,
    session_starts_after: Any = None,
    session_starts_before: Any = None,
) -> Q:
    q = Q()
    if course_id is not None:
        q &= Q(session__course_id=course_id)
    if statuses:
        q &= Q(status__in=statuses)
    if category:
        q &= Q(session__course__category__iexact=category)
    if mandatory is not None:
        q &= Q(session__course__mandatory=mandatory)
    if session_starts_after is not None:
        q &= Q(session__starts_at__gt=session_starts_after)
    if session_starts_before is not None:
        q &= Q(session__starts_at__lt=session_starts_before)
    return q


async def training_stats(
    policy: Policy, group_by: Sequence[TrainingStatsDimension], filters: dict[str, Any], floor: int
) -> list[StatsRow]:
    """Enrollments by group, over the enrollments the viewer could list."""
    return await grouped_rows(
        TRAINING,
        Enrollment.filter(policy.visible_enrollments()),
        _narrowing(filters, enrollment_stats_filter),
        group_by,
        exact=policy.sees_exact_aggregates(),
        floor=floor,
    )
