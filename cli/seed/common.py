"""What the demo and benchmark seeds share: the planned rows and the bulk writer.

A seed is planned first, as plain dictionaries with explicit ids (so rows can point at each
other before anything is written and the plan can be compared between runs), then written in
one transaction with `bulk_create`, parents before children.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from tortoise.models import Model
from tortoise.transactions import in_transaction

from models.employees import Employee
from models.feedback import FeedbackRequest, Kudos, KudosSkill
from models.mentorships import MentorCapacity, Mentorship, MentorshipCheckIn, MentorshipStatus
from models.schedules import PublicHoliday, TimeOffRequest
from models.tasks import Task, TaskPriority, TaskStatus
from models.teams import Team, TeamMembership
from models.training import Enrollment, TrainingCourse, TrainingSession

# The models' vocabularies, in their declared order (the seeds draw from them by position).
TASK_STATUSES: tuple[str, ...] = tuple(status.value for status in TaskStatus)
TASK_PRIORITIES: tuple[str, ...] = tuple(priority.value for priority in TaskPriority)
MENTORSHIP_STATUSES: tuple[str, ...] = tuple(
    status.value
    for status in MentorshipStatus
    if status != MentorshipStatus.EXPIRED  # the job sets it
)

# Insertion order: every foreign key points at a table written earlier (or at a lower id of
# the same table: managers before their reports, parent teams before their subteams).
PLAN_MODELS: tuple[tuple[str, type[Model]], ...] = (
    ("employees", Employee),
    ("teams", Team),
    ("team_memberships", TeamMembership),
    ("tasks", Task),
    ("mentorships", Mentorship),
    ("mentorship_check_ins", MentorshipCheckIn),
    ("mentor_capacities", MentorCapacity),
    ("training_courses", TrainingCourse),
    ("training_sessions", TrainingSession),
    ("enrollments", Enrollment),
    ("kudos", Kudos),
    ("kudos_skills", KudosSkill),
    ("feedback_requests", FeedbackRequest),
    ("public_holidays", PublicHoliday),
    ("time_off_requests", TimeOffRequest),
)


class SeedRefused(RuntimeError):
    """The database already holds data the seed would collide with."""


@dataclass
class Plan:
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {t: [] for t, _ in PLAN_MODELS})

    def add(self, table: str, **values: Any) -> int:
        rows = self.rows[table]
        values["id"] = len(rows) + 1
        rows.append(values)
        new_id: int = values["id"]
        return new_id

    def counts(self) -> dict[str, int]:
        return {table: len(rows) for table, rows in self.rows.items()}


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later, clamped to the month's last day."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def at(day: date, hour: int = 9, minute: int = 0, tz: Any = None) -> datetime:
    """A timezone-aware moment on `day` (UTC unless told)."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz or UTC)


async def existing_counts() -> dict[str, int]:
    """Rows already in the tables a seed writes."""
    return {table: await model.all().count() for table, model in PLAN_MODELS}


async def check_empty(*, if_empty: bool) -> bool:
    """True when the seed may go ahead; False when `if_empty` says to skip quietly.

    Employees present: skip under `if_empty`, otherwise refuse. Any other seeded table not
    empty: refuse, since explicit ids would collide.
    """
    counts = await existing_counts()
    if counts["employees"]:
        if if_empty:
            return False
        raise SeedRefused(
            f"the database already has {counts['employees']} employees; seed into an empty "
            "database (or pass --if-empty to skip when data exists)"
        )
    busy = {table: n for table, n in counts.items() if n}
    if busy:
        listed = ", ".join(f"{table}: {n}" for table, n in busy.items())
        raise SeedRefused(f"the database has no employees but other rows ({listed}); use an empty database")
    return True


async def write_plan(plan: Plan, *, batch_size: int = 1000) -> dict[str, int]:
    """Insert every planned row in one transaction; returns the counts written."""
    async with in_transaction() as conn:
        for table, model in PLAN_MODELS:
            rows = plan.rows[table]
            for start in range(0, len(rows), batch_size):
                objects = [model(**row) for row in rows[start : start + batch_size]]
                await model.bulk_create(objects, batch_size=batch_size, using_db=conn)
        if conn.capabilities.dialect == "postgres":
            # Explicit ids do not move the sequences: point them past the rows just written.
            for table, _ in PLAN_MODELS:
                await conn.execute_query(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                )
    return plan.counts()


def format_counts(counts: dict[str, int]) -> str:
    width = max(len(table) for table in counts)
    return "\n".join(f"  {table:<{width}}  {n:>8,}" for table, n in counts.items())


def fingerprint(plan: Plan) -> list[tuple[Any, ...]]:
    """The shape of a plan without its dates: who, reporting to whom, in which state."""
    rows = plan.rows
    emails = {e["id"]: e["email"] for e in rows["employees"]}
    return [
        *(
            (e["email"], emails.get(e["manager_id"]), e["role"], e.get("status", "active"))
            for e in rows["employees"]
        ),
        *((t["slug"], emails[t["lead_id"]], t["parent_id"]) for t in rows["teams"]),
        *((t["title"], emails[t["assignee_id"]], t["status"], t["priority"]) for t in rows["tasks"]),
        *((m["status"], emails[m["mentor_id"]], emails[m["mentee_id"]]) for m in rows["mentorships"]),
        *((s["course_id"], s["status"], s["capacity"]) for s in rows["training_sessions"]),
        *((e["session_id"], emails[e["employee_id"]], e["status"]) for e in rows["enrollments"]),
        tuple(sorted(plan.counts().items())),
    ]
