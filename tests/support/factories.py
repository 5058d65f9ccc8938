"""Small builders of rows for tests; every argument has a plausible default."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

from models.employees import Employee
from models.mentorships import Mentorship
from models.tasks import Task
from models.teams import Team, TeamMembership
from models.training import Enrollment, TrainingCourse, TrainingSession

_seq = itertools.count(1)


async def employee(**kwargs: Any) -> Employee:
    n = next(_seq)
    values: dict[str, Any] = {
        "email": f"person{n}@example.com",
        "given_name": f"Given{n}",
        "family_name": f"Family{n:04d}",
        "job_title": "Engineer",
        "hire_date": date(2020, 1, 1),
        "phone": f"+1 555 01{n:02d}",
    }
    values.update(kwargs)
    return await Employee.create(**values)


async def team(**kwargs: Any) -> Team:
    n = next(_seq)
    values: dict[str, Any] = {"name": f"Team {n}", "slug": f"team-{n}"}
    values.update(kwargs)
    return await Team.create(**values)


async def member(team: Team, person: Employee, role: str = "member") -> TeamMembership:
    return await TeamMembership.create(team=team, employee=person, role=role)


async def task(assignee: Employee, **kwargs: Any) -> Task:
    n = next(_seq)
    values: dict[str, Any] = {
        "title": f"Task {n}",
        "assignee": assignee,
        "creator": kwargs.pop("creator", assignee),
    }
    values.update(kwargs)
    return await Task.create(**values)


async def mentorship(mentor: Employee, mentee: Employee, **kwargs: Any) -> Mentorship:
    return await Mentorship.create(mentor=mentor, mentee=mentee, **kwargs)


async def course(**kwargs: Any) -> TrainingCourse:
    n = next(_seq)
    values: dict[str, Any] = {"code": f"C-{n}", "title": f"Course {n}"}
    values.update(kwargs)
    return await TrainingCourse.create(**values)


async def session(course: TrainingCourse, **kwargs: Any) -> TrainingSession:
    starts = datetime.now(UTC) + timedelta(days=7)
    values: dict[str, Any] = {
        "course": course,
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "capacity": 10,
    }
    values.update(kwargs)
    return await TrainingSession.create(**values)


async def enrollment(session: TrainingSession, person: Employee, **kwargs: Any) -> Enrollment:
    values: dict[str, Any] = {"session": session, "employee": person, "enrolled_at": datetime.now(UTC)}
    values.update(kwargs)
    return await Enrollment.create(**values)
