"""Errors the app answers outside GraphQL (unknown path, wrong method, a bug) as JSON, like every
other error."""

from __future__ import annotations

from http import HTTPStatus

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

_CODES = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}


def error_body(message: str, code: str, **extensions: object) -> dict[str, object]:
    """The one shape of every error the server sends: GraphQL's, with a stable code."""
    return {"errors": [{"message": message, "extensions": {"code": code, **extensions}}]}


async def json_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    message = exc.detail if exc.detail != HTTPStatus(status).phrase else _message(request, status)
    code = _CODES.get(status, HTTPStatus(status).name)
    return JSONResponse(error_body(message, code), status, headers=exc.headers)


def _message(request: Request, status: int) -> str:
    if status == 405:
        return f"{request.method} is not allowed on {request.url.path}."
    if status == 404:
        return f"Nothing is served at {request.url.path}."
    return HTTPStatus(status).phrase


async def json_server_error(request: Request, exc: Exception) -> Response:
    """A bug: say so without the details (they go to the log, where the server re-raises it)."""
    body = {
        "errors": [{"message": "Internal server error.", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]
    }
    return JSONResponse(body, 500)
