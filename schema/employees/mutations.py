"""Employee mutations: your own profile (self-service), and HR creating and changing employees."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry

from auth.rules.employees import HR_CHANGES, SELF_SERVICE
from auth.scopes import Scope
from models.employees import Employee as EmployeeRow
from resolvers.core.validation import Checks
from resolvers.employees import workflows as workflow
from schema.core.enums import EmployeeRole, EmployeeStatus
from schema.core.inputs import decode_ids, expected_version_field, given
from schema.core.payloads import UserError, run_mutation
from schema.core.permissions import scoped
from schema.employees.types import Employee
from web.context import Info

UNSET: Any = strawberry.UNSET


@strawberry.input(description="Your own profile; only the fields you give change (null clears a text).")
class UpdateMyProfileInput:
    pronouns: str | None = strawberry.field(default=UNSET, description="Your pronouns (up to 40 characters).")
    bio: str | None = strawberry.field(
        default=UNSET, description="A short introduction (up to 2,000 characters)."
    )
    skills: list[str] | None = strawberry.field(
        default=UNSET, description="Your skills: at most 30, each up to 50 characters."
    )
    location: str | None = strawberry.field(default=UNSET, description="Your office or city.")
    timezone: str | None = strawberry.field(
        default=UNSET, description="An IANA time zone such as Europe/Berlin."
    )
    phone: str | None = strawberry.field(default=UNSET, description="Your phone number (sensitive).")
    emergency_contact: str | None = strawberry.field(
        default=UNSET, description="Who to call in an emergency (sensitive)."
    )
    expected_version: int | None = expected_version_field()


@strawberry.input(description="A new employee. E-mail and names are required; the rest has defaults.")
class CreateEmployeeInput:
    email: str = strawberry.field(description="Work e-mail address; unique.")
    given_name: str = strawberry.field(description="Given (first) name, up to 100 characters.")
    family_name: str = strawberry.field(description="Family (last) name, up to 100 characters.")
    job_title: str | None = strawberry.field(default=UNSET, description="Job title.")
    manager_id: strawberry.ID | None = strawberry.field(default=UNSET, description="Their manager.")
    hire_date: date | None = strawberry.field(
        default=UNSET, description="First day of work: from 1950 to a year from now; today if not given."
    )
    role: EmployeeRole | None = strawberry.field(
        default=UNSET,
        description="What they may administer; EMPLOYEE if not given. Only an admin grants ADMIN.",
    )
    status: EmployeeStatus | None = strawberry.field(default=UNSET, description="ACTIVE if not given.")
    location: str | None = strawberry.field(default=UNSET, description="Office or city.")
    timezone: str | None = strawberry.field(default=UNSET, description="An IANA time zone; UTC if not given.")
    pronouns: str | None = strawberry.field(default=UNSET, description="Pronouns.")
    bio: str | None = strawberry.field(default=UNSET, description="A short introduction.")
    skills: list[str] | None = strawberry.field(default=UNSET, description="Skills.")
    phone: str | None = strawberry.field(default=UNSET, description="Phone number (sensitive).")
    birth_date: date | None = strawberry.field(default=UNSET, description="Date of birth (sensitive).")
    emergency_contact: str | None = strawberry.field(
        default=UNSET, description="Emergency contact (sensitive)."
    )


@strawberry.input(description="Change an employee; only the fields you give change.")
class UpdateEmployeeInput:
    id: strawberry.ID = strawberry.field(description="The employee.")
    email: str | None = strawberry.field(default=UNSET, description="Work e-mail address; unique.")
    given_name: str | None = strawberry.field(default=UNSET, description="Given (first) name.")
    family_name: str | None = strawberry.field(default=UNSET, description="Family (last) name.")
    job_title: str | None = strawberry.field(default=UNSET, description="Job title.")
    manager_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The new manager; null for the top of the org chart. Cycles are refused."
    )
    hire_date: date | None = strawberry.field(default=UNSET, description="First day of work.")
    role: EmployeeRole | None = strawberry.field(default=UNSET, description="What they may administer.")
    status: EmployeeStatus | None = strawberry.field(default=UNSET, description="Whether they work here now.")
    location: str | None = strawberry.field(default=UNSET, description="Office or city.")
    timezone: str | None = strawberry.field(default=UNSET, description="An IANA time zone.")
    pronouns: str | None = strawberry.field(default=UNSET, description="Pronouns.")
    bio: str | None = strawberry.field(default=UNSET, description="A short introduction.")
    skills: list[str] | None = strawberry.field(default=UNSET, description="Skills.")
    phone: str | None = strawberry.field(default=UNSET, description="Phone number (sensitive).")
    birth_date: date | None = strawberry.field(default=UNSET, description="Date of birth (sensitive).")
    emergency_contact: str | None = strawberry.field(
        default=UNSET, description="Emergency contact (sensitive)."
    )
    expected_version: int | None = expected_version_field()


@strawberry.type(description="The result of an employee mutation.")
class EmployeePayload:
    employee: Employee | None = strawberry.field(
        description="The employee as it is now; null when there are errors."
    )
    errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


def _hr_changes(input: CreateEmployeeInput | UpdateEmployeeInput, checks: Checks) -> dict[str, Any]:
    changes = given(input, *HR_CHANGES)
    decode_ids(checks, changes, {"manager_id": "Employee"})
    return changes


def _employee(row: EmployeeRow | None, errors: list[UserError]) -> EmployeePayload:
    return EmployeePayload(employee=Employee.from_row(row) if row else None, errors=errors)


async def update_my_profile(
    info: Info, input: Annotated[UpdateMyProfileInput, strawberry.argument(description="What changes.")]
) -> EmployeePayload:
    changes = given(input, *SELF_SERVICE)
    return await run_mutation(
        info,
        Checks(),
        lambda uow: workflow.update_my_profile(uow, expected_version=input.expected_version, changes=changes),
        _employee,
    )


async def create_employee(
    info: Info, input: Annotated[CreateEmployeeInput, strawberry.argument(description="The new employee.")]
) -> EmployeePayload:
    checks = Checks()
    fields = _hr_changes(input, checks)
    return await run_mutation(
        info, checks, lambda uow: workflow.create_employee(uow, fields=fields), _employee
    )


async def update_employee(
    info: Info,
    input: Annotated[UpdateEmployeeInput, strawberry.argument(description="The employee and what changes.")],
) -> EmployeePayload:
    checks = Checks()
    employee_id = checks.global_id(input.id, "Employee", "id")
    changes = _hr_changes(input, checks)
    return await run_mutation(
        info,
        checks,
        lambda uow: workflow.update_employee(
            uow, employee_id=employee_id, expected_version=input.expected_version, changes=changes
        ),
        _employee,
    )


@strawberry.type
class EmployeeMutations:
    update_my_profile: EmployeePayload = scoped(
        "Change your own profile: pronouns, bio, skills, location, time zone, phone, emergency contact. "
        "Names, job, manager and role are changed by HR.",
        Scope.PROFILE_WRITE,
        update_my_profile,
        on="mutation",
    )
    create_employee: EmployeePayload = scoped(
        "Add an employee to the directory (HR and service tokens).",
        Scope.EMPLOYEES_WRITE,
        create_employee,
        on="mutation",
    )
    update_employee: EmployeePayload = scoped(
        "Change any field of an employee, including manager, status and role (HR and service tokens). "
        "A manager that would make a cycle is refused with CYCLE.",
        Scope.EMPLOYEES_WRITE,
        update_employee,
        on="mutation",
    )
