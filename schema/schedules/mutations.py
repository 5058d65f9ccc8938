"""Schedule mutations: inputs, payloads and their wiring to the time-off and setup workflows."""

from __future__ import annotations

from datetime import date, time
from enum import Enum
from typing import Annotated

import strawberry

from auth.scopes import Scope
from models import schedules as m
from models.teams import Team as TeamRow
from resolvers.core.validation import Checks
from resolvers.schedules import setup
from resolvers.schedules import workflows as workflow
from schema.core.payloads import UserError, run_mutation
from schema.core.permissions import scoped
from schema.schedules.types import TimeOffRequest
from schema.schedules.values import PublicHoliday, TimeOffKind, Weekday, WorkingPattern
from schema.teams.types import Team
from web.context import Info


@strawberry.enum(description="A manager's answer to a pending time-off request.")
class TimeOffDecision(Enum):
    APPROVE = strawberry.enum_value("approve", description="The request becomes APPROVED.")
    DECLINE = strawberry.enum_value("decline", description="The request becomes DECLINED.")


@strawberry.input(description="Ask for time off for yourself.")
class RequestTimeOffInput:
    kind: TimeOffKind = strawberry.field(description="What the time off is for.")
    starts_on: date = strawberry.field(description="The first day off; not before today in your time zone.")
    ends_on: date = strawberry.field(description="The last day off; not before startsOn.")
    half_day: bool = strawberry.field(default=False, description="Half a day (a one-day request only).")
    note: str | None = strawberry.field(
        default=None, description=f"A note for your manager (up to {workflow.MAX_NOTE:,} characters)."
    )


@strawberry.input(description="Approve or decline a pending request of someone you manage.")
class DecideTimeOffInput:
    id: strawberry.ID = strawberry.field(description="The PENDING request.")
    decision: TimeOffDecision = strawberry.field(description="Approve or decline.")
    note: str | None = strawberry.field(default=None, description="Why, for the employee.")


@strawberry.input(description="Withdraw a time-off request before its first day.")
class CancelTimeOffInput:
    id: strawberry.ID = strawberry.field(description="The PENDING or APPROVED request.")


@strawberry.input(description="Change a working pattern; fields left out keep their value.")
class UpdateWorkingPatternInput:
    employee_id: strawberry.ID | None = strawberry.field(
        default=None, description="Whose pattern (HR and services); yours if omitted."
    )
    days: list[Weekday] | None = strawberry.field(default=None, description="The weekdays worked.")
    day_starts: time | None = strawberry.field(default=None, description="When a working day starts.")
    day_ends: time | None = strawberry.field(default=None, description="When a working day ends.")
    timezone: str | None = strawberry.field(
        default=None, description="IANA time zone, such as Europe/Berlin."
    )


@strawberry.input(description="Add or rename a public holiday of a location (HR).")
class SetPublicHolidayInput:
    location: str = strawberry.field(description="The location, as employees' `location` names it.")
    day: date = strawberry.field(description="The date.")
    name: str = strawberry.field(description="What the holiday is called.")


@strawberry.input(description="Remove a public holiday of a location (HR).")
class RemovePublicHolidayInput:
    location: str = strawberry.field(description="The location.")
    day: date = strawberry.field(description="The date.")


@strawberry.input(description="How many of a team may be away on one day before requests wait for a manager.")
class SetTeamCoverInput:
    team_id: strawberry.ID = strawberry.field(description="The team.")
    max_absent: int | None = strawberry.field(
        default=None, description="At most this many members away on a working day; null removes the rule."
    )


@strawberry.type(description="The result of a time-off mutation.")
class TimeOffRequestPayload:
    time_off_request: TimeOffRequest | None = strawberry.field(
        description="The request as it is now; null when there are errors."
    )
    errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type(description="The result of `updateWorkingPattern`.")
class UpdateWorkingPatternPayload:
    working_pattern: WorkingPattern | None = strawberry.field(
        description="The pattern as it is now; null when there are errors."
    )
    errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type(description="The result of `setPublicHoliday` and `removePublicHoliday`.")
class PublicHolidayPayload:
    public_holiday: PublicHoliday | None = strawberry.field(
        description="The holiday set, or the one removed; null when there are errors."
    )
    errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type(description="The result of `setTeamCover`.")
class SetTeamCoverPayload:
    team: Team | None = strawberry.field(description="The team; null when there are errors.")
    max_absent: int | None = strawberry.field(description="The rule now in force; null for none.")
    errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


def _request(row: m.TimeOffRequest | None, errors: list[UserError]) -> TimeOffRequestPayload:
    return TimeOffRequestPayload(
        time_off_request=TimeOffRequest.from_row(row) if row else None, errors=errors
    )


def _holiday(row: m.PublicHoliday | None, errors: list[UserError]) -> PublicHolidayPayload:
    return PublicHolidayPayload(public_holiday=PublicHoliday.from_row(row) if row else None, errors=errors)


async def request_time_off(
    info: Info,
    input: Annotated[RequestTimeOffInput, strawberry.argument(description="The days you ask for.")],
) -> TimeOffRequestPayload:
    return await run_mutation(
        info,
        Checks(),
        lambda uow: workflow.request_time_off(
            uow,
            kind=input.kind,
            starts_on=input.starts_on,
            ends_on=input.ends_on,
            half_day=input.half_day,
            note=input.note,
        ),
        _request,
    )


