"""The demo's activity around its people: tasks, mentorships, courses, sessions, enrollments.

Everything a demo user might try is present at once: tasks in every status and priority (some
overdue), mentorships in every status with check-ins, past sessions with results and
certificates (expired, expiring soon, valid), future sessions (one full with a waitlist, one
cancelled). Ada Lovelace gets a hand-picked share of each.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING

from cli import seed_names as names
from cli.seed_common import Plan, add_months, at

if TYPE_CHECKING:
    from cli.seed_demo import DemoContext, Person

TASK_STATUSES = ("todo", "in_progress", "blocked", "done", "cancelled")
TASK_PRIORITIES = ("low", "medium", "high", "urgent")
MENTORSHIP_STATUSES = ("proposed", "active", "declined", "completed", "cancelled")
DEMO_TASKS = 300
DEMO_MENTORSHIPS = 30
_TASK_NOTES = (
    "",
    "Notes are in the team folder.",
    "Agreed in the weekly sync.",
    "Blocked on a decision from finance.",
)
_INSTRUCTOR_DEPTS = {
    "Compliance": "people", "Health & Safety": "people", "Leadership": "people", "Communication": "design",
    "Engineering": "eng", "Data": "data", "Sales": "sales", "People": "talent",
}  # fmt: skip


def plan_activity(plan: Plan, ctx: DemoContext, rng: random.Random, now: datetime) -> None:
    _plan_tasks(plan, ctx, rng, now)
    _plan_mentorships(plan, ctx, rng, now)
    _plan_training(plan, ctx, rng, now)


def _active(ctx: DemoContext) -> list[Person]:
    return [p for p in ctx.people if p.status != "terminated"]


def _by_title(ctx: DemoContext, title: str) -> Person:
    return next(p for p in ctx.people if p.title == title)


# --- tasks -----------------------------------------------------------------------------------


def _plan_tasks(plan: Plan, ctx: DemoContext, rng: random.Random, now: datetime) -> None:
    today = now.date()
    ada, grace = ctx.by_key["ada"], ctx.by_key["grace"]
    web = ctx.team_ids["Web"]
    # (title, status, priority, creator, team, created days ago, due in days or None)
    ada_tasks = [
        ("Fix login rate limiting", "in_progress", "high", grace, web, 6, 3),
        ("Review onboarding checklist", "todo", "medium", ada, None, 2, 10),
        ("Document the on-call runbook", "blocked", "urgent", grace, web, 20, -5),
        ("Prepare accessibility audit findings", "todo", "low", ada, web, 15, -2),
        ("Update release notes", "done", "medium", grace, web, 12, -1),
        ("Migrate database backups", "cancelled", "high", grace, web, 30, None),
    ]
    for title, status, priority, creator, team, age, due in ada_tasks:
        created = now - timedelta(days=age, hours=3)
        plan.add("tasks", title=title, description=rng.choice(_TASK_NOTES), status=status, priority=priority,
                 assignee_id=ada.id, creator_id=creator.id, team_id=team, created_at=created,
                 due_date=None if due is None else today + timedelta(days=due),
                 completed_at=now - timedelta(days=2) if status == "done" else None)  # fmt: skip
    people = _active(ctx)
    for n in range(DEMO_TASKS - len(ada_tasks)):
        assignee = rng.choice(people)
        roll = rng.random()
        if roll < 0.5:
            creator_id = assignee.id
        elif roll < 0.9:
            creator_id = assignee.manager_id or assignee.id
        else:
            creator_id = rng.choice(people).id
        team_id = assignee.team_id if assignee.team_id and rng.random() < 0.6 else None
        # The first rows walk every status and priority; the rest follow realistic weights.
        status = TASK_STATUSES[n % 5] if n < 20 else rng.choices(TASK_STATUSES, weights=(30, 25, 8, 30, 7))[0]
        priority = (
            TASK_PRIORITIES[n % 4] if n < 20 else rng.choices(TASK_PRIORITIES, weights=(20, 45, 25, 10))[0]
        )
        created = now - timedelta(days=rng.uniform(1, 120))
        due_date = (created + timedelta(days=rng.randint(3, 45))).date() if rng.random() < 0.85 else None
        completed = created + (now - created) * rng.uniform(0.2, 1.0) if status == "done" else None
        plan.add("tasks", title=f"{rng.choice(names.TASK_VERBS)} {rng.choice(names.TASK_OBJECTS)}",
                 description=rng.choice(_TASK_NOTES), status=status, priority=priority,
                 assignee_id=assignee.id, creator_id=creator_id, team_id=team_id,
                 due_date=due_date, completed_at=completed, created_at=created)  # fmt: skip


# --- mentorships -----------------------------------------------------------------------------


def _mentorship(
    plan: Plan, rng: random.Random, now: datetime, mentor: Person, mentee: Person, status: str
) -> None:
    started = ended = None
    if status == "proposed":
        created = now - timedelta(days=rng.uniform(1, 14))
    elif status == "declined":
        created = now - timedelta(days=rng.uniform(10, 200))
        ended = created + timedelta(days=rng.uniform(1, 5))
    elif status == "active":
        started = now - timedelta(days=rng.uniform(20, 200))
    elif status == "completed":
        started = now - timedelta(days=rng.uniform(220, 500))
        ended = started + timedelta(days=rng.uniform(60, 180))
    else:  # cancelled
        started = now - timedelta(days=rng.uniform(60, 300))
        ended = started + timedelta(days=rng.uniform(10, 50))
    if started is not None:
        created = started - timedelta(days=rng.uniform(1, 7))
    pool = mentee.skills or mentor.skills
    mentorship_id = plan.add(
        "mentorships", mentor_id=mentor.id, mentee_id=mentee.id, status=status,
        goals=rng.choice(names.MENTORSHIP_GOALS), focus_skills=rng.sample(pool, k=min(2, len(pool))),
        started_at=started, ended_at=ended, created_at=created,
    )  # fmt: skip
    if status in ("active", "completed") and started is not None:
        until = ended or now
        count = rng.randint(2, 5)
        for i in range(1, count + 1):
            plan.add("mentorship_check_ins", mentorship_id=mentorship_id,
                     happened_at=started + (until - started) * i / (count + 1),
                     notes=rng.choice(names.CHECK_IN_NOTES), author_id=rng.choice((mentor.id, mentee.id)))  # fmt: skip


def _plan_mentorships(plan: Plan, ctx: DemoContext, rng: random.Random, now: datetime) -> None:
    ada = ctx.by_key["ada"]
    mobile_ic = next(p for p in ctx.people if p.manager_id == _by_title(ctx, "Tech Lead, iOS").id)
    fixed = [
        (_by_title(ctx, "Director of Platform Engineering"), ada, "active"),
        (_by_title(ctx, "Tech Lead, Reliability"), ada, "completed"),
        (ada, mobile_ic, "proposed"),  # a request waiting for Ada's answer
    ]
    pairs = {(mentor.id, mentee.id) for mentor, mentee, _ in fixed}
    for mentor, mentee, status in fixed:
        _mentorship(plan, rng, now, mentor, mentee, status)
    people = _active(ctx)
    mentors = [p for p in people if p.level <= 4]
    for n in range(DEMO_MENTORSHIPS - len(fixed)):
        status = (
            MENTORSHIP_STATUSES[n % 5] if n < 10 else rng.choices(MENTORSHIP_STATUSES, (4, 10, 3, 6, 3))[0]
        )
        while True:
            mentor = rng.choice(mentors)
            mentee = rng.choice([p for p in people if p.level > mentor.level and p.manager_id != mentor.id])
            if (mentor.id, mentee.id) not in pairs:
                break
        pairs.add((mentor.id, mentee.id))
        _mentorship(plan, rng, now, mentor, mentee, status)


# --- training --------------------------------------------------------------------------------


def _plan_training(plan: Plan, ctx: DemoContext, rng: random.Random, now: datetime) -> None:
    ada = ctx.by_key["ada"]
    people = _active(ctx)
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
    instructors = [p for p in _active(ctx) if p.dept == _INSTRUCTOR_DEPTS[category] and p.level <= 4]
    session_id, *_ = _session(plan, rng, now, 1, hours, instructors, -1, "scheduled")
    pool = [p for p in _active(ctx) if p.id != _instructor(plan, session_id) and p.key is None]
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
    return plan.rows["training_sessions"][session_id - 1]["capacity"]


def _instructor(plan: Plan, session_id: int) -> int | None:
    return plan.rows["training_sessions"][session_id - 1]["instructor_id"]


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
