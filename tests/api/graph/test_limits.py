"""Limits that protect the server: each refusal is a GraphQL error with a stable code."""

from __future__ import annotations

import httpx
from graphql import get_introspection_query

from config import RateLimits
from tests.support import factories as f
from tests.support.graphql_client import ClientMaker, GraphQLClient, TokenMaker, error_codes


def nested(depth: int) -> str:
    inner = "displayName"
    for _ in range(depth - 1):
        inner = f"manager {{ {inner} }}"
    return f"{{ viewer {{ {inner} }} }}"


async def client_for(graphql: ClientMaker, tokens: TokenMaker) -> GraphQLClient:
    await f.employee(email="ada@example.com")
    return graphql(await tokens("ada@example.com"))


async def test_a_query_nested_too_deep_is_refused(graphql: ClientMaker, tokens: TokenMaker) -> None:
    client = await client_for(graphql, tokens)

    assert "errors" not in await client.execute(nested(12))
    body = await client.execute(nested(13))

    assert error_codes(body) == ["QUERY_TOO_DEEP"]
    assert "at most 12" in body["errors"][0]["message"]


async def test_graphiql_introspection_is_not_limited_by_depth(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    client = await client_for(graphql, tokens)
    body = await client.execute(get_introspection_query(descriptions=True))
    assert "errors" not in body and body["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_too_many_aliases_are_refused(graphql: ClientMaker, tokens: TokenMaker) -> None:
    client = await client_for(graphql, tokens)
    query = "{ " + " ".join(f"a{i}: viewer {{ email }}" for i in range(31)) + " }"

    assert error_codes(await client.execute(query)) == ["TOO_MANY_ALIASES"]


async def test_too_many_tokens_are_refused(graphql: ClientMaker, tokens: TokenMaker) -> None:
    client = await client_for(graphql, tokens)
    query = "{ viewer { " + " ".join(["email"] * 6000) + " } }"

    assert error_codes(await client.execute(query)) == ["TOO_MANY_TOKENS"]


async def test_a_huge_body_is_refused_with_413(graphql: ClientMaker, tokens: TokenMaker) -> None:
    client = await client_for(graphql, tokens)
    response = await client.post("{ viewer { email } }", {"pad": "x" * 300_000})

    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"


async def test_bodies_that_are_not_graphql_get_a_4xx_and_the_server_keeps_serving(
    http: httpx.AsyncClient, graphql: ClientMaker, tokens: TokenMaker
) -> None:
    client = await client_for(graphql, tokens)

    not_json = await http.post("/graphql", content=b"{not json", headers={"Content-Type": "application/json"})
    wrong_type = await http.post("/graphql", content=b"hello", headers={"Content-Type": "text/plain"})

    assert not_json.status_code == 400 and "json" in not_json.text.lower()
    assert 400 <= wrong_type.status_code < 500 and "content type" in wrong_type.text.lower()
    assert (await client.data("{ viewer { email } }"))["viewer"]["email"] == "ada@example.com"


async def test_a_syntax_error_says_where(graphql: ClientMaker, tokens: TokenMaker) -> None:
    client = await client_for(graphql, tokens)
    body = await client.execute("{ viewer { email }")
    assert error_codes(body) == ["GRAPHQL_PARSE_FAILED"]
    assert "Syntax Error" in body["errors"][0]["message"]


async def test_every_response_shows_its_cost(graphql: ClientMaker, tokens: TokenMaker) -> None:
    client = await client_for(graphql, tokens)

    body = await client.execute(
        "{ employees(first: 10) { nodes { manager { email } teams(first: 5) { totalCount } } } }"
    )

    # a page of 10: each with its `nodes` list (1), a manager (1) and a page of up to 5 teams (5)
    bucket = RateLimits()  # the caller's rate-limit bucket, full before this request
    assert body["extensions"]["cost"] == {
        "estimated": 10 * (1 + 1 + 1 + 5),
        "maximum": 1_000_000,
        "throttleStatus": {
            "maximumAvailable": bucket.maximum_available,
            "currentlyAvailable": bucket.maximum_available - 10 * (1 + 1 + 1 + 5),
            "restoreRate": bucket.restore_rate,
        },
    }


async def test_an_operation_that_could_return_too_many_objects_is_refused(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    client = await client_for(graphql, tokens)
    query = """{ employees(first: 100) { nodes { directReports(first: 100) { nodes {
                 directReports(first: 100) { nodes { displayName } } } } } } }"""

    body = await client.execute(query)

    assert error_codes(body) == ["QUERY_TOO_COSTLY"]
    assert body["data"] is None


async def test_a_bad_variable_is_explained_not_masked(graphql: ClientMaker, tokens: TokenMaker) -> None:
    client = await client_for(graphql, tokens)

    body = await client.execute(
        "query($f: EmployeeFilter) { employees(filter: $f) { totalCount } }", {"f": {"status": ["RETIRED"]}}
    )

    assert error_codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "RETIRED" in body["errors"][0]["message"]
