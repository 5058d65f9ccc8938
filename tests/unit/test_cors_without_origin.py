"""web/cors.py answers a request without `Origin` with exactly the headers Starlette's
CORSMiddleware gives it (`Vary: Origin` added, merged with the app's own `Vary`), by a leaner
path; a request with `Origin` is Starlette's own."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.middleware.cors import CORSMiddleware
from starlette.types import Message, Receive, Scope, Send

from web.cors import CORS

ORIGINS = ["https://app.example.com"]


def _app(headers: list[tuple[bytes, bytes]]) -> Any:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": list(headers)})
        await send({"type": "http.response.body", "body": b"{}"})

    return app


async def _answer(middleware: Any, request_headers: list[tuple[bytes, bytes]]) -> list[Message]:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/graphql", "headers": request_headers}
    await middleware(scope, receive, send)
    return sent


def _starlette(app: Any) -> CORSMiddleware:
    # what web/cors.py's CORS configures
    return CORSMiddleware(
        app,
        allow_origins=ORIGINS,
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
        expose_headers=["WWW-Authenticate", "Idempotent-Replayed", "Retry-After"],
        max_age=600,
    )


RESPONSE_HEADERS = [
    [(b"content-type", b"application/json")],
    [(b"vary", b"Accept"), (b"content-type", b"application/json")],
    [(b"vary", b"Accept"), (b"content-type", b"application/json"), (b"vary", b"Accept-Encoding")],
    [],
]
REQUEST_HEADERS = [
    [(b"content-type", b"application/json")],
    [(b"origin", b"https://app.example.com")],
    [(b"origin", b"https://elsewhere.example.com")],
]


@pytest.mark.parametrize("response_headers", RESPONSE_HEADERS)
@pytest.mark.parametrize("request_headers", REQUEST_HEADERS)
async def test_the_answer_carries_starlettes_cors_headers(
    response_headers: list[tuple[bytes, bytes]], request_headers: list[tuple[bytes, bytes]]
) -> None:
    ours = await _answer(CORS(_app(response_headers), ORIGINS), request_headers)
    theirs = await _answer(_starlette(_app(response_headers)), request_headers)

    assert ours == theirs
    assert [value for key, value in ours[0]["headers"] if key == b"vary"][-1].endswith(b"Origin")
