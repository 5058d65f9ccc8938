"""What the aggregates group by and measure, per domain, as SQL the database evaluates.

A dimension is a field path (joins included, e.g. `assignee__manager_id`) or an expression
(the month of a date, whether a task is overdue); a value may be converted on the way out
(`YYYY-MM` → the first day of that month). The GraphQL enums are these classes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from tortoise.expressions import Expression, Q
from tortoise.functions import Count, Sum
from tortoise.models import Model

from models.employees import Employee
from models.tasks import OPEN_TASK_STATUSES, Task
from models.training import Enrollment
from resolvers.core.clock import today
from resolvers.stats.dialect import DaysBetween, MonthOfDate, MonthOfTime, one_if


class EmployeeStatsDimension(StrEnum):
    TEAM = "team"
    LOCATION = "location"
    MANAGER = "manager"
    STATUS = "status"
    ROLE = "role"
    HIRE_MONTH = "hire_month"


class TaskStatsDimension(StrEnum):
    TEAM = "team"
    MANAGER = "manager"
    LOCATION = "location"
    STATUS = "status"
    PRIORITY = "priority"
    OVERDUE = "overdue"
    DUE_MONTH = "due_month"
    CREATED_MONTH = "created_month"
    COMPLETED_MONTH = "completed_month"


class TrainingStatsDimension(StrEnum):
    COURSE = "course"
    STATUS = "status"
    TEAM = "team"
    MANAGER = "manager"
    LOCATION = "location"
    SESSION_MONTH = "session_month"
    COMPLETED_MONTH = "completed_month"


def _first_of_month(value: Any) -> date | None:
    """`YYYY-MM` from the database → the first day of that month."""
    if value is None:
        return None
    year, month = str(value).split("-")[:2]
    return date(int(year), int(month), 1)


def _flag(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _keep(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Dimension:
    # A field path, or a factory of the expression (made afresh for each statement).
    source: str | Callable[[], Expression]
    convert: Callable[[Any], Any] = _keep


# The sum and the count of an average's values, as two aggregates (merged rows average right).
AverageSql = Callable[[], tuple[Expression, Expression]]


@dataclass(frozen=True)
class Domain:
    name: str
    model: type[Model]
    person: str  # the field whose distinct values are the people behind a row
    dimensions: Mapping[StrEnum, Dimension]
    averages: Mapping[str, AverageSql] = field(default_factory=dict)


def _overdue() -> Expression:
    return one_if(Q(due_date__lt=today()) & Q(status__in=OPEN_TASK_STATUSES))


EMPLOYEES = Domain(
    name="employees",
    model=Employee,
    person="id",
    dimensions={
        EmployeeStatsDimension.TEAM: Dimension("team_memberships__team_id"),
        EmployeeStatsDimension.LOCATION: Dimension("location"),
        EmployeeStatsDimension.MANAGER: Dimension("manager_id"),
        EmployeeStatsDimension.STATUS: Dimension("status"),
        EmployeeStatsDimension.ROLE: Dimension("role"),
        EmployeeStatsDimension.HIRE_MONTH: Dimension(lambda: MonthOfDate("hire_date"), _first_of_month),
    },
)

TASKS = Domain(
    name="tasks",
    model=Task,
    person="assignee_id",
    dimensions={
        TaskStatsDimension.TEAM: Dimension("team_id"),
        TaskStatsDimension.MANAGER: Dimension("assignee__manager_id"),
        TaskStatsDimension.LOCATION: Dimension("assignee__location"),
        TaskStatsDimension.STATUS: Dimension("status"),
        TaskStatsDimension.PRIORITY: Dimension("priority"),
        TaskStatsDimension.OVERDUE: Dimension(_overdue, _flag),
        TaskStatsDimension.DUE_MONTH: Dimension(lambda: MonthOfDate("due_date"), _first_of_month),
        TaskStatsDimension.CREATED_MONTH: Dimension(lambda: MonthOfTime("created_at"), _first_of_month),
        TaskStatsDimension.COMPLETED_MONTH: Dimension(lambda: MonthOfTime("completed_at"), _first_of_month),
    },
    averages={
        "days_to_complete": lambda: (
            Sum(DaysBetween("completed_at", "created_at")),  # type: ignore[arg-type]  # a function is resolved like a field
            Count("completed_at"),
        ),
    },
)

TRAINING = Domain(
    name="enrollments",
    model=Enrollment,
    person="employee_id",
    dimensions={
        TrainingStatsDimension.COURSE: Dimension("session__course_id"),
        TrainingStatsDimension.STATUS: Dimension("status"),
        TrainingStatsDimension.TEAM: Dimension("employee__team_memberships__team_id"),
        TrainingStatsDimension.MANAGER: Dimension("employee__manager_id"),
        TrainingStatsDimension.LOCATION: Dimension("employee__location"),
        TrainingStatsDimension.SESSION_MONTH: Dimension(
            lambda: MonthOfTime("session__starts_at"), _first_of_month
        ),
        TrainingStatsDimension.COMPLETED_MONTH: Dimension(
            lambda: MonthOfTime("completed_at"), _first_of_month
        ),
    },
    averages={
        "score": lambda: (Sum("score"), Count("score")),
        "feedback_rating": lambda: (Sum("feedback_rating"), Count("feedback_rating")),
    },
)
