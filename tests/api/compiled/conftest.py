"""Two apps on one database: the resolver path and the compiled path (with `readPath` shown)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from config import RateLimits, Settings
from models.feedback import FeedbackRequest, Kudos
from models.schedules import TimeOffRequest
from models.training import TrainingRequirement
from tests.support import factories as f
from tests.support.graphql_client import GraphQLClient


@dataclass
class Org:
    ids: dict[str, str]
    tokens: dict[str, str]


def gid(type_name: str, pk: int) -> str:
    from ids import to_global_id

    return to_global_id(type_name, pk)


async def build_org(tokens: Callable[..., Awaitable[str]]) -> Org:
    hr = await f.employee(email="hr@example.com", role="hr", given_name="Hedy", family_name="Lamarr")
    boss = await f.employee(email="boss@example.com", family_name="Boss", job_title="Director")
    manager = await f.employee(email="manager@example.com", manager=boss, job_title="Manager")
    skills = ["python", "Go", "écrire", 'a"quote']  # kept in order, unescaped as stored
    worker = await f.employee(email="worker@example.com", manager=manager, skills=skills)
    other = await f.employee(email="other@example.com", manager=boss, family_name="Aaron")
    teams = [await f.team(lead=manager), await f.team(lead=other, parent=None)]
    for person, team, role in (
        (manager, teams[0], "lead"),
        (worker, teams[0], "member"),
        (other, teams[1], "lead"),
        (worker, teams[1], "member"),
        (hr, teams[1], "member"),
    ):
        await f.member(team, person, role)
    for n in (2, 1):  # subteams, created in the other order than their names sort
        await f.team(name=f"Sub {n}", parent=teams[0])
    statuses = ["todo", "in_progress", "blocked", "done", "todo", "in_progress"]
    for i, status in enumerate(statuses * 2):
        due = date(2026, 1, 1) + timedelta(days=(i * 7) % 5) if i % 3 else None
        assignee = (worker, other, manager)[i % 3]
        task_team = teams[i % 2] if i % 4 else None
        creator = (hr, boss, assignee)[i % 3]
        await f.task(assignee, status=status, due_date=due, team=task_team, creator=creator, priority="high")
    course = await f.course(title="Security basics", mandatory=True, skills=["security", "phishing"])
    await f.course(title="Empty", skills=[], category="Security")
    sessions = [await f.session(course), await f.session(course, instructor=other)]
    await f.enrollment(sessions[0], worker)
    await f.enrollment(sessions[1], manager, status="waitlisted")
    await f.enrollment(sessions[1], worker)
    await f.mentorship(other, worker, status="active", focus_skills=["zeta", "alpha"])
    await f.mentorship(boss, worker)
    await f.mentorship(worker, manager, status="proposed")
    await _schedules_and_feedback(hr, boss, manager, worker, other)
    await TrainingRequirement.create(course=course, every_months=24, window_days=60, team_ids=[teams[0].id])
    return Org(
        ids={
            "hr": gid("Employee", hr.id),
            "worker": gid("Employee", worker.id),
            "manager": gid("Employee", manager.id),
            "other": gid("Employee", other.id),
            "team": gid("Team", teams[0].id),
            "team2": gid("Team", teams[1].id),
            "course": gid("TrainingCourse", course.id),
        },
        tokens={
            "hr": await tokens("hr@example.com"),
            "employee": await tokens("worker@example.com"),
            "manager": await tokens("manager@example.com"),
            "service": await tokens(),
        },
    )


async def _schedules_and_feedback(hr: Any, boss: Any, manager: Any, worker: Any, other: Any) -> None:
    """Issue 14's rows: time off in every status, kudos across teams, feedback both ways."""
    day = date(2026, 3, 2)
    for person, kind, status, offset, days, extra in (
        (worker, "vacation", "approved", 0, "2.5", {"note": "Alps"}),
        (worker, "sick", "pending", 10, "1.0", {"pending_reason": "allowance"}),
        (worker, "personal", "declined", 20, "0.5", {"half_day": True, "decided_by": manager}),
        (manager, "parental", "cancelled", 5, "3.0", {"decision_note": "no"}),
        (manager, "other", "pending", 30, "1.0", {"pending_reason": "cover"}),
        (other, "vacation", "approved", 0, "1.0", {}),
    ):
        start = day + timedelta(days=offset)
        await TimeOffRequest.create(
            employee=person,
            kind=kind,
            status=status,
            starts_on=start,
            ends_on=start + timedelta(days=2),
            working_days=days,
            **extra,
        )
    for giver, receiver, skills in (
        (manager, worker, ["python", "Go"]),
        (other, worker, []),
        (worker, other, ["kindness"]),
        (boss, manager, ["focus"]),
        (hr, boss, ["python"]),
    ):
        await Kudos.create(
            giver=giver, receiver=receiver, message=f"Thanks {receiver.given_name}", skills=skills
        )
    for requester, respondent, status, visibility in (
        (worker, manager, "pending", None),
        (worker, other, "submitted", "shared_with_manager"),
        (worker, boss, "submitted", "private"),
        (manager, worker, "pending", None),
        (other, hr, "submitted", "shared_with_manager"),
    ):
        submitted = status == "submitted"
        await FeedbackRequest.create(
            requester=requester,
            respondent=respondent,
            about="My talk",
            due_on=date(2026, 4, 1) if submitted else None,
            status=status,
            body="Clear and short" if submitted else None,
            visibility=visibility,
            submitted_at=datetime(2026, 3, 1, 12, tzinfo=UTC) if submitted else None,
        )


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """No rate limits here: answers are compared byte for byte between paths and requests, and
    what is left in a bucket changes with every request (tests/api/graph/test_throttle.py checks
    that both paths charge the same bucket)."""
    return replace(settings, rate_limits=RateLimits(maximum_available=0))


