"""Counting time off: working days of an employee's pattern, less their location's public holidays,
and the allowance of each kind per calendar year."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from tortoise.backends.base.client import BaseDBAsyncClient

from models.employees import Employee
from models.schedules import (
    DEFAULT_DAY_ENDS,
    DEFAULT_DAY_STARTS,
    DEFAULT_WORKING_DAYS,
    PublicHoliday,
    TimeOffKind,
    WorkingPattern,
)

# Days a year of each kind within which a request is approved at once; None: no limit.
# SICK has none (nobody plans being ill; the days still count); PARENTAL and OTHER have none to
# spend at once, so they always wait for a manager, who knows the contract and the law.
ALLOWANCES: dict[TimeOffKind, Decimal | None] = {
    TimeOffKind.VACATION: Decimal(25),
    TimeOffKind.SICK: None,
    TimeOffKind.PERSONAL: Decimal(3),
    TimeOffKind.PARENTAL: Decimal(0),
    TimeOffKind.OTHER: Decimal(0),
}
HALF = Decimal("0.5")


def each_day(start: date, end: date) -> Iterator[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


@dataclass(frozen=True)
class WorkCalendar:
    """Which days an employee works between two dates."""

    weekdays: frozenset[int]
    holidays: frozenset[date]

    def works_on(self, day: date) -> bool:
        return day.isoweekday() in self.weekdays and day not in self.holidays

    def working_days(self, start: date, end: date) -> list[date]:
        return [d for d in each_day(start, end) if self.works_on(d)]

    def count(self, start: date, end: date, half_day: bool) -> Decimal:
        """Working days from `start` to `end`, both included; a half day counts 0.5."""
        days = len(self.working_days(start, end))
        return HALF if half_day and days else Decimal(days)


def default_pattern(employee: Employee) -> WorkingPattern:
    """The pattern of an employee who set none (not saved): Monday to Friday in their time zone."""
    return WorkingPattern(
        employee_id=employee.id,
        days=list(DEFAULT_WORKING_DAYS),
        day_starts=DEFAULT_DAY_STARTS,
        day_ends=DEFAULT_DAY_ENDS,
        timezone=employee.timezone or "UTC",
    )


async def pattern_of(employee: Employee, conn: BaseDBAsyncClient | None = None) -> WorkingPattern:
    found = await WorkingPattern.filter(employee_id=employee.id).using_db(conn).first()
    return found or default_pattern(employee)


async def calendar_of(
    employee: Employee,
    start: date,
    end: date,
    conn: BaseDBAsyncClient | None = None,
    pattern: WorkingPattern | None = None,
) -> tuple[WorkingPattern, WorkCalendar]:
    """The employee's pattern (read unless given) and their working days between `start` and
    `end` (one query for the holidays)."""
    pattern = pattern or await pattern_of(employee, conn)
    holidays = await (
        PublicHoliday.filter(location=employee.location, day__gte=start, day__lte=end)
        .using_db(conn)
        .values_list("day", flat=True)
    )
    return pattern, WorkCalendar(frozenset(pattern.days), frozenset(holidays))  # type: ignore[arg-type]


def local_today(timezone: str, moment: datetime) -> date:
    """The date it is at `moment` in `timezone` (what "today" means to the employee)."""
    return moment.astimezone(ZoneInfo(timezone)).date()


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def days_in_year(
    calendar: WorkCalendar, starts_on: date, ends_on: date, half_day: bool, year: int
) -> Decimal:
    """The working days of a request that fall in `year`."""
    first, last = year_bounds(year)
    start, end = max(starts_on, first), min(ends_on, last)
    return calendar.count(start, end, half_day) if start <= end else Decimal(0)
