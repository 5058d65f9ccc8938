"""One bad operation on a WebSocket fails alone: an `error` for its id, the others go on.

graphql-ws treats close code 4400 as fatal, so it is kept for protocol violations only.
"""

from __future__ import annotations

import pytest

from tests.support import factories as f
from tests.support.graphql_client import TokenMaker
from tests.support.live import CREATE_TASK, TASK_EVENTS, call, listening
from tests.support.ws_client import WSClient

BAD_OPERATIONS = [
    pytest.param(TASK_EVENTS, "NoSuchOperation", "GRAPHQL_VALIDATION_FAILED", id="unknown-operation-name"),
    pytest.param("subscription { taskEvents { id ", None, "GRAPHQL_PARSE_FAILED", id="parse-error"),
    pytest.param(
        "subscription { taskEvents { nope } }", None, "GRAPHQL_VALIDATION_FAILED", id="unknown-field"
    ),
    pytest.param(
        "subscription { eventsThatDoNotExist { id } }", None, "GRAPHQL_VALIDATION_FAILED", id="unknown-root"
    ),
]


@pytest.mark.parametrize(("query", "operation_name", "code"), BAD_OPERATIONS)
async def test_a_bad_operation_gets_its_own_error_and_the_other_subscriptions_go_on(
    server: str,  # noqa: F811
    tokens: TokenMaker,
    query: str,
    operation_name: str | None,
    code: str,
) -> None:
    await f.employee(email="ada@example.com")
    token = await tokens("ada@example.com")
    client = await WSClient.connect(server, token)
    good = await client.subscribe(TASK_EVENTS)
    await listening(1)

    bad = await client.subscribe(query, operation_name=operation_name)
    refused = await client.receive(bad)
    await call(server, token, CREATE_TASK, {"input": {"title": "Still flowing"}})

    assert refused["type"] == "error"
    assert [e["extensions"]["code"] for e in refused["payload"]] == [code]
    assert (await client.next_data(good))["taskEvents"]["task"]["title"] == "Still flowing"
    await client.close()


async def test_a_malformed_message_still_closes_the_connection_with_4400(
    server: str, tokens: TokenMaker
) -> None:  # noqa: F811
    await f.employee(email="ada@example.com")
    client = await WSClient.connect(server, await tokens("ada@example.com"))

    await client.send({"id": "1", "type": "subscribe"})  # no payload

    assert (await client.closed())["code"] == 4400