async def decide_time_off(
    info: Info,
    input: Annotated[DecideTimeOffInput, strawberry.argument(description="The request and answer.")],
) -> TimeOffRequestPayload:
    checks = Checks()
    request_id = checks.global_id(input.id, "TimeOffRequest", "id")
    approve = input.decision == TimeOffDecision.APPROVE
    return await run_mutation(
        info,
        checks,
        lambda uow: workflow.decide_time_off(uow, request_id=request_id, approve=approve, note=input.note),
        _request,
    )


async def cancel_time_off(
    info: Info, input: Annotated[CancelTimeOffInput, strawberry.argument(description="The request.")]
) -> TimeOffRequestPayload:
    checks = Checks()
    request_id = checks.global_id(input.id, "TimeOffRequest", "id")
    return await run_mutation(
        info, checks, lambda uow: workflow.cancel_time_off(uow, request_id=request_id), _request
    )


async def update_working_pattern(
    info: Info, input: Annotated[UpdateWorkingPatternInput, strawberry.argument(description="The changes.")]
) -> UpdateWorkingPatternPayload:
    checks = Checks()
    employee_id = checks.global_id(input.employee_id, "Employee", "employeeId")
    days = [int(d.value) for d in input.days] if input.days is not None else None
    return await run_mutation(
        info,
        checks,
        lambda uow: setup.update_working_pattern(
            uow,
            employee_id=employee_id,
            days=days,
            day_starts=input.day_starts,
            day_ends=input.day_ends,
            timezone=input.timezone,
        ),
        lambda row, errors: UpdateWorkingPatternPayload(
            working_pattern=WorkingPattern.from_row(row) if row else None, errors=errors
        ),
    )


async def set_public_holiday(
    info: Info, input: Annotated[SetPublicHolidayInput, strawberry.argument(description="The holiday.")]
) -> PublicHolidayPayload:
    return await run_mutation(
        info,
        Checks(),
        lambda uow: setup.set_public_holiday(uow, location=input.location, day=input.day, name=input.name),
        _holiday,
    )


async def remove_public_holiday(
    info: Info, input: Annotated[RemovePublicHolidayInput, strawberry.argument(description="The holiday.")]
) -> PublicHolidayPayload:
    return await run_mutation(
        info,
        Checks(),
        lambda uow: setup.remove_public_holiday(uow, location=input.location, day=input.day),
        _holiday,
    )


async def set_team_cover(
    info: Info, input: Annotated[SetTeamCoverInput, strawberry.argument(description="The team and rule.")]
) -> SetTeamCoverPayload:
    checks = Checks()
    team_id = checks.global_id(input.team_id, "Team", "teamId")

    def build(row: TeamRow | None, errors: list[UserError]) -> SetTeamCoverPayload:
        team = Team.from_row(row) if row else None
        return SetTeamCoverPayload(team=team, max_absent=input.max_absent if row else None, errors=errors)

    return await run_mutation(
        info,
        checks,
        lambda uow: setup.set_team_cover(uow, team_id=team_id, max_absent=input.max_absent),
        build,
    )


@strawberry.type
class ScheduleMutations:
    request_time_off: TimeOffRequestPayload = scoped(
        "Ask for time off. Within your allowance of its kind (and your teams' cover) it is APPROVED at "
        "once; otherwise it is PENDING until a manager above you (or HR) decides. Overlapping requests, "
        "reversed dates and past dates are refused.",
        Scope.SCHEDULES_WRITE,
        request_time_off,
        on="mutation",
    )
    decide_time_off: TimeOffRequestPayload = scoped(
        "Approve or decline a PENDING request, as a manager above the employee or HR.",
        Scope.SCHEDULES_WRITE,
        decide_time_off,
        on="mutation",
    )
    cancel_time_off: TimeOffRequestPayload = scoped(
        "Withdraw your PENDING or APPROVED request before its first day (HR: anyone's).",
        Scope.SCHEDULES_WRITE,
        cancel_time_off,
        on="mutation",
    )
    update_working_pattern: UpdateWorkingPatternPayload = scoped(
        "Change your working days, hours and time zone (HR and services: anyone's).",
        Scope.SCHEDULES_WRITE,
        update_working_pattern,
        on="mutation",
    )
    set_public_holiday: PublicHolidayPayload = scoped(
        "Add or rename a public holiday of a location (HR and services); it is not counted as time off.",
        Scope.SCHEDULES_WRITE,
        set_public_holiday,
        on="mutation",
    )
    remove_public_holiday: PublicHolidayPayload = scoped(
        "Remove a public holiday of a location (HR and services).",
        Scope.SCHEDULES_WRITE,
        remove_public_holiday,
        on="mutation",
    )
    set_team_cover: SetTeamCoverPayload = scoped(
        "Set how many of a team may be away on one day before a request waits for a manager "
        "(HR and the team's lead).",
        Scope.SCHEDULES_WRITE,
        set_team_cover,
        on="mutation",
    )
