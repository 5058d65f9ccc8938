"""employeeStats and trainingStats: counts and averages by group, visibility and the floor."""

from __future__ import annotations

from models.training import EnrollmentStatus
from tests.api.stats.org import build_org
from tests.support import factories as f
from tests.support.graphql_client import Caller, TokenMaker

EMPLOYEES_BY_LOCATION = "{ employeeStats(groupBy: [LOCATION]) { location count people suppressed } }"
EMPLOYEES_BY_MANAGER = (
    "{ employeeStats(groupBy: [MANAGER, HIRE_MONTH]) { manager { email } hireMonth count } }"
)
TRAINING_BY_COURSE = """
{
  trainingStats(groupBy: [COURSE]) {
    course { code } count people averageScore averageFeedbackRating suppressed
  }
}
"""
COMPLETED_BY_COURSE = """
{ trainingStats(groupBy: [COURSE], filter: {status: [COMPLETED]}) { course { code } count suppressed } }
"""


async def test_employees_by_location_and_by_manager(hr: Caller, service: Caller) -> None:
    # given the org: Boss and Web in Berlin, Ops and Sec in Lisbon, plus HR (no location)
    await build_org()

    # when HR and a service count employees by location
    exact = (await hr.data(EMPLOYEES_BY_LOCATION))["employeeStats"]
    floored = (await service.data(EMPLOYEES_BY_LOCATION))["employeeStats"]

    # then HR sees every group, HR's own group of one too
    assert exact == [
        {"location": "", "count": 1, "people": 1, "suppressed": False},
        {"location": "Berlin", "count": 8, "people": 8, "suppressed": False},
        {"location": "Lisbon", "count": 7, "people": 7, "suppressed": False},
    ]
    # and the service sees the two large ones only: the group of one is merged with Lisbon
    assert floored == [
        {"location": "Berlin", "count": 8, "people": 8, "suppressed": False},
        {"location": None, "count": 8, "people": None, "suppressed": True},
    ]

    by_manager = (await hr.data(EMPLOYEES_BY_MANAGER))["employeeStats"]
    assert {"manager": {"email": "boss@example.com"}, "hireMonth": "2020-01-01", "count": 7} in by_manager


async def _courses() -> None:
    """Course BIG: Web's seven enrolled, scored 60..90; course SMALL: two of Ops, completed."""
    org = await build_org()
    big, small = await f.course(code="BIG"), await f.course(code="SMALL")
    big_session, small_session = await f.session(big), await f.session(small)
    for i, person in enumerate(org.people["Web"]):
        await f.enrollment(
            big_session, person, status=EnrollmentStatus.COMPLETED, score=60 + 5 * i, feedback_rating=4
        )
    for person in org.people["Ops"][:2]:
        await f.enrollment(small_session, person, status=EnrollmentStatus.COMPLETED, score=100)


async def test_training_by_course_with_averages(hr: Caller, service: Caller) -> None:
    await _courses()

    exact = (await hr.data(TRAINING_BY_COURSE))["trainingStats"]
    floored = (await service.data(TRAINING_BY_COURSE))["trainingStats"]

    assert exact == [
        {"course": {"code": "BIG"}, "count": 7, "people": 7, "averageScore": 75.0, "averageFeedbackRating": 4.0,
         "suppressed": False},
        {"course": {"code": "SMALL"}, "count": 2, "people": 2, "averageScore": 100.0,
         "averageFeedbackRating": None, "suppressed": False},
    ]  # fmt: skip
    # SMALL is under the floor, and BIG is its only complement: everything is merged
    assert floored == [
        {"course": None, "count": 9, "people": None, "averageScore": (525 + 200) / 9, "averageFeedbackRating": 4.0,
         "suppressed": True},
    ]  # fmt: skip


async def test_a_manager_aggregates_only_their_reports_enrollments(
    service: Caller, tokens: TokenMaker
) -> None:
    # given the courses, and Boss, who manages Web's seven (all in BIG), none of Ops
    await _courses()
    boss = Caller(service.http, await tokens("boss@example.com"))

    # when Boss counts completed enrollments by course
    data = await boss.data(COMPLETED_BY_COURSE)

    # then only BIG's seven count; SMALL's enrollments are not Boss's to see
    assert data["trainingStats"] == [{"course": {"code": "BIG"}, "count": 7, "suppressed": False}]
