"""Fixtures: a fresh, migrated database per test (SQLite always; PostgreSQL when asked) and
an HTTP client on the ASGI app.

Set PEOPLEGRAPH_TEST_BACKEND=postgres (with TEST_DATABASE_URL) to run the suite on PostgreSQL;
the Makefile runs it once per backend.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from tortoise import connections

import db
from config import load_settings

BACKEND = os.environ.get("PEOPLEGRAPH_TEST_BACKEND", "sqlite")
PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def _pg_url() -> str:
    url = PG_URL
    if url.startswith("postgresql://"):
        url = "postgres://" + url.removeprefix("postgresql://")
    return url


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Migrate once per session: a template SQLite file, or the PostgreSQL test database."""
    if BACKEND == "postgres":
        if not PG_URL:
            pytest.exit("PEOPLEGRAPH_TEST_BACKEND=postgres needs TEST_DATABASE_URL", returncode=2)

        async def _reset_and_migrate() -> None:
            await db.init_db(_pg_url())
            conn = connections.get("default")
            await conn.execute_script("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
            await db.close_db()
            await db.migrate(_pg_url())

        asyncio.run(_reset_and_migrate())
        return _pg_url()
    path = tmp_path_factory.mktemp("template") / "template.db"
    asyncio.run(db.migrate(f"sqlite://{path}"))
    return str(path)


async def _truncate_all() -> None:
    conn = connections.get("default")
    rows = await conn.execute_query_dict(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'tortoise%'"
    )
    names = ", ".join(f'"{r["tablename"]}"' for r in rows)
    await conn.execute_script(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


@pytest.fixture
async def database_url(template_db: str, tmp_path: Path) -> AsyncIterator[str]:
    """A clean, migrated database, initialised for this test and closed after it."""
    if BACKEND == "postgres":
        url = template_db
        await db.init_db(url)
        await _truncate_all()
    else:
        path = tmp_path / "test.db"
        shutil.copyfile(template_db, path)
        url = f"sqlite://{path}?busy_timeout=5000"
        await db.init_db(url)
    try:
        yield url
    finally:
        await db.close_db()


@pytest.fixture
def settings(database_url: str, tmp_path: Path):
    base = load_settings()
    return replace(
        base,
        data_dir=tmp_path / "data",
        database_url=database_url,
        issuer="http://testserver",
        redis_url=None,
        webhook_retry_schedule=(0, 1, 1),
        run_dispatcher=False,
    )


@pytest.fixture
def app(settings):
    from server import create_app

    return create_app(settings, manage_db=False)


@pytest.fixture
async def http(app) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the app, without its lifespan (the database is already set up)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
async def auth_started(settings):
    """Signing keys and built-in clients, as the app's lifespan would set them up."""
    from auth import routes

    await routes.startup(settings)
    return settings


@pytest.fixture
def tokens(auth_started):
    """Mint access tokens: `await tokens(employee_email, scopes)`; no e-mail mints a service token."""
    from auth.clients import create_client, mint_token
    from tests.support.graphql_client import EVERY_SCOPE

    async def make(email: str | None = None, scopes: str = EVERY_SCOPE) -> str:
        if email is None:
            created = await create_client(name="test service", grant="client_credentials", scopes=EVERY_SCOPE)
            client_id = created.client_id
            return (await mint_token(auth_started, scopes=scopes, client_id=client_id))["access_token"]
        return (await mint_token(auth_started, scopes=scopes, employee_email=email))["access_token"]

    return make


@pytest.fixture
def graphql(http):
    """A GraphQL client factory: `graphql(token)` (no token: anonymous)."""
    from tests.support.graphql_client import GraphQLClient

    return lambda token=None: GraphQLClient(http, token)


@pytest.fixture
async def oauth_app(app, settings):
    """The app with its OAuth part started (the `http` fixture does not run the lifespan)."""
    from auth import routes

    await routes.startup(settings)
    await routes.THROTTLES.clear()
    return app


@pytest.fixture
async def server(app) -> AsyncIterator[str]:
    """A real uvicorn server on a loopback port, in this process and event loop; yields its URL."""
    from tests.support.ws_client import live_server

    async with live_server(app) as url:
        yield url
