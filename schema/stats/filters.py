"""The dimensions aggregates group by (the resolver's enums, described) and the training filter.

Employees and tasks are narrowed with the lists' own `EmployeeFilter` and `TaskFilter`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from resolvers.stats.dimensions import EmployeeStatsDimension, TaskStatsDimension, TrainingStatsDimension
from schema.core.enums import EnrollmentStatus, graphql_enum
from schema.core.paging import pk_of

_MONTH = "the first day of the month, UTC"

graphql_enum(
    EmployeeStatsDimension,
    description="What `employeeStats` can group employees by.",
    values={
        EmployeeStatsDimension.TEAM: "The team (an employee in two teams counts in both; no team: null).",
        EmployeeStatsDimension.LOCATION: "The location, as written on the profile.",
        EmployeeStatsDimension.MANAGER: "The direct manager (none: null).",
        EmployeeStatsDimension.STATUS: "Active, on leave or terminated.",
        EmployeeStatsDimension.ROLE: "Employee, HR or admin.",
        EmployeeStatsDimension.HIRE_MONTH: f"The month of hire ({_MONTH}).",
    },
)

graphql_enum(
    TaskStatsDimension,
    description="What `taskStats` can group tasks by.",
    values={
        TaskStatsDimension.TEAM: "The task's team (none: null).",
        TaskStatsDimension.MANAGER: "The assignee's direct manager (none: null).",
        TaskStatsDimension.LOCATION: "The assignee's location.",
        TaskStatsDimension.STATUS: "The task's status.",
        TaskStatsDimension.PRIORITY: "The task's priority.",
        TaskStatsDimension.OVERDUE: "Whether the task is open and past its due date (today, UTC).",
        TaskStatsDimension.DUE_MONTH: f"The month the task is due ({_MONTH}; no due date: null).",
        TaskStatsDimension.CREATED_MONTH: f"The month the task was created ({_MONTH}).",
        TaskStatsDimension.COMPLETED_MONTH: f"The month the task was completed ({_MONTH}; open: null).",
    },
)

graphql_enum(
    TrainingStatsDimension,
    description="What `trainingStats` can group enrollments by.",
    values={
        TrainingStatsDimension.COURSE: "The course of the enrollment's session.",
        TrainingStatsDimension.STATUS: "The enrollment's status.",
        TrainingStatsDimension.TEAM: "The employee's team (one in two teams counts in both; no team: null).",
        TrainingStatsDimension.MANAGER: "The employee's direct manager (none: null).",
        TrainingStatsDimension.LOCATION: "The employee's location.",
        TrainingStatsDimension.SESSION_MONTH: f"The month the session starts ({_MONTH}).",
        TrainingStatsDimension.COMPLETED_MONTH: f"The month the training was completed ({_MONTH}; not yet: null).",
    },
)


@strawberry.input(
    description="Narrow the enrollments `trainingStats` counts; all given conditions must hold."
)
class TrainingStatsFilter:
    course_id: strawberry.ID | None = strawberry.field(
        default=None, description="Enrollments in this course."
    )
    status: list[EnrollmentStatus] | None = strawberry.field(
        default=None, description="Any of these statuses."
    )
    category: str | None = strawberry.field(
        default=None, description="Courses of exactly this category (any case)."
    )
    mandatory: bool | None = strawberry.field(
        default=None, description="Only mandatory (true) or optional (false) courses."
    )
    session_starts_after: datetime | None = strawberry.field(
        default=None, description="Sessions starting after this time."
    )
    session_starts_before: datetime | None = strawberry.field(
        default=None, description="Sessions starting before this time."
    )


def training_stats_filter_kwargs(f: TrainingStatsFilter | None) -> dict[str, Any]:
    if f is None:
        return {}
    return {
        "course_id": pk_of(f.course_id, "TrainingCourse"),
        "statuses": f.status or None,
        "category": f.category,
        "mandatory": f.mandatory,
        "session_starts_after": f.session_starts_after,
        "session_starts_before": f.session_starts_before,
    }
