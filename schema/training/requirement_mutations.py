"""Required-training mutations (HR and service tokens): inputs, payloads and their wiring to
resolvers/training/requirement_workflows.py. Attached to `TrainingMutations` (mutations.py)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from models import training as rows
from models.employees import EmployeeRole
from resolvers.core.validation import Checks
from resolvers.training import requirement_workflows as workflow
from schema.core.payloads import UserError, run_mutation
from schema.training.requirements import TrainingExemption, TrainingRequirement
from web.context import Info


@strawberry.input(
    description="Whom a requirement applies to. An empty (or omitted) list puts no restriction on that axis."
)
class TrainingAudienceInput:
    team_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Teams whose direct members it applies to (at most 50)."
    )
    roles: list[EmployeeRole] = strawberry.field(
        default_factory=list, description="Employee roles it applies to."
    )
    locations: list[str] = strawberry.field(
        default_factory=list, description="Locations it applies to, matched exactly (at most 50)."
    )


@strawberry.input(description="A new training requirement.")
class CreateTrainingRequirementInput:
    course_id: strawberry.ID = strawberry.field(description="The course to complete.")
    applies_to: TrainingAudienceInput | None = strawberry.field(
        default=None, description="Whom it applies to; omitted: every employee."
    )
    every_months: int = strawberry.field(
        description="How long a completion satisfies it, in months (1-240); capped by the certificate's expiry."
    )
    window_days: int = strawberry.field(
        default=30, description="Days before that period ends when the status becomes EXPIRING (0-366)."
    )


@strawberry.input(description="The requirement to archive.")
class ArchiveTrainingRequirementInput:
    id: strawberry.ID = strawberry.field(description="The requirement.")


@strawberry.input(description="An employee to excuse from a requirement.")
class ExemptFromTrainingRequirementInput:
    requirement_id: strawberry.ID = strawberry.field(description="The requirement.")
    employee_id: strawberry.ID = strawberry.field(description="The employee.")
    reason: str = strawberry.field(description="Why (1-2000 characters); shown with the exemption.")


@strawberry.input(description="An exemption to lift.")
class RemoveTrainingExemptionInput:
    requirement_id: strawberry.ID = strawberry.field(description="The requirement.")
    employee_id: strawberry.ID = strawberry.field(description="The exempt employee.")


@strawberry.type(description="The result of creating or archiving a training requirement.")
class TrainingRequirementPayload:
    requirement: TrainingRequirement | None = strawberry.field(
        description="The requirement as it is now; null when there are errors."
    )
    errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type(description="The result of granting or lifting an exemption.")
class TrainingExemptionPayload:
    exemption: TrainingExemption | None = strawberry.field(
        description="The exemption granted (or the one lifted); null when there are errors."
    )
    errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


def _requirement(row: rows.TrainingRequirement | None, errors: list[UserError]) -> TrainingRequirementPayload:
    return TrainingRequirementPayload(
        requirement=TrainingRequirement.from_row(row) if row else None, errors=errors
    )


def _exemption(row: rows.TrainingExemption | None, errors: list[UserError]) -> TrainingExemptionPayload:
    return TrainingExemptionPayload(exemption=TrainingExemption.from_row(row) if row else None, errors=errors)


async def create_training_requirement(
    info: Info,
    input: Annotated[CreateTrainingRequirementInput, strawberry.argument(description="The requirement.")],
) -> TrainingRequirementPayload:
    checks = Checks()
    audience = input.applies_to or TrainingAudienceInput()
    fields = workflow.RequirementFields(
        course_id=checks.global_id(input.course_id, "TrainingCourse", "courseId"),
        every_months=input.every_months,
        window_days=input.window_days,
        team_ids=[checks.global_id(i, "Team", "appliesTo.teamIds") for i in audience.team_ids],
        roles=list(audience.roles),
        locations=list(audience.locations),
    )
    return await run_mutation(
        info, checks, lambda uow: workflow.create_requirement(uow, fields), _requirement
    )


async def archive_training_requirement(
    info: Info,
    input: Annotated[ArchiveTrainingRequirementInput, strawberry.argument(description="The requirement.")],
) -> TrainingRequirementPayload:
    checks = Checks()
    requirement_id = checks.global_id(input.id, "TrainingRequirement", "id")
    return await run_mutation(
        info, checks, lambda uow: workflow.archive_requirement(uow, requirement_id), _requirement
    )


async def exempt_from_training_requirement(
    info: Info,
    input: Annotated[
        ExemptFromTrainingRequirementInput, strawberry.argument(description="Who, from what, why.")
    ],
) -> TrainingExemptionPayload:
    checks = Checks()
    requirement_id = checks.global_id(input.requirement_id, "TrainingRequirement", "requirementId")
    employee_id = checks.global_id(input.employee_id, "Employee", "employeeId")
    return await run_mutation(
        info,
        checks,
        lambda uow: workflow.exempt(
            uow, requirement_id=requirement_id, employee_id=employee_id, reason=input.reason
        ),
        _exemption,
    )


async def remove_training_exemption(
    info: Info,
    input: Annotated[RemoveTrainingExemptionInput, strawberry.argument(description="The exemption.")],
) -> TrainingExemptionPayload:
    checks = Checks()
    requirement_id = checks.global_id(input.requirement_id, "TrainingRequirement", "requirementId")
    employee_id = checks.global_id(input.employee_id, "Employee", "employeeId")
    return await run_mutation(
        info,
        checks,
        lambda uow: workflow.remove_exemption(uow, requirement_id=requirement_id, employee_id=employee_id),
        _exemption,
    )
