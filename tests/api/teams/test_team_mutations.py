"""Team mutations: HR creates teams, HR and leads manage them and their members."""

from __future__ import annotations

from typing import Any

from ids import to_global_id
from models.events import Event
from models.teams import Team, TeamMembership
from tests.support import factories as f
from tests.support.graphql_client import Caller, ClientMaker, TokenMaker, error_codes

CREATE_TEAM = """
mutation Create($input: CreateTeamInput!) {
  createTeam(input: $input) {
    team { id name slug description parent { name } lead { email } members { edges { role node { email } } } }
    errors { field code message }
  }
}
"""

UPDATE_TEAM = """
mutation Update($input: UpdateTeamInput!) {
  updateTeam(input: $input) {
    team { name description viewerCanManage parent { name } lead { email } members { edges { role node { email } } } }
    errors { field code message }
  }
}
"""

ADD_MEMBER = """
mutation Add($input: AddTeamMemberInput!) {
  addTeamMember(input: $input) {
    team { lead { email } members { totalCount } }
    employee { email }
    errors { field code message }
  }
}
"""

REMOVE_MEMBER = """
mutation Remove($input: RemoveTeamMemberInput!) {
  removeTeamMember(input: $input) {
    team { lead { email } members { totalCount } }
    employee { email }
    errors { field code message }
  }
}
"""


def gid(row: Any) -> str:
    return to_global_id(type(row).__name__, row.id)


def codes(payload: dict[str, Any]) -> set[tuple[tuple[str, ...], str]]:
    return {(tuple(e["field"] or ()), e["code"]) for e in payload["errors"]}


async def snapshot() -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    """Teams, memberships and the number of events: what a refused mutation must leave alone."""
    teams = await Team.all().order_by("id").values()
    memberships = await TeamMembership.all().order_by("id").values()
    return teams, memberships, await Event.all().count()


async def led_team(lead_email: str = "lead@example.com", **kwargs: Any) -> tuple[Team, object]:
    lead = await f.employee(email=lead_email)
    team = await f.team(lead=lead, **kwargs)
    await f.member(team, lead, "lead")
    return team, lead


# --- createTeam ---------------------------------------------------------------------------------


async def test_hr_creates_a_team_whose_lead_joins_as_lead(hr: Caller) -> None:
    lead = await f.employee(email="lead@example.com")
    parent = await f.team(name="Engineering")

    data = await hr.data(
        CREATE_TEAM, {"input": {"name": " Platform & Tools ", "parentId": gid(parent), "leadId": gid(lead)}}
    )

    team = data["createTeam"]["team"]
    assert data["createTeam"]["errors"] == []
    assert (team["name"], team["slug"]) == ("Platform & Tools", "platform-tools")
    assert team["parent"] == {"name": "Engineering"} and team["lead"] == {"email": "lead@example.com"}
    assert team["members"]["edges"] == [{"role": "LEAD", "node": {"email": "lead@example.com"}}]
    assert [e.type for e in await Event.all().order_by("id")] == ["team.created", "team.member_added"]


async def test_a_derived_slug_is_numbered_when_taken(service: Caller) -> None:
    await f.team(name="Old data", slug="data")

    data = await service.data(CREATE_TEAM, {"input": {"name": "Data"}})

    assert data["createTeam"]["team"]["slug"] == "data-2"


async def test_create_team_input_errors_write_nothing(hr: Caller) -> None:
    await f.team(name="Design", slug="design")
    before = await snapshot()

    duplicate = await hr.data(CREATE_TEAM, {"input": {"name": "design", "slug": "design"}})
    missing = await hr.data(
        CREATE_TEAM,
        {
            "input": {
                "name": "New",
                "parentId": to_global_id("Team", 999),
                "leadId": to_global_id("Employee", 999),
            }
        },
    )
    malformed = await hr.data(CREATE_TEAM, {"input": {"name": " ", "slug": "Not A Slug"}})

    assert codes(duplicate["createTeam"]) == {
        (("input", "name"), "DUPLICATE"),
        (("input", "slug"), "DUPLICATE"),
    }
    assert codes(missing["createTeam"]) == {
        (("input", "parentId"), "NOT_FOUND"),
        (("input", "leadId"), "NOT_FOUND"),
    }
    assert codes(malformed["createTeam"]) == {
        (("input", "name"), "REQUIRED"),
        (("input", "slug"), "INVALID_FORMAT"),
    }
    assert await snapshot() == before


