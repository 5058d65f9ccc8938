"""Prometheus metrics at /metrics: HTTP traffic, GraphQL operations and errors, live connections.

Each process exposes its own registry; with several workers, scrape each (or run one metrics
port per worker behind the load balancer's service discovery).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from resolvers.core.problems import ProblemCode

REGISTRY = CollectorRegistry(auto_describe=True)

HTTP_REQUESTS = Counter(
    "peoplegraph_http_requests_total",
    "HTTP requests by route and status.",
    ["route", "status"],
    registry=REGISTRY,
)
HTTP_SECONDS = Histogram(
    "peoplegraph_http_request_seconds", "HTTP request duration by route.", ["route"], registry=REGISTRY
)
GRAPHQL_OPERATIONS = Counter(
    "peoplegraph_graphql_operations_total", "GraphQL operations by type.", ["type"], registry=REGISTRY
)
GRAPHQL_ERRORS = Counter(
    "peoplegraph_graphql_errors_total", "GraphQL errors by extensions.code.", ["code"], registry=REGISTRY
)
FAST_READS = Counter(
    "peoplegraph_graphql_fast_reads_total",
    "GraphQL queries answered by the endpoint's fast path (a cached compiled plan; web/fast_reads.py).",
    registry=REGISTRY,
)
TOKEN_CHECKS = Counter(
    "peoplegraph_token_revocation_checks_total",
    "Bearer tokens checked for revocation, by how: `statement` (the database) or `remembered` "
    "(this process's recent answer, web/token_checks.py).",
    ["by"],
    registry=REGISTRY,
)
REVOCATIONS_HEARD = Counter(
    "peoplegraph_token_revocations_heard_total",
    "Revocations this process heard of from PostgreSQL (LISTEN/NOTIFY, events/revocation_signal.py), "
    "each of which forgot every remembered revocation check.",
    registry=REGISTRY,
)
WEBSOCKETS = Gauge("peoplegraph_websocket_connections", "Open WebSocket connections.", registry=REGISTRY)

UNMATCHED = "unmatched"


class Children:
    """A labelled metric's children by label values, looked up once: prometheus_client's
    `labels()` validates and converts its arguments on every call (a dozen calls per request).
    It holds what the metric holds already (prometheus_client keeps every child it made)."""

    def __init__(self, metric: Any) -> None:
        self.metric = metric
        self._children: dict[tuple[str, ...], Any] = {}

    def __call__(self, *values: str) -> Any:
        child = self._children.get(values)
        if child is None:
            child = self._children[values] = self.metric.labels(*values)
        return child


_HTTP_REQUESTS, _HTTP_SECONDS = Children(HTTP_REQUESTS), Children(HTTP_SECONDS)
OPERATIONS, ERRORS = Children(GRAPHQL_OPERATIONS), Children(GRAPHQL_ERRORS)


def _route(scope: Scope, routes: Sequence[BaseRoute]) -> str:
    """The template of the route that served the request, never the raw path: unknown paths
    share one label, so no client can add series. The router records it; a request refused
    before routing (a body too large or too slow) is matched against the routes here."""
    route = scope.get("route") or next((r for r in routes if r.matches(scope)[0] != Match.NONE), None)
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED


class MetricsMiddleware:
    """Counts requests and their durations; tracks open WebSocket connections."""

    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute] = ()) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            WEBSOCKETS.inc()
            try:
                await self.app(scope, receive, send)
            finally:
                WEBSOCKETS.dec()
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record)
        finally:
            record_request(_route(scope, self.routes), status, started)


def record_request(route: str, status: int, started: float) -> None:
    """Count a request answered with `status` under `route`, and time it from `started`."""
    _HTTP_REQUESTS(route, str(status)).inc()
    _HTTP_SECONDS(route).observe(time.perf_counter() - started)


class OperationMetrics(SchemaExtension):
    """Counts operations by type and errors by code."""

    def on_operation(self) -> Any:
        yield
        context = self.execution_context
        try:
            kind = context.operation_type.value
        except Exception:  # the document did not parse: no operation type
            kind = "invalid"
        OPERATIONS(kind).inc()
        result = context.result
        for error in getattr(result, "errors", None) or []:
            ERRORS(str((error.extensions or {}).get("code", ProblemCode.INTERNAL_SERVER_ERROR))).inc()


async def metrics(request: Request) -> Response:
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
