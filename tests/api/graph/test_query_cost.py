"""The query-cost estimate uses the values the executor will use, so no spelling dodges it."""

from __future__ import annotations

from typing import Any

from ids import to_global_id
from models.employees import Employee
from tests.support import factories as f
from tests.support.graphql_client import ClientMaker, GraphQLClient, TokenMaker, error_codes

THREE_LEVELS_WITH_DEFAULT = """
query($n: Int = 100) { employees(first: $n) { nodes { directReports(first: $n) { nodes {
  directReports(first: $n) { nodes { id } } } } } } }"""

THREE_LEVELS_BACKWARDS = """
query($n: Int) { employees(last: $n) { nodes { directReports(last: $n) { nodes {
  directReports(last: $n) { nodes { id } } } } } } }"""

THROUGH_FRAGMENTS = """
query($id: ID!) { node(id: $id) { ... on Employee { directReports(first: 100) { nodes { ...Reports } } } } }
fragment Reports on Employee { directReports(first: 100) { nodes { directReports(first: 100) { totalCount } } } }
"""

MANY_NODES = """
query($ids: [ID!]!) { nodes(ids: $ids) { ... on Employee {
  directReports(first: 100) { nodes { directReports(first: 100) { totalCount } } } } } }"""

SUGGESTIONS = '{ mentorSuggestions(skills: ["python"]) { employee { id } } }'


async def client_for(graphql: ClientMaker, tokens: TokenMaker) -> tuple[Employee, GraphQLClient]:
    ada = await f.employee(email="ada@example.com")
    return ada, graphql(await tokens("ada@example.com"))


def estimated(body: dict[str, Any]) -> int:
    return body["extensions"]["cost"]["estimated"]  # type: ignore[no-any-return]  # JSON


async def test_a_variable_default_is_costed_as_the_executor_uses_it(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    _, client = await client_for(graphql, tokens)

    body = await client.execute(THREE_LEVELS_WITH_DEFAULT)

    # 100 employees x 100 reports x 100 reports: it used to be costed as pages of 20 and run
    assert error_codes(body) == ["QUERY_TOO_COSTLY"]
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["cost"] == 100 * (2 + 100 * (2 + 100 * 2))


async def test_a_given_variable_wins_over_its_default(graphql: ClientMaker, tokens: TokenMaker) -> None:
    _, client = await client_for(graphql, tokens)

    body = await client.execute(THREE_LEVELS_WITH_DEFAULT, {"n": 2})

    assert "errors" not in body
    assert estimated(body) == 2 * (2 + 2 * (2 + 2 * 2))


async def test_a_page_size_sent_as_a_float_is_costed_as_the_int_it_becomes(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    _, client = await client_for(graphql, tokens)

    body = await client.execute(THREE_LEVELS_WITH_DEFAULT, {"n": 100.0})

    assert error_codes(body) == ["QUERY_TOO_COSTLY"]


async def test_last_is_costed_like_first(graphql: ClientMaker, tokens: TokenMaker) -> None:
    _, client = await client_for(graphql, tokens)

    too_big = await client.execute(THREE_LEVELS_BACKWARDS, {"n": 100})
    small = await client.execute(THREE_LEVELS_BACKWARDS, {"n": 3})

    assert error_codes(too_big) == ["QUERY_TOO_COSTLY"]
    assert "errors" not in small and estimated(small) == 3 * (2 + 3 * (2 + 3 * 2))


async def test_an_argument_default_is_costed_when_the_argument_is_left_out(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    _, client = await client_for(graphql, tokens)

    body = await client.execute(SUGGESTIONS)

    # mentorSuggestions returns `first: 10` suggestions by default, each with one employee
    assert "errors" not in body
    assert estimated(body) == 10 * (1 + 1)


async def test_lists_reached_through_fragments_are_costed(graphql: ClientMaker, tokens: TokenMaker) -> None:
    ada, client = await client_for(graphql, tokens)

    body = await client.execute(THROUGH_FRAGMENTS, {"id": to_global_id("Employee", ada.id)})

    assert error_codes(body) == ["QUERY_TOO_COSTLY"]
    assert body["errors"][0]["extensions"]["cost"] == 1 + 100 * (2 + 100 * (2 + 100))


async def test_every_id_of_nodes_is_costed(graphql: ClientMaker, tokens: TokenMaker) -> None:
    ada, client = await client_for(graphql, tokens)
    one_id = to_global_id("Employee", ada.id)

    hundred = await client.execute(MANY_NODES, {"ids": [one_id] * 100})
    one = await client.execute(MANY_NODES, {"ids": [one_id]})

    # one ID was the price of a hundred before
    assert error_codes(hundred) == ["QUERY_TOO_COSTLY"]
    assert "errors" not in one and estimated(one) == 1 + 100 * (2 + 100)
