"""The rows aggregates return: the grouped dimensions' values, the measures, `suppressed`.

A dimension's field is null when the query did not group by it, when the group has no value
(tasks without a team), and on the "other" row that merges the groups under the privacy floor.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry

from auth.scopes import Scope
from models.employees import EmployeeRole, EmployeeStatus
from models.tasks import TaskPriority, TaskStatus
from models.training import EnrollmentStatus
from resolvers.employees import reads as employee_reads
from resolvers.stats.dimensions import EmployeeStatsDimension as ED
from resolvers.stats.dimensions import TaskStatsDimension as TD
from resolvers.stats.dimensions import TrainingStatsDimension as RD
from resolvers.stats.tables import StatsRow
from resolvers.teams import reads as team_reads
from resolvers.training import reads as training_reads
from schema.core.permissions import read_scope
from schema.employees.types import Employee
from schema.teams.types import Team
from schema.training.types import TrainingCourse
from web.context import Info

_FLOOR = "`PEOPLEGRAPH_MIN_GROUP_SIZE`, 5 unless set"


async def _team(info: Info, pk: Any) -> Team | None:
    row = await team_reads.team_by_id(info.context.loaders, pk)
    return Team.from_row(row) if row else None


async def _employee(info: Info, pk: Any) -> Employee | None:
    row = await employee_reads.employee_by_id(info.context.loaders, pk)
    return Employee.from_row(row) if row else None


@strawberry.interface(name="StatsRow", description="What every aggregate row carries, whatever it groups.")
class StatsRowFields:
    row: strawberry.Private[StatsRow]

    @strawberry.field(
        description='How many objects the group holds; on the "other" row, all the hidden groups together. '
        "Null only when the whole population asked for is under the privacy floor."
    )
    def count(self) -> int | None:
        return self.row.count

    @strawberry.field(
        description="How many distinct people are behind the group (employees; assignees; enrolled "
        'employees). Null on the "other" row (a person may sit in several hidden groups).'
    )
    def people(self) -> int | None:
        return self.row.people

    @strawberry.field(
        description=f"True on the one row that merges every group of fewer people than the floor ({_FLOOR}), "
        "and the groups hidden with them so that no hidden group can be worked out by subtraction. "
        "Its dimension values are null. HR sees every group exactly, and never this row."
    )
    def suppressed(self) -> bool:
        return self.row.suppressed


@read_scope(Scope.EMPLOYEES_READ)
@strawberry.type(description="One group of employees from `employeeStats`.")
class EmployeeStatsRow(StatsRowFields):
    @strawberry.field(description="The team, when grouped by TEAM.")
    async def team(self, info: Info) -> Team | None:
        return await _team(info, self.row.values.get(ED.TEAM))

    @strawberry.field(description="The direct manager, when grouped by MANAGER.")
    async def manager(self, info: Info) -> Employee | None:
        return await _employee(info, self.row.values.get(ED.MANAGER))

    @strawberry.field(description="The location, when grouped by LOCATION.")
    def location(self) -> str | None:
        return self.row.values.get(ED.LOCATION)

    @strawberry.field(description="The status, when grouped by STATUS.")
    def status(self) -> EmployeeStatus | None:
        return self.row.values.get(ED.STATUS)

    @strawberry.field(description="The role, when grouped by ROLE.")
    def role(self) -> EmployeeRole | None:
        return self.row.values.get(ED.ROLE)

    @strawberry.field(description="The first day of the month of hire, when grouped by HIRE_MONTH.")
    def hire_month(self) -> date | None:
        return self.row.values.get(ED.HIRE_MONTH)


@read_scope(Scope.TASKS_READ)
@strawberry.type(description="One group of tasks from `taskStats`.")
class TaskStatsRow(StatsRowFields):
    @strawberry.field(description="The task's team, when grouped by TEAM.")
    async def team(self, info: Info) -> Team | None:
        return await _team(info, self.row.values.get(TD.TEAM))

    @strawberry.field(description="The assignee's direct manager, when grouped by MANAGER.")
    async def manager(self, info: Info) -> Employee | None:
        return await _employee(info, self.row.values.get(TD.MANAGER))

    @strawberry.field(description="The assignee's location, when grouped by LOCATION.")
    def location(self) -> str | None:
        return self.row.values.get(TD.LOCATION)

    @strawberry.field(description="The status, when grouped by STATUS.")
    def status(self) -> TaskStatus | None:
        return self.row.values.get(TD.STATUS)

    @strawberry.field(description="The priority, when grouped by PRIORITY.")
    def priority(self) -> TaskPriority | None:
        return self.row.values.get(TD.PRIORITY)

    @strawberry.field(description="Whether the group's tasks are overdue, when grouped by OVERDUE.")
    def overdue(self) -> bool | None:
        return self.row.values.get(TD.OVERDUE)

    @strawberry.field(description="The first day of the month due, when grouped by DUE_MONTH.")
    def due_month(self) -> date | None:
        return self.row.values.get(TD.DUE_MONTH)

    @strawberry.field(description="The first day of the month created, when grouped by CREATED_MONTH.")
    def created_month(self) -> date | None:
        return self.row.values.get(TD.CREATED_MONTH)

    @strawberry.field(description="The first day of the month completed, when grouped by COMPLETED_MONTH.")
    def completed_month(self) -> date | None:
        return self.row.values.get(TD.COMPLETED_MONTH)

    @strawberry.field(
        description="The average days from creation to completion of the group's completed tasks "
        "(null if none is completed)."
    )
    def average_days_to_complete(self) -> float | None:
        return self.row.averages.get("days_to_complete")


@read_scope(Scope.TRAINING_READ)
@strawberry.type(description="One group of enrollments from `trainingStats`.")
class TrainingStatsRow(StatsRowFields):
    @strawberry.field(description="The course, when grouped by COURSE.")
    async def course(self, info: Info) -> TrainingCourse | None:
        row = await training_reads.course_by_id(info.context.loaders, self.row.values.get(RD.COURSE))
        return TrainingCourse.from_row(row) if row else None

    @strawberry.field(description="The status, when grouped by STATUS.")
    def status(self) -> EnrollmentStatus | None:
        return self.row.values.get(RD.STATUS)

    @strawberry.field(description="The employee's team, when grouped by TEAM.")
    async def team(self, info: Info) -> Team | None:
        return await _team(info, self.row.values.get(RD.TEAM))

    @strawberry.field(description="The employee's direct manager, when grouped by MANAGER.")
    async def manager(self, info: Info) -> Employee | None:
        return await _employee(info, self.row.values.get(RD.MANAGER))

    @strawberry.field(description="The employee's location, when grouped by LOCATION.")
    def location(self) -> str | None:
        return self.row.values.get(RD.LOCATION)

    @strawberry.field(
        description="The first day of the month the session starts, when grouped by SESSION_MONTH."
    )
    def session_month(self) -> date | None:
        return self.row.values.get(RD.SESSION_MONTH)

    @strawberry.field(description="The first day of the month completed, when grouped by COMPLETED_MONTH.")
    def completed_month(self) -> date | None:
        return self.row.values.get(RD.COMPLETED_MONTH)

    @strawberry.field(description="The average score of the group's scored enrollments (null if none).")
    def average_score(self) -> float | None:
        return self.row.averages.get("score")

    @strawberry.field(description="The average feedback rating given in the group (null if none).")
    def average_feedback_rating(self) -> float | None:
        return self.row.averages.get("feedback_rating")
