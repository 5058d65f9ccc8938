"""The Starlette app: its routes and its lifespan; the HTTP work itself is in web/ (the
GraphQL endpoint's stack in web/graphql_view.py, the app-wide middleware in web/middleware.py).
`python server.py` serves."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
from collections.abc import AsyncIterator, Callable, Sequence

from starlette.applications import Starlette
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp

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
from web.demo_accounts import demo_accounts_route, demo_password_for
from web.front import Front
from web.graphiql import static_mount
from web.graphql_view import GraphQLApp
from web.health import healthz, readyz
from web.logs import lean_access_log
from web.metrics import metrics
from web.middleware import EXCEPTION_HANDLERS, app_middleware
from web.webapp import webapp_route


def _wake_on_commit(dispatcher: WebhookDispatcher) -> Listener:
    async def wake(events: Sequence[Event]) -> None:
        dispatcher.wake()

    return wake


class App(Starlette):
    """Starlette's app with the lean front (web/front.py) ahead of its stack, unless `front` is None."""

    front: Callable[[ASGIApp], ASGIApp] | None = None

    def build_middleware_stack(self) -> ASGIApp:
        stack = super().build_middleware_stack()
        return stack if self.front is None else self.front(stack)


def create_app(
    settings: Settings | None = None, *, manage_db: bool = True, front: bool | None = None
) -> Starlette:
    """Build the app. Tests pass `manage_db=False` and set the database up themselves, and
    `front=False` for the full stack alone (the lean front's differential tests); by default the
    front is on unless PEOPLEGRAPH_NO_FRONT=1 (benchmarks compare the two)."""
    settings = settings or load_settings()
    lean_access_log()
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
            if graphql.rate_limiter is not None:
                await graphql.rate_limiter.close()
            if manage_db:
                await db.close_db()

    graphql = GraphQLApp(schema, settings)
    routes = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics),
        *auth_routes.oauth_routes(settings, demo_password=demo_password_for),
        static_mount(),
        demo_accounts_route(),
        webapp_route(settings),
    ]
    app = App(
        routes=routes,
        lifespan=lifespan,
        middleware=app_middleware(settings, routes),
        exception_handlers=EXCEPTION_HANDLERS,
    )
    app.state.settings = settings
    if front if front is not None else os.environ.get("PEOPLEGRAPH_NO_FRONT", "") in ("", "0"):
        app.front = lambda stack: Front(stack, graphql, settings.http)
    return app


if __name__ == "__main__":
    from cli import main

    raise SystemExit(main(["serve"]))
