"""No body, query string or method gets a server error: each is a 4xx JSON error with a stable code."""

from __future__ import annotations

import json

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response

from tests.support.graphql_client import error_codes

TYPENAME = "{ __typename }"
SUBSCRIPTION = "subscription { viewerEvents { id } }"
JSON_HEADERS = {"Content-Type": "application/json"}

BAD_BODIES = {
    "a JSON array (a batch)": (b"[]", "BATCHING_NOT_SUPPORTED"),
    "a batch of operations": (json.dumps([{"query": TYPENAME}] * 2).encode(), "BATCHING_NOT_SUPPORTED"),
    "a JSON string": (b'"x"', "BAD_REQUEST"),
    "a JSON number": (b"1", "BAD_REQUEST"),
    "JSON null": (b"null", "BAD_REQUEST"),
    "an empty body": (b"", "INVALID_JSON"),
    "broken JSON": (b'{"query": ', "INVALID_JSON"),
    "100k nested arrays": (
        b'{"query": "{ __typename }", "variables": {"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}",
        "JSON_TOO_DEEP",
    ),
    "65 nested objects": (
        b'{"variables": ' + b'{"a":' * 65 + b"1" + b"}" * 65 + b', "query": "{ __typename }"}',
        "JSON_TOO_DEEP",
    ),
    "invalid UTF-8": (b'{"query": "{ __typename \xff\xfe }"}', "INVALID_ENCODING"),
    "an unpaired surrogate": (
        b'{"query": "{ __typename }", "variables": {"a": "\\ud800"}}',
        "INVALID_ENCODING",
    ),
    "an unpaired surrogate in a key": (
        b'{"query": "{ __typename }", "variables": {"\\udfff": 1}}',
        "INVALID_ENCODING",
    ),
    "an unpaired surrogate in the query": (b'{"query": "{ __typename } # \\ud800"}', "INVALID_ENCODING"),
    "UTF-16": ('{"query": "{ __typename }"}'.encode("utf-16"), "INVALID_ENCODING"),
    "a 5,000-digit number": (
        b'{"query": "{ __typename }", "variables": {"n": ' + b"9" * 5000 + b"}}",
        "INVALID_JSON",
    ),
    "an infinite number": (b'{"query": "{ __typename }", "variables": {"n": 1e999}}', "INVALID_JSON"),
    "NaN": (b'{"query": "{ __typename }", "variables": {"n": NaN}}', "INVALID_JSON"),
    "query not a string": (b'{"query": {"a": 1}}', "BAD_REQUEST"),
    "no query": (b'{"notquery": "{ __typename }"}', "BAD_REQUEST"),
    "variables a string": (json.dumps({"query": TYPENAME, "variables": "{}"}).encode(), "BAD_REQUEST"),
    "variables a list": (json.dumps({"query": TYPENAME, "variables": [1]}).encode(), "BAD_REQUEST"),
    "extensions a number": (json.dumps({"query": TYPENAME, "extensions": 0}).encode(), "BAD_REQUEST"),
    "extensions a list": (json.dumps({"query": TYPENAME, "extensions": ["a"]}).encode(), "BAD_REQUEST"),
    "operationName a number": (json.dumps({"query": TYPENAME, "operationName": 1}).encode(), "BAD_REQUEST"),
    "operationName an object": (json.dumps({"query": TYPENAME, "operationName": {}}).encode(), "BAD_REQUEST"),
    "operationName false": (json.dumps({"query": TYPENAME, "operationName": False}).encode(), "BAD_REQUEST"),
    "an unknown operationName": (
        json.dumps({"query": TYPENAME, "operationName": "Nope"}).encode(),
        "UNKNOWN_OPERATION",
    ),
    "a subscription": (json.dumps({"query": SUBSCRIPTION}).encode(), "SUBSCRIPTION_OVER_HTTP"),
}


