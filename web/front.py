"""The lean front (issue 12): what uvicorn calls first, ahead of Starlette's stack.

Two kinds of requests skip Starlette's layers (ServerErrorMiddleware, the app middleware of
web/middleware.py, ExceptionMiddleware, the router, AuthenticationMiddleware, IdempotentMutations):

- An HTTP `POST /graphql` that the endpoint's fast path (web/fast_reads.py) may answer: with a
  bearer token, a JSON body, an `Accept` the endpoint serves (not an event stream), no `Origin`
  (CORS is the full stack's) and no `Idempotency-Key`. The front reads the body within the same
  limits as `RequestBodyLimits`, checks the token as `BearerTokens` does and asks `FastReads`.
  Its answer goes out as the full stack would send it: `Vary: Origin` added as `CORS` adds it to
  a request without `Origin`, and the request counted and timed under the route `/graphql` as
  `MetricsMiddleware` counts it. Whatever else happens, a refused body or token, a database
  error, a request the fast path declines, goes to the full stack with what the front found
  (the body or its refusal: web/request_body.py `BODY_READ`; the token's outcome:
  web/authentication.py `TOKEN_READ`), so that nothing is read or checked twice and every
  answer, header, metric and log line is the full stack's.
- A WebSocket to /graphql goes straight to the GraphQL endpoint, counted in the open-connections
  gauge as `MetricsMiddleware` counts it and anonymous until its `connection_init` (as
  `AuthenticationMiddleware` leaves it): each idle subscriber then keeps no frame of the HTTP
  layers alive (issue 13).

Every other request (and every request with the front off) is the full stack's, untouched.
"""

from __future__ import annotations

import time
from typing import Any

from starlette.authentication import AuthCredentials, UnauthenticatedUser
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from config import HttpLimits
from schema.extensions.throttle import LIMITER_STATE
from web import graphql_request as rq
from web.authentication import TOKEN_READ, credentials, token_outcome
from web.errors import JSON, RequestRefused
from web.metrics import WEBSOCKETS, record_request
from web.request_body import BODY_READ, limited_body
from web.sse import wants_event_stream

PATH = "/graphql"
_WANTED = {b"authorization", b"accept", b"content-type"}
_REFUSED = {b"origin", b"idempotency-key"}
_CONTENT_TYPES = {
    media: (b"content-type", f"{media}; charset=utf-8".encode()) for media in (JSON, rq.GRAPHQL_RESPONSE)
}
_VARY = (b"vary", b"Origin")


def _headers(scope: Scope) -> dict[bytes, str] | None:
    """The first `authorization`, `accept` and `content-type` headers (as Starlette's `Headers.get`
    finds them), or None when the request carries a header the front leaves to the full stack."""
    found: dict[bytes, str] = {}
    for key, value in scope["headers"]:
        if key in _WANTED:
            if key not in found:
                found[key] = value.decode("latin-1")
        elif key in _REFUSED:
            return None
    return found


def _media(headers: dict[bytes, str]) -> str | None:
    """The response media type of a request the fast path may answer, or None."""
    accept = headers.get(b"accept")
    if wants_event_stream(accept):
        return None
    try:
        rq.check_content_type(headers.get(b"content-type"))
    except RequestRefused:
        return None
    return rq.negotiate(accept)


class Front:
    def __init__(self, app: ASGIApp, graphql: Any, limits: HttpLimits) -> None:
        """`app`: Starlette's full stack; `graphql`: the `GraphQLApp` it routes /graphql to."""
        self.app, self.endpoint, self.limits = app, graphql.endpoint, limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "lifespan" or scope["path"] != PATH or scope.get("root_path"):
            await self.app(scope, receive, send)
        elif kind == "websocket":
            await self._websocket(scope, receive, send)
        elif kind == "http" and scope["method"] == "POST":
            await self._post(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        WEBSOCKETS.inc()
        try:
            scope["auth"], scope["user"] = AuthCredentials(), UnauthenticatedUser()
            await self.endpoint(scope, receive, send)
        finally:
            WEBSOCKETS.dec()

    async def _post(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        headers = _headers(scope)
        media = _media(headers) if headers is not None else None
        if headers is None or media is None or b"authorization" not in headers:
            await self.app(scope, receive, send)
            return
        try:
            body = await limited_body(scope, receive, self.limits)
        except RequestRefused as refusal:
            scope[BODY_READ] = refusal
            await self.app(scope, receive, send)
            return
        scope[BODY_READ] = body
        if body is None:
            await self.app(scope, receive, send)
            return
        principal = await token_outcome(headers[b"authorization"])
        if principal is None or isinstance(principal, Exception):
            scope[TOKEN_READ] = principal
            await self.app(scope, receive, send)
            return
        scope["auth"], scope["user"] = credentials(principal)
        state = scope.setdefault("state", {})  # as GraphQLEndpoint sets it
        state["persisted_queries"] = self.endpoint.persisted_queries
        state[LIMITER_STATE] = self.endpoint.rate_limiter
        request = Request(scope, receive)
        request._body = body
        try:
            answer = await self.endpoint.fast_reads.body(request)
        except Exception:  # the full path meets it again and answers as it answers it
            answer = None
        if answer is None:
            scope[TOKEN_READ] = principal
            await self.app(scope, receive, send)
            return
        del scope[BODY_READ]
        # FastReads.respond's response, with the `Vary` that CORS adds, sent by hand.
        start = [(b"content-length", str(len(answer)).encode()), _CONTENT_TYPES[media], _VARY]
        try:
            await send({"type": "http.response.start", "status": 200, "headers": start})
            await send({"type": "http.response.body", "body": answer})
        finally:
            record_request(PATH, 200, started)
