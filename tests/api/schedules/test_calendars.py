"""Balances, an employee's time off, the team calendar, working patterns, public holidays and team
cover: what each role sees and may change."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ids import to_global_id
from models.schedules import PublicHoliday, TimeOffRequest
from models.teams import TeamMembership
from resolvers.core.clock import today
from tests.api.schedules.dates import iso, monday, spring_monday
from tests.support import factories as f
from tests.support.graphql_client import Caller, count_statements, error_codes

REQUEST = """
mutation Request($input: RequestTimeOffInput!) {
  requestTimeOff(input: $input) { timeOffRequest { id status pendingReason workingDays } errors { code field } }
}
"""

BALANCES = """
query Balances($id: ID!, $year: Int) {
  node(id: $id) { ... on Employee { timeOffBalances(year: $year) {
    kind allowanceDays takenDays plannedDays pendingDays remainingDays } } }
}
"""

TIME_OFF = """
query TimeOff($id: ID!, $filter: TimeOffFilter) {
  node(id: $id) { ... on Employee { timeOff(filter: $filter) { totalCount nodes { kind status startsOn } } } }
}
"""

CALENDAR = """
query Calendar($teamId: ID!, $from: Date!, $to: Date!) {
  teamCalendar(teamId: $teamId, from: $from, to: $to) {
    startsOn endsOn status kind note employee { email } request { id }
  }
}
"""

PATTERN = """
mutation Pattern($input: UpdateWorkingPatternInput!) {
  updateWorkingPattern(input: $input) {
    workingPattern { days dayStarts dayEnds timezone }
    errors { field code }
  }
}
"""

SET_HOLIDAY = """
mutation Set($input: SetPublicHolidayInput!) {
  setPublicHoliday(input: $input) { publicHoliday { location day name } errors { field code } }
}
"""

REMOVE_HOLIDAY = """
mutation Remove($input: RemovePublicHolidayInput!) {
  removePublicHoliday(input: $input) { publicHoliday { day } errors { field code } }
}
"""

HOLIDAYS = """
query Holidays($location: String!, $year: Int!) { publicHolidays(location: $location, year: $year) { day name } }
"""

COVER = """
mutation Cover($input: SetTeamCoverInput!) {
  setTeamCover(input: $input) { team { slug } maxAbsent errors { field code } }
}
"""


def vacation(starts: str, ends: str, kind: str = "VACATION") -> dict[str, Any]:
    return {"input": {"kind": kind, "startsOn": starts, "endsOn": ends}}


async def requested(caller: Caller, variables: dict[str, Any]) -> dict[str, Any]:
    payload: dict[str, Any] = (await caller.data(REQUEST, variables))["requestTimeOff"]
    assert payload["errors"] == [], payload
    return payload["timeOffRequest"]  # type: ignore[no-any-return]  # JSON


async def team_of(caller: Caller) -> str:
    """The global ID of the caller's team (Web, which the `teammate` fixture makes)."""
    membership = await TeamMembership.get(employee_id=caller.row.id)
    return to_global_id("Team", membership.team_id)


def me(caller: Caller) -> str:
    return to_global_id("Employee", caller.row.id)