async def test_regular_employees_may_not_create_teams_and_tokens_need_the_scope(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await f.employee(email="ada@example.com")
    await f.employee(email="hr@example.com", role="hr")
    before = await snapshot()

    refused = await graphql(await tokens("ada@example.com")).data(CREATE_TEAM, {"input": {"name": "Mine"}})
    unscoped = await graphql(await tokens("hr@example.com", scopes="employees:read")).execute(
        CREATE_TEAM, {"input": {"name": "Mine"}}
    )

    assert codes(refused["createTeam"]) == {(("input",), "NOT_ALLOWED")}
    assert error_codes(unscoped) == ["FORBIDDEN"]
    assert unscoped["errors"][0]["extensions"]["requiredScope"] == "teams:write"
    assert await snapshot() == before


# --- updateTeam ---------------------------------------------------------------------------------


async def test_the_lead_renames_the_team_and_hands_over_the_lead(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    team, _ = await led_team()
    successor = await f.employee(email="next@example.com")
    client = graphql(await tokens("lead@example.com"))

    data = await client.data(
        UPDATE_TEAM,
        {"input": {"id": gid(team), "name": "Renamed", "description": "Ships", "leadId": gid(successor)}},
    )

    team_data = data["updateTeam"]["team"]
    assert data["updateTeam"]["errors"] == []
    assert (team_data["name"], team_data["lead"]) == ("Renamed", {"email": "next@example.com"})
    roles = {e["node"]["email"]: e["role"] for e in team_data["members"]["edges"]}
    assert roles == {"lead@example.com": "MEMBER", "next@example.com": "LEAD"}
    event = await Event.get(type="team.updated")
    assert sorted(event.data["changed"]) == ["description", "leadId", "name"]


async def test_a_team_cycle_is_refused(service: Caller) -> None:
    top = await f.team(name="Top")
    middle = await f.team(name="Middle", parent=top)
    bottom = await f.team(name="Bottom", parent=middle)
    before = await snapshot()

    indirect = await service.data(UPDATE_TEAM, {"input": {"id": gid(top), "parentId": gid(bottom)}})
    itself = await service.data(UPDATE_TEAM, {"input": {"id": gid(middle), "parentId": gid(middle)}})

    for data in (indirect, itself):
        assert codes(data["updateTeam"]) == {(("input", "parentId"), "CYCLE")}
    assert await snapshot() == before


async def test_only_hr_and_the_lead_update_a_team(graphql: ClientMaker, tokens: TokenMaker) -> None:
    team, _ = await led_team()
    member = await f.employee(email="member@example.com")
    await f.member(team, member)
    other, _ = await led_team("other@example.com")
    before = await snapshot()

    by_member = await graphql(await tokens("member@example.com")).data(
        UPDATE_TEAM, {"input": {"id": gid(team), "name": "X"}}
    )
    by_other_lead = await graphql(await tokens("other@example.com")).data(
        UPDATE_TEAM, {"input": {"id": gid(team), "name": "X"}}
    )
    taken = await graphql(await tokens("lead@example.com")).data(
        UPDATE_TEAM, {"input": {"id": gid(team), "name": other.name}}
    )

    assert codes(by_member["updateTeam"]) == {(("input", "id"), "NOT_ALLOWED")}
    assert codes(by_other_lead["updateTeam"]) == {(("input", "id"), "NOT_ALLOWED")}
    assert codes(taken["updateTeam"]) == {(("input", "name"), "DUPLICATE")}
    assert await snapshot() == before


# --- addTeamMember / removeTeamMember -----------------------------------------------------------


async def test_the_lead_adds_a_member_once(graphql: ClientMaker, tokens: TokenMaker) -> None:
    team, _ = await led_team()
    ada = await f.employee(email="ada@example.com")
    client = graphql(await tokens("lead@example.com"))
    variables = {"input": {"teamId": gid(team), "employeeId": gid(ada)}}

    added = await client.data(ADD_MEMBER, variables)
    before = await snapshot()
    again = await client.data(ADD_MEMBER, variables)

    assert added["addTeamMember"]["errors"] == []
    assert added["addTeamMember"]["employee"] == {"email": "ada@example.com"}
    assert added["addTeamMember"]["team"]["members"]["totalCount"] == 2
    assert codes(again["addTeamMember"]) == {(("input", "employeeId"), "ALREADY_EXISTS")}
    assert await snapshot() == before
    assert await Event.filter(type="team.member_added").count() == 1


async def test_adding_a_lead_to_a_team_without_one_makes_them_its_lead(service: Caller) -> None:
    team = await f.team()
    ada = await f.employee(email="ada@example.com")

    data = await service.data(
        ADD_MEMBER, {"input": {"teamId": gid(team), "employeeId": gid(ada), "role": "LEAD"}}
    )

    assert data["addTeamMember"]["team"]["lead"] == {"email": "ada@example.com"}


async def test_add_member_refusals_write_nothing(graphql: ClientMaker, tokens: TokenMaker) -> None:
    team, _ = await led_team()
    await f.employee(email="ada@example.com")
    gone = await f.employee(email="gone@example.com", status="terminated")
    bob = await f.employee(email="bob@example.com")
    before = await snapshot()

    lead = graphql(await tokens("lead@example.com"))
    unknown_team = await lead.data(
        ADD_MEMBER, {"input": {"teamId": to_global_id("Team", 999), "employeeId": gid(bob)}}
    )
    unknown_person = await lead.data(
        ADD_MEMBER, {"input": {"teamId": gid(team), "employeeId": to_global_id("Employee", 999)}}
    )
    left = await lead.data(ADD_MEMBER, {"input": {"teamId": gid(team), "employeeId": gid(gone)}})
    not_lead = await graphql(await tokens("ada@example.com")).data(
        ADD_MEMBER, {"input": {"teamId": gid(team), "employeeId": gid(bob)}}
    )
    unscoped = await graphql(await tokens("lead@example.com", scopes="employees:read")).execute(
        ADD_MEMBER, {"input": {"teamId": gid(team), "employeeId": gid(bob)}}
    )

    assert codes(unknown_team["addTeamMember"]) == {(("input", "teamId"), "NOT_FOUND")}
    assert codes(unknown_person["addTeamMember"]) == {(("input", "employeeId"), "NOT_FOUND")}
    assert codes(left["addTeamMember"]) == {(("input", "employeeId"), "INVALID")}
    assert codes(not_lead["addTeamMember"]) == {(("input", "teamId"), "NOT_ALLOWED")}
    assert (
        error_codes(unscoped) == ["FORBIDDEN"]
        and unscoped["errors"][0]["extensions"]["requiredScope"] == "teams:write"
    )
    assert await snapshot() == before


async def test_hr_removes_a_member_and_removing_the_lead_clears_it(hr: Caller) -> None:
    team, lead = await led_team()
    ada = await f.employee(email="ada@example.com")
    await f.member(team, ada)

    member = await hr.data(REMOVE_MEMBER, {"input": {"teamId": gid(team), "employeeId": gid(ada)}})
    the_lead = await hr.data(REMOVE_MEMBER, {"input": {"teamId": gid(team), "employeeId": gid(lead)}})

    assert member["removeTeamMember"]["errors"] == []
    assert member["removeTeamMember"]["team"]["members"]["totalCount"] == 1
    assert the_lead["removeTeamMember"]["team"] == {"lead": None, "members": {"totalCount": 0}}
    assert (await Team.get(id=team.id)).lead_id is None
    assert await Event.filter(type="team.member_removed").count() == 2


async def test_remove_member_refusals_write_nothing(graphql: ClientMaker, tokens: TokenMaker) -> None:
    team, _ = await led_team()
    ada = await f.employee(email="ada@example.com")
    await f.member(team, ada)
    outsider = await f.employee(email="out@example.com")
    before = await snapshot()

    not_member = await graphql(await tokens("lead@example.com")).data(
        REMOVE_MEMBER, {"input": {"teamId": gid(team), "employeeId": gid(outsider)}}
    )
    by_member = await graphql(await tokens("ada@example.com")).data(
        REMOVE_MEMBER, {"input": {"teamId": gid(team), "employeeId": gid(ada)}}
    )
    unscoped = await graphql(await tokens("lead@example.com", scopes="employees:read")).execute(
        REMOVE_MEMBER, {"input": {"teamId": gid(team), "employeeId": gid(ada)}}
    )

    assert codes(not_member["removeTeamMember"]) == {(("input", "employeeId"), "NOT_FOUND")}
    assert codes(by_member["removeTeamMember"]) == {(("input", "teamId"), "NOT_ALLOWED")}
    assert error_codes(unscoped) == ["FORBIDDEN"]
    assert await snapshot() == before
