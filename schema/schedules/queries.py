"""The schedule root fields: `teamCalendar` and `publicHolidays`."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from auth.scopes import Scope
from resolvers.schedules import reads as r
from schema.core.paging import pk_of
from schema.core.permissions import scoped
from schema.schedules.types import TeamCalendarEntry
from schema.schedules.values import PublicHoliday
from web.context import Info


@scoped(
    "Who of a team is out (APPROVED) or asking to be (PENDING) between two dates, by first day. Kind "
    "and note show only to the employee, their managers, HR and services. Open to the team's members, "
    f"its lead, their managers and HR; at most {r.MAX_CALENDAR_DAYS} days.",
    Scope.SCHEDULES_READ,
)
async def team_calendar(
    info: Info,
    team_id: Annotated[strawberry.ID, strawberry.argument(description="The team.")],
    from_: Annotated[date, strawberry.argument(name="from", description="The first day shown.")],
    to: Annotated[date, strawberry.argument(description="The last day shown.")],
) -> list[TeamCalendarEntry] | None:
    policy = await info.context.policy()
    entries = await r.team_calendar(policy, pk_of(team_id, "Team"), from_, to)
    return [TeamCalendarEntry.from_entry(e) for e in entries]


@scoped("The public holidays of a location in a year (HR keeps the table).", Scope.SCHEDULES_READ)
async def public_holidays(
    info: Info,
    location: Annotated[
        str, strawberry.argument(description="The location, as employees' `location` names it.")
    ],
    year: Annotated[int, strawberry.argument(description="The calendar year.")],
) -> list[PublicHoliday] | None:
    return [PublicHoliday.from_row(row) for row in await r.public_holidays(location, year)]