async def test_balances_count_taken_planned_and_pending_working_days(
    employee: Caller, manager: Caller, teammate: Caller
) -> None:
    # Given a vacation begun today (two days taken or planned), a future week and pending personal days
    start = spring_monday()
    await TimeOffRequest.create(
        employee_id=employee.row.id,
        kind="vacation",
        status="approved",
        starts_on=start,
        ends_on=start + timedelta(days=4),
    )
    await requested(employee, vacation(iso(start, 7), iso(start, 7), "PERSONAL"))
    await requested(employee, vacation(iso(start, 14), iso(start, 17), "PERSONAL"))  # 1 + 4 > 3: pending

    # When Ada, her manager and a teammate read her balances of that year
    year = start.year
    mine = (await employee.data(BALANCES, {"id": me(employee), "year": year}))["node"]["timeOffBalances"]
    boss = (await manager.data(BALANCES, {"id": me(employee), "year": year}))["node"]["timeOffBalances"]
    tim = (await teammate.data(BALANCES, {"id": me(employee), "year": year}))["node"]["timeOffBalances"]

    # Then vacation shows 5 planned of 25, personal 1 planned and 4 pending, sick has no limit
    by_kind = {b["kind"]: b for b in mine}
    assert by_kind["VACATION"] == {
        "kind": "VACATION", "allowanceDays": 25.0, "takenDays": 0.0, "plannedDays": 5.0,
        "pendingDays": 0.0, "remainingDays": 20.0,
    }  # fmt: skip
    assert (by_kind["PERSONAL"]["plannedDays"], by_kind["PERSONAL"]["pendingDays"]) == (1.0, 4.0)
    assert by_kind["SICK"]["allowanceDays"] is None and by_kind["SICK"]["remainingDays"] is None
    assert boss == mine
    assert tim is None


async def test_days_up_to_today_are_taken(employee: Caller) -> None:
    begun = today() - timedelta(days=10)
    await TimeOffRequest.create(
        employee_id=employee.row.id, kind="sick", status="approved", starts_on=begun, ends_on=begun
    )
    balances = (await employee.data(BALANCES, {"id": me(employee), "year": begun.year}))["node"][
        "timeOffBalances"
    ]
    sick = next(b for b in balances if b["kind"] == "SICK")
    expected = 1.0 if begun.isoweekday() <= 5 else 0.0
    assert (sick["takenDays"], sick["plannedDays"]) == (expected, 0.0)


async def test_a_bad_year_is_refused(employee: Caller) -> None:
    body = await employee.execute(BALANCES, {"id": me(employee), "year": 1900})
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_time_off_is_seen_by_the_employee_and_managers_and_filtered(
    employee: Caller, manager: Caller, teammate: Caller, hr: Caller
) -> None:
    start = monday()
    await requested(employee, vacation(iso(start), iso(start, 1)))
    await requested(employee, vacation(iso(start, 21), iso(start, 22), "PERSONAL"))

    seen = {
        role: (await caller.data(TIME_OFF, {"id": me(employee)}))["node"]["timeOff"]["totalCount"]
        for role, caller in (("ada", employee), ("boss", manager), ("tim", teammate), ("hr", hr))
    }
    later = await employee.data(TIME_OFF, {"id": me(employee), "filter": {"from": iso(start, 7)}})
    personal = await employee.data(
        TIME_OFF, {"id": me(employee), "filter": {"kind": ["PERSONAL"], "status": ["APPROVED"]}}
    )

    assert seen == {"ada": 2, "boss": 2, "tim": 0, "hr": 2}
    assert [n["kind"] for n in later["node"]["timeOff"]["nodes"]] == ["PERSONAL"]
    assert personal["node"]["timeOff"]["totalCount"] == 1


async def test_the_team_calendar_shows_teammates_only_who_is_out(
    employee: Caller, manager: Caller, teammate: Caller
) -> None:
    # Given Ada (on team Web with Tim) takes a week off with a note
    start = monday()
    await employee.data(
        REQUEST, {"input": {"kind": "SICK", "startsOn": iso(start), "endsOn": iso(start, 4), "note": "Flu"}}
    )
    web = to_global_id("Team", (await f.team(name="Unrelated")).id)  # an unrelated team: empty
    team_id = await team_of(employee)
    window = {"teamId": team_id, "from": iso(start, -3), "to": iso(start, 30)}

    # When Tim and Ada's manager read the calendar
    tim = (await teammate.data(CALENDAR, window))["teamCalendar"]
    boss = (await manager.data(CALENDAR, window))["teamCalendar"]

    # Then Tim sees that Ada is out, not why; her manager sees the kind and note
    assert tim == [{
        "startsOn": iso(start), "endsOn": iso(start, 4), "status": "APPROVED", "kind": None, "note": None,
        "employee": {"email": "ada@example.com"}, "request": None,
    }]  # fmt: skip
    assert (boss[0]["kind"], boss[0]["note"]) == ("SICK", "Flu") and boss[0]["request"] is not None
    refused = await teammate.execute(CALENDAR, {**window, "teamId": web})
    assert error_codes(refused) == ["FORBIDDEN"]


