"""Directives, sensitive fields and `durationHours` on the compiled path, for every role.

Each answer is the resolver path's, byte for byte once parsed (floats stay floats). Sensitive
fields compile where the policy lets the principal read them on every row the statement shows
(HR and service tokens with `employees:sensitive`; anyone's own `viewer`); elsewhere the
resolver path answers, with its error for the rows the viewer may not read.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.api.compiled.conftest import Org, Paths
from tests.support import factories as f
from tests.support.graphql_client import count_statements

ROLES = ("hr", "employee", "manager", "service")

DIRECTIVES = """query D($id: ID!, $on: Boolean = true, $off: Boolean = false) {
  tasks(first: 3) { totalCount @skip(if: $on) nodes { title @include(if: $on) status @include(if: $off)
    ... on Task @skip(if: $off) { priority } ... @include(if: $on) { dueDate } } }
  node(id: $id) { ... on Employee { email @skip(if: true) givenName @include(if: true)
    ...Reports @include(if: $on) ...Teams @skip(if: $on) } }
  hidden: viewer @skip(if: true) { email }
  shown: viewer @include(if: $on) { email }
}
fragment Reports on Employee { directReports { totalCount nodes { email } } }
fragment Teams on Employee { teams { totalCount } }"""

OWN_SENSITIVE = """{ viewer { email phone birthDate emergencyContact manager { email } } }"""

OTHERS_SENSITIVE = """query($id: ID!) { node(id: $id) { ... on Employee { phone birthDate emergencyContact } }
  employees(first: 10, orderBy: {field: FAMILY_NAME, direction: ASC}) { nodes { email phone birthDate } } }"""

ENROLLMENT_CAPABILITIES = """query($id: ID!) { node(id: $id) { ... on Employee {
  enrollments { nodes { status viewerCanCancel } } directReports { nodes { enrollments { nodes { viewerCanCancel } } } } } } }"""

DURATIONS = """{ trainingCourses(first: 20) { nodes { title durationHours sessions { nodes { course { durationHours } } } } } }"""


@pytest.fixture
async def details(org: Org) -> None:
    """Birth dates and emergency contacts for some, and courses of several lengths."""
    from models.employees import Employee

    await Employee.filter(email="worker@example.com").update(
        birth_date=date(1990, 2, 3), emergency_contact="Ada, +1 555 0000"
    )
    await Employee.filter(email="hr@example.com").update(birth_date=date(1980, 12, 31))
    for hours in ("1.5", "2", "0.25", "12.75", "0.1"):
        await f.course(title=f"Course of {hours} h", duration_hours=hours)


@pytest.mark.parametrize("role", ROLES)
async def test_skip_and_include_answer_the_same(paths: Paths, org: Org, role: str) -> None:
    for flags in ({}, {"on": False, "off": True}, {"on": True, "off": True}):
        variables = {"id": org.ids["manager"], **flags}
        slow, fast, path = await paths.both(org.tokens[role], DIRECTIVES, variables)
        assert "errors" not in slow, slow
        assert (fast, path) == (slow, "compiled"), flags
    assert "hidden" not in slow["data"] and "totalCount" not in slow["data"]["tasks"]


@pytest.mark.parametrize("role", ROLES)
async def test_the_viewers_own_sensitive_fields_compile(
    paths: Paths, org: Org, role: str, details: None
) -> None:
    slow, fast, path = await paths.both(org.tokens[role], OWN_SENSITIVE)
    assert "errors" not in slow, slow
    assert (fast, path) == (slow, "compiled")
    if role == "employee":
        assert slow["data"]["viewer"]["birthDate"] == "1990-02-03"
        assert slow["data"]["viewer"]["emergencyContact"] == "Ada, +1 555 0000"


@pytest.mark.parametrize("role", ROLES)
async def test_other_employees_sensitive_fields(paths: Paths, org: Org, role: str, details: None) -> None:
    slow, fast, path = await paths.both(org.tokens[role], OTHERS_SENSITIVE, {"id": org.ids["worker"]})
    # The resolver path lists its errors in the order its fields finish: compare them by path.
    assert _by_path(fast) == _by_path(slow)
    if role in ("hr", "service"):  # every row's: compiled
        assert "errors" not in slow, slow
        assert path == "compiled"
        assert slow["data"]["node"]["birthDate"] == "1990-02-03"
    else:  # the resolver path refuses other people's, with its error
        assert path == "resolvers"
        assert slow["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize("role", ROLES)
async def test_duration_hours_are_floats(paths: Paths, org: Org, role: str, details: None) -> None:
    slow, fast, path = await paths.both(org.tokens[role], DURATIONS)
    assert "errors" not in slow, slow
    assert (fast, path) == (slow, "compiled")
    hours = [course["durationHours"] for course in fast["data"]["trainingCourses"]["nodes"]]
    assert {1.5, 2.0, 0.25, 12.75, 0.1} <= set(hours)
    assert all(type(value) is float for value in hours), hours  # 2.0, not 2: as the resolver path shows it


ROOT_TYPENAME = (
    """query($id: ID!) { __typename kind: __typename viewer { email } node(id: $id) { __typename } }"""
)


@pytest.mark.parametrize("role", ROLES)
async def test_a_root_typename_compiles_beside_other_fields(paths: Paths, org: Org, role: str) -> None:
    slow, fast, path = await paths.both(org.tokens[role], ROOT_TYPENAME, {"id": org.ids["team"]})
    assert "errors" not in slow, slow
    assert (fast, path) == (slow, "compiled")
    assert slow["data"]["__typename"] == slow["data"]["kind"] == "Query"


async def test_a_lone_root_typename_needs_no_database(paths: Paths, org: Org) -> None:
    with count_statements() as statements:
        slow, fast, path = await paths.both(org.tokens["employee"], "{ __typename }")
    assert (fast, path) == (slow, "compiled")  # a constant: no statement, no policy
    assert slow["data"] == {"__typename": "Query"}
    assert len(statements) == 2, statements  # each app's token check, nothing else


SEATS = """{ trainingSessions(first: 20) { nodes { capacity seatsTaken seatsLeft waitlistCount
  course { title sessions { nodes { seatsLeft } } } } } }"""


@pytest.mark.parametrize("role", ROLES)
async def test_seat_counts(paths: Paths, org: Org, role: str) -> None:
    from models.employees import Employee
    from models.training import TrainingCourse

    # Given a full session with a waitlist, beside the organisation's.
    course = await TrainingCourse.get(title="Security basics")
    full = await f.session(course, capacity=1)
    await f.enrollment(full, await Employee.get(email="worker@example.com"))
    await f.enrollment(full, await Employee.get(email="other@example.com"), status="waitlisted")
    slow, fast, path = await paths.both(org.tokens[role], SEATS)
    assert "errors" not in slow, slow
    assert (fast, path) == (slow, "compiled")
    rows = {
        (s["capacity"], s["seatsTaken"], s["seatsLeft"], s["waitlistCount"])
        for s in slow["data"]["trainingSessions"]["nodes"]
    }
    assert (1, 1, 0, 1) in rows, rows


def _by_path(body: dict[str, Any]) -> dict[str, Any]:
    errors = sorted(body.get("errors", []), key=lambda error: str(error["path"]))
    return {**body, "errors": errors}


@pytest.mark.parametrize("role", ROLES)
async def test_enrollment_cancel_capability_answers_the_same(paths: Paths, org: Org, role: str) -> None:
    # given enrollments (one cancelled) of the worker and of the manager's reports
    from models.training import Enrollment

    await Enrollment.filter(id=(await Enrollment.all().order_by("id").first()).id).update(status="cancelled")  # type: ignore[union-attr]
    for person in ("worker", "manager", "hr"):
        # when each role reads who may cancel them; then both paths agree, compiled
        slow, fast, path = await paths.both(
            org.tokens[role], ENROLLMENT_CAPABILITIES, {"id": org.ids[person]}
        )
        assert "errors" not in slow, slow
        assert (fast, path) == (slow, "compiled"), person
        if (role, person) == ("employee", "worker"):  # their own, but not the cancelled one
            flags = {
                (n["status"], n["viewerCanCancel"]) for n in slow["data"]["node"]["enrollments"]["nodes"]
            }
            assert flags == {("CANCELLED", False), ("ENROLLED", True)}
