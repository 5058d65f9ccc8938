"""The Starlette app: routes, middleware and lifespan. `python server.py` serves."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Sequence

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from tortoise import connections

import db
from auth.oauth import routes as auth_routes
from config import Settings, load_settings
from events.after_commit import Listener, add_listener, remove_listener
from events.brokers import start_broker, stop_broker
from events.webhooks import WebhookDispatcher
from models.events import Event
from resolvers.core import idempotency, revocation
from schema import schema
from schema.webhooks.shaping import make_shaper
from web.cors import CORS
from web.demo_accounts import demo_accounts_route, demo_password_for
from web.errors import json_http_error, json_server_error
from web.graphiql import static_mount
from web.graphql_view import GraphQLEndpoint
from web.metrics import MetricsMiddleware, metrics
from web.request_body import RequestBodyLimits
from web.unavailable import DatabaseUnavailableMiddleware

logger = logging.getLogger("peoplegraph.server")


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    try:
        conn = connections.get("default")
        await conn.execute_query("SELECT 1")
    except Exception:  # any failure means "not ready"; the reason goes to the log, not to anyone
        logger.exception("readiness check: the database does not answer")
        return JSONResponse(
            {"status": "unavailable", "error": "the database does not answer"}, status_code=503
        )
    return JSONResponse({"status": "ok"})


def _wake_on_commit(dispatcher: WebhookDispatcher) -> Listener:
    async def wake(events: Sequence[Event]) -> None:
        dispatcher.wake()

    return wake


def create_app(settings: Settings | None = None, *, manage_db: bool = True) -> Starlette:
    """Build the app. Tests pass `manage_db=False` and set the database up themselves."""
    settings = settings or load_settings()
    revocation.install()  # what the auth layer revokes reaches webhooks and live connections

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # A server allocates many short-lived objects per request and per event; collecting the
        # young generation less often cut fan-out CPU by a tenth to a third (bench/README.md).
        gc.set_threshold(20_000, 50, 1000)
        if manage_db:
            await db.init_db(settings.database_url)
        await auth_routes.startup(settings)
        await start_broker(settings.redis_url, settings.database_url)
        dispatcher = WebhookDispatcher(settings)
        dispatcher.payload_shaper = make_shaper(schema._schema, settings)
        app.state.webhook_dispatcher = dispatcher
        listener = _wake_on_commit(dispatcher)
        add_listener(listener)
        if settings.run_dispatcher:
            await dispatcher.start()
        sweeper = asyncio.create_task(idempotency.sweep_forever(settings.idempotency_sweep_seconds))
        try:
            yield
        finally:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper
            await stop_broker()
            remove_listener(listener)
            await dispatcher.stop()
            if manage_db:
                await db.close_db()

    graphql = GraphQLEndpoint(schema, settings)
    routes = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics),
        *auth_routes.oauth_routes(settings, demo_password=demo_password_for),
        static_mount(),
        demo_accounts_route(),
    ]
    middleware = [
        Middleware(MetricsMiddleware, routes=routes),
        # Always on: with no origins configured, every preflight is answered and none granted.
        Middleware(CORS, origins=settings.cors_origins),
        Middleware(RequestBodyLimits, limits=settings.http),
        Middleware(DatabaseUnavailableMiddleware),  # innermost: its 503 gets CORS headers
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=middleware,
        exception_handlers={HTTPException: json_http_error, Exception: json_server_error},
    )
    app.state.settings = settings
    return app


if __name__ == "__main__":
    from cli import main

    raise SystemExit(main(["serve"]))
