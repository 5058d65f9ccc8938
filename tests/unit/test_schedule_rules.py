"""The schedule rules and day counting as plain functions: a table per rule, no HTTP, no database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from auth.policy import Policy
from auth.principal import Principal
from models.employees import Employee
from models.schedules import TimeOffRequest
from resolvers.schedules.days import WorkCalendar, days_in_year, local_today

ADA, BOSS, TIM, HR = 1, 2, 3, 4
WEB = 10


def policy(who: str) -> Policy:
    """Ada (on Web), her manager, her teammate Tim (on Web), HR, and a service token."""
    if who == "service":
        return Policy(Principal(scopes=frozenset()), _everyone=True)
    ids = {"ada": ADA, "boss": BOSS, "tim": TIM, "hr": HR}
    viewer = Employee(id=ids[who], role="hr" if who == "hr" else "employee")
    return Policy(
        Principal(scopes=frozenset(), employee_id=viewer.id),
        viewer=viewer,
        reports=frozenset({ADA}) if who == "boss" else frozenset(),
        teams=frozenset({WEB}) if who in ("ada", "tim") else frozenset(),
        _everyone=who == "hr",
    )


ADAS = TimeOffRequest.construct(id=1, employee_id=ADA, kind="vacation", status="pending")
HRS = TimeOffRequest.construct(id=2, employee_id=HR, kind="vacation", status="pending")

# rule -> who it lets through, of ada, boss, tim, hr, service
TABLE = [
    ("can_see_time_off(Ada's)", lambda p: p.can_see_time_off(ADAS), {"ada", "boss", "hr", "service"}),
    ("can_decide_time_off(Ada's)", lambda p: p.can_decide_time_off(ADAS), {"boss", "hr", "service"}),
    ("can_decide_time_off(HR's own)", lambda p: p.can_decide_time_off(HRS), {"service"}),
    ("can_cancel_time_off(Ada's)", lambda p: p.can_cancel_time_off(ADAS), {"ada", "hr", "service"}),
    ("can_request_time_off", lambda p: p.can_request_time_off(), {"ada", "boss", "tim", "hr"}),
    ("can_edit_working_pattern(Ada)", lambda p: p.can_edit_working_pattern(ADA), {"ada", "hr", "service"}),
    ("can_manage_holidays", lambda p: p.can_manage_holidays(), {"hr", "service"}),
    ("can_see_team_calendar(Web)", lambda p: p.can_see_team_calendar(WEB, frozenset({ADA, TIM})),
     {"ada", "boss", "tim", "hr", "service"}),
    ("can_see_team_calendar(other)", lambda p: p.can_see_team_calendar(99, frozenset({HR})), {"hr", "service"}),
]  # fmt: skip
WHO = ("ada", "boss", "tim", "hr", "service")


@pytest.mark.parametrize(("rule", "ask", "allowed"), TABLE, ids=[row[0] for row in TABLE])
def test_each_rule_lets_through_exactly_its_roles(rule: str, ask: object, allowed: set[str]) -> None:
    assert {who for who in WHO if ask(policy(who))} == allowed  # type: ignore[operator]


WEEKDAYS = WorkCalendar(frozenset({1, 2, 3, 4, 5}), frozenset({date(2030, 1, 1)}))


@pytest.mark.parametrize(
    ("start", "end", "half", "expected"),
    [
        (date(2030, 1, 7), date(2030, 1, 13), False, Decimal(5)),  # Monday to Sunday
        (date(2029, 12, 31), date(2030, 1, 2), False, Decimal(2)),  # New Year's Day is a holiday
        (date(2030, 1, 7), date(2030, 1, 7), True, Decimal("0.5")),
        (date(2030, 1, 5), date(2030, 1, 5), True, Decimal(0)),  # a half Saturday is nothing
    ],
)
def test_working_days_are_counted_without_weekends_and_holidays(
    start: date, end: date, half: bool, expected: Decimal
) -> None:
    assert WEEKDAYS.count(start, end, half) == expected


def test_a_request_across_new_year_splits_by_year() -> None:
    start, end = date(2029, 12, 24), date(2030, 1, 4)
    assert days_in_year(WEEKDAYS, start, end, False, 2029) == Decimal(6)
    assert days_in_year(WEEKDAYS, start, end, False, 2030) == Decimal(3)
    assert days_in_year(WEEKDAYS, start, end, False, 2031) == Decimal(0)


def test_today_is_the_employees_own() -> None:
    moment = datetime(2030, 1, 1, 20, 0, tzinfo=UTC)
    assert local_today("Asia/Tokyo", moment) == date(2030, 1, 2)
    assert local_today("America/Los_Angeles", moment) == date(2030, 1, 1)
