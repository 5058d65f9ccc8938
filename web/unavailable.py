"""503 DATABASE_UNAVAILABLE with `Retry-After` when the database connection was lost.

Reads have been retried once on a fresh connection already (db_recovery.py); what still
fails, and every lost write, is answered as a JSON error that tells the client to retry, never
as a plain-text 500. Two places produce it: the middleware, for failures outside GraphQL
execution (authentication, the idempotency layer), and the schema extension
(web/http_status.py `DatabaseUnavailableStatus`), for failures in resolvers, which GraphQL would
otherwise report inside a 200.
"""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from db_recovery import RETRY_AFTER_SECONDS, DatabaseUnavailable, connection_lost
from web.errors import error_response

CODE = str(DatabaseUnavailable.extensions["code"])
HEADERS = {"Retry-After": str(RETRY_AFTER_SECONDS)}


def unavailable_response() -> JSONResponse:
    error = DatabaseUnavailable()
    extensions = {k: v for k, v in error.extensions.items() if k != "code"}
    return error_response(503, CODE, str(error), HEADERS, extensions=extensions)


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
