"""The demo's training: courses, past sessions with results and certificates (expired, expiring
soon, valid), future sessions (one full with a waitlist, one cancelled), and one awaiting outcomes."""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial

from cli.seed import names
from cli.seed.common import Plan, add_months, at
from cli.seed.demo_context import DemoContext, Person, active

_INSTRUCTOR_DEPTS = {
    "Compliance": "people", "Health & Safety": "people", "Leadership": "people", "Communication": "design",
    "Engineering": "eng", "Data": "data", "Sales": "sales", "People": "talent",
}  # fmt: skip


def plan_training(plan: Plan, ctx: DemoContext, rng: random.Random, now: datetime) -> None:
    ada = ctx.by_key["ada"]
    people = active(ctx)
    for code, title, category, hours, mandatory, skills, months in names.COURSES:
        course_id = plan.add(
            "training_courses", code=code, title=title, category=category, mandatory=mandatory,
            description=f"{title}: a {hours:g}-hour {category.lower()} course.",
            duration_hours=Decimal(str(hours)), skills=list(skills), certification_valid_months=months,
            created_at=now - timedelta(days=720),
        )  # fmt: skip
        dept = _INSTRUCTOR_DEPTS[category]
        instructors = [p for p in people if p.dept == dept and p.level <= 4]

        session = partial(_session, plan, rng, now, course_id, hours, instructors)
        past = [-rng.uniform(30, 300) for _ in range(2 if mandatory else 1)]
        if code == "SEC-101":
            past += [-350, -420]  # certificates expiring in about two weeks, and expired ones
        for days in past:
            with_ada = (code == "SEC-101" and days == -350) or (code == "DATA-210")
            _past_enrollments(
                plan, rng, people, months, session(days, "completed"), ada if with_ada else None
            )
        future = session(rng.uniform(7, 90), "scheduled")
        _future_enrollments(plan, rng, people, now, future, ada if code == "COMM-150" else None)
        if code == "ENG-240":  # full, with a waitlist in order; Ada is first in line
            _future_enrollments(plan, rng, people, now, session(21, "scheduled", capacity=8), ada, full=True)
        if code == "LEAD-310":
            _cancelled_enrollments(plan, rng, people, now, session(30, "cancelled"))
    _session_awaiting_outcomes(plan, ctx, rng, now)


def _session_awaiting_outcomes(plan: Plan, ctx: DemoContext, rng: random.Random, now: datetime) -> None:
    """Yesterday's session of the first course, its attendees still ENROLLED: the outcomes are
    HR's (or the instructor's) to record. Planned last, so no other row's id or draw moves."""
    _, _, category, hours, *_ = names.COURSES[0]
    instructors = [p for p in active(ctx) if p.dept == _INSTRUCTOR_DEPTS[category] and p.level <= 4]
    session_id, *_ = _session(plan, rng, now, 1, hours, instructors, -1, "scheduled")
    pool = [p for p in active(ctx) if p.id != _instructor(plan, session_id) and p.key is None]
    for i, person in enumerate(rng.sample(pool, k=min(5, _capacity(plan, session_id)))):
        plan.add("enrollments", session_id=session_id, employee_id=person.id, status="enrolled",
                 enrolled_at=now - timedelta(days=14 - i))  # fmt: skip


def _session(
    plan: Plan, rng: random.Random, now: datetime, course_id: int, hours: float,
    instructors: list[Person], days: float, status: str, capacity: int | None = None,
) -> tuple[int, datetime, datetime]:  # fmt: skip
    """A session `days` from now at 09:00 UTC; courses over 8 hours span several days."""
    starts = at((now + timedelta(days=days)).date(), 9)
    ends = starts + timedelta(days=math.ceil(hours / 8) - 1, hours=min(hours, 8))
    external = rng.random() < 0.2
    session_id = plan.add(
        "training_sessions", course_id=course_id, starts_at=starts, ends_at=ends,
        location="Online (video call)" if external else rng.choice(names.TRAINING_ROOMS),
        capacity=capacity or rng.randint(8, 20), status=status,
        instructor_id=None if external else rng.choice(instructors).id, created_at=starts - timedelta(days=45),
    )  # fmt: skip
    return session_id, starts, ends


def _participants(rng: random.Random, pool: list[Person], k: int, first: Person | None) -> list[Person]:
    """`first` (if any) then k others drawn from the pool, all distinct."""
    others = [p for p in pool if p is not first]
    return ([first] if first else []) + rng.sample(others, k=min(k, len(others)))


