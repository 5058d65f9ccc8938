"""`Idempotency-Key` on HTTP mutations: run once, replay the committed response to retries.

`IdempotentMutations` wraps the GraphQL endpoint (web/graphql_view.py `GraphQLApp`), inside
the authentication middleware: a key is one principal's. The key, the mutation's effects and
the response commit in one transaction, and the response is sent only after that commit. A
crash before it leaves nothing (a retry runs the mutation once); a crash after it leaves the
answer (a retry replays it). A concurrent duplicate waits for the first transaction
(PostgreSQL) or for the process's connection (SQLite), then replays.
"""

from __future__ import annotations

import json

from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from tortoise.exceptions import OperationalError

from auth.principal import Principal
from resolvers.core import idempotency
from resolvers.core.problems import ProblemCode
from resolvers.core.unit_of_work import request_transaction
from web import crash_points
from web.authentication import principal_of
from web.errors import error_response
from web.request_body import read_body, replaying


class IdempotentMutations:
    """An authenticated POST with an `Idempotency-Key` that carries a mutation runs once;
    every other request passes through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = Headers(scope=scope).get("idempotency-key") if scope["type"] == "http" else None
        principal = principal_of(scope)
        if key is None or principal is None or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        body = await read_body(receive) or b""
        if not _is_mutation(body):
            await self.app(scope, replaying(body), send)
            return
        await _serve_once(self.app, scope, send, principal, key, body)


def _is_mutation(body: bytes) -> bool:
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


class _Taken(Exception):
    """Another request committed this key while we waited to claim it."""


class _Failed(Exception):
    """The server answered with an error: undo the mutation so that a retry may run it."""


def _refusal_response(refusal: idempotency.Refusal) -> Response:
    return error_response(refusal.status, refusal.code, refusal.message)


async def _earlier_answer(principal: Principal, key: str, body: bytes) -> Response | None:
    found = await idempotency.answer_for(principal, key, body)
    if isinstance(found, idempotency.Refusal):
        return _refusal_response(found)
    if isinstance(found, idempotency.Replay):
        return Response(
            found.body, found.status, media_type="application/json", headers={"Idempotent-Replayed": "true"}
        )
    return None


async def _serve_once(
    app: ASGIApp, scope: Scope, send: Send, principal: Principal, key: str, body: bytes
) -> None:
    refusal = idempotency.invalid_key(key)
    earlier = _refusal_response(refusal) if refusal else await _earlier_answer(principal, key, body)
    if earlier is None:
        try:
            messages = await _run_and_commit(app, scope, principal, key, body)
        except _Taken:
            earlier = await _earlier_answer(principal, key, body)
        except OperationalError as exc:
            if "database is locked" not in str(exc):
                raise
            # SQLite: another process held the database past busy_timeout; nothing was written.
            earlier = _refusal_response(
                idempotency.Refusal(
                    409, ProblemCode.IDEMPOTENCY_KEY_IN_USE, "The database is busy; retry this request."
                )
            )
        else:
            await crash_points.reach(crash_points.AFTER_COMMIT)
            for message in messages:
                await send(message)
            return
    if earlier is None:  # committed and then purged in between: rare enough to ask for a retry
        earlier = _refusal_response(
            idempotency.Refusal(
                409, ProblemCode.IDEMPOTENCY_KEY_IN_USE, "This Idempotency-Key is being processed; retry."
            )
        )
    await earlier(scope, replaying(b""), send)


async def _run_and_commit(
    app: ASGIApp, scope: Scope, principal: Principal, key: str, body: bytes
) -> list[Message]:
    """Run the request in one transaction with its key and response; return what to send."""
    messages: list[Message] = []

    async def capture(message: Message) -> None:
        messages.append(message)

    try:
        async with request_transaction() as conn:
            row_id = await idempotency.claim(conn, principal, key, body)
            if row_id is None:
                raise _Taken()
            await app(scope, replaying(body), capture)
            status = next((int(m["status"]) for m in messages if m["type"] == "http.response.start"), 500)
            if status >= 500 or status == 429:  # nothing ran (429: THROTTLED); a retry must run it
                raise _Failed()
            text = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
            await idempotency.remember(conn, row_id, status, text.decode())
            await crash_points.reach(crash_points.BEFORE_COMMIT)
    except _Failed:
        pass
    return messages