async def test_calendar_arguments_are_checked(employee: Caller, teammate: Caller) -> None:
    start = monday()
    team_id = await team_of(employee)
    reversed_ = await teammate.execute(CALENDAR, {"teamId": team_id, "from": iso(start, 5), "to": iso(start)})
    too_long = await teammate.execute(
        CALENDAR, {"teamId": team_id, "from": iso(start), "to": iso(start, 200)}
    )
    unknown = await teammate.execute(
        CALENDAR, {"teamId": to_global_id("Team", 999), "from": iso(start), "to": iso(start)}
    )
    assert [error_codes(b) for b in (reversed_, too_long, unknown)] == [
        ["BAD_USER_INPUT"],
        ["BAD_USER_INPUT"],
        ["NOT_FOUND"],
    ]


async def test_an_employee_sets_their_working_pattern_and_fridays_stop_counting(
    employee: Caller, teammate: Caller, hr: Caller
) -> None:
    changed = (
        await employee.data(
            PATTERN,
            {
                "input": {
                    "days": ["THURSDAY", "MONDAY", "TUESDAY", "WEDNESDAY"],
                    "dayStarts": "08:30:00",
                    "timezone": "Europe/Berlin",
                }
            },
        )
    )["updateWorkingPattern"]
    start = monday()
    week = await requested(employee, vacation(iso(start), iso(start, 6)))

    assert changed == {
        "workingPattern": {
            "days": ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY"], "dayStarts": "08:30:00",
            "dayEnds": "17:00:00", "timezone": "Europe/Berlin",
        },
        "errors": [],
    }  # fmt: skip
    assert week["workingDays"] == 4.0
    other = await teammate.data(PATTERN, {"input": {"employeeId": me(employee), "days": ["MONDAY"]}})
    by_hr = await hr.data(PATTERN, {"input": {"employeeId": me(employee), "dayEnds": "16:00:00"}})
    assert other["updateWorkingPattern"]["errors"] == [
        {"field": ["input", "employeeId"], "code": "NOT_ALLOWED"}
    ]
    assert by_hr["updateWorkingPattern"]["workingPattern"]["dayEnds"] == "16:00:00"


async def test_bad_patterns_are_refused(employee: Caller) -> None:
    cases = [
        ({"days": []}, [{"field": ["input", "days"], "code": "INVALID"}]),
        ({"timezone": "Mars/Olympus"}, [{"field": ["input", "timezone"], "code": "INVALID_FORMAT"}]),
        ({"dayStarts": "18:00:00"}, [{"field": ["input", "dayEnds"], "code": "INVALID"}]),
        ({"employeeId": "nope"}, [{"field": ["input", "employeeId"], "code": "INVALID_ID"}]),
    ]
    for changes, expected in cases:
        payload = (await employee.data(PATTERN, {"input": changes}))["updateWorkingPattern"]
        assert (payload["workingPattern"], payload["errors"]) == (None, expected), changes