def _capacity(plan: Plan, session_id: int) -> int:
    capacity: int = plan.rows["training_sessions"][session_id - 1]["capacity"]
    return capacity


def _instructor(plan: Plan, session_id: int) -> int | None:
    instructor_id: int | None = plan.rows["training_sessions"][session_id - 1]["instructor_id"]
    return instructor_id


def _past_enrollments(
    plan: Plan, rng: random.Random, people: list[Person], months: int | None,
    session: tuple[int, datetime, datetime], first: Person | None,
) -> None:  # fmt: skip
    session_id, starts, ends = session
    capacity = _capacity(plan, session_id)
    pool = [p for p in people if p.id != _instructor(plan, session_id)]
    attendees = _participants(rng, pool, rng.randint(capacity // 2, capacity) - (1 if first else 0), first)
    offsets = sorted((rng.uniform(3, 30) for _ in attendees), reverse=True)
    for person, offset in zip(attendees, offsets, strict=True):
        status = (
            "completed"
            if person is first
            else rng.choices(("completed", "no_show", "cancelled"), (8, 1, 1))[0]
        )
        done = status == "completed"
        rated = done and (person is first or rng.random() < 0.7)
        plan.add(
            "enrollments", session_id=session_id, employee_id=person.id, status=status,
            enrolled_at=starts - timedelta(days=offset), completed_at=ends if done else None,
            score=rng.randint(55, 100) if done else None,
            feedback_rating=rng.choices((2, 3, 4, 5), (1, 2, 5, 4))[0] if rated else None,
            feedback_comment=(rng.choice(names.FEEDBACK_COMMENTS) or None) if rated else None,
            certificate_expires_at=add_months(ends, months) if done and months else None,
        )  # fmt: skip


def _future_enrollments(
    plan: Plan, rng: random.Random, people: list[Person], now: datetime,
    session: tuple[int, datetime, datetime], first: Person | None, *, full: bool = False,
) -> None:  # fmt: skip
    session_id = session[0]
    capacity = _capacity(plan, session_id)
    pool = [p for p in people if p.id != _instructor(plan, session_id)]
    if full:
        # Everyone else enrolled first; `first` heads the waitlist, two more queue behind.
        others = _participants(rng, pool, capacity + 2, None)
        queue = [(p, "enrolled") for p in others[:capacity]]
        queue += [(first, "waitlisted")] if first else []
        queue += [(p, "waitlisted") for p in others[capacity:]]
    else:
        queue = [(p, "enrolled") for p in _participants(rng, pool, rng.randint(2, capacity - 3), first)]
        queue.append((queue.pop(-1)[0], "cancelled"))
    start = now - timedelta(days=20)
    step = (now - start) / (len(queue) + 1)
    for i, (person, status) in enumerate(queue, start=1):
        plan.add("enrollments", session_id=session_id, employee_id=person.id, status=status,
                 enrolled_at=start + step * i)  # fmt: skip


def _cancelled_enrollments(
    plan: Plan,
    rng: random.Random,
    people: list[Person],
    now: datetime,
    session: tuple[int, datetime, datetime],
) -> None:
    session_id = session[0]
    pool = [p for p in people if p.id != _instructor(plan, session_id)]
    for person in _participants(rng, pool, 3, None):
        plan.add("enrollments", session_id=session_id, employee_id=person.id, status="cancelled",
                 enrolled_at=now - timedelta(days=rng.uniform(2, 10)))  # fmt: skip


def plan_requirements(plan: Plan, ctx: DemoContext, now: datetime) -> None:
    """Required training: Security Awareness for everyone yearly, Secure Coding for the Web team
    every two years, Fire Warden for HR yearly; one exemption. Planned last (no draws), so no
    other row's id or draw moves."""
    course = {row["code"]: row["id"] for row in plan.rows["training_courses"]}
    created = now - timedelta(days=90)
    web = ctx.team_ids["Web"]
    security = plan.add("training_requirements", course_id=course["SEC-101"], team_ids=[], roles=[], locations=[],
                        every_months=12, window_days=30, created_at=created)  # fmt: skip
    plan.add("training_requirements", course_id=course["ENG-150"], team_ids=[web], roles=[], locations=[],
             every_months=24, window_days=60, created_at=created)  # fmt: skip
    plan.add("training_requirements", course_id=course["FIRE-120"], team_ids=[], roles=["hr"], locations=[],
             every_months=12, window_days=30, created_at=created)  # fmt: skip
    grace = ctx.by_key["grace"]
    plan.add("training_exemptions", requirement_id=security, employee_id=grace.id,
             reason="Completed the equivalent course at a partner", created_at=created)  # fmt: skip
