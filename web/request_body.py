"""Every HTTP request body is read whole, within a size and a time bound, before any route runs.

A client that announces or sends more than `max_body_bytes` gets 413, one that trickles its
body slower than `body_timeout` allows gets 408; both as JSON errors, before any handler holds
a byte of it. Routes then read the buffered body as usual. `read_body` and `replaying` are the
ASGI plumbing for that, shared with the idempotency layer (web/idempotency.py).
"""

from __future__ import annotations

import asyncio

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from config import HttpLimits
from resolvers.core.problems import ProblemCode
from web.errors import RequestRefused

_CLOSE = {"Connection": "close"}


def _too_large(limit: int) -> RequestRefused:
    return RequestRefused(
        413, ProblemCode.REQUEST_TOO_LARGE, f"The request body is larger than {limit} bytes.", _CLOSE
    )


async def read_body(receive: Receive, limit: int | None = None) -> bytes | None:
    """The whole body, or None when the client went away while sending it."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if limit is not None and size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def replaying(body: bytes, then: Receive | None = None) -> Receive:
    """Hand the buffered body out once, then pass on what `then` receives (a disconnect), or
    report a disconnect without one."""
    pending = True

    async def replay() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        if then is None:
            return {"type": "http.disconnect"}
        return await then()

    return replay


# Where the lean front (web/front.py) leaves what it read of a body before handing the request to
# the full stack: the body, None (the client went away) or the RequestRefused it met.
BODY_READ = "peoplegraph.body_read"


async def limited_body(scope: Scope, receive: Receive, limits: HttpLimits) -> bytes | None:
    """The whole body within `limits` (None: the client went away); RequestRefused (413, 408)."""
    limit, timeout = limits.max_body_bytes, limits.body_timeout
    length = Headers(scope=scope).get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise _too_large(limit)
    try:
        async with asyncio.timeout(timeout):
            return await read_body(receive, limit)
    except TimeoutError:
        raise RequestRefused(
            408,
            ProblemCode.REQUEST_TIMEOUT,
            f"The request body was not received within {timeout:g} seconds.",
            _CLOSE,
        ) from None


class RequestBodyLimits:
    def __init__(self, app: ASGIApp, limits: HttpLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            if BODY_READ in scope:
                body = scope.pop(BODY_READ)
                if isinstance(body, RequestRefused):
                    raise body
            else:
                body = await limited_body(scope, receive, self.limits)
        except RequestRefused as refusal:
            await refusal.response()(scope, receive, send)
            return
        if body is not None:
            await self.app(scope, replaying(body, receive), send)
