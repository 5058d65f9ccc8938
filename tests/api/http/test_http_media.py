"""GraphQL over HTTP media types: `application/graphql-response+json` by `Accept`, with its statuses."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support import factories as f
from tests.support.graphql_client import TokenMaker, error_codes

GRAPHQL_RESPONSE = "application/graphql-response+json"
TYPENAME = "{ __typename }"
REQUEST_ERRORS = {
    "a parse error": ({"query": "{"}, "GRAPHQL_PARSE_FAILED"),
    "a validation error": ({"query": "{ noSuchField }"}, "GRAPHQL_VALIDATION_FAILED"),
    "a variable that does not coerce": (
        {"query": "query($id: ID!) { __typename }", "variables": {"id": None}},
        "GRAPHQL_VALIDATION_FAILED",
    ),
    "a query nested too deep": (
        {"query": "{ viewer { " + "manager { " * 13 + "id" + " }" * 13 + " } }"},
        "QUERY_TOO_DEEP",
    ),
}


@pytest.mark.parametrize(
    "accept, media_type",
    [
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE}, application/json;q=0.9", GRAPHQL_RESPONSE),
        (f"application/json, {GRAPHQL_RESPONSE};q=0.5", "application/json"),
        ("application/json", "application/json"),
        ("*/*", "application/json"),
        (None, "application/json"),
    ],
)
async def test_the_response_media_type_follows_accept(
    http: httpx.AsyncClient, accept: str, media_type: str
) -> None:
    headers = {"Accept": accept} if accept else {}

    response = await http.post("/graphql", json={"query": TYPENAME}, headers=headers)

    assert response.status_code == 200
    assert response.headers["content-type"] == f"{media_type}; charset=utf-8"
    assert response.json()["data"] == {"__typename": "Query"}


@pytest.mark.parametrize("body, code", REQUEST_ERRORS.values(), ids=REQUEST_ERRORS.keys())
async def test_a_request_error_is_400_without_data_for_graphql_response_json(
    http: httpx.AsyncClient, body: dict[str, Any], code: str
) -> None:
    response = await http.post("/graphql", json=body, headers={"Accept": GRAPHQL_RESPONSE})

    assert response.status_code == 400
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert "data" not in response.json()
    assert error_codes(response.json()) == [code]


@pytest.mark.parametrize("body, code", REQUEST_ERRORS.values(), ids=REQUEST_ERRORS.keys())
async def test_a_request_error_stays_200_for_application_json(
    http: httpx.AsyncClient, body: dict[str, Any], code: str
) -> None:
    response = await http.post("/graphql", json=body, headers={"Accept": "application/json"})

    assert response.status_code == 200
    assert response.json()["data"] is None
    assert error_codes(response.json()) == [code]


async def test_a_field_error_with_data_is_200_for_graphql_response_json(
    http: httpx.AsyncClient, tokens: TokenMaker
) -> None:
    await f.employee(email="ada@example.com")
    token = await tokens("ada@example.com", scopes="tasks:read")

    response = await http.post(
        "/graphql",
        json={"query": "{ __typename viewer { email } }"},
        headers={"Accept": GRAPHQL_RESPONSE, "Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 200
    assert response.json()["data"] == {"__typename": "Query", "viewer": None}
    assert error_codes(response.json()) == ["FORBIDDEN"]


async def test_a_get_query_answers_in_the_accepted_media_type(http: httpx.AsyncClient) -> None:
    response = await http.get("/graphql", params={"query": TYPENAME}, headers={"Accept": GRAPHQL_RESPONSE})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)


async def test_the_typename_of_the_root_is_answered_without_a_token(http: httpx.AsyncClient) -> None:
    response = await http.post("/graphql", json={"query": TYPENAME})

    assert response.status_code == 200
    assert response.json()["data"] == {"__typename": "Query"}
