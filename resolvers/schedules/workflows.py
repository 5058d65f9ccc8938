"""Time-off workflows: request (approved at once within allowance and cover), decide, cancel.

A request is approved at once when the employee's allowance of its kind for each year it
touches still holds its working days, and no team of theirs with a cover rule would have more
members away on one of its days than the rule allows. Otherwise it waits, PENDING, for a
manager above the employee (or HR) to `decideTimeOff`. Overlapping open requests are refused;
requests of one employee are serialized by a lock on the employee's row, so two racing requests
cannot both take the same days.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from events.log import EventType
from models.employees import Employee
from models.schedules import (
    OPEN_TIME_OFF_STATUSES,
    PendingReason,
    TeamCoverRule,
    TimeOffKind,
    TimeOffRequest,
    TimeOffStatus,
    WorkingPattern,
)
from models.teams import TeamMembership
from resolvers.core.clock import now
from resolvers.core.errors import ErrorCode, user_error
from resolvers.core.unit_of_work import UnitOfWork
from resolvers.core.validation import Checks
from resolvers.schedules.days import ALLOWANCES, calendar_of, days_in_year, local_today, pattern_of

MAX_NOTE = 1_000
MAX_SPAN_DAYS = 366


def _data(row: TimeOffRequest, **extra: object) -> dict[str, object]:
    return {
        "employeeId": row.employee_id,
        "kind": str(row.kind),
        "startsOn": row.starts_on.isoformat(),
        "endsOn": row.ends_on.isoformat(),
        "status": str(row.status),
        **extra,
    }


def _check_dates(
    checks: Checks, starts_on: date | None, ends_on: date | None, half_day: bool, today: date
) -> None:
    if starts_on is None or ends_on is None:
        for value, name in ((starts_on, "startsOn"), (ends_on, "endsOn")):
            if value is None:
                checks.add(ErrorCode.REQUIRED, f"{name} is required.", name)
        return
    if ends_on < starts_on:
        checks.add(ErrorCode.INVALID, "endsOn comes before startsOn.", "endsOn")
    elif (ends_on - starts_on).days >= MAX_SPAN_DAYS:
        checks.add(ErrorCode.INVALID, f"A request spans at most {MAX_SPAN_DAYS} days.", "endsOn")
    elif half_day and ends_on != starts_on:
        checks.add(
            ErrorCode.INVALID, "A half day is a one-day request: startsOn and endsOn alike.", "halfDay"
        )
    checks.not_in_past(starts_on, today, "startsOn")


async def _over_allowance(
    uow: UnitOfWork,
    employee: Employee,
    pattern: WorkingPattern,
    kind: TimeOffKind,
    starts_on: date,
    ends_on: date,
    half_day: bool,
) -> bool:
    """Whether the request would spend more days of `kind` than a year's allowance holds."""
    allowance = ALLOWANCES[kind]
    if allowance is None:
        return False
    years = range(starts_on.year, ends_on.year + 1)
    first, last = date(years[0], 1, 1), date(years[-1], 12, 31)
    _, calendar = await calendar_of(employee, first, last, uow.conn, pattern)
    others = await TimeOffRequest.filter(
        employee_id=employee.id,
        kind=kind,
        status__in=OPEN_TIME_OFF_STATUSES,
        starts_on__lte=last,
        ends_on__gte=first,
    ).using_db(uow.conn)
    for year in years:
        spent = sum(
            (days_in_year(calendar, r.starts_on, r.ends_on, r.half_day, year) for r in others), Decimal(0)
        )
        if spent + days_in_year(calendar, starts_on, ends_on, half_day, year) > allowance:
            return True
    return False


async def _short_of_cover(uow: UnitOfWork, employee_id: int, days: list[date]) -> bool:
    """Whether a team of the employee with a cover rule would have too many away on one of `days`."""
    if not days:
        return False
    team_ids = (
        await TeamMembership.filter(employee_id=employee_id)
        .using_db(uow.conn)
        .values_list("team_id", flat=True)
    )
    # Locking the rules serializes the requests of a team's members, so two racing requests
    # cannot both take the last free place.
    rules = TeamCoverRule.filter(team_id__in=list(team_ids)).order_by("id").select_for_update()
    for rule in await rules.using_db(uow.conn):
        members = (
            await TeamMembership.filter(team_id=rule.team_id)
            .exclude(employee_id=employee_id)
            .using_db(uow.conn)
            .values_list("employee_id", flat=True)
        )
        away = await TimeOffRequest.filter(
            employee_id__in=list(members),
            status=TimeOffStatus.APPROVED,
            starts_on__lte=days[-1],
            ends_on__gte=days[0],
        ).using_db(uow.conn)
        for day in days:
            absent = {r.employee_id for r in away if r.starts_on <= day <= r.ends_on}
            if len(absent) + 1 > rule.max_absent:
                return True
    return False


