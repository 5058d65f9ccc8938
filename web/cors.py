"""CORS for browser apps on the origins of PEOPLEGRAPH_CORS_ORIGINS (none when unset).

A preflight the policy refuses (another origin, method or header) is still answered normally,
204 without `Access-Control-Allow-Origin`: the browser then blocks the call, which is the
refusal; the server has nothing to report as an error, and never a 405.
"""

from __future__ import annotations

from collections.abc import Collection

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_ORIGIN, _VARY = b"origin", b"vary"


class CORS(CORSMiddleware):
    def __init__(self, app: ASGIApp, origins: Collection[str]) -> None:
        super().__init__(
            app,
            allow_origins=list(origins),
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
            expose_headers=["WWW-Authenticate", "Idempotent-Replayed", "Retry-After"],
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A request without `Origin` (not from a browser's other origin) only gets `Vary:
        Origin` added to its answer, as Starlette's `simple_response` adds it, without its
        per-request header objects; any other request is Starlette's."""
        if scope["type"] != "http" or _has_origin(scope):
            await super().__call__(scope, receive, send)
            return

        async def varying(message: Message) -> None:
            if message["type"] == "http.response.start":
                vary_on_origin(message)
            await send(message)

        await self.app(scope, receive, varying)

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code == 200:
            granted = {
                k: v for k, v in response.headers.items() if k not in ("content-length", "content-type")
            }
            return Response(status_code=204, headers=granted)
        return Response(status_code=204, headers={"Vary": self.preflight_headers["Vary"]})


def _has_origin(scope: Scope) -> bool:
    for key, _ in scope["headers"]:  # noqa: SIM110 (a loop, not a generator: no call per header)
        if key == _ORIGIN:
            return True
    return False


def vary_on_origin(message: Message) -> None:
    """`MutableHeaders(scope=message)["Vary"] = ", ".join([*vary_values, "Origin"])`: one `vary`
    header, where the first one was (else last), holding the values before and `Origin`."""
    headers: list[tuple[bytes, bytes]] = list(message.get("headers", ()))
    message["headers"] = headers
    found = [index for index, (key, _) in enumerate(headers) if key == _VARY]
    value = b", ".join([*(headers[index][1] for index in found), b"Origin"])
    if not found:
        headers.append((_VARY, value))
        return
    headers[found[0]] = (_VARY, value)
    for index in reversed(found[1:]):
        del headers[index]
