"""The one shape of every error the server answers outside a GraphQL result: GraphQL's, with a
stable `extensions.code`. Refusals of the HTTP layer (a bad token, a body too large, a request
that is not GraphQL over HTTP, an idempotency conflict) and errors of the app itself (unknown
path, wrong method, a bug) are all built here."""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus

from graphql import GraphQLError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from resolvers.core.problems import ProblemCode

JSON = "application/json"
_CODES = {404: ProblemCode.NOT_FOUND, 405: ProblemCode.METHOD_NOT_ALLOWED}


def error_body(message: str, code: str, **extensions: object) -> dict[str, object]:
    """The one shape of every error the server sends: GraphQL's, with a stable code."""
    return {"errors": [{"message": message, "extensions": {"code": code, **extensions}}]}


def error_response(
    status: int,
    code: str,
    message: str,
    headers: Mapping[str, str] | None = None,
    media_type: str | None = None,
    extensions: Mapping[str, object] | None = None,
) -> JSONResponse:
    body = error_body(message, code, **(extensions or {}))
    return JSONResponse(body, status, headers=headers, media_type=media_type or JSON)


def graphql_error_code(error: GraphQLError) -> str:
    """The code of a GraphQL error that carries none, over HTTP and WebSocket alike: why the
    document could not run, or (an error raised while it ran, which has a path) a bug."""
    if "tokens" in error.message and "Parsing aborted" in error.message:
        return ProblemCode.TOO_MANY_TOKENS
    if error.message.startswith("Syntax Error"):
        return ProblemCode.GRAPHQL_PARSE_FAILED
    return ProblemCode.INTERNAL_SERVER_ERROR if error.path else ProblemCode.GRAPHQL_VALIDATION_FAILED


class RequestRefused(Exception):
    """A request the HTTP layer will not serve as sent: answered with a 4xx `error_response`."""

    def __init__(
        self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = dict(headers or {})

    def response(self, media_type: str | None = None) -> JSONResponse:
        return error_response(self.status, self.code, self.message, self.headers, media_type)


async def json_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    message = exc.detail if exc.detail != HTTPStatus(status).phrase else _message(request, status)
    code = _CODES.get(status, HTTPStatus(status).name)
    return error_response(status, code, message, exc.headers)


def _message(request: Request, status: int) -> str:
    if status == 405:
        return f"{request.method} is not allowed on {request.url.path}."
    if status == 404:
        return f"Nothing is served at {request.url.path}."
    return HTTPStatus(status).phrase


async def json_server_error(request: Request, exc: Exception) -> Response:
    """A bug: say so without the details (they go to the log, where the server re-raises it)."""
    return error_response(500, ProblemCode.INTERNAL_SERVER_ERROR, "Internal server error.")