@pytest.fixture
async def org(tokens: Callable[..., Awaitable[str]]) -> Org:
    return await build_org(tokens)


@dataclass
class Paths:
    resolvers: httpx.AsyncClient
    compiled: httpx.AsyncClient

    async def both(
        self, token: str, query: str, variables: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any], dict[str, Any], str | None]:
        """(resolver body, compiled body without `readPath`, the path that served the latter)."""
        slow_response = await GraphQLClient(self.resolvers, token).post(query, variables)
        fast_response = await GraphQLClient(self.compiled, token).post(query, variables)
        assert fast_response.status_code == slow_response.status_code, fast_response.text
        slow, fast = slow_response.json(), fast_response.json()
        path = fast.get("extensions", {}).pop("readPath", None)
        return slow, fast, path


@pytest.fixture
async def paths(settings: Any) -> AsyncIterator[Paths]:
    from server import create_app

    slow = create_app(replace(settings, read_path="resolvers"), manage_db=False)
    fast = create_app(replace(settings, read_path="compiled", show_read_path=True), manage_db=False)
    async with (
        httpx.AsyncClient(transport=httpx.ASGITransport(app=slow), base_url="http://testserver") as a,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=fast), base_url="http://testserver") as b,
    ):
        yield Paths(a, b)


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every operation the compiled path plans during the test (a cached plan is not planned)."""
    from planner.plans import compile_operation

    planned: list[object] = []

    def counted(*args: Any) -> Any:
        planned.append(args[1])
        return compile_operation(*args)

    monkeypatch.setattr("planner.extension.compile_operation", counted)
    return planned


@pytest.fixture(name="broker", params=["local", "redis"])
async def _broker(request: pytest.FixtureRequest, database_url: str) -> AsyncIterator[str]:
    """The process's broker, as the app's lifespan starts it: local delivery (with, on
    PostgreSQL, the LISTEN session for revocations), or through Redis (where this process's hub
    hears of its own commits only after the round trip)."""
    from events.brokers import revocation_signal, start_broker, stop_broker

    redis_url = os.environ.get("TEST_REDIS_URL") if request.param == "redis" else None
    if request.param == "redis" and not redis_url:
        pytest.skip("needs TEST_REDIS_URL")
    await start_broker(redis_url, database_url)
    signal = revocation_signal()  # PostgreSQL without Redis: listening, as a served app soon is
    assert signal is None or await signal.listening(within=30)
    yield str(request.param)
    await stop_broker()
