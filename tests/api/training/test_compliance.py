"""Training compliance on an employee, and mentor suggestions: who sees what, and the ranking."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ids import to_global_id
from models.employees import Employee
from models.training import Enrollment, TrainingCourse
from tests.support import factories as f
from tests.support.graphql_client import ClientMaker, TokenMaker, error_codes

COMPLIANCE = """
query Compliance($id: ID!, $days: Int) {
  node(id: $id) {
    ... on Employee {
      trainingCompliance(withinDays: $days) {
        compliant withinDays
        missingCourses { code }
        expiringCertificates { certificateExpiresAt session { course { code } } }
      }
    }
  }
}
"""

SUGGESTIONS = """
query Suggest($skills: [String!]!, $first: Int) {
  mentorSuggestions(skills: $skills, first: $first) { employee { email } matchingSkills score }
}
"""


def gid(pk: int) -> str:
    return to_global_id("Employee", pk)


async def _completed(
    person: Employee, course: TrainingCourse, *, expires_in_days: float | None
) -> Enrollment:
    session = await f.session(course, starts_at=datetime.now(UTC) - timedelta(days=400))
    expires = datetime.now(UTC) + timedelta(days=expires_in_days) if expires_in_days is not None else None
    return await f.enrollment(
        session, person, status="completed", completed_at=datetime.now(UTC), certificate_expires_at=expires
    )


async def test_an_employee_sees_missing_and_expiring_mandatory_training(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    ada = await f.employee(email="ada@example.com")
    security = await f.course(code="SEC", title="A Security", mandatory=True, certification_valid_months=12)
    privacy = await f.course(code="PRIV", title="B Privacy", mandatory=True, certification_valid_months=12)
    ethics = await f.course(code="ETH", title="C Ethics", mandatory=True)
    await f.course(code="OPT", title="Optional")
    await _completed(ada, security, expires_in_days=10)  # valid, but lapses soon
    await _completed(ada, privacy, expires_in_days=-1)  # lapsed: missing again
    await _completed(ada, ethics, expires_in_days=None)  # never lapses
    client = graphql(await tokens("ada@example.com"))

    data = await client.data(COMPLIANCE, {"id": gid(ada.id)})

    report = data["node"]["trainingCompliance"]
    assert report["compliant"] is False and report["withinDays"] == 30
    assert [c["code"] for c in report["missingCourses"]] == ["PRIV"]
    assert [e["session"]["course"]["code"] for e in report["expiringCertificates"]] == ["SEC"]


async def test_a_newer_certificate_outweighs_an_expiring_one_and_the_window_narrows(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    ada = await f.employee(email="ada@example.com")
    security = await f.course(code="SEC", mandatory=True, certification_valid_months=12)
    first_aid = await f.course(code="AID", certification_valid_months=24)
    await _completed(ada, security, expires_in_days=5)
    await _completed(ada, security, expires_in_days=300)
    await _completed(ada, first_aid, expires_in_days=20)
    client = graphql(await tokens("ada@example.com"))

    wide = await client.data(COMPLIANCE, {"id": gid(ada.id), "days": 30})
    narrow = await client.data(COMPLIANCE, {"id": gid(ada.id), "days": 7})

    assert wide["node"]["trainingCompliance"]["compliant"] is True
    assert [
        e["session"]["course"]["code"] for e in wide["node"]["trainingCompliance"]["expiringCertificates"]
    ] == ["AID"]
    assert narrow["node"]["trainingCompliance"]["expiringCertificates"] == []


async def test_compliance_is_for_the_employee_their_managers_and_hr(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    boss = await f.employee(email="boss@example.com")
    ada = await f.employee(email="ada@example.com", manager=boss)
    await f.employee(email="peer@example.com", manager=boss)
    await f.employee(email="hr@example.com", role="hr")
    await f.course(mandatory=True)
    variables = {"id": gid(ada.id)}

    seen = {
        who: (await graphql(await tokens(who)).data(COMPLIANCE, variables))["node"]["trainingCompliance"]
        for who in ("boss@example.com", "hr@example.com", "peer@example.com")
    }
    service = await graphql(await tokens(None)).data(COMPLIANCE, variables)
    no_scope = await graphql(await tokens("ada@example.com", scopes="employees:read")).execute(
        COMPLIANCE, variables
    )

    assert seen["boss@example.com"]["compliant"] is False
    assert seen["hr@example.com"]["compliant"] is False
    assert seen["peer@example.com"] is None
    assert service["node"]["trainingCompliance"]["compliant"] is False
    assert error_codes(no_scope) == ["FORBIDDEN"]
    assert no_scope["errors"][0]["extensions"]["requiredScope"] == "training:read"


async def test_mentor_suggestions_rank_by_shared_skills_then_name(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    me = await f.employee(email="me@example.com", skills=["Python", "SQL"])
    await f.employee(email="report@example.com", manager=me, skills=["Python", "SQL", "Go"])
    await f.employee(email="b@example.com", family_name="Baker", skills=["python"])
    await f.employee(email="a@example.com", family_name="Adams", skills=["PYTHON", "Java"])
    await f.employee(email="c@example.com", family_name="Clark", skills=["Python", "sql"])
    await f.employee(email="gone@example.com", skills=["Python", "SQL"], status="terminated")
    await f.employee(email="none@example.com", skills=["Cooking"])
    client = graphql(await tokens("me@example.com"))

    data = await client.data(SUGGESTIONS, {"skills": ["Python", "sql", " "]})
    first_two = await client.data(SUGGESTIONS, {"skills": ["python"], "first": 2})

    assert data["mentorSuggestions"] == [
        {"employee": {"email": "c@example.com"}, "matchingSkills": ["Python", "sql"], "score": 2},
        {"employee": {"email": "a@example.com"}, "matchingSkills": ["PYTHON"], "score": 1},
        {"employee": {"email": "b@example.com"}, "matchingSkills": ["python"], "score": 1},
    ]
    assert [s["employee"]["email"] for s in first_two["mentorSuggestions"]] == [
        "a@example.com",
        "b@example.com",
    ]


async def test_mentor_suggestions_need_the_directory_scope_and_a_sane_size(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await f.employee(email="me@example.com")

    no_scope = await graphql(await tokens("me@example.com", scopes="mentorships:read")).execute(
        SUGGESTIONS, {"skills": ["Python"]}
    )
    too_many = await graphql(await tokens("me@example.com")).execute(
        SUGGESTIONS, {"skills": ["Python"], "first": 500}
    )

    assert error_codes(no_scope) == ["FORBIDDEN"]
    assert no_scope["errors"][0]["extensions"]["requiredScope"] == "employees:read"
    assert error_codes(too_many) == ["BAD_USER_INPUT"]


async def test_compliance_of_a_whole_page_costs_the_same_statements_as_of_one(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    from tests.support import factories
    from tests.support.graphql_client import count_statements

    await factories.employee(email="hr.batch@example.com", role="hr")
    for _ in range(8):
        await factories.employee()
    await factories.course(mandatory=True)
    client = graphql(await tokens("hr.batch@example.com"))
    query = "query($n: Int!) { employees(first: $n) { nodes { trainingCompliance { compliant } } } }"
    await client.data(query, {"n": 1})

    with count_statements() as one:
        await client.data(query, {"n": 1})
    with count_statements() as many:
        data = await client.data(query, {"n": 9})

    assert len(many) == len(one)
    assert [n["trainingCompliance"]["compliant"] for n in data["employees"]["nodes"]] == [False] * 9
