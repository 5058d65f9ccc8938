"""Issue 14's types on the compiled path: time off, kudos, feedback requests, mentorship endings.

The same operation on both paths, for every role, gives the same body and is served compiled;
the visibility is the policy's (feedback never reaches HR or service tokens on either path).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.api.compiled.conftest import Org, Paths, gid

TIME_OFF = """query($id: ID!, $from: Date, $to: Date) { node(id: $id) { ... on Employee { id
  timeOff(first: 10) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node {
    id kind status startsOn endsOn halfDay workingDays note pendingReason decisionNote decidedAt createdAt
    viewerCanDecide viewerCanCancel employee { id displayName } decidedBy { id email } } } }
  open: timeOff(filter: {status: [PENDING, APPROVED], kind: [VACATION, SICK, OTHER], from: $from, to: $to}) {
    totalCount nodes { id status kind } }
  directReports { nodes { email timeOff(first: 2) { totalCount nodes { kind note __typename } } } } } } }"""

KUDOS_AND_FEEDBACK = """query($id: ID!) { node(id: $id) { ... on Employee { id
  kudosReceived(first: 5) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node {
    id message skills createdAt giver { id displayName } receiver { email } } } }
  requested: feedbackRequests { totalCount nodes { id about dueOn status body visibility submittedAt createdAt
    viewerCanSubmit requester { email } respondent { email } } }
  asked: feedbackRequests(direction: ASKED, filter: {status: [PENDING]}) { edges { cursor node { about viewerCanSubmit } } }
  submitted: feedbackRequests(direction: REQUESTED, filter: {status: [SUBMITTED]}, first: 1) {
    totalCount nodes { body } pageInfo { hasNextPage } } } } }"""

MENTORSHIP_ENDINGS = """{ mentorships(filter: {status: [COMPLETED, EXPIRED]}) { totalCount nodes {
  status endReason mentorRating menteeRating endedAt mentor { email } } }
  all: mentorships(first: 50) { nodes { status viewerCanRespond viewerCanEnd viewerCanLogCheckIn viewerCanRate } } }"""

ISSUE_14_NODE = """query($id: ID!) { node(id: $id) { __typename id
  ... on TimeOffRequest { kind note status viewerCanCancel viewerCanDecide employee { email } }
  ... on Kudos { message skills giver { email } }
  ... on FeedbackRequest { about body visibility viewerCanSubmit requester { email } }
  ... on TrainingRequirement { everyMonths windowDays archivedAt createdAt course { title mandatory } } } }"""

FEEDBACK_ONLY = """query($id: ID!) { node(id: $id) { ... on Employee {
  feedbackRequests(direction: ASKED) { totalCount nodes { about } } } } }"""

PUBLIC_HOLIDAYS = """query($location: String!, $year: Int!) { publicHolidays(location: $location, year: $year) {
  __typename day name location } other: publicHolidays(location: "Lyon", year: 2026) { name } }"""

MENTOR_CAPACITY = """query($id: ID) { mine: mentorCapacity { capacity openMentorships hasRoom }
  theirs: mentorCapacity(employeeId: $id) { __typename capacity openMentorships hasRoom } }"""

WORKING_PATTERNS = """query($id: ID!) { viewer { workingPattern { days dayStarts dayEnds timezone } }
  node(id: $id) { ... on Employee { workingPattern { __typename timezone days }
    directReports { nodes { email workingPattern { dayEnds days } } } } } }"""

ROLES = ("hr", "employee", "manager", "service")
PEOPLE = ("worker", "manager", "other", "hr")


@pytest.fixture
async def endings(org: Org) -> Org:
    """Two mentorships that ended: one completed with a reason and ratings, one expired."""
    from models.employees import Employee
    from tests.support import factories as f

    boss, manager, other = [
        await Employee.get(email=f"{n}@example.com") for n in ("boss", "manager", "other")
    ]
    await f.mentorship(boss, manager, status="completed", end_reason="Done", mentor_rating=5, mentee_rating=4)
    await f.mentorship(manager, other, status="expired")
    started = datetime(2026, 1, 5, tzinfo=UTC)
    worker = await Employee.get(email="worker@example.com")
    await f.mentorship(manager, worker, status="cancelled", started_at=started, mentor_rating=3)
    await f.mentorship(other, manager, status="completed", started_at=started, mentee_rating=2)
    await f.mentorship(boss, other, status="completed")  # never started: nobody rates it
    return org


@pytest.mark.parametrize("role", ROLES)
async def test_time_off_answers_the_same_for_every_role_and_employee(
    paths: Paths, org: Org, role: str
) -> None:
    for person in PEOPLE:
        for window in ({"from": None, "to": None}, {"from": "2026-03-05", "to": "2026-03-15"}):
            # given an employee with requests in every status; when both paths read them
            variables = {"id": org.ids[person], **window}
            slow, fast, path = await paths.both(org.tokens[role], TIME_OFF, variables)
            # then they answer the same, and the compiled path serves it
            assert "errors" not in slow, slow
            assert (fast, path) == (slow, "compiled"), (person, window)


async def test_time_off_shows_only_to_the_employee_their_managers_hr_and_services(
    paths: Paths, org: Org
) -> None:
    counts = {}
    for role in ROLES:
        slow, fast, _ = await paths.both(org.tokens[role], TIME_OFF, {"id": org.ids["worker"]})
        assert fast == slow
        counts[role] = slow["data"]["node"]["timeOff"]["totalCount"]
    assert counts == {"hr": 3, "employee": 3, "manager": 3, "service": 3}
    # The worker does not see their manager's requests; HR does.
    seen = {}
    for role in ("employee", "hr"):
        slow, fast, _ = await paths.both(org.tokens[role], TIME_OFF, {"id": org.ids["manager"]})
        assert fast == slow
        seen[role] = slow["data"]["node"]["timeOff"]["totalCount"]
    assert seen == {"employee": 0, "hr": 2}


@pytest.mark.parametrize("role", ROLES)
async def test_kudos_and_feedback_answer_the_same(paths: Paths, org: Org, role: str) -> None:
    for person in PEOPLE:
        slow, fast, path = await paths.both(org.tokens[role], KUDOS_AND_FEEDBACK, {"id": org.ids[person]})
        assert "errors" not in slow, slow
        assert (fast, path) == (slow, "compiled"), person


async def test_feedback_is_never_visible_to_hr_or_service_tokens(paths: Paths, org: Org) -> None:
    for role in ("hr", "service"):
        for person in PEOPLE:
            # given feedback requests by and to every employee; when HR or a service lists them
            slow, fast, path = await paths.both(org.tokens[role], FEEDBACK_ONLY, {"id": org.ids[person]})
            # then neither path shows one (HR's own requests aside: HR was asked once)
            expected = 1 if (role, person) == ("hr", "hr") else 0
            assert slow["data"]["node"]["feedbackRequests"]["totalCount"] == expected, (role, person)
            assert (fast, path) == (slow, "compiled")
    # The worker's manager reads the worker's feedback shared with them, never the private one.
    slow, fast, _ = await paths.both(org.tokens["manager"], KUDOS_AND_FEEDBACK, {"id": org.ids["worker"]})
    assert fast == slow
    assert [n["visibility"] for n in slow["data"]["node"]["requested"]["nodes"]] == [
        "SHARED_WITH_MANAGER",
        None,
    ]


@pytest.mark.parametrize("role", ROLES)
async def test_mentorship_endings_answer_the_same(paths: Paths, endings: Org, role: str) -> None:
    slow, fast, path = await paths.both(endings.tokens[role], MENTORSHIP_ENDINGS)
    assert "errors" not in slow, slow
    assert (fast, path) == (slow, "compiled")
    if role == "employee":  # the worker withdraws their own request, and rates the cancelled one
        flags = {(n["status"], n["viewerCanEnd"], n["viewerCanRate"]) for n in slow["data"]["all"]["nodes"]}
        assert ("CANCELLED", False, True) in flags and ("ACTIVE", True, False) in flags
    if role == "hr":
        nodes = slow["data"]["mentorships"]["nodes"]
        assert {(n["status"], n["endReason"], n["mentorRating"]) for n in nodes} == {
            ("COMPLETED", "Done", 5),
            ("COMPLETED", None, None),
            ("EXPIRED", None, None),
        }


async def test_every_issue_14_node_answers_the_same(paths: Paths, org: Org) -> None:
    from datetime import UTC, datetime

    from models.feedback import FeedbackRequest, Kudos
    from models.schedules import TimeOffRequest
    from models.training import TrainingCourse, TrainingRequirement

    course = await TrainingCourse.get(title="Security basics")
    await TrainingRequirement.create(course=course, every_months=12, window_days=30, roles=["employee"])
    await TrainingRequirement.create(
        course=course, every_months=6, window_days=7, archived_at=datetime.now(UTC)
    )
    hidden = 0
    for model in (TimeOffRequest, Kudos, FeedbackRequest, TrainingRequirement):
        for pk in await model.all().values_list("id", flat=True):
            for role in ROLES:
                variables = {"id": gid(model.__name__, int(pk))}  # type: ignore[call-overload]
                slow, fast, path = await paths.both(org.tokens[role], ISSUE_14_NODE, variables)
                assert "errors" not in slow, slow
                assert (fast, path) == (slow, "compiled"), (model.__name__, pk, role)
                hidden += slow["data"]["node"] is None
    assert hidden  # some are hidden from some roles, on both paths


async def test_public_holidays_answer_the_same_from_one_plan(
    paths: Paths, org: Org, compiled: list[object]
) -> None:
    from models.schedules import PublicHoliday

    # given holidays of two locations over two years, created out of date order
    for location, day, name in (
        ("Berlin", date(2026, 12, 25), "Christmas"),
        ("Berlin", date(2026, 1, 1), "New year"),
        ("Berlin", date(2027, 1, 1), "New year"),
        ("Paris", date(2026, 7, 14), "Fête nationale"),
    ):
        await PublicHoliday.create(location=location, day=day, name=name)
    answers = []
    for location, year in (
        ("Berlin", 2026),
        ("Berlin", 2027),
        ("Paris", 2026),
        ("Nowhere", 2026),
        ("Paris", 2000),
    ):
        for role in ROLES:
            # when each role asks for a location's year
            variables = {"location": location, "year": year}
            slow, fast, path = await paths.both(org.tokens[role], PUBLIC_HOLIDAYS, variables)
            # then both paths answer the same, by day, and the compiled path serves it
            assert "errors" not in slow, slow
            assert (fast, path) == (slow, "compiled"), variables
        answers.append([h["name"] for h in slow["data"]["publicHolidays"]])
    assert answers == [["New year", "Christmas"], ["New year"], ["Fête nationale"], [], []]
    # Locations are parameters: another one plans nothing again (a year is part of the shape).
    planned = len(compiled)
    for role in ROLES:
        variables = {"location": "Lyon", "year": 2027}
        slow, fast, path = await paths.both(org.tokens[role], PUBLIC_HOLIDAYS, variables)
        assert (fast, path) == (slow, "compiled")
    assert len(compiled) == planned
    # A year the resolvers refuse is theirs to report.
    slow, fast, path = await paths.both(
        org.tokens["hr"], PUBLIC_HOLIDAYS, {"location": "Paris", "year": 1999}
    )
    assert slow["errors"][0]["message"] == "year must be between 2000 and 2100."
    assert (fast, path) == (slow, "resolvers")


async def test_mentor_capacity_answers_the_same(paths: Paths, org: Org) -> None:
    from models.employees import Employee
    from models.mentorships import MentorCapacity

    # given a mentor whose one open mentorship fills the capacity they set, and others on the default
    await MentorCapacity.create(employee=await Employee.get(email="other@example.com"), capacity=1)
    seen = {}
    for role in ROLES:
        for person in (*PEOPLE, None):
            # when each role asks for their own capacity and someone's
            variables = {"id": org.ids[person] if person else None}
            slow, fast, path = await paths.both(org.tokens[role], MENTOR_CAPACITY, variables)
            # then both paths answer the same, compiled
            assert "errors" not in slow, slow
            assert (fast, path) == (slow, "compiled"), (role, person)
            seen[role, person] = slow["data"]
    assert seen["service", None] == {"mine": None, "theirs": None}
    assert seen["hr", "other"]["theirs"] == {
        "__typename": "MentorCapacity",
        "capacity": 1,
        "openMentorships": 1,
        "hasRoom": False,
    }
    assert seen["employee", None]["mine"] == {"capacity": 3, "openMentorships": 1, "hasRoom": True}
    # An unknown employee is null; an ID of another type is the resolver path's error.
    unknown = {"id": gid("Employee", 99999)}
    slow, fast, path = await paths.both(org.tokens["hr"], MENTOR_CAPACITY, unknown)
    assert slow["data"]["theirs"] is None and (fast, path) == (slow, "compiled")
    slow, fast, path = await paths.both(org.tokens["hr"], MENTOR_CAPACITY, {"id": org.ids["team"]})
    assert slow["errors"] and (fast, path) == (slow, "resolvers")


async def test_working_patterns_answer_the_same_stored_or_default(paths: Paths, org: Org) -> None:
    from models.employees import Employee
    from models.schedules import WorkingPattern

    # given a stored pattern (days out of order, 07:30-15:05) and employees on the default one,
    # one of them without a time zone
    worker = await Employee.get(email="worker@example.com")
    await WorkingPattern.create(
        employee=worker, days=[5, 1, 3], day_starts=450, day_ends=905, timezone="Asia/Tokyo"
    )
    await Employee.filter(email="other@example.com").update(timezone="")
    answers = {}
    for role in ROLES:
        for person in PEOPLE:
            # when each role reads them
            slow, fast, path = await paths.both(org.tokens[role], WORKING_PATTERNS, {"id": org.ids[person]})
            # then both paths show the same, compiled
            assert "errors" not in slow, slow
            assert (fast, path) == (slow, "compiled"), (role, person)
            answers[role, person] = slow["data"]
    assert answers["employee", "worker"]["viewer"]["workingPattern"] == {
        "days": ["MONDAY", "WEDNESDAY", "FRIDAY"],
        "dayStarts": "07:30:00",
        "dayEnds": "15:05:00",
        "timezone": "Asia/Tokyo",
    }
    other = answers["hr", "other"]["node"]["workingPattern"]
    assert other["timezone"] == "UTC" and other["days"] == [
        "MONDAY",
        "TUESDAY",
        "WEDNESDAY",
        "THURSDAY",
        "FRIDAY",
    ]


async def test_uncovered_schedule_fields_fall_back(paths: Paths, org: Org) -> None:
    for query in (
        "query($id: ID!) { node(id: $id) { ... on Employee { timeOffBalances { kind remainingDays } } } }",
        "query($id: ID!) { node(id: $id) { ... on Employee { recognizedSkills { skill count } } } }",
        "query($id: ID!) { node(id: $id) { ... on Employee { timeOff(last: 1) { nodes { kind } } } } }",
    ):
        slow, fast, path = await paths.both(org.tokens["employee"], query, {"id": org.ids["worker"]})
        assert (fast, path) == (slow, "resolvers"), query
