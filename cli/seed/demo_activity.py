"""The demo's activity around its people: tasks, mentorships, and (demo_training.py) training.

Everything a demo user might try is present at once: tasks in every status and priority (some
overdue), mentorships in every status with check-ins, past sessions with results and
certificates (expired, expiring soon, valid), future sessions (one full with a waitlist, one
cancelled). Ada Lovelace gets a hand-picked share of each.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from cli.seed import names
from cli.seed.common import MENTORSHIP_STATUSES, TASK_PRIORITIES, TASK_STATUSES, Plan
from cli.seed.demo_context import DemoContext, Person, active, by_title
from cli.seed.demo_feedback import plan_feedback
from cli.seed.demo_schedules import plan_schedules
from cli.seed.demo_training import plan_training

DEMO_TASKS = 300
DEMO_MENTORSHIPS = 30
_TASK_NOTES = (
    "",
    "Notes are in the team folder.",
    "Agreed in the weekly sync.",
    "Blocked on a decision from finance.",
)


def plan_activity(plan: Plan, ctx: DemoContext, rng: random.Random, now: datetime) -> None:
    _plan_tasks(plan, ctx, rng, now)
    _plan_mentorships(plan, ctx, rng, now)
    plan_training(plan, ctx, rng, now)
    plan_feedback(plan, ctx, now)
    plan_schedules(plan, ctx, now)


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
    people = active(ctx)
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
    if status == "completed":  # both sides rated most finished mentorships (no draw: keeps the seed's stream)
        row = plan.rows["mentorships"][-1]
        row["end_reason"] = names.MENTORSHIP_GOALS[mentorship_id % len(names.MENTORSHIP_GOALS)] + ": done"
        row["mentee_rating"] = 3 + mentorship_id % 3
        row["mentor_rating"] = 4 + mentorship_id % 2 if mentorship_id % 3 else None
    if status in ("active", "completed") and started is not None:
        until = ended or now
        count = rng.randint(2, 5)
        for i in range(1, count + 1):
            plan.add("mentorship_check_ins", mentorship_id=mentorship_id,
                     happened_at=started + (until - started) * i / (count + 1),
                     notes=rng.choice(names.CHECK_IN_NOTES), author_id=rng.choice((mentor.id, mentee.id)))  # fmt: skip


def _plan_mentorships(plan: Plan, ctx: DemoContext, rng: random.Random, now: datetime) -> None:
    ada = ctx.by_key["ada"]
    mobile_ic = next(p for p in ctx.people if p.manager_id == by_title(ctx, "Tech Lead, iOS").id)
    fixed = [
        (by_title(ctx, "Director of Platform Engineering"), ada, "active"),
        (by_title(ctx, "Tech Lead, Reliability"), ada, "completed"),
        (ada, mobile_ic, "proposed"),  # a request waiting for Ada's answer
    ]
    pairs = {(mentor.id, mentee.id) for mentor, mentee, _ in fixed}
    for mentor, mentee, status in fixed:
        _mentorship(plan, rng, now, mentor, mentee, status)
    people = active(ctx)
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
    _plan_mentor_capacities(plan)


def _plan_mentor_capacities(plan: Plan) -> None:
    """Every other mentor said how many mentees they take: one to three more than they have."""
    open_counts: dict[int, int] = {}
    for row in plan.rows["mentorships"]:
        if row["status"] in ("proposed", "active"):
            open_counts[row["mentor_id"]] = open_counts.get(row["mentor_id"], 0) + 1
    mentors = sorted({row["mentor_id"] for row in plan.rows["mentorships"]})
    for i, mentor_id in enumerate(mentors[::2]):
        plan.add(
            "mentor_capacities", employee_id=mentor_id, capacity=open_counts.get(mentor_id, 0) + 1 + i % 3
        )
