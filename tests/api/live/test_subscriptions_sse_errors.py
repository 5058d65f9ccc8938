"""Every way a Server-Sent Events request can fail, as a graphql-sse client sees it.

A request that cannot be trusted or read is refused before any stream, with the JSON error of the
JSON path (401, 400, 415). Whatever GraphQL finds in an accepted request is, as the protocol
requires, a `next` event holding the errors, then `complete`.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any

import httpx
import pytest

from auth.oauth import routes
from auth.oauth.clients import mint_token
from config import Settings
from models.tasks import Task
from tests.support import factories as f
from tests.support.graphql_client import TokenMaker
from tests.support.live import CREATE_TASK, TASK_EVENTS
from tests.support.sse_client import event_stream, request_args

TOO_COSTLY = """
query($n: Int = 100) { employees(first: $n) { nodes { directReports(first: $n) { nodes {
  directReports(first: $n) { nodes { id } } } } } } }"""

SEARCH_TASKS = "query($s: String) { tasks(filter: {search: $s}) { totalCount } }"

TWO_OPERATIONS = """
subscription Tasks { taskEvents { id } }
subscription Mentorships { mentorshipEvents { id } }
"""

SSE = {"Accept": "text/event-stream"}


async def sent(server: str, **request: Any) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server) as http:
        return await http.request(**request)


def codes(errors: list[dict[str, Any]]) -> list[str]:
    return [e["extensions"]["code"] for e in errors]


async def ada(tokens: TokenMaker, scopes: str | None = None) -> str:
    await f.employee(email="ada@example.com")
    return await (tokens("ada@example.com", scopes) if scopes is not None else tokens("ada@example.com"))


async def test_a_token_that_is_not_valid_is_refused_with_401_before_any_stream(server: str) -> None:
    response = await sent(server, **request_args("not-a-token", TASK_EVENTS))

    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert codes(response.json()["errors"]) == ["UNAUTHENTICATED"]


async def test_an_expired_token_is_refused_with_401_before_any_stream(
    server: str, settings: Settings
) -> None:
    expired = replace(settings, access_token_ttl=-60)
    await routes.startup(expired)
    await f.employee(email="ada@example.com")
    token = (await mint_token(expired, scopes="tasks:read", employee_email="ada@example.com"))["access_token"]

    response = await sent(server, **request_args(token, TASK_EVENTS))

    assert response.status_code == 401
    assert codes(response.json()["errors"]) == ["UNAUTHENTICATED"]


async def test_without_a_token_the_stream_says_unauthenticated(server: str) -> None:
    async with event_stream(server, None, TASK_EVENTS) as stream:
        errors = await stream.errors()

    assert stream.response.status_code == 200
    assert codes(errors) == ["UNAUTHENTICATED"]


async def test_a_token_without_the_scope_gets_forbidden_with_the_scope_it_needs(
    server: str, tokens: TokenMaker
) -> None:
    async with event_stream(server, await ada(tokens, "employees:read"), TASK_EVENTS) as stream:
        errors = await stream.errors()

    assert errors[0]["extensions"] == {"code": "FORBIDDEN", "requiredScope": "tasks:read"}


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ("subscription { taskEvents { id ", "GRAPHQL_PARSE_FAILED"),
        ("subscription { taskEvents { noSuchField } }", "GRAPHQL_VALIDATION_FAILED"),
        (TOO_COSTLY, "QUERY_TOO_COSTLY"),
        ("{ viewer { " + "manager { " * 12 + "displayName" + " }" * 14, "QUERY_TOO_DEEP"),
    ],
    ids=["does not parse", "does not validate", "over the cost limit", "nested too deep"],
)
async def test_a_document_graphql_refuses_is_reported_in_the_stream(
    server: str, tokens: TokenMaker, document: str, code: str
) -> None:
    async with event_stream(server, await ada(tokens), document) as stream:
        errors = await stream.errors()

    assert stream.response.status_code == 200
    assert codes(errors) == [code]


async def test_variables_with_text_no_field_may_hold_are_refused_in_the_stream(
    server: str, tokens: TokenMaker
) -> None:
    async with event_stream(server, await ada(tokens), SEARCH_TASKS, {"s": "a\x00b"}) as stream:
        errors = await stream.errors()

    assert codes(errors) == ["INVALID_CHARACTERS"]


async def test_a_persisted_query_is_asked_for_then_registered_then_run_by_its_hash(
    server: str, tokens: TokenMaker
) -> None:
    token = await ada(tokens)
    query = "query Me { viewer { email } }"
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": hashlib.sha256(query.encode()).hexdigest()}}

    async with event_stream(server, token, None, extensions=extensions, method="GET") as stream:
        unknown = await stream.errors()
    async with event_stream(server, token, query, extensions=extensions) as stream:
        registered = await stream.next_data()
    async with event_stream(server, token, None, extensions=extensions, method="GET") as stream:
        by_hash = await stream.next_data()

    assert codes(unknown) == ["PERSISTED_QUERY_NOT_FOUND"]
    assert registered == by_hash == {"viewer": {"email": "ada@example.com"}}


async def test_an_unknown_operation_name_is_reported_in_the_stream(server: str, tokens: TokenMaker) -> None:
    async with event_stream(server, await ada(tokens), TWO_OPERATIONS, operation_name="Nope") as stream:
        errors = await stream.errors()

    assert codes(errors) == ["UNKNOWN_OPERATION"]
    assert "Nope" in errors[0]["message"]


async def test_a_mutation_over_get_is_refused_in_the_stream(server: str, tokens: TokenMaker) -> None:
    variables = {"input": {"title": "Sneaky"}}
    async with event_stream(server, await ada(tokens), CREATE_TASK, variables, method="GET") as stream:
        errors = await stream.errors()

    assert codes(errors) == ["METHOD_NOT_ALLOWED"]


async def test_an_after_that_is_not_an_event_id_is_reported_in_the_stream(
    server: str, tokens: TokenMaker
) -> None:
    async with event_stream(server, await ada(tokens), TASK_EVENTS, {"after": "yesterday"}) as stream:
        errors = await stream.errors()

    assert codes(errors) == ["INVALID_ID"]


async def test_a_body_that_is_not_json_is_refused_with_400(server: str, tokens: TokenMaker) -> None:
    headers = {**SSE, "Authorization": f"Bearer {await ada(tokens)}", "Content-Type": "application/json"}

    response = await sent(server, method="POST", url="/graphql", content=b"{nope", headers=headers)

    assert response.status_code == 400
    assert codes(response.json()["errors"]) == ["INVALID_JSON"]


async def test_a_body_that_is_not_declared_json_is_refused_with_415(server: str, tokens: TokenMaker) -> None:
    headers = {**SSE, "Authorization": f"Bearer {await ada(tokens)}", "Content-Type": "text/plain"}

    response = await sent(
        server, method="POST", url="/graphql", content=TASK_EVENTS.encode(), headers=headers
    )

    assert response.status_code == 415
    assert codes(response.json()["errors"]) == ["UNSUPPORTED_MEDIA_TYPE"]


async def test_a_batch_or_a_request_without_query_is_refused_with_400(
    server: str, tokens: TokenMaker
) -> None:
    headers = {**SSE, "Authorization": f"Bearer {await ada(tokens)}"}

    batch = await sent(server, method="POST", url="/graphql", json=[{"query": TASK_EVENTS}], headers=headers)
    empty = await sent(server, method="POST", url="/graphql", json={"variables": {}}, headers=headers)

    assert (batch.status_code, codes(batch.json()["errors"])) == (400, ["BATCHING_NOT_SUPPORTED"])
    assert (empty.status_code, codes(empty.json()["errors"])) == (400, ["BAD_REQUEST"])


async def test_an_idempotency_key_is_refused_with_400_and_the_mutation_does_not_run(
    server: str, tokens: TokenMaker
) -> None:
    token = await ada(tokens)
    request = request_args(token, CREATE_TASK, {"input": {"title": "Once"}})
    request["headers"]["Idempotency-Key"] = "sse-1"

    refused = await sent(server, **request)
    retried = await sent(server, **request)

    assert (refused.status_code, codes(refused.json()["errors"])) == (400, ["BAD_REQUEST"])
    assert "JSON path" in refused.json()["errors"][0]["message"]
    assert retried.json() == refused.json()
    assert await Task.all().count() == 0
