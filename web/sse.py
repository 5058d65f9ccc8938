"""GraphQL over Server-Sent Events at /graphql: the graphql-sse protocol, distinct connections mode.

For clients and proxies where a WebSocket is not an option. A GET or POST to /graphql whose
`Accept` lists `text/event-stream` is answered here (web/graphql_view.py dispatches), every
other request takes the JSON path unchanged. One request carries one operation; the answer is
`200 text/event-stream` with one `next` event per result (`data:` the result JSON, as the JSON
path would answer it) and a final `complete` event. A query or mutation gives one `next`.

What comes before the stream is the JSON path's: the bearer token was checked by the
authentication middleware (a bad, expired or revoked token is a 401 there), and a request that
cannot be read (not JSON, wrong `Content-Type`, a batch, no query, an `Idempotency-Key`, which
needs the whole answer at once) is refused with the same 4xx JSON error. Everything GraphQL itself finds (a document that does not parse or validate, an
unknown `operationName`, a missing scope, the depth/cost/text limits, a mutation over GET) is
reported, as the protocol requires, inside the accepted stream: a `next` with the `errors`,
then `complete`. The operation runs through `schema.stream`, the lifecycle (extensions,
permissions, per-event authorization) that the WebSocket path's `schema.subscribe` runs.

A live subscription ends with a last `next` holding one error, then `complete`, when its token
expires or is revoked (UNAUTHENTICATED: reconnect with a new token) and when the client reads
too slowly (SUBSCRIBER_TOO_SLOW). Slow reading is bounded without a buffer of its own here:
each event is written before the next is taken, so a client that does not read holds the
server's send (ASGI flow control), its events wait in the hub's bounded inbox, and an overflow
ends the stream; the client resumes with `after:` set to the last event id it received.

A comment line is written when the stream opens (some browsers show nothing before the first
bytes) and every `KEEP_ALIVE_SECONDS`, so that proxies do not close an idle stream. When the
client goes away (`http.disconnect`, or a send that fails) the operation is cancelled and its
subscription leaves the hub at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator
from typing import Any, Protocol

from graphql import GraphQLError
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from resolvers.core.problems import ProblemCode
from web import graphql_request as rq
from web.context import Context
from web.errors import JSON, RequestRefused

log = logging.getLogger("peoplegraph.sse")

EVENT_STREAM = "text/event-stream"
KEEP_ALIVE_SECONDS = 12.0
_COMMENT = b":\n\n"

# GET never changes anything (GraphQL over HTTP); a mutation sent with it is refused in the stream.
_ALLOWED = {
    "GET": (OperationType.QUERY, OperationType.SUBSCRIPTION),
    "POST": (OperationType.QUERY, OperationType.MUTATION, OperationType.SUBSCRIPTION),
}
_HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    # Never cached, never compressed or held back by an intermediary: each event is sent as it comes.
    (b"cache-control", b"no-cache, no-transform"),
    (b"x-accel-buffering", b"no"),
]
_PRE_EXECUTION_CODES: dict[type[Exception], str] = {
    CannotGetOperationTypeError: ProblemCode.UNKNOWN_OPERATION,
    InvalidOperationTypeError: ProblemCode.METHOD_NOT_ALLOWED,
}


def wants_event_stream(accept: str | None) -> bool:
    """Whether `Accept` lists `text/event-stream` (with a quality above zero)."""
    for part in (accept or "").split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        if media.lower() != EVENT_STREAM:
            continue
        quality = next((p.partition("=")[2] for p in params if p.lower().startswith("q=")), "1")
        try:
            return float(quality) > 0
        except ValueError:
            return False
    return False


class StreamingView(Protocol):
    """What the GraphQL endpoint (web/graphql_view.py) lends an event stream."""

    schema: Any

    async def get_context(self, request: Any, response: Any) -> Context: ...

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse: ...

    def encode_json(self, data: object) -> str: ...


def event(name: str, data: str = "") -> bytes:
    """One SSE event. JSON as the view encodes it has no raw line break, so `data` is one line."""
    return f"event: {name}\ndata: {data}\n\n".encode() if data else f"event: {name}\ndata:\n\n".encode()


async def _request_data(request: Request) -> GraphQLRequestData:
    """The operation of the request, read as strictly as the JSON path reads it."""
    if "idempotency-key" in request.headers:
        # web/idempotency.py buffers the whole response to store it, which a stream cannot give.
        raise rq.bad_request(
            "`Idempotency-Key` is served on the JSON path: send the mutation with `Accept: application/json`."
        )
    if request.method == "GET":
        payload = rq.query_params_payload(request.query_params)
    else:
        rq.check_content_type(request.headers.get("content-type"))
        payload = rq.decode_json(await request.body(), "request body")
    data = rq.request_data(payload)
    if data.query is None and "persistedQuery" not in (data.extensions or {}):
        raise rq.bad_request("The request has no `query` (nor a known persisted query).")
    return data


def _with_codes(result: ExecutionResult) -> ExecutionResult:
    """Give the refusals of the operation's choice the codes the JSON path answers them with."""
    for error in result.errors or []:
        code = next(
            (c for kind, c in _PRE_EXECUTION_CODES.items() if isinstance(error.original_error, kind)), None
        )
        if code is not None and not (error.extensions or {}).get("code"):
            error.extensions = {**(error.extensions or {}), "code": code}
    return result


