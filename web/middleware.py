"""What every HTTP request goes through, outermost first, before its route; and the JSON
answers of the app's own errors. The GraphQL endpoint adds its own layers (web/graphql_view.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import BaseRoute
from starlette.types import ExceptionHandler

from config import Settings
from web.cors import CORS
from web.errors import json_http_error, json_server_error
from web.metrics import MetricsMiddleware
from web.request_body import RequestBodyLimits
from web.unavailable import DatabaseUnavailableMiddleware

EXCEPTION_HANDLERS: Mapping[type[Exception], ExceptionHandler] = {
    HTTPException: json_http_error,
    Exception: json_server_error,
}


def app_middleware(settings: Settings, routes: Sequence[BaseRoute]) -> list[Middleware]:
    return [
        Middleware(MetricsMiddleware, routes=routes),
        # Always on: with no origins configured, every preflight is answered and none granted.
        Middleware(CORS, origins=settings.cors_origins),
        Middleware(RequestBodyLimits, limits=settings.http),
        Middleware(DatabaseUnavailableMiddleware),  # innermost: its 503 gets CORS headers
    ]
