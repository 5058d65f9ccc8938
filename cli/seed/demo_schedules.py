"""The demo's time off: public holidays of every location, and requests in every status.

Drawn from a random generator of its own, so that adding schedules moved none of the other demo
rows (the README's IDs). Ada Lovelace's requests come first: TimeOffRequest:1 a week she took,
:2 a week she will take, :3 a long trip waiting for Grace Hopper's decision.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from cli.seed import names
from cli.seed.common import Plan, at
from cli.seed.demo_context import DemoContext, Person, active
from resolvers.schedules.days import WorkCalendar

SCHEDULES_SEED = 20261401
DEMO_TIME_OFF = 60
WEEKDAYS = frozenset({1, 2, 3, 4, 5})
# (month, day, name) of every location, and a few of one location each.
_EVERYWHERE = ((1, 1, "New Year's Day"),)
_LOCAL = {
    "London, United Kingdom": ((12, 25, "Christmas Day"), (12, 26, "Boxing Day")),
    "Berlin, Germany": ((10, 3, "Day of German Unity"), (12, 25, "Christmas Day")),
    "New York, United States": ((7, 4, "Independence Day"), (12, 25, "Christmas Day")),
    "San Francisco, United States": ((7, 4, "Independence Day"), (12, 25, "Christmas Day")),
    "Toronto, Canada": ((7, 1, "Canada Day"),),
    "Bengaluru, India": ((1, 26, "Republic Day"), (8, 15, "Independence Day")),
    "Tokyo, Japan": ((2, 11, "National Foundation Day"),),
}


def _holidays(plan: Plan, year: int) -> dict[str, set[date]]:
    days: dict[str, set[date]] = {}
    for location, _, _ in names.LOCATIONS:
        for month, day, name in (*_EVERYWHERE, *_LOCAL.get(location, ())):
            plan.add("public_holidays", location=location, day=date(year, month, day), name=name,
                     created_at=at(date(year - 1, 12, 1)))  # fmt: skip
            days.setdefault(location, set()).add(date(year, month, day))
    return days


def plan_schedules(plan: Plan, ctx: DemoContext, now: datetime) -> None:
    rng = random.Random(SCHEDULES_SEED)
    today = now.date()
    holidays: dict[str, set[date]] = {}
    for year in (today.year - 1, today.year, today.year + 1):
        for location, days in _holidays(plan, year).items():
            holidays.setdefault(location, set()).update(days)
    employees = plan.rows["employees"]

    def add(person: Person, kind: str, starts: date, days: int, status: str, note: str = "") -> None:
        ends = starts + timedelta(days=days - 1)
        calendar = WorkCalendar(WEEKDAYS, frozenset(holidays.get(employees[person.id - 1]["location"], ())))
        decided = status in ("approved", "declined")
        plan.add("time_off_requests", employee_id=person.id, kind=kind, status=status, starts_on=starts,
                 ends_on=ends, half_day=False, working_days=calendar.count(starts, ends, False), note=note,
                 pending_reason="allowance" if status == "pending" else None,
                 decided_at=at(starts - timedelta(days=20)) if decided else None,
                 created_at=at(starts - timedelta(days=30)))  # fmt: skip

    monday = today - timedelta(days=today.weekday())
    ada = ctx.by_key["ada"]
    add(ada, "vacation", monday - timedelta(weeks=6), 5, "approved", "Hiking in the Alps")
    add(ada, "vacation", monday + timedelta(weeks=3), 5, "approved", "Family visit")
    add(ada, "vacation", monday + timedelta(weeks=10), 33, "pending", "A month in Japan")
    kinds = ("vacation", "vacation", "vacation", "sick", "personal", "parental", "other")
    people = [p for p in active(ctx) if p.key != "ada"]
    held: dict[int, list[tuple[date, date]]] = {}  # one person's requests never overlap
    for _ in range(DEMO_TIME_OFF - 3):
        person = rng.choice(people)
        kind = rng.choice(kinds)
        starts = monday + timedelta(weeks=rng.randint(-20, 20), days=rng.randint(0, 4))
        length = 1 if kind in ("sick", "personal") else rng.choice((3, 5, 10))
        ends = starts + timedelta(days=length - 1)
        if any(s <= ends and starts <= e for s, e in held.get(person.id, ())):
            continue
        held.setdefault(person.id, []).append((starts, ends))
        if kind in ("parental", "other"):
            status = "pending" if starts > today else "approved"
        else:
            status = rng.choice(("approved", "approved", "approved", "cancelled", "declined"))
        add(person, kind, starts, length, status)