async def test_hr_keeps_the_public_holidays(employee: Caller, hr: Caller) -> None:
    day = monday()
    holiday = {"location": "Berlin", "day": day.isoformat(), "name": "Founders' day"}

    refused = (await employee.data(SET_HOLIDAY, {"input": holiday}))["setPublicHoliday"]
    made = (await hr.data(SET_HOLIDAY, {"input": holiday}))["setPublicHoliday"]
    renamed = (await hr.data(SET_HOLIDAY, {"input": {**holiday, "name": "Founders' Day"}}))[
        "setPublicHoliday"
    ]
    blank = (await hr.data(SET_HOLIDAY, {"input": {**holiday, "location": " "}}))["setPublicHoliday"]
    listed = (await employee.data(HOLIDAYS, {"location": "Berlin", "year": day.year}))["publicHolidays"]
    removed = await hr.data(REMOVE_HOLIDAY, {"input": {"location": "Berlin", "day": day.isoformat()}})
    missing = await hr.data(REMOVE_HOLIDAY, {"input": {"location": "Berlin", "day": day.isoformat()}})

    assert refused["errors"] == [{"field": ["input"], "code": "NOT_ALLOWED"}]
    assert made["errors"] == [] and renamed["publicHoliday"]["name"] == "Founders' Day"
    assert blank["errors"] == [{"field": ["input", "location"], "code": "REQUIRED"}]
    assert listed == [{"day": day.isoformat(), "name": "Founders' Day"}]
    assert removed["removePublicHoliday"]["errors"] == []
    assert missing["removePublicHoliday"]["errors"] == [{"field": ["input", "day"], "code": "NOT_FOUND"}]
    assert await PublicHoliday.all().count() == 0


async def test_a_request_waits_when_the_team_would_lack_cover(
    employee: Caller, teammate: Caller, hr: Caller
) -> None:
    # Given team Web allows one member away a day, and Tim is away on Monday
    team_id = await team_of(employee)
    refused = (await employee.data(COVER, {"input": {"teamId": team_id, "maxAbsent": 1}}))["setTeamCover"]
    rule = (await hr.data(COVER, {"input": {"teamId": team_id, "maxAbsent": 1}}))["setTeamCover"]
    start = monday()
    await requested(teammate, vacation(iso(start), iso(start)))

    # When Ada asks for Monday to Tuesday, and Wednesday alone
    clash = await requested(employee, vacation(iso(start), iso(start, 1)))
    free = await requested(employee, vacation(iso(start, 2), iso(start, 2)))

    # Then the clash waits for a manager and the free day is approved
    assert refused["errors"] == [{"field": ["input", "teamId"], "code": "NOT_ALLOWED"}]
    assert rule == {"team": {"slug": "web"}, "maxAbsent": 1, "errors": []}
    assert (clash["status"], clash["pendingReason"]) == ("PENDING", "COVER")
    assert (free["status"], free["pendingReason"]) == ("APPROVED", None)


async def test_cover_rules_are_checked(hr: Caller, teammate: Caller) -> None:
    team_id = await team_of(teammate)
    zero = (await hr.data(COVER, {"input": {"teamId": team_id, "maxAbsent": 0}}))["setTeamCover"]
    unknown = (await hr.data(COVER, {"input": {"teamId": to_global_id("Team", 999), "maxAbsent": 2}}))[
        "setTeamCover"
    ]
    removed = (await hr.data(COVER, {"input": {"teamId": team_id}}))["setTeamCover"]
    assert zero["errors"] == [{"field": ["input", "maxAbsent"], "code": "INVALID"}]
    assert unknown["errors"] == [{"field": ["input", "teamId"], "code": "NOT_FOUND"}]
    assert removed == {"team": {"slug": "web"}, "maxAbsent": None, "errors": []}


async def test_a_list_of_employees_reads_patterns_and_time_off_in_a_constant_number_of_statements(
    employee: Caller, hr: Caller
) -> None:
    query = "{ employees(first: 50) { nodes { workingPattern { days } timeOff(first: 3) { totalCount nodes { kind } } } } }"
    start = monday()
    await requested(employee, vacation(iso(start), iso(start)))
    with count_statements() as few:
        small = await hr.data(query)
    for n in range(10):
        person = await f.employee(email=f"p{n}@example.com")
        await TimeOffRequest.create(
            employee=person, kind="sick", status="approved", starts_on=start, ends_on=start
        )
    with count_statements() as many:
        large = await hr.data(query)

    assert len(small["employees"]["nodes"]) == 2 and len(large["employees"]["nodes"]) == 12
    assert 0 < len(many) == len(few)
