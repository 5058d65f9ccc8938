"""The TimeOffRequest and TeamCalendarEntry types; the others are in values.py, filters in filters.py."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from auth.scopes import Scope
from ids import to_global_id
from models import schedules as m
from resolvers.employees import reads as employee_reads
from resolvers.schedules.reads import CalendarEntry
from schema.core.permissions import read_scope
from schema.core.relay import Node, presents, required
from schema.employees.types import Employee
from schema.schedules.values import TimeOffKind, TimeOffPendingReason, TimeOffStatus
from web.context import Info


@presents(m.TimeOffRequest)
@read_scope(Scope.SCHEDULES_READ)
@strawberry.type(
    description="Time off an employee asked for. Seen whole by the employee, their managers and HR; "
    "teammates see only that they are out (`teamCalendar`)."
)
class TimeOffRequest(Node):
    pk: strawberry.Private[int]
    row: strawberry.Private[m.TimeOffRequest]
    kind: TimeOffKind = strawberry.field(description="What the time off is for.")
    status: TimeOffStatus = strawberry.field(description="Where the request stands.")
    starts_on: date = strawberry.field(description="The first day off.")
    ends_on: date = strawberry.field(description="The last day off (the same as startsOn for one day).")
    half_day: bool = strawberry.field(description="Half of a one-day request's day.")
    working_days: float = strawberry.field(
        description="Working days it takes, as counted when requested (pattern less public holidays)."
    )
    note: str = strawberry.field(description="The employee's note.")
    pending_reason: TimeOffPendingReason | None = strawberry.field(
        description="Why it waited (or waits) for a decision; null when it was approved at once."
    )
    decision_note: str = strawberry.field(description="What the decider wrote, if anything.")
    decided_at: datetime | None = strawberry.field(description="When it was approved or declined.")
    created_at: datetime = strawberry.field(description="When it was requested.")

    @classmethod
    def from_row(cls, row: m.TimeOffRequest) -> TimeOffRequest:
        return cls(
            id=strawberry.ID(to_global_id("TimeOffRequest", row.id)),
            pk=row.id,
            row=row,
            kind=TimeOffKind(row.kind),
            status=TimeOffStatus(row.status),
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            half_day=row.half_day,
            working_days=float(row.working_days),
            note=row.note,
            pending_reason=TimeOffPendingReason(row.pending_reason) if row.pending_reason else None,
            decision_note=row.decision_note,
            decided_at=row.decided_at,
            created_at=row.created_at,
        )

    @strawberry.field(description="Who is taking the time off.")
    async def employee(self, info: Info) -> Employee | None:
        return Employee.from_row(
            required(await employee_reads.employee_by_id(info.context.loaders, self.row.employee_id))
        )

    @strawberry.field(description="Who approved or declined it; null when approved at once or undecided.")
    async def decided_by(self, info: Info) -> Employee | None:
        row = await employee_reads.employee_by_id(info.context.loaders, self.row.decided_by_id)
        return Employee.from_row(row) if row else None

    @strawberry.field(
        description="Whether you may approve or decline it (a manager above, or HR, while pending)."
    )
    async def viewer_can_decide(self, info: Info) -> bool:
        policy = await info.context.policy()
        return self.row.status == m.TimeOffStatus.PENDING and policy.can_decide_time_off(self.row)

    @strawberry.field(
        description="Whether you may cancel it (the employee or HR, while pending or approved)."
    )
    async def viewer_can_cancel(self, info: Info) -> bool:
        policy = await info.context.policy()
        return self.row.status in m.OPEN_TIME_OFF_STATUSES and policy.can_cancel_time_off(self.row)


@read_scope(Scope.SCHEDULES_READ)
@strawberry.type(
    description="Someone of the team out (APPROVED) or asking to be (PENDING) on some of the calendar's days."
)
class TeamCalendarEntry:
    entry: strawberry.Private[CalendarEntry]
    starts_on: date = strawberry.field(description="The first day off.")
    ends_on: date = strawberry.field(description="The last day off.")
    half_day: bool = strawberry.field(description="Half of a one-day request's day.")
    status: TimeOffStatus = strawberry.field(description="APPROVED, or PENDING while a manager decides.")

    @classmethod
    def from_entry(cls, entry: CalendarEntry) -> TeamCalendarEntry:
        row = entry.request
        return cls(
            entry=entry,
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            half_day=row.half_day,
            status=TimeOffStatus(row.status),
        )

    @strawberry.field(description="Who is out.")
    async def employee(self, info: Info) -> Employee | None:
        row = await employee_reads.employee_by_id(info.context.loaders, self.entry.request.employee_id)
        return Employee.from_row(required(row))

    @strawberry.field(
        description="What the time off is for; null unless you are the employee, their manager, HR or a service."
    )
    def kind(self) -> TimeOffKind | None:
        return TimeOffKind(self.entry.request.kind) if self.entry.whole else None

    @strawberry.field(description="The employee's note; null unless you may see the whole request.")
    def note(self) -> str | None:
        return self.entry.request.note if self.entry.whole else None

    @strawberry.field(description="The request itself; null unless you may see it whole.")
    def request(self) -> TimeOffRequest | None:
        return TimeOffRequest.from_row(self.entry.request) if self.entry.whole else None
