"""Course prerequisites: HR sets them; enrolling without them is a user error that names them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from ids import to_global_id
from models.employees import Employee
from models.training import Enrollment, TrainingCourse
from tests.support import factories as f
from tests.support.graphql_client import ClientMaker, TokenMaker, error_codes

SET = """
mutation Set($input: SetCoursePrerequisitesInput!) {
  setCoursePrerequisites(input: $input) {
    course { code prerequisites { code } }
    errors { field code message }
  }
}
"""

ENROLL = """
mutation Enroll($input: EnrollInTrainingSessionInput!) {
  enrollInTrainingSession(input: $input) { enrollment { status } errors { field code message } }
}
"""


def gid(course: TrainingCourse) -> str:
    return to_global_id("TrainingCourse", course.id)


def errors(payload: dict[str, Any]) -> list[tuple[list[str], str]]:
    return [(e["field"], e["code"]) for e in payload["errors"]]


async def _catalog() -> tuple[TrainingCourse, TrainingCourse, TrainingCourse]:
    basics = await f.course(code="SEC-101", title="Security basics")
    web = await f.course(code="SEC-150", title="Web security")
    advanced = await f.course(code="SEC-301", title="Threat modelling")
    return basics, web, advanced


async def _completed(course: TrainingCourse, employee: Employee, days_ago: int) -> None:
    """The employee completed a session of the course `days_ago` days ago (no expiry)."""
    ended = datetime.now(UTC) - timedelta(days=days_ago)
    session = await f.session(course, starts_at=ended - timedelta(hours=2), ends_at=ended)
    await f.enrollment(session, employee, status="completed", completed_at=ended)


async def test_enrolling_without_prerequisites_names_the_missing_ones(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    basics, web, advanced = await _catalog()
    ada = await f.employee(email="ada@example.com")
    await f.employee(email="hr@example.com", role="hr")
    hr = graphql(await tokens("hr@example.com"))
    await _completed(basics, ada, days_ago=8)
    upcoming = await f.session(advanced)
    client = graphql(await tokens("ada@example.com"))

    set_ = await hr.data(
        SET, {"input": {"courseId": gid(advanced), "prerequisiteIds": [gid(web), gid(basics)]}}
    )
    refused = await client.data(
        ENROLL, {"input": {"sessionId": to_global_id("TrainingSession", upcoming.id)}}
    )

    assert set_["setCoursePrerequisites"] == {
        "course": {"code": "SEC-301", "prerequisites": [{"code": "SEC-101"}, {"code": "SEC-150"}]},
        "errors": [],
    }
    [error] = refused["enrollInTrainingSession"]["errors"]
    assert (error["field"], error["code"]) == (["input", "sessionId"], "PREREQUISITES_MISSING")
    assert "SEC-150 (Web security)" in error["message"]
    assert "SEC-101" not in error["message"]  # Ada has completed it
    assert not await Enrollment.filter(session_id=upcoming.id).exists()


async def test_with_the_prerequisites_done_the_enrollment_goes_through(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    basics, _, advanced = await _catalog()
    ada = await f.employee(email="ada@example.com")
    await f.employee(email="hr@example.com", role="hr")
    await graphql(await tokens("hr@example.com")).data(
        SET, {"input": {"courseId": gid(advanced), "prerequisiteIds": [gid(basics)]}}
    )
    await _completed(basics, ada, days_ago=2)
    upcoming = await f.session(advanced)

    data = await graphql(await tokens("ada@example.com")).data(
        ENROLL, {"input": {"sessionId": to_global_id("TrainingSession", upcoming.id)}}
    )

    assert data["enrollInTrainingSession"] == {"enrollment": {"status": "ENROLLED"}, "errors": []}


async def test_an_expired_certificate_does_not_count(graphql: ClientMaker, tokens: TokenMaker) -> None:
    basics, _, advanced = await _catalog()
    ada = await f.employee(email="ada@example.com")
    await f.employee(email="hr@example.com", role="hr")
    await graphql(await tokens("hr@example.com")).data(
        SET, {"input": {"courseId": gid(advanced), "prerequisiteIds": [gid(basics)]}}
    )
    long_ago = datetime.now(UTC) - timedelta(days=800)
    past = await f.session(basics, starts_at=long_ago, ends_at=long_ago + timedelta(hours=2))
    await f.enrollment(
        past,
        ada,
        status="completed",
        completed_at=long_ago,
        certificate_expires_at=long_ago + timedelta(days=365),
    )
    upcoming = await f.session(advanced)

    data = await graphql(await tokens("ada@example.com")).data(
        ENROLL, {"input": {"sessionId": to_global_id("TrainingSession", upcoming.id)}}
    )

    assert errors(data["enrollInTrainingSession"]) == [(["input", "sessionId"], "PREREQUISITES_MISSING")]


async def test_cycles_unknown_courses_and_too_many_are_refused(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    basics, web, advanced = await _catalog()
    await f.employee(email="hr@example.com", role="hr")
    hr = graphql(await tokens("hr@example.com"))
    await hr.data(SET, {"input": {"courseId": gid(advanced), "prerequisiteIds": [gid(web)]}})
    await hr.data(SET, {"input": {"courseId": gid(web), "prerequisiteIds": [gid(basics)]}})
    others = [await f.course() for _ in range(11)]

    itself = await hr.data(SET, {"input": {"courseId": gid(basics), "prerequisiteIds": [gid(basics)]}})
    around = await hr.data(SET, {"input": {"courseId": gid(basics), "prerequisiteIds": [gid(advanced)]}})
    unknown = await hr.data(
        SET,
        {"input": {"courseId": gid(basics), "prerequisiteIds": [to_global_id("TrainingCourse", 999_999)]}},
    )
    no_course = await hr.data(
        SET, {"input": {"courseId": to_global_id("TrainingCourse", 999_999), "prerequisiteIds": []}}
    )
    too_many = await hr.data(
        SET, {"input": {"courseId": gid(basics), "prerequisiteIds": [gid(c) for c in others]}}
    )
    bad_id = await hr.data(SET, {"input": {"courseId": gid(basics), "prerequisiteIds": ["nope"]}})
    cleared = await hr.data(SET, {"input": {"courseId": gid(advanced), "prerequisiteIds": []}})

    assert errors(itself["setCoursePrerequisites"]) == [(["input", "prerequisiteIds"], "CYCLE")]
    assert errors(around["setCoursePrerequisites"]) == [(["input", "prerequisiteIds"], "CYCLE")]
    assert errors(unknown["setCoursePrerequisites"]) == [(["input", "prerequisiteIds"], "NOT_FOUND")]
    assert errors(no_course["setCoursePrerequisites"]) == [(["input", "courseId"], "NOT_FOUND")]
    assert errors(too_many["setCoursePrerequisites"]) == [(["input", "prerequisiteIds"], "INVALID")]
    assert errors(bad_id["setCoursePrerequisites"]) == [(["input", "prerequisiteIds"], "INVALID_ID")]
    assert cleared["setCoursePrerequisites"]["course"]["prerequisites"] == []


async def test_only_hr_and_services_set_prerequisites(graphql: ClientMaker, tokens: TokenMaker) -> None:
    basics, _, advanced = await _catalog()
    await f.employee(email="ada@example.com")
    variables = {"input": {"courseId": gid(advanced), "prerequisiteIds": [gid(basics)]}}

    employee = await graphql(await tokens("ada@example.com")).data(SET, variables)
    no_scope = await graphql(await tokens(None, scopes="training:read")).execute(SET, variables)
    service = await graphql(await tokens(None)).data(SET, variables)

    assert errors(employee["setCoursePrerequisites"]) == [(["input"], "NOT_ALLOWED")]
    assert error_codes(no_scope) == ["FORBIDDEN"]
    assert no_scope["errors"][0]["extensions"]["requiredScope"] == "training:manage"
    assert service["setCoursePrerequisites"]["errors"] == []