class EventStreams:
    """Serves the event-stream requests of one GraphQL endpoint."""

    def __init__(self, view: StreamingView) -> None:
        self.view = view

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        try:
            data = await _request_data(request)
        except RequestRefused as refusal:
            await refusal.response(JSON)(scope, receive, send)
            return
        # Strawberry's sub-response: what the schema's extensions set on it (a status, headers)
        # has no way onto a stream whose head is sent before the operation runs.
        context = await self.view.get_context(request, Response())
        results = await self.view.schema.stream(
            data.query,
            variable_values=data.variables,
            context_value=context,
            operation_name=data.operation_name,
            operation_extensions=data.extensions,
            allowed_operation_types=_ALLOWED[request.method],
        )
        await send({"type": "http.response.start", "status": 200, "headers": _HEADERS})
        await _Stream(send).run(self._events(request, results), receive)

    async def _events(
        self, request: Request, results: AsyncGenerator[Any, None]
    ) -> AsyncGenerator[bytes, None]:
        try:
            async with contextlib.aclosing(results):
                async for result in results:
                    yield await self._next(request, _with_codes(result))
        except GraphQLError as error:
            # Raised, not returned: the document cache parses the document itself, and lets a
            # syntax error propagate (as the WebSocket path also finds, web/ws_protocol.py).
            yield await self._next(request, ExecutionResult(data=None, errors=[error]))
        yield event("complete")

    async def _next(self, request: Request, result: ExecutionResult) -> bytes:
        payload = await self.view.process_result(request, result)
        return event("next", self.view.encode_json(payload))


class _Stream:
    """Writes one response's events and keep-alive comments until the events end or the client
    leaves; one writer at a time, so a comment never lands inside an event."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self._lock = asyncio.Lock()

    async def _write(self, body: bytes) -> None:
        async with self._lock:
            await self._send({"type": "http.response.body", "body": body, "more_body": True})

    async def _relay(self, events: AsyncGenerator[bytes, None]) -> None:
        # Closed however the relay ends, even cancelled while a write waits on a slow client:
        # closing it ends the operation, whose subscription then leaves the hub.
        async with contextlib.aclosing(events):
            await self._write(_COMMENT)
            async for chunk in events:
                await self._write(chunk)

    async def _keep_alive(self) -> None:
        while True:
            await asyncio.sleep(KEEP_ALIVE_SECONDS)  # a period, not a wait for something to happen
            await self._write(_COMMENT)

    async def run(self, events: AsyncGenerator[bytes, None], receive: Receive) -> None:
        relay = asyncio.ensure_future(self._relay(events))
        helpers = [asyncio.ensure_future(self._keep_alive()), asyncio.ensure_future(_disconnected(receive))]
        try:
            done, _ = await asyncio.wait([relay, *helpers], return_when=asyncio.FIRST_COMPLETED)
        finally:  # also when the server cancels the request: the operation leaves the hub here
            for task in (relay, *helpers):
                task.cancel()
            await asyncio.gather(relay, *helpers, return_exceptions=True)
        if relay not in done or relay.cancelled() or isinstance(relay.exception(), OSError):
            return  # the client left (a send to its closed connection fails with OSError)
        if relay.exception() is not None:
            log.error("an event stream failed", exc_info=relay.exception())
        with contextlib.suppress(OSError):
            await self._send({"type": "http.response.body", "body": b"", "more_body": False})


async def _disconnected(receive: Receive) -> None:
    """Returns when the client has gone away."""
    while (await receive())["type"] != "http.disconnect":
        pass


def wants_stream(scope: Scope) -> bool:
    """An HTTP request for /graphql that asks for an event stream."""
    return scope["type"] == "http" and wants_event_stream(Headers(scope=scope).get("accept"))


__all__ = ["EVENT_STREAM", "EventStreams", "wants_event_stream", "wants_stream"]
