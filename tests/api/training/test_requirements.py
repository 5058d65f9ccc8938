"""Recurring, required training: HR requires a course of some employees, every N months; each
employee's `trainingCompliance.requirements` shows COMPLIANT, EXPIRING, OVERDUE or EXEMPT."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from ids import to_global_id
from models.employees import Employee
from models.training import Enrollment, TrainingCourse
from tests.support import factories as f
from tests.support.graphql_client import ClientMaker, TokenMaker

CREATE = """
mutation Create($input: CreateTrainingRequirementInput!) {
  createTrainingRequirement(input: $input) {
    requirement { id everyMonths windowDays course { code } appliesTo { teamIds roles locations } }
    errors { code field message }
  }
}
"""

ARCHIVE = """
mutation Archive($id: ID!) {
  archiveTrainingRequirement(input: {id: $id}) { requirement { archivedAt } errors { code field } }
}
"""

EXEMPT = """
mutation Exempt($input: ExemptFromTrainingRequirementInput!) {
  exemptFromTrainingRequirement(input: $input) {
    exemption { reason employee { email } requirement { id } }
    errors { code field }
  }
}
"""

REMOVE = """
mutation Remove($input: RemoveTrainingExemptionInput!) {
  removeTrainingExemption(input: $input) { exemption { reason } errors { code field } }
}
"""

STATUSES = """
query Statuses($id: ID!) {
  node(id: $id) {
    ... on Employee {
      trainingCompliance {
        compliant
        requirements {
          status expiresAt
          requirement { course { code } }
          certificate { completedAt certificateExpiresAt }
          exemption { reason }
        }
      }
    }
  }
}
"""

NOW = datetime.now(UTC)


def gid(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)


async def _completed(
    person: Employee, course: TrainingCourse, *, days_ago: int, expires: datetime | None = None
) -> Enrollment:
    session = await f.session(course, starts_at=NOW - timedelta(days=days_ago + 1))
    return await f.enrollment(
        session,
        person,
        status="completed",
        completed_at=NOW - timedelta(days=days_ago),
        certificate_expires_at=expires,
    )


async def _require(hr: Any, course: TrainingCourse, **fields: Any) -> str:
    body = await hr.data(CREATE, {"input": {"courseId": gid("TrainingCourse", course.id), **fields}})
    assert body["createTrainingRequirement"]["errors"] == []
    return str(body["createTrainingRequirement"]["requirement"]["id"])


async def _statuses(client: Any, person: Employee) -> dict[str, dict[str, Any]]:
    data = await client.data(STATUSES, {"id": gid("Employee", person.id)})
    rows = data["node"]["trainingCompliance"]["requirements"]
    return {row["requirement"]["course"]["code"]: row for row in rows}


async def test_each_status_follows_the_completions_and_the_window(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await f.employee(email="hr@example.com", role="hr")
    ada = await f.employee(email="ada@example.com")
    fresh, soon, lapsed, never, cert = [
        await f.course(code=code, title=code) for code in ("FRESH", "SOON", "LAPSED", "NEVER", "CERT")
    ]
    hr = graphql(await tokens("hr@example.com"))
    for course in (fresh, soon, lapsed, never):
        await _require(hr, course, everyMonths=12, windowDays=30)
    await _require(hr, cert, everyMonths=24, windowDays=10)
    await _completed(ada, fresh, days_ago=10)  # 12 months ahead
    await _completed(ada, soon, days_ago=350)  # about 15 days left
    await _completed(ada, lapsed, days_ago=400)
    # The certificate lapses in 5 days, long before 24 months pass: the sooner date counts.
    await _completed(ada, cert, days_ago=30, expires=NOW + timedelta(days=5))

    rows = await _statuses(graphql(await tokens("ada@example.com")), ada)

    assert {code: row["status"] for code, row in rows.items()} == {
        "FRESH": "COMPLIANT",
        "SOON": "EXPIRING",
        "LAPSED": "OVERDUE",
        "NEVER": "OVERDUE",
        "CERT": "EXPIRING",
    }
    assert rows["NEVER"]["certificate"] is None and rows["NEVER"]["expiresAt"] is None
    assert rows["LAPSED"]["certificate"] is not None  # the completion that last satisfied it
    assert rows["CERT"]["expiresAt"] == rows["CERT"]["certificate"]["certificateExpiresAt"]
    fresh_completed = datetime.fromisoformat(rows["FRESH"]["certificate"]["completedAt"])
    fresh_expires = datetime.fromisoformat(rows["FRESH"]["expiresAt"])
    assert (fresh_expires.year, fresh_expires.month) == (
        fresh_completed.year + 1,
        fresh_completed.month,
    )
    assert list(rows) == ["CERT", "FRESH", "LAPSED", "NEVER", "SOON"]  # by course title


async def test_applies_to_matches_every_given_axis_and_empty_means_everyone(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await f.employee(email="hr@example.com", role="hr", location="Berlin")
    team = await f.team(name="Ops")
    ops_berlin = await f.employee(email="ob@example.com", location="Berlin")
    ops_paris = await f.employee(email="op@example.com", location="Paris")
    outsider = await f.employee(email="out@example.com", location="Berlin")
    await f.member(team, ops_berlin)
    await f.member(team, ops_paris)
    everyone, ops, berlin_ops, hr_only = [
        await f.course(code=c, title=c) for c in ("ALL", "OPS", "BOPS", "HRC")
    ]
    hr = graphql(await tokens("hr@example.com"))
    await _require(hr, everyone, everyMonths=12)
    await _require(hr, ops, everyMonths=12, appliesTo={"teamIds": [gid("Team", team.id)]})
    await _require(
        hr, berlin_ops, everyMonths=12, appliesTo={"teamIds": [gid("Team", team.id)], "locations": ["Berlin"]}
    )
    await _require(hr, hr_only, everyMonths=12, appliesTo={"roles": ["HR"]})

    seen = {p.email: set(await _statuses(hr, p)) for p in (ops_berlin, ops_paris, outsider)}

    assert seen == {
        "ob@example.com": {"ALL", "OPS", "BOPS"},
        "op@example.com": {"ALL", "OPS"},
        "out@example.com": {"ALL"},
    }
    me = await Employee.get(email="hr@example.com")
    assert set(await _statuses(hr, me)) == {"ALL", "HRC"}


async def test_hr_exempts_and_lifts_an_exemption(graphql: ClientMaker, tokens: TokenMaker) -> None:
    await f.employee(email="hr@example.com", role="hr")
    ada = await f.employee(email="ada@example.com")
    course = await f.course(code="SEC", title="Security")
    hr = graphql(await tokens("hr@example.com"))
    requirement = await _require(hr, course, everyMonths=12)
    who = {"requirementId": requirement, "employeeId": gid("Employee", ada.id)}

    granted = await hr.data(EXEMPT, {"input": {**who, "reason": "Certified externally"}})
    while_exempt = await _statuses(hr, ada)
    again = await hr.data(EXEMPT, {"input": {**who, "reason": "Twice"}})
    lifted = await hr.data(REMOVE, {"input": who})
    after = await _statuses(hr, ada)
    none_left = await hr.data(REMOVE, {"input": who})

    assert granted["exemptFromTrainingRequirement"] == {
        "exemption": {
            "reason": "Certified externally",
            "employee": {"email": "ada@example.com"},
            "requirement": {"id": requirement},
        },
        "errors": [],
    }
    assert while_exempt["SEC"]["status"] == "EXEMPT"
    assert while_exempt["SEC"]["exemption"] == {"reason": "Certified externally"}
    assert again["exemptFromTrainingRequirement"]["errors"] == [
        {"code": "ALREADY_EXISTS", "field": ["input", "employeeId"]}
    ]
    assert lifted["removeTrainingExemption"] == {
        "exemption": {"reason": "Certified externally"},
        "errors": [],
    }
    assert after["SEC"]["status"] == "OVERDUE"
    assert none_left["removeTrainingExemption"]["errors"] == [{"code": "NOT_FOUND", "field": ["input"]}]


async def test_an_archived_requirement_is_no_longer_listed(graphql: ClientMaker, tokens: TokenMaker) -> None:
    await f.employee(email="hr@example.com", role="hr")
    ada = await f.employee(email="ada@example.com")
    course = await f.course(code="SEC", title="Security")
    hr = graphql(await tokens("hr@example.com"))
    requirement = await _require(hr, course, everyMonths=12)

    archived = await hr.data(ARCHIVE, {"id": requirement})
    twice = await hr.data(ARCHIVE, {"id": requirement})
    exempt = await hr.data(
        EXEMPT,
        {"input": {"requirementId": requirement, "employeeId": gid("Employee", ada.id), "reason": "x"}},
    )

    assert archived["archiveTrainingRequirement"]["requirement"]["archivedAt"] is not None
    assert twice["archiveTrainingRequirement"]["errors"] == [
        {"code": "INVALID_TRANSITION", "field": ["input", "id"]}
    ]
    assert exempt["exemptFromTrainingRequirement"]["errors"] == [
        {"code": "INVALID_TRANSITION", "field": ["input", "requirementId"]}
    ]
    assert await _statuses(hr, ada) == {}


async def test_bad_input_is_refused_with_every_problem_and_nothing_is_stored(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await f.employee(email="hr@example.com", role="hr")
    course = await f.course(code="SEC")
    hr = graphql(await tokens("hr@example.com"))
    course_id = gid("TrainingCourse", course.id)

    async def refused(**fields: Any) -> list[tuple[str, list[str]]]:
        body = await hr.data(CREATE, {"input": {"courseId": course_id, "everyMonths": 12, **fields}})
        assert body["createTrainingRequirement"]["requirement"] is None
        return [(e["code"], e["field"]) for e in body["createTrainingRequirement"]["errors"]]

    assert await refused(everyMonths=0, windowDays=400) == [
        ("INVALID", ["input", "everyMonths"]),
        ("INVALID", ["input", "windowDays"]),
    ]
    assert await refused(courseId=gid("TrainingCourse", course.id + 99)) == [
        ("NOT_FOUND", ["input", "courseId"])
    ]
    assert await refused(courseId="nonsense") == [("INVALID_ID", ["input", "courseId"])]
    assert await refused(appliesTo={"teamIds": [gid("Team", 999)]}) == [
        ("NOT_FOUND", ["input", "appliesTo", "teamIds"])
    ]
    assert await refused(appliesTo={"locations": ["x" * 121]}) == [
        ("TOO_LONG", ["input", "appliesTo", "locations"])
    ]
    await _require(hr, course, everyMonths=12)
    assert await refused(everyMonths=6) == [("DUPLICATE", ["input", "courseId"])]
    exempt = await hr.data(
        EXEMPT,
        {
            "input": {
                "requirementId": gid("TrainingRequirement", 999),
                "employeeId": gid("Employee", 1),
                "reason": " ",
            }
        },
    )
    assert [(e["code"], e["field"]) for e in exempt["exemptFromTrainingRequirement"]["errors"]] == [
        ("REQUIRED", ["input", "reason"])
    ]
    unknown = await hr.data(
        EXEMPT,
        {
            "input": {
                "requirementId": gid("TrainingRequirement", 999),
                "employeeId": gid("Employee", 1),
                "reason": "r",
            }
        },
    )
    assert unknown["exemptFromTrainingRequirement"]["errors"] == [
        {"code": "NOT_FOUND", "field": ["input", "requirementId"]}
    ]


async def test_only_hr_and_services_manage_requirements(graphql: ClientMaker, tokens: TokenMaker) -> None:
    boss = await f.employee(email="boss@example.com")
    ada = await f.employee(email="ada@example.com", manager=boss)
    course = await f.course(code="SEC")
    variables = {"input": {"courseId": gid("TrainingCourse", course.id), "everyMonths": 12}}

    manager = await graphql(await tokens("boss@example.com", scopes="training:read training:manage")).data(
        CREATE, variables
    )
    service = await graphql(await tokens(None)).data(CREATE, variables)
    exempt = await graphql(await tokens("boss@example.com", scopes="training:read training:manage")).data(
        EXEMPT,
        {
            "input": {
                "requirementId": service["createTrainingRequirement"]["requirement"]["id"],
                "employeeId": gid("Employee", ada.id),
                "reason": "r",
            }
        },
    )

    assert manager["createTrainingRequirement"]["errors"] == [
        {
            "code": "NOT_ALLOWED",
            "field": ["input"],
            "message": "Only HR manages the training catalog and schedule.",
        }
    ]
    assert service["createTrainingRequirement"]["errors"] == []
    assert exempt["exemptFromTrainingRequirement"]["errors"] == [{"code": "NOT_ALLOWED", "field": ["input"]}]
