"""Dataloaders: statements follow the shape of a query, not its page sizes."""

from __future__ import annotations

from tests.support import factories as f
from tests.support.graphql_client import ClientMaker, GraphQLClient, TokenMaker, count_statements

# An employee → their teams → each team's members → each member's tasks (and who they are).
NESTED = """
query Nested($n: Int!) {
  viewer {
    displayName
    manager { displayName }
    teams(first: $n) {
      totalCount
      edges {
        role
        node {
          name
          lead { displayName }
          members(first: $n) {
            totalCount
            edges { role node { displayName manager { displayName } tasks(first: $n) { totalCount nodes { title assignee { email } } } } }
          }
        }
      }
    }
  }
}
"""

SESSIONS = """
query Sessions($n: Int!) {
  trainingSessions(first: $n) {
    nodes { course { title } seatsTaken seatsLeft waitlistCount enrollments(first: $n) { nodes { employee { email } } } }
  }
}
"""


async def build_org(people: int) -> None:
    boss = await f.employee(email="boss@example.com")
    teams = [await f.team(lead=boss) for _ in range(3)]
    for team in teams:
        await f.member(team, boss, "lead")
    for i in range(people):
        person = await f.employee(manager=boss)
        await f.member(teams[i % 3], person, "lead" if i < 3 else "member")
        await f.member(teams[(i + 1) % 3], person)
        for _ in range(3):
            await f.task(person, team=teams[i % 3])
    course = await f.course()
    for _ in range(4):
        session = await f.session(course, capacity=3)
        for i in range(5):
            await f.enrollment(session, await f.employee(), status="enrolled" if i < 3 else "waitlisted")


async def statements_for(client: GraphQLClient, query: str, n: int) -> int:
    with count_statements() as statements:
        await client.data(query, {"n": n})
    return len(statements)


async def test_nested_query_runs_the_same_statements_for_5_and_50_items(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await build_org(people=24)
    client = graphql(await tokens("boss@example.com"))
    await client.data(NESTED, {"n": 1})  # warm up parser and validation caches

    small = await statements_for(client, NESTED, 5)
    large = await statements_for(client, NESTED, 50)

    assert small == large
    # token check, policy (viewer, teams, reports); teams page + count + team rows; leads;
    # members page + count + member rows; their managers; tasks page + count; assignees.
    assert large <= 16
    data = await client.data(NESTED, {"n": 50})
    members = data["viewer"]["teams"]["edges"][0]["node"]["members"]
    assert members["totalCount"] == len(members["edges"]) == 17  # the lead and 16 members
    assert all(len(e["node"]["tasks"]["nodes"]) == e["node"]["tasks"]["totalCount"] for e in members["edges"])


async def test_session_seats_are_counted_in_one_statement_per_list(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await build_org(people=3)
    client = graphql(await tokens())

    small = await statements_for(client, SESSIONS, 2)
    large = await statements_for(client, SESSIONS, 50)

    assert small == large <= 10
    data = await client.data(SESSIONS, {"n": 10})
    seats = [(s["seatsTaken"], s["seatsLeft"], s["waitlistCount"]) for s in data["trainingSessions"]["nodes"]]
    assert seats == [(3, 0, 2)] * 4


async def test_capability_fields_load_the_policy_once_per_request(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await build_org(people=6)
    client = graphql(await tokens("boss@example.com"))
    query = "query($n: Int!) { tasks(first: $n) { nodes { viewerCanUpdate } } }"
    await client.data(query, {"n": 1})

    one = await statements_for(client, query, 1)
    many = await statements_for(client, query, 18)

    assert one == many
