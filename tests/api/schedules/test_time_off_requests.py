"""requestTimeOff, decideTimeOff, cancelTimeOff: approved at once within allowance, pending beyond
it, decided by a manager, withdrawn by the employee; and every input refused."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from models.events import Event
from models.schedules import PublicHoliday, TimeOffRequest, WorkingPattern
from resolvers.core.clock import now, today
from tests.api.schedules.dates import iso, monday, spring_monday
from tests.support.graphql_client import Caller

REQUEST = """
mutation Request($input: RequestTimeOffInput!) {
  requestTimeOff(input: $input) {
    timeOffRequest { id kind status startsOn endsOn halfDay workingDays note pendingReason
                     viewerCanCancel viewerCanDecide employee { email } }
    errors { field code message }
  }
}
"""

DECIDE = """
mutation Decide($input: DecideTimeOffInput!) {
  decideTimeOff(input: $input) {
    timeOffRequest { status decisionNote decidedBy { email } }
    errors { field code message }
  }
}
"""

CANCEL = """
mutation Cancel($input: CancelTimeOffInput!) {
  cancelTimeOff(input: $input) { timeOffRequest { status } errors { field code message } }
}
"""


def vacation(starts: str, ends: str, **extra: Any) -> dict[str, Any]:
    return {"input": {"kind": "VACATION", "startsOn": starts, "endsOn": ends, **extra}}


async def request(caller: Caller, variables: dict[str, Any]) -> dict[str, Any]:
    payload: dict[str, Any] = (await caller.data(REQUEST, variables))["requestTimeOff"]
    return payload


def codes(payload: dict[str, Any]) -> list[tuple[str, list[str]]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


async def test_a_week_within_the_allowance_is_approved_at_once(employee: Caller) -> None:
    # Given a week with a public holiday of Ada's location on its Wednesday
    await employee.row.update_from_dict({"location": "Berlin"}).save()
    start = monday()
    await PublicHoliday.create(location="Berlin", day=start + timedelta(days=2), name="Founders' day")

    # When she asks for Monday to Sunday
    payload = await request(employee, vacation(iso(start), iso(start, 6), note="Lake Garda"))

    # Then it is approved at once, counting four working days (no weekend, no holiday)
    assert payload["errors"] == []
    r = payload["timeOffRequest"]
    assert (r["status"], r["kind"], r["workingDays"], r["note"]) == (
        "APPROVED",
        "VACATION",
        4.0,
        "Lake Garda",
    )
    assert r["pendingReason"] is None and r["viewerCanCancel"] is True and r["viewerCanDecide"] is False
    assert r["employee"] == {"email": "ada@example.com"}
    types = [e.type for e in await Event.all().order_by("id")]
    assert types == ["time_off.requested", "time_off.approved"]


async def test_beyond_the_allowance_it_waits_for_the_manager_who_approves(
    employee: Caller, manager: Caller
) -> None:
    # Given Ada asks for six weeks of vacation (30 working days; the allowance is 25 a year)
    start = spring_monday()
    payload = await request(employee, vacation(iso(start), iso(start, 41)))
    r = payload["timeOffRequest"]
    assert (r["status"], r["pendingReason"], r["workingDays"]) == ("PENDING", "ALLOWANCE", 30.0)

    # When she tries to decide it herself, and then her manager approves it
    own = (await employee.data(DECIDE, {"input": {"id": r["id"], "decision": "APPROVE"}}))["decideTimeOff"]
    decided = (
        await manager.data(DECIDE, {"input": {"id": r["id"], "decision": "APPROVE", "note": "Enjoy"}})
    )["decideTimeOff"]
    again = (await manager.data(DECIDE, {"input": {"id": r["id"], "decision": "DECLINE"}}))["decideTimeOff"]

    # Then only the manager's decision counts, once
    assert codes(own) == [("NOT_ALLOWED", ["input", "id"])]
    assert decided["errors"] == []
    assert decided["timeOffRequest"] == {
        "status": "APPROVED",
        "decisionNote": "Enjoy",
        "decidedBy": {"email": "boss@example.com"},
    }
    assert codes(again) == [("INVALID_TRANSITION", ["input", "id"])]
    types = [e.type for e in await Event.all().order_by("id")]
    assert types == ["time_off.requested", "time_off.approved"]
    assert (await Event.get(type="time_off.approved")).actor_id == manager.row.id


async def test_a_request_across_new_year_spends_each_years_allowance(employee: Caller) -> None:
    # Given December and January of next year: about 22 working days in each, 44 in all
    year = today().year + 1
    payload = await request(employee, vacation(f"{year}-12-01", f"{year + 1}-01-31"))

    # Then each year's 25 days hold their part, and it is approved at once
    r = payload["timeOffRequest"]
    assert r["status"] == "APPROVED" and r["workingDays"] > 25


async def test_a_manager_declines_and_others_cannot_decide(
    employee: Caller, manager: Caller, teammate: Caller, hr: Caller
) -> None:
    start = monday()
    r = (
        await request(
            employee, {"input": {"kind": "PARENTAL", "startsOn": iso(start), "endsOn": iso(start, 4)}}
        )
    )["timeOffRequest"]
    assert (r["status"], r["pendingReason"]) == ("PENDING", "ALLOWANCE")

    by_teammate = (await teammate.data(DECIDE, {"input": {"id": r["id"], "decision": "APPROVE"}}))[
        "decideTimeOff"
    ]
    malformed = (await manager.data(DECIDE, {"input": {"id": "nope", "decision": "APPROVE"}}))[
        "decideTimeOff"
    ]
    declined = (await manager.data(DECIDE, {"input": {"id": r["id"], "decision": "DECLINE"}}))[
        "decideTimeOff"
    ]

    assert codes(by_teammate) == [("NOT_FOUND", ["input", "id"])]
    assert codes(malformed) == [("INVALID_ID", ["input", "id"])]
    assert declined["timeOffRequest"]["status"] == "DECLINED"
    assert (await Event.filter(type="time_off.declined").count()) == 1


async def test_sick_leave_is_approved_at_once_without_a_limit(employee: Caller) -> None:
    start = monday()
    payload = await request(
        employee, {"input": {"kind": "SICK", "startsOn": iso(start), "endsOn": iso(start, 60)}}
    )
    assert payload["timeOffRequest"]["status"] == "APPROVED"


async def test_refused_inputs_change_nothing(employee: Caller) -> None:
    start = monday()
    yesterday = (today() - timedelta(days=1)).isoformat()
    cases = [
        (vacation(iso(start, 2), iso(start)), [("INVALID", ["input", "endsOn"])]),
        (vacation(yesterday, iso(start)), [("IN_THE_PAST", ["input", "startsOn"])]),
        (vacation(iso(start), iso(start, 1), halfDay=True), [("INVALID", ["input", "halfDay"])]),
        (vacation(iso(start, 5), iso(start, 6)), [("INVALID", ["input", "startsOn"])]),  # a weekend
        (vacation(iso(start), iso(start, 400)), [("INVALID", ["input", "endsOn"])]),
        (vacation(iso(start), iso(start), note="x" * 1001), [("TOO_LONG", ["input", "note"])]),
    ]
    for variables, expected in cases:
        payload = await request(employee, variables)
        assert payload["timeOffRequest"] is None
        assert codes(payload) == expected, variables
    assert await TimeOffRequest.all().count() == 0 and await Event.all().count() == 0


async def test_overlapping_an_open_request_is_refused_but_a_cancelled_one_frees_the_days(
    employee: Caller,
) -> None:
    start = monday()
    first = (await request(employee, vacation(iso(start), iso(start, 4))))["timeOffRequest"]

    overlap = await request(employee, vacation(iso(start, 4), iso(start, 8)))
    await employee.data(CANCEL, {"input": {"id": first["id"]}})
    retry = await request(employee, vacation(iso(start, 4), iso(start, 8)))

    assert codes(overlap) == [("CONFLICT", ["input", "startsOn"])]
    assert retry["errors"] == [] and retry["timeOffRequest"]["workingDays"] == 3.0


async def test_racing_requests_for_the_same_days_approve_only_one(employee: Caller) -> None:
    start = monday()
    results = await asyncio.gather(
        *(request(employee, vacation(iso(start), iso(start, 2))) for _ in range(5))
    )
    outcomes = sorted(str(codes(r)) for r in results)
    assert outcomes == ["[('CONFLICT', ['input', 'startsOn'])]"] * 4 + ["[]"]
    assert await TimeOffRequest.all().count() == 1


async def test_past_is_judged_in_the_employees_time_zone(employee: Caller) -> None:
    # Given Ada works twelve hours behind UTC, where it may still be yesterday
    zone = "Etc/GMT+12"
    await WorkingPattern.create(employee_id=employee.row.id, days=[1, 2, 3, 4, 5, 6, 7], timezone=zone)
    local = now().astimezone(ZoneInfo(zone)).date()

    # When she asks for her today, and for her yesterday
    on_today = await request(employee, vacation(local.isoformat(), local.isoformat()))
    before = await request(
        employee, vacation((local - timedelta(days=1)).isoformat(), (local - timedelta(days=1)).isoformat())
    )

    # Then her today is accepted and her yesterday is past
    assert on_today["errors"] == []
    assert codes(before) == [("IN_THE_PAST", ["input", "startsOn"])]


async def test_a_half_day_counts_half(employee: Caller) -> None:
    start = monday()
    payload = await request(employee, vacation(iso(start), iso(start), halfDay=True))
    assert (payload["timeOffRequest"]["halfDay"], payload["timeOffRequest"]["workingDays"]) == (True, 0.5)


async def test_cancelling_is_for_the_employee_before_the_first_day(
    employee: Caller, manager: Caller, teammate: Caller, hr: Caller
) -> None:
    start = monday()
    r = (await request(employee, vacation(iso(start), iso(start, 4))))["timeOffRequest"]
    begun = await TimeOffRequest.create(
        employee_id=employee.row.id, kind="vacation", status="approved", starts_on=today(), ends_on=today()
    )
    from ids import to_global_id

    results = [
        (await caller.data(CANCEL, {"input": {"id": r["id"]}}))["cancelTimeOff"]
        for caller in (teammate, manager, employee, employee)
    ]
    started = (await employee.data(CANCEL, {"input": {"id": to_global_id("TimeOffRequest", begun.id)}}))[
        "cancelTimeOff"
    ]

    assert [codes(p) for p in results] == [
        [("NOT_FOUND", ["input", "id"])],
        [("NOT_ALLOWED", ["input", "id"])],
        [],
        [("INVALID_TRANSITION", ["input", "id"])],
    ]
    assert results[2]["timeOffRequest"] == {"status": "CANCELLED"}
    assert codes(started) == [("CLOSED", ["input", "id"])]
    assert await Event.filter(type="time_off.cancelled").count() == 1


async def test_a_service_token_has_nobody_to_send_on_leave(service: Caller) -> None:
    start = monday()
    payload = await request(service, vacation(iso(start), iso(start)))
    assert codes(payload) == [("NOT_ALLOWED", ["input"])]
