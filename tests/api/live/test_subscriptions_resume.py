"""Resuming every subscription with `after` replays every kind of event it delivers, deletions included.

The history is made by the real workflows (the same data the mutations write), committed before
anyone subscribes; then each subscription resumes from the start of the log and must bring each
of its events exactly once and in order, and then go on live.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ids import to_global_id
from models.employees import Employee
from models.mentorships import MentorshipStatus
from models.tasks import TaskStatus
from models.teams import MembershipRole
from models.training import EnrollmentStatus, TrainingSession
from resolvers.employees import workflows as emw
from resolvers.mentorships import workflows as mw
from resolvers.tasks import workflows as tw
from resolvers.teams import workflows as tmw
from resolvers.training import enrollment as ew
from resolvers.training import workflows as trw
from tests.support import factories as f
from tests.support.graphql_client import TokenMaker
from tests.support.live import act, create_task, record
from tests.support.ws_client import WSClient

TASK_EVENTS = """
subscription Tasks($after: ID) {
  taskEvents(after: $after) {
    type taskId task { title } deletedTask { title assigneeId creatorId teamId }
  }
}
"""
VIEWER_EVENTS = "subscription Mine($after: ID) { viewerEvents(after: $after) { __typename type } }"
SESSION_EVENTS = """
subscription Seats($sessionId: ID!, $after: ID) {
  trainingSessionEvents(sessionId: $sessionId, after: $after) { type }
}
"""
MENTORSHIP_EVENTS = "subscription Mentoring($after: ID) { mentorshipEvents(after: $after) { type } }"

TASK_HISTORY = ["TASK_CREATED", "TASK_UPDATED", "TASK_STATUS_CHANGED", "TASK_DELETED"]
MENTORSHIP_HISTORY = [
    "MENTORSHIP_REQUESTED",
    "MENTORSHIP_ACCEPTED",
    "MENTORSHIP_CHECKED_IN",
    "MENTORSHIP_ENDED",
    "MENTORSHIP_REQUESTED",
    "MENTORSHIP_DECLINED",
]
SESSION_HISTORY = [
    "TRAINING_SESSION_SCHEDULED",
    "TRAINING_ENROLLED",  # ada
    "TRAINING_WAITLISTED",  # bob
    "TRAINING_ENROLLMENT_CANCELLED",  # ada
    "TRAINING_PROMOTED",  # bob
    "TRAINING_WAITLISTED",  # ada again
    "TRAINING_ENROLLMENT_CANCELLED",  # bob
    "TRAINING_PROMOTED",  # ada
    "TRAINING_COMPLETED",
    "TRAINING_FEEDBACK_SUBMITTED",
    "TRAINING_SESSION_CANCELLED",
]
ADA_TRAINING = [
    "TRAINING_ENROLLED",
    "TRAINING_ENROLLMENT_CANCELLED",
    "TRAINING_WAITLISTED",
    "TRAINING_PROMOTED",
    "TRAINING_COMPLETED",
    "TRAINING_FEEDBACK_SUBMITTED",
    "TRAINING_SESSION_SCHEDULED",  # the session she teaches
    "TRAINING_SESSION_CANCELLED",
    "TRAINING_ENROLLED",
    "TRAINING_SESSION_CANCELLED",  # with her seat in it
]
ADA_PROFILE = ["EMPLOYEE_UPDATED", "TEAM_MEMBER_ADDED", "TEAM_MEMBER_REMOVED"]


async def schedule(course_id: int, starts: datetime, *, capacity: int, instructor_id: int | None) -> Any:
    return await act(
        "hr@example.com",
        trw.schedule_session,
        course_id=course_id,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=capacity,
        location=None,
        instructor_id=instructor_id,
    )


async def make_history() -> dict[str, int]:
    """Every event type the subscriptions deliver, about Ada, committed before anyone subscribes."""
    await f.employee(email="hr@example.com", role="hr")
    boss = await f.employee(email="boss@example.com")
    ada = await f.employee(email="ada@example.com", manager=boss)
    await f.employee(email="bob@example.com", manager=boss)
    mentor, other_mentor = await f.employee(email="mentor@example.com"), await f.employee()
    team, club = await f.team(), await f.team()
    await f.member(team, ada)

    task = await create_task("boss@example.com", "Quarterly report", ada.id, team.id)
    await act(
        "boss@example.com", tw.update_task, task_id=task.id, expected_version=None, changes={"title": "Q3"}
    )
    await act(
        "ada@example.com",
        tw.set_task_status,
        task_id=task.id,
        status=TaskStatus.IN_PROGRESS,
        expected_version=None,
    )
    await act("boss@example.com", tw.delete_task, task_id=task.id)

    asked = await act(
        "ada@example.com", mw.request_mentorship, mentor_id=mentor.id, goals=None, focus_skills=None
    )
    await act("mentor@example.com", mw.respond_to_mentorship, mentorship_id=asked.id, accept=True)
    await act(
        "ada@example.com", mw.log_check_in, mentorship_id=asked.id, happened_at=None, notes="First talk"
    )
    await act(
        "ada@example.com", mw.end_mentorship, mentorship_id=asked.id, outcome=MentorshipStatus.COMPLETED
    )
    again = await act(
        "ada@example.com", mw.request_mentorship, mentor_id=other_mentor.id, goals=None, focus_skills=None
    )
    await act(other_mentor.email, mw.respond_to_mentorship, mentorship_id=again.id, accept=False)

    course = await f.course()
    starts = datetime.now(UTC) + timedelta(days=3)
    session = await schedule(course.id, starts, capacity=1, instructor_id=None)
    ada_seat = await act("ada@example.com", ew.enroll, session_id=session.id, employee_id=None)
    bob_seat = await act("bob@example.com", ew.enroll, session_id=session.id, employee_id=None)
    await act("ada@example.com", ew.cancel_enrollment, enrollment_id=ada_seat.id)  # bob is promoted
    await act("ada@example.com", ew.enroll, session_id=session.id, employee_id=None)  # waitlisted
    await act("bob@example.com", ew.cancel_enrollment, enrollment_id=bob_seat.id)  # ada is promoted
    started = datetime.now(UTC) - timedelta(hours=1)  # time passes: the session takes place
    await TrainingSession.filter(id=session.id).update(
        starts_at=started, ends_at=started + timedelta(hours=2)
    )
    outcome = EnrollmentStatus.COMPLETED
    await act("hr@example.com", trw.record_outcome, enrollment_id=ada_seat.id, outcome=outcome, score=90)
    await act("ada@example.com", trw.submit_feedback, enrollment_id=ada_seat.id, rating=5, comment=None)
    await act("hr@example.com", trw.cancel_session, session_id=session.id, reason=None)
    taught = await schedule(course.id, starts, capacity=5, instructor_id=ada.id)
    await act("hr@example.com", trw.cancel_session, session_id=taught.id, reason="No room")
    called_off = await schedule(course.id, starts, capacity=5, instructor_id=None)
    await act("ada@example.com", ew.enroll, session_id=called_off.id, employee_id=None)
    await act("bob@example.com", ew.enroll, session_id=called_off.id, employee_id=None)  # not Ada's news
    await act("hr@example.com", trw.cancel_session, session_id=called_off.id, reason=None)

    await act(
        "hr@example.com",
        emw.update_employee,
        employee_id=ada.id,
        expected_version=None,
        changes={"job_title": "Lead"},
    )
    await act(
        "hr@example.com", tmw.add_team_member, team_id=club.id, employee_id=ada.id, role=MembershipRole.MEMBER
    )
    await act("hr@example.com", tmw.remove_team_member, team_id=club.id, employee_id=ada.id)
    return {"task": task.id, "session": session.id, "boss": boss.id, "ada": ada.id, "team": team.id}


async def resume(client: WSClient, query: str, variables: dict[str, Any], count: int) -> list[dict[str, Any]]:
    op = await client.subscribe(query, {**variables, "after": "0"})
    return [next(iter((await client.next_data(op)).values())) for _ in range(count)]


async def test_task_events_resume_across_a_deleted_task(server: str, tokens: TokenMaker) -> None:  # noqa: F811
    ids = await make_history()
    client = await WSClient.connect(server, await tokens("ada@example.com"))

    replayed = await resume(client, TASK_EVENTS, {}, len(TASK_HISTORY))

    assert [e["type"] for e in replayed] == TASK_HISTORY
    deleted = {
        "title": "Q3",
        "assigneeId": to_global_id("Employee", ids["ada"]),
        "creatorId": to_global_id("Employee", ids["boss"]),
        "teamId": to_global_id("Team", ids["team"]),
    }
    for event in replayed:  # the task as it is now: gone, and what it was
        assert event["taskId"] == to_global_id("Task", ids["task"])
        assert event["task"] is None
        assert event["deletedTask"] == deleted
    await client.close()


async def test_viewer_events_resume_across_every_kind_of_event(server: str, tokens: TokenMaker) -> None:  # noqa: F811
    await make_history()
    client = await WSClient.connect(server, await tokens("ada@example.com"))
    expected = TASK_HISTORY + MENTORSHIP_HISTORY + ADA_TRAINING + ADA_PROFILE

    replayed = await resume(client, VIEWER_EVENTS, {}, len(expected))

    assert [e["type"] for e in replayed] == expected
    kinds = {e["__typename"] for e in replayed}
    assert kinds == {"TaskEvent", "MentorshipEvent", "TrainingEvent", "EmployeeEvent", "TeamEvent"}
    await client.close()


async def test_session_and_mentorship_events_resume_across_every_kind_of_event(
    server: str, tokens: TokenMaker
) -> None:  # noqa: F811
    ids = await make_history()
    hr = await WSClient.connect(server, await tokens("hr@example.com"))
    ada = await WSClient.connect(server, await tokens("ada@example.com"))
    session_id = to_global_id("TrainingSession", ids["session"])

    seats = await resume(hr, SESSION_EVENTS, {"sessionId": session_id}, len(SESSION_HISTORY))
    mentoring = await resume(ada, MENTORSHIP_EVENTS, {}, len(MENTORSHIP_HISTORY))

    assert [e["type"] for e in seats] == SESSION_HISTORY
    assert [e["type"] for e in mentoring] == MENTORSHIP_HISTORY
    await hr.close()
    await ada.close()


@pytest.mark.parametrize("query", [TASK_EVENTS, VIEWER_EVENTS])
async def test_after_the_replay_the_next_event_is_live_and_nothing_repeats(
    server: str, tokens: TokenMaker, query: str
) -> None:  # noqa: F811
    await make_history()
    client = await WSClient.connect(server, await tokens("ada@example.com"))
    op = await client.subscribe(query, {"after": "0"})
    expected = (
        TASK_HISTORY
        if query is TASK_EVENTS
        else TASK_HISTORY + MENTORSHIP_HISTORY + ADA_TRAINING + ADA_PROFILE
    )
    for _ in expected:
        await client.next_data(op)

    ada = await Employee.get(email="ada@example.com")
    await create_task("ada@example.com", "Live one", ada.id)

    live = next(iter((await client.next_data(op)).values()))
    assert live["type"] == "TASK_CREATED"
    await client.close()


async def test_a_resume_survives_a_deletion_recorded_without_its_people(
    server: str, tokens: TokenMaker
) -> None:  # noqa: F811
    await record("task.deleted", "Task", 998, {})  # an older writer kept nothing about it
    await record("task.created", "Task", 999, {})  # its task vanished and left no deletion
    ada = await f.employee(email="ada@example.com")
    await create_task("ada@example.com", "Still here", ada.id)
    client = await WSClient.connect(server, await tokens())  # a service token sees every task

    replayed = await resume(client, TASK_EVENTS, {}, 2)

    assert replayed[0]["type"] == "TASK_DELETED"
    assert replayed[0]["deletedTask"] == {"title": "", "assigneeId": None, "creatorId": None, "teamId": None}
    assert replayed[1]["task"] == {"title": "Still here"}
    await client.close()