@pytest.mark.parametrize("body, code", BAD_BODIES.values(), ids=BAD_BODIES.keys())
async def test_a_bad_body_is_a_4xx_json_error_with_a_code(
    http: httpx.AsyncClient, body: bytes, code: str
) -> None:
    response = await http.post("/graphql", content=body, headers=JSON_HEADERS)

    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert error_codes(response.json()) == [code]
    assert "Traceback" not in response.text and "Internal server error" not in response.text
    # and the server keeps serving
    assert (await http.post("/graphql", json={"query": TYPENAME})).json()["data"] == {"__typename": "Query"}


BAD_GETS = {
    "variables not JSON": ({"query": TYPENAME, "variables": "{"}, 400, "INVALID_JSON"),
    "variables too deep": ({"query": TYPENAME, "variables": "[" * 5000 + "]" * 5000}, 400, "JSON_TOO_DEEP"),
    "variables a list": ({"query": TYPENAME, "variables": "[1]"}, 400, "BAD_REQUEST"),
    "extensions a string": ({"query": TYPENAME, "extensions": '"x"'}, 400, "BAD_REQUEST"),
    "a huge number": ({"query": TYPENAME, "variables": '{"n": ' + "1" * 5000 + "}"}, 400, "INVALID_JSON"),
    "no query": ({}, 400, "BAD_REQUEST"),
    "a mutation": ({"query": "mutation { __typename }"}, 405, "METHOD_NOT_ALLOWED"),
    "a subscription": ({"query": SUBSCRIPTION}, 400, "SUBSCRIPTION_OVER_HTTP"),
}


@pytest.mark.parametrize("params, status, code", BAD_GETS.values(), ids=BAD_GETS.keys())
async def test_a_bad_get_is_a_json_error_with_a_code(
    http: httpx.AsyncClient, params: dict[str, str], status: int, code: str
) -> None:
    response = await http.get("/graphql", params=params, headers={"Accept": "application/json"})

    assert response.status_code == status, response.text
    assert error_codes(response.json()) == [code]


async def test_a_mutation_over_get_says_to_use_post(http: httpx.AsyncClient) -> None:
    response = await http.get("/graphql", params={"query": "mutation { __typename }"})

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS"])
async def test_a_wrong_method_is_a_json_405(http: httpx.AsyncClient, method: str) -> None:
    response = await http.request(method, "/graphql", json={"query": TYPENAME})

    assert response.status_code == 405
    assert error_codes(response.json()) == ["METHOD_NOT_ALLOWED"]
    assert set(response.headers["allow"].split(", ")) >= {"GET", "POST"}


async def test_head_is_a_405_that_names_the_methods(http: httpx.AsyncClient) -> None:
    response = await http.head("/graphql", params={"query": TYPENAME})

    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"


async def test_an_unknown_path_is_a_json_404(http: httpx.AsyncClient) -> None:
    response = await http.get("/nowhere")

    assert response.status_code == 404
    assert error_codes(response.json()) == ["NOT_FOUND"]


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin-1"],
)
async def test_a_body_that_is_not_utf8_json_is_415(http: httpx.AsyncClient, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}

    response = await http.post("/graphql", content=json.dumps({"query": TYPENAME}), headers=headers)

    assert response.status_code == 415
    assert error_codes(response.json()) == ["UNSUPPORTED_MEDIA_TYPE"]


async def test_a_client_accepting_no_json_is_told_406(http: httpx.AsyncClient) -> None:
    response = await http.post("/graphql", json={"query": TYPENAME}, headers={"Accept": "text/csv"})

    assert response.status_code == 406
    assert error_codes(response.json()) == ["NOT_ACCEPTABLE"]


async def test_an_unexpected_failure_is_a_json_500_without_details(app: Starlette) -> None:
    from starlette.routing import Route

    async def broken(request: Request) -> Response:
        raise RuntimeError("secret internals")

    app.router.routes.append(Route("/broken", broken))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/broken")

    assert response.status_code == 500
    assert error_codes(response.json()) == ["INTERNAL_SERVER_ERROR"]
    assert "secret" not in response.text
