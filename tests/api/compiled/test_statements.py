"""One SQL statement per compiled root field, whatever the page sizes."""

from __future__ import annotations

from tests.api.compiled.conftest import Org, Paths
from tests.api.compiled.queries import COVERED
from tests.support.graphql_client import GraphQLClient, count_statements

TWO_ROOTS = """query($id: ID!, $n: Int!) { a: node(id: $id) { ... on Employee { teams(first: $n) { edges { cursor node {
  members(first: $n) { totalCount edges { cursor node { email manager { manager { email } } } } } } } } } }
  b: tasks(first: $n) { nodes { team { name } assignee { email } } pageInfo { hasNextPage startCursor endCursor } } }"""


SELF_SERVICE = """query($id: ID!, $n: Int!) { node(id: $id) { ... on Employee {
  timeOff(first: $n, filter: {status: [APPROVED, PENDING]}) { totalCount edges { cursor node { kind employee { email }
    decidedBy { email } viewerCanCancel viewerCanDecide } } pageInfo { hasNextPage endCursor } }
  kudosReceived(first: $n) { totalCount nodes { message skills giver { email } } pageInfo { hasNextPage } }
  feedbackRequests(direction: ASKED, first: $n) { nodes { about viewerCanSubmit requester { email } } }
  mentorshipsAsMentor(first: $n) { nodes { endReason mentorRating menteeRating } } } } }"""


async def _statements(
    client: GraphQLClient, query: str, variables: dict[str, object] | None = None
) -> list[str]:
    body = await client.execute(query, variables)  # warm: plan cached, parse cached
    assert body.get("extensions", {}).get("readPath") == "compiled", body
    with count_statements() as statements:
        body = await client.execute(query, variables)
    assert "errors" not in body
    return list(statements)


async def _baseline(client: GraphQLClient) -> int:
    await client.execute("{ __typename }")
    with count_statements() as statements:
        await client.execute("{ __typename }")  # the token check
    return len(statements)


async def test_one_statement_per_root_field_for_a_service_token(paths: Paths, org: Org) -> None:
    client = GraphQLClient(paths.compiled, org.tokens["service"])
    baseline = await _baseline(client)
    probes: tuple[tuple[str, dict[str, object] | None], ...] = (
        ("Q1", {"id": org.ids["worker"]}),
        ("Q2", {"id": org.ids["team"]}),
        ("Q3", None),
    )
    for name, variables in probes:
        statements = await _statements(client, COVERED[name], variables)
        assert len(statements) == baseline + 1, (name, statements)
    for n in (1, 5, 50):
        statements = await _statements(client, TWO_ROOTS, {"id": org.ids["worker"], "n": n})
        assert len(statements) == baseline + 2, n


async def test_an_employee_token_adds_nothing_per_page_size(paths: Paths, org: Org) -> None:
    client = GraphQLClient(paths.compiled, org.tokens["employee"])
    baseline = await _baseline(client)
    counts = {
        len(await _statements(client, TWO_ROOTS, {"id": org.ids["worker"], "n": n})) for n in (1, 20, 100)
    }
    policy = 3  # viewer, memberships, transitive reports (auth/policy.py), once per request
    assert counts == {baseline + policy + 2}


async def test_training_lists_subteams_and_list_scalars_take_one_statement_per_root_field(
    paths: Paths, org: Org
) -> None:
    client = GraphQLClient(paths.compiled, org.tokens["service"])
    baseline = await _baseline(client)
    probes: tuple[tuple[str, dict[str, object], int], ...] = (
        ("training", {"course": org.ids["course"], "after": "2020-01-01T00:00:00Z"}, 4),
        ("subteams", {"id": org.ids["team"]}, 2),
        ("list_scalars", {"id": org.ids["worker"]}, 3),
    )
    for name, variables, roots in probes:
        statements = await _statements(client, COVERED[name], variables)
        assert len(statements) == baseline + roots, (name, statements)


async def test_issue_14_lists_take_one_statement_whatever_the_page_size(paths: Paths, org: Org) -> None:
    client = GraphQLClient(paths.compiled, org.tokens["employee"])
    baseline = await _baseline(client)
    policy = 3  # viewer, memberships, transitive reports (auth/policy.py), once per request
    for n in (1, 20, 100):
        statements = await _statements(client, SELF_SERVICE, {"id": org.ids["worker"], "n": n})
        assert len(statements) == baseline + policy + 1, (n, statements)
