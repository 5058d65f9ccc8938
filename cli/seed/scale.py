"""`seed --scale N`: deterministic benchmark data, N x (2,000 employees, 100 teams, 20,000 tasks,
200 courses, 1,000 sessions, 30,000 enrollments, 1,000 mentorships, 5,000 kudos, 1,000 feedback
requests), written in bulk.

The invariants hold by construction: an employee's manager has a lower id (a tree, no
cycles), mentor/mentee pairs are distinct, and no session has more `enrolled` rows than its
capacity (the rest of its queue is waitlisted, in enrollment order). Tests pass a fraction
(`scale=0.02`) for a quick run.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from tortoise import connections

from cli.seed import names
from cli.seed.common import (
    MENTORSHIP_STATUSES,
    TASK_PRIORITIES,
    TASK_STATUSES,
    Plan,
    add_months,
    at,
    check_empty,
    write_plan,
)

SCALE_SEED = 20260502
PER_UNIT = {
    "employees": 2000,
    "teams": 100,
    "tasks": 20_000,
    "training_courses": 200,
    "training_sessions": 1000,
    "enrollments": 30_000,
    "mentorships": 1000,
    "kudos": 5000,
    "feedback_requests": 1000,
    "time_off_requests": 4000,
}
MANAGER_FANOUT = 7  # reports per manager: about five levels for 2,000 people
TEAM_FANOUT = 5  # subteams per team
CHECK_INS_PER_MENTORSHIP = 2  # for active and completed mentorships


def scale_counts(scale: float) -> dict[str, int]:
    """Rows the scale seed writes to each sized table (memberships: one per employee)."""
    counts = {table: max(1, round(n * scale)) for table, n in PER_UNIT.items()}
    counts["employees"] = max(counts["employees"], 2)
    counts["team_memberships"] = counts["employees"]
    return counts


def plan_scale(scale: float, now: datetime, password_hash: str | None) -> Plan:
    rng = random.Random(SCALE_SEED)
    counts = scale_counts(scale)
    plan = Plan()
    _employees(plan, rng, now, counts, password_hash)
    _tasks(plan, rng, now, counts)
    _mentorships(plan, rng, now, counts)
    _training(plan, rng, now, counts)
    _feedback(plan, random.Random(SCALE_SEED + 14), now, counts)  # its own draws: earlier rows stay put
    _time_off(plan, now, counts)
    return plan


def _employees(plan: Plan, rng: random.Random, now: datetime, counts: dict[str, int], pw: str | None) -> None:
    today = now.date()
    n_emp, n_teams = counts["employees"], counts["teams"]
    skills = [s for pool in names.SKILLS.values() for s in pool]
    depts = list(names.IC_TITLES)
    for i in range(1, n_emp + 1):
        (given, pronouns), family = rng.choice(names.GIVEN_NAMES), rng.choice(names.FAMILY_NAMES)
        location, tz, _ = rng.choice(names.LOCATIONS)
        hire = today - timedelta(days=rng.randint(10, 3000))
        plan.add(
            "employees", email=f"e{i}@scale.example.com", given_name=given, family_name=family,
            job_title=rng.choice(names.IC_TITLES[rng.choice(depts)]), location=location, timezone=tz,
            pronouns=pronouns, skills=rng.sample(skills, 3), hire_date=hire, status="active",
            role="admin" if i == 2 else "hr" if i % 100 == 50 else "employee",
            manager_id=(i - 2) // MANAGER_FANOUT + 1 if i > 1 else None,
            phone=f"+1-555-01{i % 100:02d}", password_hash=pw, created_at=at(hire, 8),
        )  # fmt: skip
    for t in range(1, n_teams + 1):
        plan.add("teams", name=f"Team {t:04d}", slug=f"team-{t:04d}", lead_id=min(t, n_emp),
                 parent_id=(t - 2) // TEAM_FANOUT + 1 if t > 1 else None)  # fmt: skip
    for i in range(1, n_emp + 1):
        team = _team_of(i, n_teams)
        plan.add("team_memberships", team_id=team, employee_id=i, role="lead" if i == team else "member",
                 joined_at=now - timedelta(days=rng.randint(1, 700)))  # fmt: skip


def _time_off(plan: Plan, now: datetime, counts: dict[str, int]) -> None:
    """Requests in every status around today, a week each; one employee's never overlap (the
    n-th request of an employee lies n * 5 weeks from the first). Its own generator: the other
    tables stay as they were."""
    rng = random.Random(SCALE_SEED + 14)
    monday = now.date() - timedelta(days=now.weekday())
    n_emp = counts["employees"]
    for n in range(counts["time_off_requests"]):
        starts = monday + timedelta(weeks=(n // n_emp) * 5 - 20 + rng.randint(0, 3))
        status = rng.choices(("approved", "pending", "declined", "cancelled"), (70, 10, 10, 10))[0]
        plan.add("time_off_requests", employee_id=n % n_emp + 1, kind=rng.choice(("vacation", "sick", "personal")),
                 status=status, starts_on=starts, ends_on=starts + timedelta(days=4), working_days=5,
                 created_at=at(starts - timedelta(days=14)))  # fmt: skip


def _team_of(employee_id: int, n_teams: int) -> int:
    return (employee_id - 1) % n_teams + 1


def _tasks(plan: Plan, rng: random.Random, now: datetime, counts: dict[str, int]) -> None:
    n_emp, n_teams = counts["employees"], counts["teams"]
    for n in range(counts["tasks"]):
        assignee = rng.randint(1, n_emp)
        manager = (assignee - 2) // MANAGER_FANOUT + 1 if assignee > 1 else assignee
        status = TASK_STATUSES[n % 5] if n < 5 else rng.choices(TASK_STATUSES, (30, 25, 8, 30, 7))[0]
        created = now - timedelta(days=rng.uniform(1, 365))
        plan.add(
            "tasks", title=f"{rng.choice(names.TASK_VERBS)} {rng.choice(names.TASK_OBJECTS)}",
            status=status, priority=rng.choice(TASK_PRIORITIES), assignee_id=assignee,
            creator_id=manager if rng.random() < 0.5 else assignee,
            team_id=_team_of(assignee, n_teams) if rng.random() < 0.5 else None,
            due_date=(created + timedelta(days=rng.randint(3, 60))).date() if rng.random() < 0.8 else None,
            completed_at=created + (now - created) * rng.random() if status == "done" else None,
            created_at=created,
        )  # fmt: skip


def _mentorships(plan: Plan, rng: random.Random, now: datetime, counts: dict[str, int]) -> None:
    n_emp = counts["employees"]
    seniors = max(1, n_emp // 2)
    # Distinct pairs, so at most one open mentorship per pair whatever the statuses.
    wanted = min(counts["mentorships"], seniors * (n_emp - 1))
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < wanted:
        mentor, mentee = rng.randint(1, seniors), rng.randint(2, n_emp)
        if mentor != mentee:
            pairs.add((mentor, mentee))
    for n, (mentor, mentee) in enumerate(sorted(pairs)):
        status = MENTORSHIP_STATUSES[n % 5] if n < 5 else rng.choices(MENTORSHIP_STATUSES, (2, 4, 1, 2, 1))[0]
        created = now - timedelta(days=rng.uniform(1, 600))
        started = (
            created + timedelta(days=rng.uniform(1, 5))
            if status in ("active", "completed", "cancelled")
            else None
        )
        ended = None
        if status in ("completed", "cancelled") and started is not None:
            ended = started + (now - started) * rng.uniform(0.3, 0.9)
        elif status == "declined":
            ended = created + timedelta(days=1)
        mentorship_id = plan.add(
            "mentorships", mentor_id=mentor, mentee_id=mentee, status=status, goals=rng.choice(names.MENTORSHIP_GOALS),
            focus_skills=rng.sample(names.SKILLS["eng"], 2), started_at=started, ended_at=ended, created_at=created,
        )  # fmt: skip
        if status in ("active", "completed") and started is not None:
            until = ended or now
            for k in range(1, CHECK_INS_PER_MENTORSHIP + 1):
                plan.add("mentorship_check_ins", mentorship_id=mentorship_id, notes=rng.choice(names.CHECK_IN_NOTES),
                         happened_at=started + (until - started) * k / (CHECK_INS_PER_MENTORSHIP + 1),
                         author_id=mentee if k % 2 else mentor)  # fmt: skip


def _training(plan: Plan, rng: random.Random, now: datetime, counts: dict[str, int]) -> None:
    n_emp, n_courses, n_sessions = (
        counts["employees"],
        counts["training_courses"],
        counts["training_sessions"],
    )
    months: list[int | None] = []
    for c in range(1, n_courses + 1):
        code, title, category, hours, mandatory, skills, valid = names.COURSES[(c - 1) % len(names.COURSES)]
        months.append(valid)
        plan.add("training_courses", code=f"{code}-{c:04d}", title=f"{title} ({c})", category=category,
                 duration_hours=Decimal(str(hours)), mandatory=mandatory, skills=list(skills),
                 certification_valid_months=valid, created_at=now - timedelta(days=800))  # fmt: skip
    per_session, extra = divmod(counts["enrollments"], n_sessions)
    for s in range(n_sessions):
        course = s % n_courses + 1
        roll = rng.random()
        status = "completed" if roll < 0.5 else "scheduled" if roll < 0.95 else "cancelled"
        days = -rng.uniform(1, 700) if status == "completed" else rng.uniform(1, 120)
        starts = at((now + timedelta(days=days)).date(), 9)
        ends = starts + timedelta(hours=rng.choice((2, 4, 8)))
        queue = per_session + (1 if s < extra else 0)
        instructor = rng.randint(1, n_emp)
        capacity = max(1, round(queue * rng.uniform(0.7, 1.3)))
        session_id = plan.add(
            "training_sessions", course_id=course, starts_at=starts, ends_at=ends, capacity=capacity,
            location=rng.choice(names.TRAINING_ROOMS), instructor_id=instructor, status=status,
            created_at=min(starts, now) - timedelta(days=30),
        )  # fmt: skip
        pool = [e for e in rng.sample(range(1, n_emp + 1), k=min(queue + 1, n_emp)) if e != instructor][
            :queue
        ]
        opened = min(starts, now) - timedelta(days=30)
        for position, employee in enumerate(pool):
            enrolled_at = opened + timedelta(minutes=10 * (position + 1))
            row = {"session_id": session_id, "employee_id": employee, "enrolled_at": enrolled_at}
            if status == "cancelled":
                row["status"] = "cancelled"
            elif status == "scheduled":
                row["status"] = "enrolled" if position < capacity else "waitlisted"
            else:
                row["status"] = rng.choices(("completed", "no_show", "cancelled"), (8, 1, 1))[0]
                if row["status"] == "completed":
                    valid = months[course - 1]
                    row |= {"completed_at": ends, "score": rng.randint(50, 100),
                            "certificate_expires_at": add_months(ends, valid) if valid else None}  # fmt: skip
                    if rng.random() < 0.5:
                        row |= {
                            "feedback_rating": rng.randint(1, 5),
                            "feedback_comment": rng.choice(names.FEEDBACK_COMMENTS),
                        }
            plan.add("enrollments", **row)


def _feedback(plan: Plan, rng: random.Random, now: datetime, counts: dict[str, int]) -> None:
    """Kudos within teams (each naming one skill of its receiver) and feedback requests, half answered."""
    n_emp, n_teams = counts["employees"], counts["teams"]
    skills = {e["id"]: e["skills"] for e in plan.rows["employees"]}
    for _ in range(counts["kudos"]):
        giver = rng.randint(1, n_emp)
        receiver = giver + n_teams if giver + n_teams <= n_emp else max(1, giver - n_teams)  # same team
        if receiver == giver:
            receiver = giver % n_emp + 1
        skill = rng.choice(skills[receiver])
        kudos_id = plan.add("kudos", giver_id=giver, receiver_id=receiver, message="Thanks for the help!",
                            skills=[skill], created_at=now - timedelta(days=rng.uniform(1, 365)))  # fmt: skip
        plan.add("kudos_skills", kudos_id=kudos_id, receiver_id=receiver, skill=skill)
    for n in range(counts["feedback_requests"]):
        requester = rng.randint(1, n_emp)
        respondent = requester % n_emp + 1
        created = now - timedelta(days=rng.uniform(1, 180))
        answered = n % 2 == 1
        plan.add("feedback_requests", requester_id=requester, respondent_id=respondent,
                 about="My work this quarter", due_on=(created + timedelta(days=14)).date(),
                 status="submitted" if answered else "pending",
                 body="Keep doing what you do; share it more." if answered else None,
                 visibility=("private", "shared_with_manager")[n % 4 // 2] if answered else None,
                 submitted_at=created + timedelta(days=3) if answered else None,
                 created_at=created, updated_at=created)  # fmt: skip


async def seed_scale(
    scale: float, *, now: datetime | None = None, password_hash: str | None = None
) -> dict[str, int]:
    """Write the benchmark data into an empty database; returns counts (and `seconds`)."""
    await check_empty(if_empty=False)
    started = time.perf_counter()
    plan = plan_scale(scale, now or datetime.now(UTC), password_hash)
    planned = time.perf_counter()
    counts = await write_plan(plan, batch_size=2000)
    # Statistics for the query planner, on either backend: after a bulk load SQLite has none at
    # all (no `sqlite_stat1`) and picks poor plans for the compiled reads' statements.
    await connections.get("default").execute_script("ANALYZE")
    done = time.perf_counter()
    return counts | {"plan_ms": round((planned - started) * 1000), "write_ms": round((done - planned) * 1000)}
