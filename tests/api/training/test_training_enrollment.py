"""The employee side of training: seats, the waitlist, managers for their reports, feedback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from ids import to_global_id
from models.events import Event
from models.training import Enrollment
from tests.support import factories as f
from tests.support.graphql_client import ClientMaker, TokenMaker, error_codes

ENROLL = """
mutation Enroll($input: EnrollInTrainingSessionInput!) {
  enrollInTrainingSession(input: $input) {
    enrollment { id status viewerCanCancel employee { email } session { seatsLeft waitlistCount } }
    errors { field code message }
  }
}
"""

CANCEL = """
mutation Cancel($input: CancelEnrollmentInput!) {
  cancelEnrollment(input: $input) { enrollment { status viewerCanCancel } errors { field code } }
}
"""

FEEDBACK = """
mutation Feedback($input: SubmitTrainingFeedbackInput!) {
  submitTrainingFeedback(input: $input) { enrollment { feedbackRating feedbackComment } errors { field code } }
}
"""

SESSION = """
query Session($id: ID!) { node(id: $id) { ... on TrainingSession { viewerCanEnroll seatsLeft } } }
"""


def gid(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)


def codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["errors"]]


async def test_an_employee_takes_the_last_seat_and_the_next_one_waits(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await f.employee(email="ada@example.com")
    await f.employee(email="bob@example.com")
    session = await f.session(await f.course(), capacity=1)
    variables = {"input": {"sessionId": gid("TrainingSession", session.id)}}
    ada = graphql(await tokens("ada@example.com"))

    before = await ada.data(SESSION, {"id": gid("TrainingSession", session.id)})
    seated = await ada.data(ENROLL, variables)
    waiting = await graphql(await tokens("bob@example.com")).data(ENROLL, variables)

    assert before["node"] == {"viewerCanEnroll": True, "seatsLeft": 1}
    assert seated["enrollInTrainingSession"]["enrollment"]["status"] == "ENROLLED"
    assert seated["enrollInTrainingSession"]["enrollment"]["viewerCanCancel"] is True
    assert waiting["enrollInTrainingSession"]["enrollment"]["status"] == "WAITLISTED"
    assert waiting["enrollInTrainingSession"]["enrollment"]["session"] == {"seatsLeft": 0, "waitlistCount": 1}
    assert [e.type for e in await Event.all().order_by("id")] == ["training.enrolled", "training.waitlisted"]


async def test_enrolling_twice_or_into_a_closed_session_is_refused(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await f.employee(email="ada@example.com")
    course = await f.course()
    open_session = await f.session(course)
    started = await f.session(course, starts_at=datetime.now(UTC) - timedelta(hours=1))
    cancelled = await f.session(course, status="cancelled")
    client = graphql(await tokens("ada@example.com"))

    await client.data(ENROLL, {"input": {"sessionId": gid("TrainingSession", open_session.id)}})
    results = [
        await client.data(ENROLL, {"input": {"sessionId": gid("TrainingSession", s.id)}})
        for s in (open_session, started, cancelled)
    ]
    missing = await client.data(ENROLL, {"input": {"sessionId": gid("TrainingSession", 999)}})

    assert [codes(r["enrollInTrainingSession"]) for r in results] == [
        ["ALREADY_EXISTS"],
        ["CLOSED"],
        ["CLOSED"],
    ]
    assert codes(missing["enrollInTrainingSession"]) == ["NOT_FOUND"]
    assert await Enrollment.all().count() == 1 and await Event.all().count() == 1


async def test_a_manager_enrolls_a_report_of_a_report_but_not_a_stranger(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    boss = await f.employee(email="boss@example.com")
    lead = await f.employee(manager=boss)
    report = await f.employee(email="deep@example.com", manager=lead)
    stranger = await f.employee()
    session = await f.session(await f.course())
    client = graphql(await tokens("boss@example.com"))

    for_report = await client.data(
        ENROLL,
        {
            "input": {
                "sessionId": gid("TrainingSession", session.id),
                "employeeId": gid("Employee", report.id),
            }
        },
    )
    for_stranger = await client.data(
        ENROLL,
        {
            "input": {
                "sessionId": gid("TrainingSession", session.id),
                "employeeId": gid("Employee", stranger.id),
            }
        },
    )

    assert for_report["enrollInTrainingSession"]["enrollment"]["employee"] == {"email": "deep@example.com"}
    assert codes(for_stranger["enrollInTrainingSession"]) == ["NOT_ALLOWED"]


async def test_a_service_token_names_the_employee(graphql: ClientMaker, tokens: TokenMaker) -> None:
    ada = await f.employee()
    session = await f.session(await f.course())
    client = graphql(await tokens(None))

    unnamed = await client.data(ENROLL, {"input": {"sessionId": gid("TrainingSession", session.id)}})
    named = await client.data(
        ENROLL,
        {"input": {"sessionId": gid("TrainingSession", session.id), "employeeId": gid("Employee", ada.id)}},
    )

    assert codes(unnamed["enrollInTrainingSession"]) == ["REQUIRED"]
    assert named["enrollInTrainingSession"]["enrollment"]["status"] == "ENROLLED"


async def test_enrolling_needs_the_enroll_scope(graphql: ClientMaker, tokens: TokenMaker) -> None:
    await f.employee(email="ada@example.com")
    session = await f.session(await f.course())
    client = graphql(await tokens("ada@example.com", scopes="training:read"))

    body = await client.execute(ENROLL, {"input": {"sessionId": gid("TrainingSession", session.id)}})

    assert error_codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["extensions"]["requiredScope"] == "training:enroll"
    assert await Enrollment.all().count() == 0


async def test_cancelling_a_seat_promotes_the_first_in_line(graphql: ClientMaker, tokens: TokenMaker) -> None:
    ada = await f.employee(email="ada@example.com")
    session = await f.session(await f.course(), capacity=1)
    mine = await f.enrollment(session, ada)
    start = datetime.now(UTC)
    second = await f.enrollment(
        session, await f.employee(), status="waitlisted", enrolled_at=start + timedelta(seconds=2)
    )
    first = await f.enrollment(
        session, await f.employee(), status="waitlisted", enrolled_at=start + timedelta(seconds=1)
    )
    client = graphql(await tokens("ada@example.com"))

    data = await client.data(CANCEL, {"input": {"enrollmentId": gid("Enrollment", mine.id)}})
    again = await client.data(CANCEL, {"input": {"enrollmentId": gid("Enrollment", mine.id)}})

    assert data["cancelEnrollment"]["enrollment"] == {"status": "CANCELLED", "viewerCanCancel": False}
    assert codes(again["cancelEnrollment"]) == ["INVALID_TRANSITION"]
    assert (await Enrollment.get(id=first.id)).status == "enrolled"
    assert (await Enrollment.get(id=second.id)).status == "waitlisted"
    promoted = await Event.get(type="training.promoted")
    assert promoted.subject_id == first.id and promoted.data["employeeId"] == first.employee_id


async def test_leaving_the_waitlist_promotes_nobody(graphql: ClientMaker, tokens: TokenMaker) -> None:
    ada = await f.employee(email="ada@example.com")
    session = await f.session(await f.course(), capacity=1)
    await f.enrollment(session, await f.employee())
    waiting = await f.enrollment(session, ada, status="waitlisted")
    await f.enrollment(session, await f.employee(), status="waitlisted")

    await graphql(await tokens("ada@example.com")).data(
        CANCEL, {"input": {"enrollmentId": gid("Enrollment", waiting.id)}}
    )

    assert await Enrollment.filter(session_id=session.id, status="enrolled").count() == 1
    assert await Event.filter(type="training.promoted").count() == 0


async def test_only_the_employee_or_their_manager_cancels(graphql: ClientMaker, tokens: TokenMaker) -> None:
    boss = await f.employee(email="boss@example.com")
    ada = await f.employee(email="ada@example.com", manager=boss)
    teacher = await f.employee(email="teacher@example.com")
    await f.employee(email="stranger@example.com")
    session = await f.session(await f.course(), instructor=teacher)
    enrollment = await f.enrollment(session, ada)
    variables = {"input": {"enrollmentId": gid("Enrollment", enrollment.id)}}

    by_stranger = await graphql(await tokens("stranger@example.com")).data(CANCEL, variables)
    by_teacher = await graphql(await tokens("teacher@example.com")).data(CANCEL, variables)
    by_boss = await graphql(await tokens("boss@example.com")).data(CANCEL, variables)

    assert codes(by_stranger["cancelEnrollment"]) == ["NOT_FOUND"]
    assert codes(by_teacher["cancelEnrollment"]) == ["NOT_ALLOWED"]
    assert by_boss["cancelEnrollment"]["enrollment"]["status"] == "CANCELLED"


async def test_a_cancelled_enrollment_comes_back_at_the_end_of_the_line(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    ada = await f.employee(email="ada@example.com")
    session = await f.session(await f.course(), capacity=1)
    old = await f.enrollment(
        session, ada, status="cancelled", enrolled_at=datetime.now(UTC) - timedelta(days=1)
    )
    await f.enrollment(session, await f.employee())

    data = await graphql(await tokens("ada@example.com")).data(
        ENROLL, {"input": {"sessionId": gid("TrainingSession", session.id)}}
    )

    assert data["enrollInTrainingSession"]["enrollment"]["id"] == gid("Enrollment", old.id)
    assert data["enrollInTrainingSession"]["enrollment"]["status"] == "WAITLISTED"
    assert (await Enrollment.get(id=old.id)).enrolled_at > datetime.now(UTC) - timedelta(minutes=1)


async def test_the_trained_employee_gives_feedback_once(graphql: ClientMaker, tokens: TokenMaker) -> None:
    boss = await f.employee(email="boss@example.com")
    ada = await f.employee(email="ada@example.com", manager=boss)
    session = await f.session(await f.course())
    done = await f.enrollment(session, ada, status="completed", completed_at=datetime.now(UTC))
    pending = await f.enrollment(await f.session(await f.course()), ada)
    client = graphql(await tokens("ada@example.com"))

    bad_rating = await client.data(
        FEEDBACK, {"input": {"enrollmentId": gid("Enrollment", done.id), "rating": 6}}
    )
    by_boss = await graphql(await tokens("boss@example.com")).data(
        FEEDBACK, {"input": {"enrollmentId": gid("Enrollment", done.id), "rating": 1}}
    )
    too_early = await client.data(
        FEEDBACK, {"input": {"enrollmentId": gid("Enrollment", pending.id), "rating": 4}}
    )
    given = await client.data(
        FEEDBACK, {"input": {"enrollmentId": gid("Enrollment", done.id), "rating": 5, "comment": " Great "}}
    )
    twice = await client.data(FEEDBACK, {"input": {"enrollmentId": gid("Enrollment", done.id), "rating": 1}})

    assert codes(bad_rating["submitTrainingFeedback"]) == ["INVALID"]
    assert codes(by_boss["submitTrainingFeedback"]) == ["NOT_ALLOWED"]
    assert codes(too_early["submitTrainingFeedback"]) == ["INVALID_TRANSITION"]
    assert given["submitTrainingFeedback"]["enrollment"] == {"feedbackRating": 5, "feedbackComment": "Great"}
    assert codes(twice["submitTrainingFeedback"]) == ["ALREADY_EXISTS"]
    assert await Event.filter(type="training.feedback_submitted").count() == 1
