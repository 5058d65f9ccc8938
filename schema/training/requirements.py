"""Required training types: requirements, each employee's status with them, exemptions and the
team compliance report. The rules are in resolvers/training/requirements.py."""

from __future__ import annotations

from datetime import datetime

import strawberry

from auth.scopes import Scope
from ids import to_global_id
from models import training as m
from resolvers.employees import reads as employee_reads
from resolvers.training import reads as r
from resolvers.training.requirements import ComplianceReport as ReportRow
from resolvers.training.requirements import MemberCompliance, RequirementStatus
from schema.core.enums import EmployeeRole, graphql_enum
from schema.core.permissions import read_scope
from schema.core.relay import Node, presents, required
from schema.employees.types import Employee
from schema.teams.types import Team
from schema.training.types import Enrollment, TrainingCourse
from web.context import Info

graphql_enum(
    m.ComplianceStatus,
    description="Where an employee stands with a training requirement.",
    values={
        m.ComplianceStatus.COMPLIANT: "Completed, and the completion satisfies it beyond the window.",
        m.ComplianceStatus.EXPIRING: "Completed, but the completion stops satisfying it within `windowDays`.",
        m.ComplianceStatus.OVERDUE: "Never completed, or the last completion no longer satisfies it.",
        m.ComplianceStatus.EXEMPT: "HR exempted the employee (`exemptFromTrainingRequirement`).",
    },
)


@read_scope(Scope.TRAINING_READ)
@strawberry.type(description="Whom a requirement applies to; an empty list puts no restriction on that axis.")
class TrainingAudience:
    team_ids: list[strawberry.ID] = strawberry.field(
        description="Members (directly) of one of these teams; empty: any team or none."
    )
    roles: list[EmployeeRole] = strawberry.field(description="Employees with one of these roles; empty: any.")
    locations: list[str] = strawberry.field(
        description="Employees at one of these locations (exact); empty: any."
    )


@presents(m.TrainingRequirement)
@read_scope(Scope.TRAINING_READ)
@strawberry.type(
    description="A course that the employees it applies to must complete, again every `everyMonths`."
)
class TrainingRequirement(Node):
    pk: strawberry.Private[int]
    row: strawberry.Private[m.TrainingRequirement]
    every_months: int = strawberry.field(
        description="How long a completion satisfies it, in months (or until its certificate expires, if sooner)."
    )
    window_days: int = strawberry.field(
        description="Days before the end of that period when the status is EXPIRING."
    )
    archived_at: datetime | None = strawberry.field(
        description="When HR archived it; archived requirements are no longer checked or listed."
    )
    created_at: datetime = strawberry.field(description="When HR created it.")

    @classmethod
    def from_row(cls, row: m.TrainingRequirement) -> TrainingRequirement:
        return cls(
            id=strawberry.ID(to_global_id("TrainingRequirement", row.id)),
            pk=row.id,
            row=row,
            every_months=row.every_months,
            window_days=row.window_days,
            archived_at=row.archived_at,
            created_at=row.created_at,
        )

    @strawberry.field(description="The course to complete.")
    async def course(self, info: Info) -> TrainingCourse:
        return TrainingCourse.from_row(
            required(await r.course_by_id(info.context.loaders, self.row.course_id))
        )

    @strawberry.field(description="Whom it applies to.")
    def applies_to(self) -> TrainingAudience:
        return TrainingAudience(
            team_ids=[strawberry.ID(to_global_id("Team", i)) for i in self.row.team_ids],
            roles=[EmployeeRole(v) for v in self.row.roles],
            locations=list(self.row.locations),
        )


@read_scope(Scope.TRAINING_READ)
@strawberry.type(description="HR excused an employee from a training requirement.")
class TrainingExemption:
    row: strawberry.Private[m.TrainingExemption]
    reason: str = strawberry.field(description="Why, as HR wrote it.")
    created_at: datetime = strawberry.field(description="When HR granted it.")

    @classmethod
    def from_row(cls, row: m.TrainingExemption) -> TrainingExemption:
        return cls(row=row, reason=row.reason, created_at=row.created_at)

    @strawberry.field(description="The requirement.")
    async def requirement(self, info: Info) -> TrainingRequirement:
        row = await info.context.loaders.by_id(m.TrainingRequirement).load(self.row.requirement_id)
        return TrainingRequirement.from_row(required(row))

    @strawberry.field(description="The exempt employee; null when your token lacks `employees:read`.")
    async def employee(self, info: Info) -> Employee | None:
        row = await employee_reads.employee_by_id(info.context.loaders, self.row.employee_id)
        return Employee.from_row(required(row))


@presents(RequirementStatus)
@read_scope(Scope.TRAINING_READ)
@strawberry.type(description="Where an employee stands with one training requirement, as of now.")
class TrainingRequirementStatus:
    data: strawberry.Private[RequirementStatus]

    @classmethod
    def from_row(cls, data: RequirementStatus) -> TrainingRequirementStatus:
        return cls(data=data)

    @strawberry.field(description="The requirement.")
    def requirement(self) -> TrainingRequirement:
        return TrainingRequirement.from_row(self.data.requirement)

    @strawberry.field(description="COMPLIANT, EXPIRING, OVERDUE or EXEMPT.")
    def status(self) -> m.ComplianceStatus:
        return self.data.status

    @strawberry.field(
        description="The completion that satisfies the requirement (or last did, when OVERDUE); null if never completed."
    )
    def certificate(self) -> Enrollment | None:
        return Enrollment.from_row(self.data.certificate) if self.data.certificate else None

    @strawberry.field(
        description="When that completion stops satisfying it: `everyMonths` after completion, or the certificate's "
        "expiry if sooner. Null if never completed."
    )
    def expires_at(self) -> datetime | None:
        return self.data.expires_at

    @strawberry.field(description="The exemption, when EXEMPT.")
    def exemption(self) -> TrainingExemption | None:
        return TrainingExemption.from_row(self.data.exemption) if self.data.exemption else None


@read_scope(Scope.TRAINING_READ)
@strawberry.type(description="One member's row of a compliance report.")
class ComplianceReportMember:
    data: strawberry.Private[MemberCompliance]

    @strawberry.field(description="The member; null when your token lacks `employees:read`.")
    def employee(self) -> Employee | None:
        return Employee.from_row(self.data.employee)

    @strawberry.field(description="Their status with each requirement that applies to them, by course title.")
    def requirements(self) -> list[TrainingRequirementStatus]:
        return [TrainingRequirementStatus.from_row(s) for s in self.data.requirements]


@presents(ReportRow)
@read_scope(Scope.TRAINING_READ)
@strawberry.type(description="Required training of a team's members.")
class ComplianceReport:
    data: strawberry.Private[ReportRow]

    @classmethod
    def from_row(cls, data: ReportRow) -> ComplianceReport:
        return cls(data=data)

    @strawberry.field(description="The team; null when your token lacks `employees:read`.")
    def team(self) -> Team | None:
        return Team.from_row(self.data.team)

    @strawberry.field(
        description="The team's direct members you may see, by family name: all of them for HR, service tokens and "
        "the team's lead; for a manager, the members they manage."
    )
    def members(self) -> list[ComplianceReportMember]:
        return [ComplianceReportMember(data=row) for row in self.data.members]
