"""503 DATABASE_UNAVAILABLE with `Retry-After` when the database connection was lost.

Reads have been retried once on a fresh connection already (db_recovery.py); what still
fails, and every lost write, is answered as a JSON error that tells the client to retry, never
as a plain-text 500. Two places produce it: the middleware, for failures outside GraphQL
execution (authentication, the idempotency layer), and the schema extension, for failures in
resolvers, which GraphQL would otherwise report inside a 200.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from db_recovery import RETRY_AFTER_SECONDS, DatabaseUnavailable, connection_lost

CODE = str(DatabaseUnavailable.extensions["code"])
HEADERS = {"Retry-After": str(RETRY_AFTER_SECONDS)}


def unavailable_response() -> JSONResponse:
    error = DatabaseUnavailable()
    body = {"errors": [{"message": str(error), "extensions": dict(error.extensions)}]}
    return JSONResponse(body, status_code=503, headers=HEADERS)


class DatabaseUnavailableMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except Exception as exc:
            if started or not connection_lost(exc):
                raise
            await unavailable_response()(scope, receive, send)


class DatabaseUnavailableStatus(SchemaExtension):
    """A GraphQL result with a DATABASE_UNAVAILABLE error is answered with HTTP 503."""

    def on_operation(self) -> Any:
        yield
        result = self.execution_context.result
        response = getattr(self.execution_context.context, "response", None)
        errors = getattr(result, "errors", None) or []
        if isinstance(response, Response) and any((e.extensions or {}).get("code") == CODE for e in errors):
            response.status_code = 503
            response.headers.update(HEADERS)
