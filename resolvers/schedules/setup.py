"""What time off is counted against: working patterns (the employee's), public holidays (HR's)
and team cover rules (HR's and the team lead's)."""

from __future__ import annotations

from datetime import date, time

from events.log import EventType
from models.employees import Employee
from models.schedules import PublicHoliday, TeamCoverRule, WorkingPattern
from models.teams import Team
from resolvers.core.errors import ErrorCode, user_error
from resolvers.core.unit_of_work import UnitOfWork
from resolvers.core.validation import Checks
from resolvers.schedules.days import pattern_of

MAX_NAME = 120
MAX_TEAM_ABSENT = 1_000


async def update_working_pattern(
    uow: UnitOfWork,
    *,
    employee_id: int | None,
    days: list[int] | None,
    day_starts: time | None,
    day_ends: time | None,
    timezone: str | None,
) -> WorkingPattern:
    """Change the viewer's pattern (or, for HR and services, anyone's); unset fields are kept."""
    policy = uow.actor.policy
    target = employee_id if employee_id is not None else policy.viewer_id
    if target is None:
        raise user_error(
            ErrorCode.NOT_ALLOWED,
            "A service token has no pattern of its own: give employeeId.",
            "input",
            "employeeId",
        )
    employee = await Employee.filter(id=target).using_db(uow.conn).first()
    if employee is None or not policy.can_edit_working_pattern(employee.id):
        raise user_error(
            ErrorCode.NOT_ALLOWED,
            "You edit your own working pattern; HR edits anyone's.",
            "input",
            "employeeId",
        )
    pattern = await pattern_of(employee, uow.conn)
    checks = Checks()
    if days is not None:
        if not days or any(d < 1 or d > 7 for d in days):
            checks.add(ErrorCode.INVALID, "Working days are one or more weekdays.", "days")
        pattern.days = sorted(set(days))
    zone = checks.timezone(timezone)
    if zone is not None:
        pattern.timezone = zone
    if day_starts is not None:
        pattern.day_starts = day_starts.hour * 60 + day_starts.minute
    if day_ends is not None:
        pattern.day_ends = day_ends.hour * 60 + day_ends.minute
    if pattern.day_ends <= pattern.day_starts:
        checks.add(ErrorCode.INVALID, "The working day ends after it starts.", "dayEnds")
    checks.raise_if_any()
    await pattern.save(using_db=uow.conn)
    await uow.record(
        EventType.EMPLOYEE_UPDATED, "Employee", employee.id, {"employeeId": employee.id}, ["workingPattern"]
    )
    return pattern


def _holiday_checks(location: str | None) -> tuple[Checks, str]:
    checks = Checks()
    place = checks.text(location, "location", max_length=MAX_NAME, required=True) or ""
    return checks, place


async def set_public_holiday(
    uow: UnitOfWork, *, location: str | None, day: date, name: str | None
) -> PublicHoliday:
    """Add (or rename) the public holiday of `location` on `day`: HR and services."""
    if not uow.actor.policy.can_manage_holidays():
        raise user_error(ErrorCode.NOT_ALLOWED, "Public holidays are set by HR.", "input")
    checks, place = _holiday_checks(location)
    title = checks.text(name, "name", max_length=MAX_NAME, required=True) or ""
    checks.raise_if_any()
    holiday = await PublicHoliday.filter(location=place, day=day).using_db(uow.conn).first()
    if holiday is None:
        holiday = await PublicHoliday.create(location=place, day=day, name=title, using_db=uow.conn)
    else:
        holiday.name = title
        await holiday.save(using_db=uow.conn)
    return holiday


async def remove_public_holiday(uow: UnitOfWork, *, location: str | None, day: date) -> PublicHoliday:
    """Remove the public holiday of `location` on `day`: HR and services. Returns it as it was."""
    if not uow.actor.policy.can_manage_holidays():
        raise user_error(ErrorCode.NOT_ALLOWED, "Public holidays are set by HR.", "input")
    checks, place = _holiday_checks(location)
    checks.raise_if_any()
    holiday = await PublicHoliday.filter(location=place, day=day).using_db(uow.conn).first()
    if holiday is None:
        raise user_error(
            ErrorCode.NOT_FOUND, f"{place} has no public holiday on {day.isoformat()}.", "input", "day"
        )
    await PublicHoliday.filter(id=holiday.id).using_db(uow.conn).delete()
    return holiday


async def set_team_cover(uow: UnitOfWork, *, team_id: int | None, max_absent: int | None) -> Team:
    """At most `max_absent` members of the team away on one day (None: no rule): HR, the team lead."""
    team = await Team.filter(id=team_id).using_db(uow.conn).first()
    if team is None:
        raise user_error(ErrorCode.NOT_FOUND, "No such team.", "input", "teamId")
    if not uow.actor.policy.can_manage_team(team):
        raise user_error(ErrorCode.NOT_ALLOWED, "A team's cover is set by its lead or HR.", "input", "teamId")
    if max_absent is None:
        await TeamCoverRule.filter(team_id=team.id).using_db(uow.conn).delete()
    elif not 1 <= max_absent <= MAX_TEAM_ABSENT:
        raise user_error(
            ErrorCode.INVALID, f"maxAbsent is between 1 and {MAX_TEAM_ABSENT}.", "input", "maxAbsent"
        )
    else:
        rule = await TeamCoverRule.filter(team_id=team.id).using_db(uow.conn).first()
        if rule is None:
            await TeamCoverRule.create(team_id=team.id, max_absent=max_absent, using_db=uow.conn)
        else:
            rule.max_absent = max_absent
            await rule.save(using_db=uow.conn)
    await uow.record(EventType.TEAM_UPDATED, "Team", team.id, {"teamId": team.id}, ["coverMaxAbsent"])
    return team
