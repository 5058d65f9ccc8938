"""Reading time off: an employee's requests and balances, their working pattern, a team's calendar."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import cast

from tortoise.expressions import Q

from auth.policy import Policy
from models.employees import Employee
from models.schedules import (
    OPEN_TIME_OFF_STATUSES,
    PublicHoliday,
    TimeOffKind,
    TimeOffRequest,
    TimeOffStatus,
    WorkingPattern,
)
from models.teams import Team, TeamMembership
from resolvers.core.clock import now
from resolvers.core.listing import child_listing
from resolvers.core.loaders import ChildList, Loaders, NestedList
from resolvers.core.pagination import PageArgs, SortKey
from resolvers.core.problems import BadInput, Forbidden
from resolvers.schedules.days import (
    ALLOWANCES,
    calendar_of,
    days_in_year,
    default_pattern,
    local_today,
    year_bounds,
)

MAX_CALENDAR_DAYS = 92
MIN_YEAR, MAX_YEAR = 2000, 2100


def time_off_filter(
    *,
    statuses: Sequence[TimeOffStatus] | None = None,
    kinds: Sequence[TimeOffKind] | None = None,
    from_: date | None = None,
    to: date | None = None,
) -> Q:
    """Requests of these statuses and kinds with a day between `from_` and `to` (both included)."""
    q = Q()
    if statuses:
        q &= Q(status__in=statuses)
    if kinds:
        q &= Q(kind__in=kinds)
    if from_ is not None:
        q &= Q(ends_on__gte=from_)
    if to is not None:
        q &= Q(starts_on__lte=to)
    return q


TIME_OFF_BY_EMPLOYEE = NestedList(
    name="TimeOffRequest.by.employee_id",
    model=TimeOffRequest,
    partition="employee_id",
    sort=SortKey("starts_on", descending=True),
    visibility=Policy.visible_time_off,
    filter_fn=time_off_filter,
)
PATTERN_OF_EMPLOYEE = NestedList(
    name="WorkingPattern.by.employee_id",
    model=WorkingPattern,
    partition="employee_id",
    sort=SortKey("id"),
)


def time_off_of(args: PageArgs, filters: dict[str, object]) -> ChildList:
    return TIME_OFF_BY_EMPLOYEE.spec(args, filters=filters)


async def working_pattern(loaders: Loaders, employee: Employee) -> WorkingPattern:
    """The employee's pattern (the default one if they set none), batched with its siblings'."""
    listing = await child_listing(employee.id, PATTERN_OF_EMPLOYEE.spec(PageArgs(first=1)), loaders)
    rows = listing.page.rows
    return cast("WorkingPattern", rows[0]) if rows else default_pattern(employee)


async def time_off_by_id(loaders: Loaders, pk: int | None) -> TimeOffRequest | None:
    return None if pk is None else cast("TimeOffRequest | None", await loaders.by_id(TimeOffRequest).load(pk))


@dataclass(frozen=True)
class Balance:
    """One kind of time off in one year: days allowed, taken (up to today), planned (after it)
    and waiting for a decision."""

    kind: TimeOffKind
    year: int
    allowance_days: Decimal | None
    taken_days: Decimal
    planned_days: Decimal
    pending_days: Decimal

    @property
    def remaining_days(self) -> Decimal | None:
        if self.allowance_days is None:
            return None
        return self.allowance_days - self.taken_days - self.planned_days


async def balances(employee: Employee, year: int) -> list[Balance]:
    """The employee's balance of every kind in `year` (three statements)."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise BadInput(f"year must be between {MIN_YEAR} and {MAX_YEAR}.")
    first, last = year_bounds(year)
    pattern, calendar = await calendar_of(employee, first, last)
    today = local_today(pattern.timezone, now())
    rows = await TimeOffRequest.filter(
        employee_id=employee.id, status__in=OPEN_TIME_OFF_STATUSES, starts_on__lte=last, ends_on__gte=first
    )
    result = []
    for kind in TimeOffKind:
        taken = planned = pending = Decimal(0)
        for r in (r for r in rows if r.kind == kind):
            if r.status == TimeOffStatus.PENDING:
                pending += days_in_year(calendar, r.starts_on, r.ends_on, r.half_day, year)
                continue
            # Days up to today are taken, later ones planned.
            if r.starts_on <= today:
                end = min(r.ends_on, today)
                taken += days_in_year(calendar, r.starts_on, end, r.half_day, year)
            if r.ends_on > today:
                start = max(r.starts_on, today + timedelta(days=1))
                planned += days_in_year(calendar, start, r.ends_on, r.half_day, year)
        result.append(Balance(kind, year, ALLOWANCES[kind], taken, planned, pending))
    return result


@dataclass(frozen=True)
class CalendarEntry:
    """Someone out (or asking to be) on some of a calendar's days; `whole` says whether the viewer
    may see the request itself (its kind and note)."""

    request: TimeOffRequest
    whole: bool


async def team_calendar(policy: Policy, team_id: int | None, from_: date, to: date) -> list[CalendarEntry]:
    """Who of the team is away (approved) or asks to be (pending) between `from_` and `to`, by first day."""
    if to < from_:
        raise BadInput("`to` comes before `from`.")
    if (to - from_).days >= MAX_CALENDAR_DAYS:
        raise BadInput(f"A calendar spans at most {MAX_CALENDAR_DAYS} days.")
    team = await Team.filter(id=team_id).first() if team_id is not None else None
    if team is None:
        raise BadInput("No such team.", code="NOT_FOUND")
    member_ids = await TeamMembership.filter(team_id=team.id).values_list("employee_id", flat=True)
    members = frozenset(cast("list[int]", member_ids))
    if not policy.can_see_team_calendar(team.id, members):
        raise Forbidden("Only the team's members, its lead, their managers and HR see its calendar.")
    rows = await TimeOffRequest.filter(
        time_off_filter(statuses=OPEN_TIME_OFF_STATUSES, from_=from_, to=to), employee_id__in=list(members)
    ).order_by("starts_on", "id")
    return [CalendarEntry(r, policy.can_see_time_off(r)) for r in rows]


def holiday_filter(*, location: str, year: int) -> Q:
    """A location's holidays in `year` (the compiled path builds the same condition)."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise BadInput(f"year must be between {MIN_YEAR} and {MAX_YEAR}.")
    first, last = year_bounds(year)
    return Q(location=location, day__gte=first, day__lte=last)


async def public_holidays(location: str, year: int) -> list[PublicHoliday]:
    """A location's holidays in `year`, by date."""
    return await PublicHoliday.filter(holiday_filter(location=location, year=year)).order_by("day")
