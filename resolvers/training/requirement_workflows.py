"""HR's side of required training: create and archive requirements, exempt employees.

No event is written here: statuses change by the daily check (compliance_check.py), which writes
`training.compliance_changed`; reads (`trainingCompliance`, `complianceReport`) show the status
as of now at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tortoise.exceptions import IntegrityError

from models.employees import Employee, EmployeeRole
from models.teams import Team
from models.training import TrainingCourse, TrainingExemption, TrainingRequirement
from resolvers.core import clock
from resolvers.core.errors import ErrorCode, user_error
from resolvers.core.unit_of_work import UnitOfWork
from resolvers.core.validation import Checks
from resolvers.training.courses import refuse_unless_manager

MAX_EVERY_MONTHS = 240
MAX_WINDOW_DAYS = 366
MAX_AXIS = 50


@dataclass
class RequirementFields:
    course_id: int | None
    every_months: int
    window_days: int
    team_ids: list[int | None] = field(default_factory=list)
    roles: list[EmployeeRole] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)


def _checked_locations(checks: Checks, values: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys(v.strip() for v in values if v.strip()))
    for v in cleaned:
        if len(v) > 120:
            checks.add(
                ErrorCode.TOO_LONG,
                f"A location is at most 120 characters: {v[:20]!r}...",
                "appliesTo",
                "locations",
            )
    return cleaned


async def create_requirement(uow: UnitOfWork, fields: RequirementFields) -> TrainingRequirement:
    refuse_unless_manager(uow)
    checks = Checks()
    if not 1 <= fields.every_months <= MAX_EVERY_MONTHS:
        checks.add(ErrorCode.INVALID, f"everyMonths must be between 1 and {MAX_EVERY_MONTHS}.", "everyMonths")
    if not 0 <= fields.window_days <= MAX_WINDOW_DAYS:
        checks.add(ErrorCode.INVALID, f"windowDays must be between 0 and {MAX_WINDOW_DAYS}.", "windowDays")
    team_ids = sorted({i for i in fields.team_ids if i is not None})
    locations = _checked_locations(checks, fields.locations)
    roles = sorted({r.value for r in fields.roles})
    for name, axis in (("teamIds", team_ids), ("locations", locations)):
        if len(axis) > MAX_AXIS:
            checks.add(ErrorCode.INVALID, f"appliesTo.{name} lists at most {MAX_AXIS}.", "appliesTo", name)
    checks.raise_if_any()
    if (
        fields.course_id is None
        or not await TrainingCourse.filter(id=fields.course_id).using_db(uow.conn).exists()
    ):
        raise user_error(ErrorCode.NOT_FOUND, "No such course.", "input", "courseId")
    if await Team.filter(id__in=team_ids).using_db(uow.conn).count() < len(team_ids):
        raise user_error(
            ErrorCode.NOT_FOUND, "No such team among appliesTo.teamIds.", "input", "appliesTo", "teamIds"
        )
    for other in await TrainingRequirement.filter(
        course_id=fields.course_id, archived_at__isnull=True
    ).using_db(uow.conn):
        if (sorted(other.team_ids), sorted(other.roles), sorted(other.locations)) == (
            team_ids,
            roles,
            sorted(locations),
        ):
            raise user_error(
                ErrorCode.DUPLICATE,
                "A requirement of this course already applies to the same people: archive it first.",
                "input",
                "courseId",
            )
    return await TrainingRequirement.create(
        course_id=fields.course_id,
        team_ids=team_ids,
        roles=roles,
        locations=locations,
        every_months=fields.every_months,
        window_days=fields.window_days,
        using_db=uow.conn,
    )


async def _requirement(uow: UnitOfWork, requirement_id: int | None, name: str) -> TrainingRequirement:
    requirement = (
        await TrainingRequirement.filter(id=requirement_id).select_for_update().using_db(uow.conn).first()
    )
    if requirement is None:
        raise user_error(ErrorCode.NOT_FOUND, "No such training requirement.", "input", name)
    return requirement


async def archive_requirement(uow: UnitOfWork, requirement_id: int | None) -> TrainingRequirement:
    """Retire a requirement: it no longer shows in compliance nor is checked (its history stays)."""
    refuse_unless_manager(uow)
    requirement = await _requirement(uow, requirement_id, "id")
    if requirement.archived_at is not None:
        raise user_error(ErrorCode.INVALID_TRANSITION, "This requirement is archived already.", "input", "id")
    requirement.archived_at = clock.now()
    await requirement.save(using_db=uow.conn, update_fields=["archived_at", "updated_at"])
    return requirement


async def exempt(
    uow: UnitOfWork, *, requirement_id: int | None, employee_id: int | None, reason: str
) -> TrainingExemption:
    refuse_unless_manager(uow)
    checks = Checks()
    cleaned = checks.text(reason, "reason", max_length=2_000, required=True)
    checks.raise_if_any()
    requirement = await _requirement(uow, requirement_id, "requirementId")
    if requirement.archived_at is not None:
        raise user_error(
            ErrorCode.INVALID_TRANSITION, "This requirement is archived.", "input", "requirementId"
        )
    if employee_id is None or not await Employee.filter(id=employee_id).using_db(uow.conn).exists():
        raise user_error(ErrorCode.NOT_FOUND, "No such employee.", "input", "employeeId")
    duplicate = user_error(
        ErrorCode.ALREADY_EXISTS, "This employee is exempt already.", "input", "employeeId"
    )
    if (
        await TrainingExemption.filter(requirement_id=requirement.id, employee_id=employee_id)
        .using_db(uow.conn)
        .exists()
    ):
        raise duplicate
    try:
        return await TrainingExemption.create(
            requirement_id=requirement.id, employee_id=employee_id, reason=cleaned or "", using_db=uow.conn
        )
    except IntegrityError:  # a concurrent exemption came first
        raise duplicate from None


async def remove_exemption(
    uow: UnitOfWork, *, requirement_id: int | None, employee_id: int | None
) -> TrainingExemption:
    """Lift an exemption; the one removed is returned."""
    refuse_unless_manager(uow)
    exemption = (
        await TrainingExemption.filter(requirement_id=requirement_id, employee_id=employee_id)
        .using_db(uow.conn)
        .first()
    )
    if exemption is None:
        raise user_error(
            ErrorCode.NOT_FOUND, "This employee has no exemption from this requirement.", "input"
        )
    await TrainingExemption.filter(id=exemption.id).using_db(uow.conn).delete()
    return exemption
