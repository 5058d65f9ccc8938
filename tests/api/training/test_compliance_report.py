"""`complianceReport(teamId)`: a team's members and their required-training statuses, for the
team's lead, managers above its members (their reports only), HR and service tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ids import to_global_id
from models.teams import Team
from models.training import TrainingRequirement
from tests.support import factories as f
from tests.support.graphql_client import ClientMaker, TokenMaker, count_statements, error_codes

REPORT = """
query Report($team: ID!) {
  complianceReport(teamId: $team) {
    team { name }
    members { employee { email } requirements { status requirement { course { code } } } }
  }
}
"""


async def _world() -> str:
    boss = await f.employee(email="boss@example.com", family_name="Boss")
    ada = await f.employee(email="ada@example.com", manager=boss, family_name="Adams")
    bob = await f.employee(email="bob@example.com", family_name="Brown")
    lead = await f.employee(email="lea@example.com", family_name="Lead")
    await f.employee(email="hr@example.com", role="hr")
    team = await f.team(name="Web", lead=lead)
    for person in (ada, bob):
        await f.member(team, person)
    await f.member(team, lead, "lead")
    course = await f.course(code="SEC", title="Security")
    await TrainingRequirement.create(course=course, every_months=12, window_days=30)
    session = await f.session(course, starts_at=datetime.now(UTC) - timedelta(days=3))
    await f.enrollment(session, ada, status="completed", completed_at=datetime.now(UTC) - timedelta(days=2))
    return to_global_id("Team", team.id)


def _rows(report: dict[str, object]) -> list[tuple[str, list[str]]]:
    members = report["members"]
    assert isinstance(members, list)
    return [(m["employee"]["email"], [r["status"] for r in m["requirements"]]) for m in members]


async def test_the_lead_and_hr_see_every_member_by_name(graphql: ClientMaker, tokens: TokenMaker) -> None:
    team = await _world()

    as_lead = await graphql(await tokens("lea@example.com")).data(REPORT, {"team": team})
    as_hr = await graphql(await tokens("hr@example.com")).data(REPORT, {"team": team})
    as_service = await graphql(await tokens(None)).data(REPORT, {"team": team})

    expected = [
        ("ada@example.com", ["COMPLIANT"]),
        ("bob@example.com", ["OVERDUE"]),
        ("lea@example.com", ["OVERDUE"]),
    ]
    assert as_lead["complianceReport"]["team"] == {"name": "Web"}
    assert _rows(as_lead["complianceReport"]) == expected
    assert _rows(as_hr["complianceReport"]) == expected
    assert _rows(as_service["complianceReport"]) == expected


async def test_a_manager_sees_only_their_reports_and_members_see_nothing(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    team = await _world()

    as_boss = await graphql(await tokens("boss@example.com")).data(REPORT, {"team": team})
    as_member = await graphql(await tokens("bob@example.com")).execute(REPORT, {"team": team})
    no_scope = await graphql(await tokens("hr@example.com", scopes="employees:read")).execute(
        REPORT, {"team": team}
    )

    assert _rows(as_boss["complianceReport"]) == [("ada@example.com", ["COMPLIANT"])]
    assert as_member["data"]["complianceReport"] is None
    assert error_codes(as_member) == ["FORBIDDEN"]
    assert error_codes(no_scope) == ["FORBIDDEN"]
    assert no_scope["errors"][0]["extensions"]["requiredScope"] == "training:read"


async def test_an_unknown_or_malformed_team_is_refused(graphql: ClientMaker, tokens: TokenMaker) -> None:
    await _world()
    hr = graphql(await tokens("hr@example.com"))

    unknown = await hr.execute(REPORT, {"team": to_global_id("Team", 999)})
    malformed = await hr.execute(REPORT, {"team": to_global_id("Employee", 1)})

    assert error_codes(unknown) == ["NOT_FOUND"]
    assert error_codes(malformed) == ["INVALID_ID"]


async def test_the_report_and_employee_lists_read_a_constant_number_of_statements(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    team = await _world()
    hr = graphql(await tokens("hr@example.com"))
    listing = "{ employees(first: 50) { nodes { trainingCompliance { requirements { status } } } } }"
    await hr.data(REPORT, {"team": team})  # warm up the token's first-use reads
    with count_statements() as few_report:
        await hr.data(REPORT, {"team": team})
    with count_statements() as few_listing:
        await hr.data(listing)
    team_row = await Team.get(name="Web")
    for n in range(8):
        await f.member(team_row, await f.employee(email=f"p{n}@example.com"))
    with count_statements() as many_report:
        large = await hr.data(REPORT, {"team": team})
    with count_statements() as many_listing:
        await hr.data(listing)

    assert len(large["complianceReport"]["members"]) == 11
    assert 0 < len(many_report) == len(few_report)
    assert 0 < len(many_listing) == len(few_listing)
