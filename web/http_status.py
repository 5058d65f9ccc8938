"""Schema extensions that shape the HTTP response of a GraphQL result by its error codes.

GraphQL reports an error inside a 200; these give two of them the status a client expects:
UNAUTHENTICATED of an anonymous request is a 401 with `WWW-Authenticate`, DATABASE_UNAVAILABLE
(web/unavailable.py) a 503 with `Retry-After`. Both read the response Strawberry will send
from the context (web/context.py); over a WebSocket there is none, and they do nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.responses import Response
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from resolvers.core.problems import ProblemCode
from web.context import Context
from web.unavailable import CODE as UNAVAILABLE
from web.unavailable import HEADERS as RETRY_AFTER


def _answer_with(context: ExecutionContext, code: str, status: int, headers: Mapping[str, str]) -> None:
    """Give the HTTP response `status` and `headers` when the result carries an error `code`."""
    response = getattr(context.context, "response", None)
    errors = getattr(context.result, "errors", None) or []
    if isinstance(response, Response) and any((e.extensions or {}).get("code") == code for e in errors):
        response.status_code = status
        response.headers.update(headers)


class UnauthenticatedStatus(SchemaExtension):
    """An anonymous request that touched anything protected is answered with HTTP 401."""

    def on_operation(self) -> Any:
        yield
        context = self.execution_context.context
        if isinstance(context, Context) and context.principal is None:
            _answer_with(
                self.execution_context,
                ProblemCode.UNAUTHENTICATED,
                401,
                {"WWW-Authenticate": 'Bearer realm="peoplegraph"'},
            )


class DatabaseUnavailableStatus(SchemaExtension):
    """A GraphQL result with a DATABASE_UNAVAILABLE error is answered with HTTP 503."""

    def on_operation(self) -> Any:
        yield
        _answer_with(self.execution_context, UNAVAILABLE, 503, RETRY_AFTER)
