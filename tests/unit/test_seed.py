"""The demo and benchmark seeds: deterministic plans, and the invariants of what they write."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from tortoise import connections

from auth.passwords import hash_password, verify_password
from cli.seed.common import SeedRefused, add_months, fingerprint
from cli.seed.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, plan_demo, seed_demo
from cli.seed.scale import plan_scale, scale_counts, seed_scale
from models.employees import Employee
from models.feedback import FeedbackRequest, Kudos
from models.mentorships import Mentorship, MentorshipCheckIn
from models.tasks import Task, TaskPriority, TaskStatus
from models.teams import Team, TeamMembership
from models.training import Enrollment, TrainingCourse, TrainingSession

FIXED_NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def _depth(managers: dict[int, int | None], employee_id: int) -> int:
    """Edges from the employee up to the top; fails on a cycle."""
    seen, depth, current = {employee_id}, 0, managers[employee_id]
    while current is not None:
        assert current not in seen, f"manager cycle through {current}"
        seen.add(current)
        depth, current = depth + 1, managers[current]
    return depth


async def _managers() -> dict[int, int | None]:
    return dict(await Employee.all().values_list("id", "manager_id"))


async def _assert_sessions_within_capacity() -> None:
    capacity = dict(await TrainingSession.all().values_list("id", "capacity"))
    enrolled = Counter(await Enrollment.filter(status="enrolled").values_list("session_id", flat=True))
    for session_id, n in enrolled.items():
        assert n <= capacity[session_id], (
            f"session {session_id}: {n} enrolled > capacity {capacity[session_id]}"
        )


async def _assert_mentorship_pairs() -> None:
    rows = await Mentorship.all().values("mentor_id", "mentee_id", "status")
    assert all(r["mentor_id"] != r["mentee_id"] for r in rows)
    open_pairs = Counter(
        (r["mentor_id"], r["mentee_id"]) for r in rows if r["status"] in ("proposed", "active")
    )
    assert all(n == 1 for n in open_pairs.values())


def test_demo_plan_is_deterministic() -> None:
    first, _ = plan_demo(FIXED_NOW, "hash")
    second, _ = plan_demo(FIXED_NOW, "hash")
    assert first.rows == second.rows
    later, _ = plan_demo(FIXED_NOW + timedelta(days=40, hours=5), "other-hash")
    assert fingerprint(later) == fingerprint(first)  # only the dates move with "now"


def test_scale_plan_is_deterministic() -> None:
    assert plan_scale(0.01, FIXED_NOW, None).rows == plan_scale(0.01, FIXED_NOW, None).rows


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(datetime(2026, 1, 31, 9, tzinfo=UTC), 1) == datetime(2026, 2, 28, 9, tzinfo=UTC)
    assert add_months(datetime(2026, 11, 15, tzinfo=UTC), 14) == datetime(2028, 1, 15, tzinfo=UTC)


async def test_demo_seed_writes_a_realistic_consistent_org(database_url: str) -> None:
    counts = await seed_demo(password_hash=hash_password(DEMO_PASSWORD))
    assert counts is not None
    assert 110 <= await Employee.all().count() == counts["employees"] <= 130

    managers = await _managers()
    assert sum(1 for m in managers.values() if m is None) == 1  # one CEO
    assert max(_depth(managers, e) for e in managers) >= 5
    employees = await Employee.all().values("email", "role", "timezone", "status", "skills", "job_title")
    assert len({e["email"] for e in employees}) == len(employees)
    roles = Counter(e["role"] for e in employees)
    assert 3 <= roles["hr"] <= 5 and roles["admin"] == 1
    assert all(ZoneInfo(e["timezone"]) for e in employees)
    assert all(e["skills"] and e["job_title"] for e in employees)

    by_email = {e.email: e for e in await Employee.filter(email__in=[a.email for a in DEMO_ACCOUNTS])}
    assert set(by_email) == {a.email for a in DEMO_ACCOUNTS}
    for account in DEMO_ACCOUNTS:
        assert by_email[account.email].role == account.role
    ada, grace = by_email["ada.lovelace@example.com"], by_email["grace.hopper@example.com"]
    assert verify_password(ada.password_hash, DEMO_PASSWORD)
    assert verify_password(by_email["hr@example.com"].password_hash, DEMO_PASSWORD)
    assert ada.manager_id == grace.id and grace.manager_id == by_email["margaret.hamilton@example.com"].id
    assert await Task.filter(assignee_id=ada.id).count() >= 5
    assert await Mentorship.filter(mentee_id=ada.id, status="active").exists()
    assert await Enrollment.filter(employee_id=ada.id, status="waitlisted").exists()
    assert await Kudos.filter(receiver_id=ada.id).count() >= 3
    assert (await FeedbackRequest.get(id=1)).respondent_id == ada.id  # the README's submitFeedback
    assert await FeedbackRequest.filter(requester_id=ada.id, visibility="shared_with_manager").exists()
    assert await Enrollment.filter(employee_id=ada.id, status="completed").exists()

    teams = await Team.all().values("id", "parent_id", "lead_id")
    assert 10 <= len(teams) <= 16
    assert sum(1 for t in teams if t["parent_id"]) >= len(teams) - 1
    leads = set(await TeamMembership.filter(role="lead").values_list("team_id", "employee_id"))
    assert all((t["id"], t["lead_id"]) in leads for t in teams)

    today = datetime.now(UTC).date()
    tasks = await Task.all().values("status", "priority", "due_date", "completed_at", "team_id")
    assert {t["status"] for t in tasks} == set(TaskStatus)
    assert {t["priority"] for t in tasks} == set(TaskPriority)
    assert all(t["completed_at"] for t in tasks if t["status"] == "done")
    assert any(
        t["due_date"] and t["due_date"] < today and t["status"] not in ("done", "cancelled") for t in tasks
    )
    assert any(t["team_id"] for t in tasks) and any(t["team_id"] is None for t in tasks)
    assert 250 <= len(tasks) <= 350

    mentorships = await Mentorship.all().values("id", "status")
    assert {m["status"] for m in mentorships} == {"proposed", "active", "declined", "completed", "cancelled"}
    checked = set(await MentorshipCheckIn.all().values_list("mentorship_id", flat=True))
    assert all(m["id"] in checked for m in mentorships if m["status"] in ("active", "completed"))
    await _assert_mentorship_pairs()

    await _assert_training(today)

    # Sequences moved past the explicit ids (PostgreSQL): the next insert gets a fresh id.
    extra = await Employee.create(
        email="new@example.com", given_name="New", family_name="Hire", hire_date=today
    )
    assert extra.id > max(managers)


async def _assert_training(today: date) -> None:
    now = datetime.now(UTC)
    courses = await TrainingCourse.all().values("id", "mandatory", "certification_valid_months")
    assert 12 <= len(courses) <= 18
    assert any(c["mandatory"] for c in courses) and any(c["certification_valid_months"] for c in courses)
    sessions = await TrainingSession.all().values(
        "id", "course_id", "starts_at", "ends_at", "capacity", "status"
    )
    assert all(s["capacity"] > 0 and s["ends_at"] > s["starts_at"] for s in sessions)
    assert any(s["status"] == "completed" and s["ends_at"] < now for s in sessions)
    assert any(s["status"] == "scheduled" and s["starts_at"] > now for s in sessions)
    assert any(s["status"] == "cancelled" for s in sessions)
    await _assert_sessions_within_capacity()

    by_session: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in await Enrollment.all().order_by("enrolled_at").values():
        by_session[row["session_id"]].append(row)
    capacity = {s["id"]: s["capacity"] for s in sessions}
    full = [
        sid
        for sid, rows in by_session.items()
        if sum(r["status"] == "enrolled" for r in rows) == capacity[sid]
        and any(r["status"] == "waitlisted" for r in rows)
    ]
    assert full, "a full session with a waitlist"
    rows = by_session[full[0]]
    last_enrolled = max(r["enrolled_at"] for r in rows if r["status"] == "enrolled")
    assert all(r["enrolled_at"] > last_enrolled for r in rows if r["status"] == "waitlisted")

    months = {c["id"]: c["certification_valid_months"] for c in courses}
    course_of = {s["id"]: s["course_id"] for s in sessions}
    completed = [r for rows in by_session.values() for r in rows if r["status"] == "completed"]
    assert completed and all(r["completed_at"] and r["score"] is not None for r in completed)
    assert any(r["feedback_rating"] for r in completed)
    for r in completed:
        valid = months[course_of[r["session_id"]]]
        expected = add_months(r["completed_at"], valid) if valid else None
        assert r["certificate_expires_at"] == expected
    expiries = [r["certificate_expires_at"] for r in completed if r["certificate_expires_at"]]
    assert any(now < e < now + timedelta(days=30) for e in expiries), "certificates expiring soon"
    assert any(e < now for e in expiries) and any(e > now + timedelta(days=30) for e in expiries)


async def test_demo_seed_if_empty_does_not_duplicate(database_url: str) -> None:
    first = await seed_demo(if_empty=True, password_hash="not-a-real-hash")
    assert first is not None
    assert await seed_demo(if_empty=True, password_hash="not-a-real-hash") is None
    assert await Employee.all().count() == first["employees"]
    assert await Task.all().count() == first["tasks"]
    with pytest.raises(SeedRefused):
        await seed_demo(password_hash="not-a-real-hash")
    with pytest.raises(SeedRefused):
        await seed_scale(0.01)


async def test_scale_seed_leaves_statistics_for_the_query_planner(database_url: str) -> None:
    counts = await seed_scale(0.02, now=FIXED_NOW)
    conn = connections.get("default")
    if conn.capabilities.dialect == "sqlite":
        rows = await conn.execute_query_dict("SELECT tbl FROM sqlite_stat1 WHERE tbl = 'tasks'")
        assert rows, "no statistics for tasks after the seed"
    else:  # ANALYZE samples all of a table this small: its row estimate is the exact count
        rows = await conn.execute_query_dict("SELECT reltuples FROM pg_class WHERE relname = 'tasks'")
        assert rows[0]["reltuples"] == counts["tasks"]


async def test_scale_seed_small_fraction(database_url: str) -> None:
    scale = 0.02
    counts = await seed_scale(scale, now=FIXED_NOW)
    expected = scale_counts(scale)
    for table, model in [
        ("employees", Employee),
        ("teams", Team),
        ("team_memberships", TeamMembership),
        ("tasks", Task),
        ("training_courses", TrainingCourse),
        ("training_sessions", TrainingSession),
        ("enrollments", Enrollment),
        ("mentorships", Mentorship),
        ("kudos", Kudos),
        ("feedback_requests", FeedbackRequest),
    ]:
        assert await model.all().count() == expected[table] == counts[table], table
    assert expected["employees"] == 40 and expected["tasks"] == 400 and expected["enrollments"] == 600

    managers = await _managers()
    assert all(m is None or m < e for e, m in managers.items())  # a tree by construction
    assert max(_depth(managers, e) for e in managers) >= 2
    emails: list[str] = await Employee.all().values_list("email", flat=True)  # type: ignore[assignment]  # flat: strings, not tuples
    assert len(set(emails)) == len(emails) and all(e.endswith("@scale.example.com") for e in emails)
    assert set(await Task.all().values_list("status", flat=True)) == set(TaskStatus)  # type: ignore[comparison-overlap]  # tortoise types a flat values_list as tuples
    assert len(set(await Mentorship.all().values_list("status", flat=True))) == 5
    await _assert_mentorship_pairs()
    await _assert_sessions_within_capacity()
    assert await MentorshipCheckIn.all().count() == counts["mentorship_check_ins"]