async def request_time_off(
    uow: UnitOfWork,
    *,
    kind: TimeOffKind,
    starts_on: date | None,
    ends_on: date | None,
    half_day: bool,
    note: str | None,
) -> TimeOffRequest:
    """The viewer asks for time off for themselves; see the module's doc for when it is approved."""
    policy = uow.actor.policy
    if not policy.can_request_time_off():
        raise user_error(
            ErrorCode.NOT_ALLOWED, "Only an employee requests time off, for themselves.", "input"
        )
    employee = await Employee.filter(id=policy.viewer_id).select_for_update().using_db(uow.conn).get()
    checks = Checks()
    note = checks.text(note, "note", max_length=MAX_NOTE) or ""
    pattern = await pattern_of(employee, uow.conn)
    _check_dates(checks, starts_on, ends_on, half_day, local_today(pattern.timezone, now()))
    checks.raise_if_any()
    assert starts_on is not None and ends_on is not None  # checked above
    _, calendar = await calendar_of(employee, starts_on, ends_on, uow.conn, pattern)
    days = calendar.working_days(starts_on, ends_on)
    if not days:
        raise user_error(
            ErrorCode.INVALID,
            "These dates hold none of your working days: nothing to take off.",
            "input",
            "startsOn",
        )
    overlapping = TimeOffRequest.filter(
        employee_id=employee.id,
        status__in=OPEN_TIME_OFF_STATUSES,
        starts_on__lte=ends_on,
        ends_on__gte=starts_on,
    )
    if await overlapping.using_db(uow.conn).exists():
        raise user_error(
            ErrorCode.CONFLICT,
            "You already have time off requested on some of these days.",
            "input",
            "startsOn",
        )
    reason: PendingReason | None = None
    if kind != TimeOffKind.SICK:
        if await _over_allowance(uow, employee, pattern, kind, starts_on, ends_on, half_day):
            reason = PendingReason.ALLOWANCE
        elif await _short_of_cover(uow, employee.id, days):
            reason = PendingReason.COVER
    row = await TimeOffRequest.create(
        employee_id=employee.id,
        kind=kind,
        status=TimeOffStatus.PENDING if reason else TimeOffStatus.APPROVED,
        starts_on=starts_on,
        ends_on=ends_on,
        half_day=half_day,
        working_days=calendar.count(starts_on, ends_on, half_day),
        note=note,
        pending_reason=reason,
        decided_at=None if reason else now(),
        using_db=uow.conn,
    )
    await uow.record(EventType.TIME_OFF_REQUESTED, "TimeOffRequest", row.id, _data(row))
    if reason is None:
        await uow.record(EventType.TIME_OFF_APPROVED, "TimeOffRequest", row.id, _data(row, automatic=True))
    return row


async def _locked(uow: UnitOfWork, request_id: int | None) -> TimeOffRequest:
    row = await TimeOffRequest.filter(id=request_id).select_for_update().using_db(uow.conn).first()
    if row is None or not uow.actor.policy.can_see_time_off(row):
        raise user_error(ErrorCode.NOT_FOUND, "No such time-off request.", "input", "id")
    return row


async def decide_time_off(
    uow: UnitOfWork, *, request_id: int | None, approve: bool, note: str | None
) -> TimeOffRequest:
    """A manager above the employee (or HR) approves or declines a PENDING request."""
    row = await _locked(uow, request_id)
    if not uow.actor.policy.can_decide_time_off(row):
        raise user_error(
            ErrorCode.NOT_ALLOWED, "Only a manager of the employee, or HR, decides time off.", "input", "id"
        )
    if row.status != TimeOffStatus.PENDING:
        raise user_error(
            ErrorCode.INVALID_TRANSITION,
            f"Only a PENDING request is decided; this one is {TimeOffStatus(row.status).name}.",
            "input",
            "id",
        )
    checks = Checks()
    decision_note = checks.text(note, "note", max_length=MAX_NOTE) or ""
    checks.raise_if_any()
    to = TimeOffStatus.APPROVED if approve else TimeOffStatus.DECLINED
    await (
        TimeOffRequest.filter(id=row.id)
        .using_db(uow.conn)
        .update(
            status=to,
            decided_by_id=uow.actor.employee_id,
            decided_at=now(),
            decision_note=decision_note,
            updated_at=now(),
        )
    )
    await row.refresh_from_db(using_db=uow.conn)
    event = EventType.TIME_OFF_APPROVED if approve else EventType.TIME_OFF_DECLINED
    await uow.record(event, "TimeOffRequest", row.id, _data(row), ["status", "decidedAt"])
    return row


async def cancel_time_off(uow: UnitOfWork, *, request_id: int | None) -> TimeOffRequest:
    """The employee withdraws a PENDING or APPROVED request before its first day (HR: any)."""
    row = await _locked(uow, request_id)
    if not uow.actor.policy.can_cancel_time_off(row):
        raise user_error(
            ErrorCode.NOT_ALLOWED, "Only the employee, or HR, cancels a time-off request.", "input", "id"
        )
    if row.status not in OPEN_TIME_OFF_STATUSES:
        raise user_error(
            ErrorCode.INVALID_TRANSITION,
            f"A {TimeOffStatus(row.status).name} request cannot be cancelled.",
            "input",
            "id",
        )
    employee = await Employee.filter(id=row.employee_id).using_db(uow.conn).get()
    pattern = await pattern_of(employee, uow.conn)
    if row.starts_on <= local_today(pattern.timezone, now()):
        raise user_error(
            ErrorCode.CLOSED, "This time off has begun; it can no longer be cancelled.", "input", "id"
        )
    await (
        TimeOffRequest.filter(id=row.id)
        .using_db(uow.conn)
        .update(status=TimeOffStatus.CANCELLED, updated_at=now())
    )
    await row.refresh_from_db(using_db=uow.conn)
    await uow.record(EventType.TIME_OFF_CANCELLED, "TimeOffRequest", row.id, _data(row), ["status"])
    return row
