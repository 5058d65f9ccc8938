"""The schedule types that name no employee: enums, a working pattern, a balance, a holiday.

Apart from types.py so that `Employee`'s fields can return them without an import cycle."""

from __future__ import annotations

from datetime import date, time
from enum import Enum

import strawberry

from auth.scopes import Scope
from models import schedules as m
from resolvers.schedules import reads as r
from schema.core.enums import graphql_enum
from schema.core.permissions import read_scope

graphql_enum(
    m.TimeOffKind,
    description="What time off is for.",
    values={
        m.TimeOffKind.VACATION: "Holiday; 25 days a year are approved at once.",
        m.TimeOffKind.SICK: "Illness; always approved at once, and counted.",
        m.TimeOffKind.PERSONAL: "Personal matters; 3 days a year are approved at once.",
        m.TimeOffKind.PARENTAL: "Parental leave; always decided by a manager or HR.",
        m.TimeOffKind.OTHER: "Anything else; always decided by a manager or HR.",
    },
)
graphql_enum(
    m.TimeOffStatus,
    description="Where a time-off request stands.",
    values={
        m.TimeOffStatus.PENDING: "Waiting for a manager's (or HR's) decision.",
        m.TimeOffStatus.APPROVED: "Approved: at once, or by a manager.",
        m.TimeOffStatus.DECLINED: "Declined by a manager or HR.",
        m.TimeOffStatus.CANCELLED: "Withdrawn before it began.",
    },
)
graphql_enum(
    m.PendingReason,
    name="TimeOffPendingReason",
    description="Why a time-off request waits for a manager's decision.",
    values={
        m.PendingReason.ALLOWANCE: "It goes beyond the year's allowance of its kind.",
        m.PendingReason.COVER: "A team of the employee would have more members away than its cover rule allows.",
    },
)
TimeOffPendingReason = m.PendingReason
TimeOffKind = m.TimeOffKind
TimeOffStatus = m.TimeOffStatus


@strawberry.enum(description="A day of the week.")
class Weekday(Enum):
    MONDAY = strawberry.enum_value(1, description="Monday.")
    TUESDAY = strawberry.enum_value(2, description="Tuesday.")
    WEDNESDAY = strawberry.enum_value(3, description="Wednesday.")
    THURSDAY = strawberry.enum_value(4, description="Thursday.")
    FRIDAY = strawberry.enum_value(5, description="Friday.")
    SATURDAY = strawberry.enum_value(6, description="Saturday.")
    SUNDAY = strawberry.enum_value(7, description="Sunday.")


@read_scope(Scope.SCHEDULES_READ)
@strawberry.type(description="When an employee works: the days and hours of a week, in their time zone.")
class WorkingPattern:
    days: list[Weekday] = strawberry.field(description="The weekdays worked; time off counts only these.")
    day_starts: time = strawberry.field(description="When a working day starts, in `timezone`.")
    day_ends: time = strawberry.field(description="When a working day ends, in `timezone`.")
    timezone: str = strawberry.field(
        description='IANA time zone of the pattern; "today" (no time off in the past) is judged in it.'
    )

    @classmethod
    def from_row(cls, row: m.WorkingPattern) -> WorkingPattern:
        return cls(
            days=[Weekday(d) for d in sorted(row.days)],
            day_starts=time(*divmod(row.day_starts, 60)),
            day_ends=time(*divmod(row.day_ends, 60)),
            timezone=row.timezone,
        )


@read_scope(Scope.SCHEDULES_READ)
@strawberry.type(description="One kind of time off in one year, counted in working days (a half day is 0.5).")
class TimeOffBalance:
    kind: TimeOffKind = strawberry.field(description="The kind of time off.")
    year: int = strawberry.field(description="The calendar year.")
    allowance_days: float | None = strawberry.field(
        description="Days a year approved at once; null where there is no limit (SICK)."
    )
    taken_days: float = strawberry.field(description="Approved days up to and including today.")
    planned_days: float = strawberry.field(description="Approved days after today.")
    pending_days: float = strawberry.field(description="Days of requests waiting for a decision.")
    remaining_days: float | None = strawberry.field(
        description="Allowance less taken and planned days; null where there is no limit."
    )

    @classmethod
    def from_balance(cls, b: r.Balance) -> TimeOffBalance:
        remaining = b.remaining_days
        return cls(
            kind=b.kind,
            year=b.year,
            allowance_days=float(b.allowance_days) if b.allowance_days is not None else None,
            taken_days=float(b.taken_days),
            planned_days=float(b.planned_days),
            pending_days=float(b.pending_days),
            remaining_days=float(remaining) if remaining is not None else None,
        )


@read_scope(Scope.SCHEDULES_READ)
@strawberry.type(description="A public holiday of one location: nobody there works on it.")
class PublicHoliday:
    location: str = strawberry.field(description="The location (as employees' `location` names it).")
    day: date = strawberry.field(description="The date.")
    name: str = strawberry.field(description="What the holiday is called.")

    @classmethod
    def from_row(cls, row: m.PublicHoliday) -> PublicHoliday:
        return cls(location=row.location, day=row.day, name=row.name)
