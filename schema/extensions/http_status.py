"""Schema extensions that shape HTTP responses."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from strawberry.extensions import SchemaExtension

from resolvers.core.problems import ProblemCode
from web.context import Context


class UnauthenticatedStatus(SchemaExtension):
    """An anonymous request that touched anything protected is answered with HTTP 401."""

    def on_operation(self) -> Any:
        yield
        context = self.execution_context.context
        result = self.execution_context.result
        if not isinstance(context, Context) or context.principal is not None or result is None:
            return
        errors = getattr(result, "errors", None) or []
        if any(
            (e.extensions or {}).get("code") == ProblemCode.UNAUTHENTICATED for e in errors
        ) and isinstance(context.response, Response):
            context.response.status_code = 401
            context.response.headers["WWW-Authenticate"] = 'Bearer realm="peoplegraph"'
