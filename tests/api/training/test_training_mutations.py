"""Training mutations for HR and instructors: the catalog, the schedule and outcomes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ids import to_global_id
from models.events import Event
from models.training import Enrollment, TrainingCourse, TrainingSession
from tests.support import factories as f
from tests.support.graphql_client import ClientMaker, TokenMaker, error_codes

CREATE_COURSE = """
mutation Create($input: CreateTrainingCourseInput!) {
  createTrainingCourse(input: $input) {
    course { id code title mandatory certificationValidMonths skills durationHours }
    errors { field code message }
  }
}
"""

UPDATE_COURSE = """
mutation Update($input: UpdateTrainingCourseInput!) {
  updateTrainingCourse(input: $input) { course { code title mandatory } errors { field code } }
}
"""

SCHEDULE = """
mutation Schedule($input: ScheduleTrainingSessionInput!) {
  scheduleTrainingSession(input: $input) {
    session { id status capacity seatsLeft course { code } instructor { email } }
    errors { field code message }
  }
}
"""

CANCEL_SESSION = """
mutation Cancel($input: CancelTrainingSessionInput!) {
  cancelTrainingSession(input: $input) { session { status viewerCanEnroll } errors { field code } }
}
"""

OUTCOME = """
mutation Outcome($input: RecordTrainingOutcomeInput!) {
  recordTrainingOutcome(input: $input) {
    enrollment { status score completedAt certificateExpiresAt }
    errors { field code }
  }
}
"""


def gid(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)


def codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["errors"]]


def in_days(days: float) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


async def test_hr_adds_a_course_and_the_code_must_be_unique(graphql: ClientMaker, tokens: TokenMaker) -> None:
    await f.employee(email="hr@example.com", role="hr")
    client = graphql(await tokens("hr@example.com"))
    course = {"code": "sec-101", "title": "Security", "mandatory": True, "certificationValidMonths": 12}

    created = await client.data(
        CREATE_COURSE, {"input": {**course, "skills": ["Security"], "durationHours": 1.5}}
    )
    duplicate = await client.data(CREATE_COURSE, {"input": course})

    assert created["createTrainingCourse"]["errors"] == []
    assert created["createTrainingCourse"]["course"]["code"] == "SEC-101"
    assert created["createTrainingCourse"]["course"]["durationHours"] == 1.5
    assert codes(duplicate["createTrainingCourse"]) == ["DUPLICATE"]
    assert await TrainingCourse.all().count() == 1


async def test_course_input_errors_are_reported_together(graphql: ClientMaker, tokens: TokenMaker) -> None:
    client = graphql(await tokens(None))

    data = await client.data(
        CREATE_COURSE, {"input": {"code": "bad code!", "title": " ", "certificationValidMonths": 0}}
    )

    errors = {(e["field"][-1], e["code"]) for e in data["createTrainingCourse"]["errors"]}
    assert errors == {
        ("code", "INVALID_FORMAT"),
        ("title", "REQUIRED"),
        ("certificationValidMonths", "INVALID"),
    }


async def test_employees_may_not_manage_the_catalog(graphql: ClientMaker, tokens: TokenMaker) -> None:
    await f.employee(email="ada@example.com")
    course = await f.course()
    client = graphql(await tokens("ada@example.com"))

    created = await client.data(CREATE_COURSE, {"input": {"code": "X-1", "title": "X"}})
    scheduled = await client.data(
        SCHEDULE,
        {
            "input": {
                "courseId": gid("TrainingCourse", course.id),
                "startsAt": in_days(1),
                "endsAt": in_days(2),
                "capacity": 5,
            }
        },
    )
    no_scope = await graphql(await tokens("ada@example.com", scopes="training:read")).execute(
        CREATE_COURSE, {"input": {"code": "X-1", "title": "X"}}
    )

    assert codes(created["createTrainingCourse"]) == ["NOT_ALLOWED"]
    assert codes(scheduled["scheduleTrainingSession"]) == ["NOT_ALLOWED"]
    assert error_codes(no_scope) == ["FORBIDDEN"]
    assert no_scope["errors"][0]["extensions"]["requiredScope"] == "training:manage"
    assert await TrainingSession.all().count() == 0 and await Event.all().count() == 0


async def test_hr_updates_a_course(graphql: ClientMaker, tokens: TokenMaker) -> None:
    course = await f.course(code="OLD-1")
    await f.course(code="TAKEN-1")
    client = graphql(await tokens(None))

    updated = await client.data(
        UPDATE_COURSE, {"input": {"id": gid("TrainingCourse", course.id), "mandatory": True}}
    )
    clash = await client.data(
        UPDATE_COURSE, {"input": {"id": gid("TrainingCourse", course.id), "code": "taken-1"}}
    )

    assert updated["updateTrainingCourse"]["course"] == {
        "code": "OLD-1",
        "title": course.title,
        "mandatory": True,
    }
    assert codes(clash["updateTrainingCourse"]) == ["DUPLICATE"]


async def test_hr_schedules_a_session(graphql: ClientMaker, tokens: TokenMaker) -> None:
    await f.employee(email="hr@example.com", role="hr")
    teacher = await f.employee(email="teacher@example.com")
    course = await f.course(code="PY-1")
    client = graphql(await tokens("hr@example.com"))

    data = await client.data(
        SCHEDULE,
        {
            "input": {
                "courseId": gid("TrainingCourse", course.id),
                "startsAt": in_days(3),
                "endsAt": in_days(3.1),
                "capacity": 12,
                "instructorId": gid("Employee", teacher.id),
            }
        },
    )

    session = data["scheduleTrainingSession"]["session"]
    assert session["status"] == "SCHEDULED" and session["seatsLeft"] == 12
    assert session["course"] == {"code": "PY-1"} and session["instructor"] == {"email": "teacher@example.com"}
    assert (await Event.get(type="training.session_scheduled")).data["courseId"] == course.id


async def test_a_session_must_be_in_the_future_end_after_it_starts_and_fit_a_room(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    course = await f.course()
    client = graphql(await tokens(None))

    data = await client.data(
        SCHEDULE,
        {
            "input": {
                "courseId": gid("TrainingCourse", course.id),
                "startsAt": in_days(-1),
                "endsAt": in_days(-2),
                "capacity": 1001,
                "instructorId": gid("Employee", 999),
            }
        },
    )
    unknown_course = await client.data(
        SCHEDULE,
        {
            "input": {
                "courseId": gid("TrainingCourse", 999),
                "startsAt": in_days(1),
                "endsAt": in_days(2),
                "capacity": 0,
            }
        },
    )

    errors = {(e["field"][-1], e["code"]) for e in data["scheduleTrainingSession"]["errors"]}
    assert errors == {
        ("startsAt", "IN_THE_PAST"),
        ("endsAt", "INVALID"),
        ("capacity", "INVALID"),
        ("instructorId", "NOT_FOUND"),
    }
    assert {e["field"][-1] for e in unknown_course["scheduleTrainingSession"]["errors"]} == {
        "courseId",
        "capacity",
    }
    assert await TrainingSession.all().count() == 0 and await Event.all().count() == 0


async def test_the_instructor_cancels_a_session_and_its_enrollments_go_with_it(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    teacher = await f.employee(email="teacher@example.com")
    session = await f.session(await f.course(), instructor=teacher, capacity=1)
    ada, bob, cy = await f.employee(), await f.employee(), await f.employee()
    await f.enrollment(session, ada)
    await f.enrollment(session, bob, status="waitlisted")
    await f.enrollment(session, cy, status="cancelled")
    await f.employee(email="other@example.com")
    variables = {"input": {"id": gid("TrainingSession", session.id), "reason": "Ill"}}

    refused = await graphql(await tokens("other@example.com")).data(CANCEL_SESSION, variables)
    client = graphql(await tokens("teacher@example.com"))
    cancelled = await client.data(CANCEL_SESSION, variables)
    again = await client.data(CANCEL_SESSION, variables)

    assert codes(refused["cancelTrainingSession"]) == ["NOT_ALLOWED"]
    assert cancelled["cancelTrainingSession"]["session"] == {"status": "CANCELLED", "viewerCanEnroll": False}
    assert codes(again["cancelTrainingSession"]) == ["INVALID_TRANSITION"]
    assert await Enrollment.filter(session_id=session.id, status="cancelled").count() == 3
    event = await Event.get(type="training.session_cancelled")
    assert event.data["affectedEmployeeIds"] == sorted([ada.id, bob.id])


async def test_the_instructor_records_a_completion_with_a_certificate(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    teacher = await f.employee(email="teacher@example.com")
    ada = await f.employee(email="ada@example.com")
    session = await f.session(
        await f.course(certification_valid_months=12), instructor=teacher, starts_at=_an_hour_ago()
    )
    enrollment = await f.enrollment(session, ada)
    client = graphql(await tokens("teacher@example.com"))

    data = await client.data(
        OUTCOME,
        {"input": {"enrollmentId": gid("Enrollment", enrollment.id), "outcome": "COMPLETED", "score": 91}},
    )
    again = await client.data(
        OUTCOME, {"input": {"enrollmentId": gid("Enrollment", enrollment.id), "outcome": "NO_SHOW"}}
    )

    result = data["recordTrainingOutcome"]["enrollment"]
    completed = datetime.fromisoformat(result["completedAt"])
    expires = datetime.fromisoformat(result["certificateExpiresAt"])
    assert result["status"] == "COMPLETED" and result["score"] == 91
    assert 365 <= (expires - completed).days <= 366
    assert codes(again["recordTrainingOutcome"]) == ["INVALID_TRANSITION"]
    assert (await Event.get(type="training.completed")).data["outcome"] == "completed"


async def test_outcomes_are_for_the_instructor_or_hr_and_a_no_show_has_no_score(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    ada = await f.employee(email="ada@example.com")
    await f.employee(email="other@example.com")
    session = await f.session(await f.course(), starts_at=_an_hour_ago())
    enrollment = await f.enrollment(session, ada)
    eid = gid("Enrollment", enrollment.id)

    by_self = await graphql(await tokens("ada@example.com")).data(
        OUTCOME, {"input": {"enrollmentId": eid, "outcome": "COMPLETED"}}
    )
    by_other = await graphql(await tokens("other@example.com")).data(
        OUTCOME, {"input": {"enrollmentId": eid, "outcome": "COMPLETED"}}
    )
    service = graphql(await tokens(None))
    scored = await service.data(OUTCOME, {"input": {"enrollmentId": eid, "outcome": "NO_SHOW", "score": 10}})
    no_show = await service.data(OUTCOME, {"input": {"enrollmentId": eid, "outcome": "NO_SHOW"}})

    assert codes(by_self["recordTrainingOutcome"]) == ["NOT_ALLOWED"]
    assert codes(by_other["recordTrainingOutcome"]) == ["NOT_FOUND"]
    assert codes(scored["recordTrainingOutcome"]) == ["INVALID"]
    assert no_show["recordTrainingOutcome"]["enrollment"]["status"] == "NO_SHOW"
    assert no_show["recordTrainingOutcome"]["enrollment"]["certificateExpiresAt"] is None
    assert await Event.filter(type="training.completed").count() == 1


def _an_hour_ago() -> datetime:
    return datetime.now(UTC) - timedelta(hours=1)


async def test_nobody_records_their_own_outcome_not_even_hr_or_the_instructor(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    # given an instructor and an HR person, each enrolled in the instructor's started session
    teacher = await f.employee(email="teacher@example.com")
    hr = await f.employee(email="hr@example.com", role="hr")
    session = await f.session(await f.course(), instructor=teacher, starts_at=_an_hour_ago())
    own = {
        "teacher@example.com": await f.enrollment(session, teacher),
        "hr@example.com": await f.enrollment(session, hr),
    }

    for email, enrollment in own.items():
        # when
        data = await graphql(await tokens(email)).data(
            OUTCOME,
            {
                "input": {
                    "enrollmentId": gid("Enrollment", enrollment.id),
                    "outcome": "COMPLETED",
                    "score": 100,
                }
            },
        )

        # then
        assert data["recordTrainingOutcome"]["errors"][0]["code"] == "NOT_ALLOWED", email
        assert data["recordTrainingOutcome"]["errors"][0]["field"] == ["input", "enrollmentId"]
        assert (await Enrollment.get(id=enrollment.id)).status == "enrolled"
    assert await Event.filter(type="training.completed").count() == 0


@pytest.mark.parametrize("outcome", ["COMPLETED", "NO_SHOW"])
async def test_an_outcome_needs_a_session_that_has_started(
    outcome: str, graphql: ClientMaker, tokens: TokenMaker
) -> None:
    # given a session a year from now
    teacher = await f.employee(email="teacher@example.com")
    starts = datetime.now(UTC) + timedelta(days=365)
    session = await f.session(
        await f.course(), instructor=teacher, starts_at=starts, ends_at=starts + timedelta(hours=2)
    )
    enrollment = await f.enrollment(session, await f.employee())

    # when
    data = await graphql(await tokens("teacher@example.com")).data(
        OUTCOME, {"input": {"enrollmentId": gid("Enrollment", enrollment.id), "outcome": outcome}}
    )

    # then
    assert codes(data["recordTrainingOutcome"]) == ["NOT_STARTED"]
    assert data["recordTrainingOutcome"]["enrollment"] is None
    assert (await Enrollment.get(id=enrollment.id)).status == "enrolled"
    assert await Event.filter(type="training.completed").count() == 0


async def test_an_explicit_null_clears_certification_valid_months_and_omitting_it_keeps_it(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    # given a course whose certificates last a year
    await f.employee(email="hr@example.com", role="hr")
    course = await f.course(certification_valid_months=12)
    client = graphql(await tokens("hr@example.com"))
    course_id = gid("TrainingCourse", course.id)

    # when HR changes another field, then sends an explicit null
    kept = await client.data(UPDATE_COURSE, {"input": {"id": course_id, "title": "Renamed"}})
    months_after_kept = (await TrainingCourse.get(id=course.id)).certification_valid_months
    cleared = await client.data(UPDATE_COURSE, {"input": {"id": course_id, "certificationValidMonths": None}})

    # then omitting kept the value and null cleared it
    assert kept["updateTrainingCourse"]["errors"] == [] and months_after_kept == 12
    assert cleared["updateTrainingCourse"]["errors"] == []
    assert (await TrainingCourse.get(id=course.id)).certification_valid_months is None
