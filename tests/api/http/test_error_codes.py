"""One code per refusal, whichever transport carries the document (web/errors.py
`graphql_error_code`)."""

from __future__ import annotations

from typing import Any

from schema.extensions.limits import MAX_TOKENS
from tests.support import factories as f
from tests.support.graphql_client import error_codes
from tests.support.ws_client import WSClient

TOO_MANY_TOKENS = "subscription { taskEvents { " + "id " * MAX_TOKENS + "} }"


async def test_too_many_tokens_is_the_same_refusal_over_http_and_websocket(
    server: str,  # noqa: F811
    graphql: Any,
    tokens: Any,
) -> None:
    await f.employee(email="ada@example.com")
    token = await tokens("ada@example.com")
    over_http = await graphql(token).post(TOO_MANY_TOKENS.replace("subscription", "query", 1))
    client = await WSClient.connect(server, token)
    refused = await client.receive(await client.subscribe(TOO_MANY_TOKENS))
    await client.close()

    assert error_codes(over_http.json()) == ["TOO_MANY_TOKENS"]
    assert refused["type"] == "error"
    assert [e["extensions"]["code"] for e in refused["payload"]] == ["TOO_MANY_TOKENS"]
