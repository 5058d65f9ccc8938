"""`Idempotency-Key` on HTTP mutations: run once, replay the stored response to retries."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse
from starlette.responses import JSONResponse, Response
from starlette.types import Message, Receive, Scope, Send

from auth.principal import Principal
from resolvers import idempotency

App = Callable[[Scope, Receive, Send], Awaitable[None]]


def is_mutation(body: bytes) -> bool:
    try:
        payload = json.loads(body)
        document = parse(payload["query"])
    except (ValueError, KeyError, TypeError, GraphQLError):
        return False
    name = payload.get("operationName")
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and (
            name is None or (definition.name and definition.name.value == name)
        ):
            return definition.operation == OperationType.MUTATION
    return False


async def read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


def replaying(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def serve_once(app: App, scope: Scope, send: Send, principal: Principal, key: str, body: bytes) -> None:
    claim = await idempotency.claim(principal, key, body)
    if claim.refusal is not None:
        status, code, message = claim.refusal
        response: Response = JSONResponse(
            {"errors": [{"message": message, "extensions": {"code": code}}]}, status
        )
        await response(scope, replaying(b""), send)
        return
    if claim.replay is not None:
        status, stored = claim.replay
        response = Response(
            stored, status, media_type="application/json", headers={"Idempotent-Replayed": "true"}
        )
        await response(scope, replaying(b""), send)
        return
    assert claim.row_id is not None
    captured: dict[str, object] = {"status": 500, "body": []}

    async def capture(message: Message) -> None:
        if message["type"] == "http.response.start":
            captured["status"] = message["status"]
        elif message["type"] == "http.response.body":
            captured["body"].append(message.get("body", b""))  # type: ignore[attr-defined]
        await send(message)

    try:
        await app(scope, replaying(body), capture)
    except BaseException:
        await idempotency.forget(claim.row_id)
        raise
    status = int(captured["status"])  # type: ignore[call-overload]
    if status >= 500:
        await idempotency.forget(claim.row_id)
    else:
        text = b"".join(captured["body"]).decode()  # type: ignore[arg-type]
        await idempotency.remember(claim.row_id, status, text)
