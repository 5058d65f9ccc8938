"""A hand-built organisation for the aggregate tests, small enough to count by hand.

- Web: 7 people managed by Boss (Berlin): 6 with one TODO task due in January 2026 (overdue)
  and one DONE task each, and Bo, whose one task is BLOCKED;
- Ops: 5 people (Lisbon), one TODO task each, due in February 2026;
- Sec: 2 people (Lisbon), one TODO task each, not due.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from models.employees import Employee
from models.tasks import TaskStatus
from models.teams import Team
from tests.support import factories as f

JANUARY, FEBRUARY = date(2026, 1, 15), date(2026, 2, 15)


@dataclass
class Org:
    boss: Employee
    teams: dict[str, Team]
    people: dict[str, list[Employee]] = field(default_factory=dict)


async def build_org() -> Org:
    boss = await f.employee(email="boss@example.com", location="Berlin")
    teams = {name: await f.team(name=name, slug=name.lower()) for name in ("Web", "Ops", "Sec")}
    org = Org(boss, teams)
    web = [await f.employee(location="Berlin", manager=boss) for _ in range(7)]
    ops = [await f.employee(location="Lisbon") for _ in range(5)]
    sec = [await f.employee(location="Lisbon") for _ in range(2)]
    org.people = {"Web": web, "Ops": ops, "Sec": sec}
    for name, members in org.people.items():
        for person in members:
            await f.member(teams[name], person)
    created = datetime(2025, 12, 1, 9, tzinfo=UTC)
    for person in web[:6]:
        await f.task(person, team=teams["Web"], due_date=JANUARY, created_at=created)
        await f.task(
            person,
            team=teams["Web"],
            status=TaskStatus.DONE,
            created_at=created,
            completed_at=created + timedelta(days=3),
        )
    await f.task(web[6], team=teams["Web"], status=TaskStatus.BLOCKED, due_date=JANUARY, created_at=created)
    for person in ops:
        await f.task(person, team=teams["Ops"], due_date=FEBRUARY, created_at=created)
    for person in sec:
        await f.task(person, team=teams["Sec"], created_at=created)
    return org
