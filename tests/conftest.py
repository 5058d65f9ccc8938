"""Fixtures: a fresh, migrated database per test (SQLite always; PostgreSQL when asked), an HTTP
client on the ASGI app, a live server, and one ready caller per role.

Role fixtures, each a `Caller` (tests/support/graphql_client.py: a GraphQL client with the
role's token, every scope asked for, and its employee row, made by `factories.employee` with
only the e-mail and role set, so a fixture stands in for the two lines a test used to write):

- `anonymous`: no token.
- `employee`: ada@example.com, a plain employee.
- `manager`: boss@example.com, the employee's manager (requesting it sets the employee's manager).
- `teammate`: tim@example.com, on team Web with the employee (requesting it creates the team).
- `hr`: hr@example.com, role HR.
- `service`: a client-credentials token; no employee row.

Set PEOPLEGRAPH_TEST_BACKEND=postgres (with TEST_DATABASE_URL) to run the suite on PostgreSQL;
the Makefile runs it once per backend, each under pytest-xdist (every worker with its own
database and Redis db: tests/support/parallel.py).
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

import db
from config import Settings, load_settings
from tests.support import factories as f
from tests.support import pg_database
from tests.support.graphql_client import Caller, ClientMaker, GraphQLClient, TokenMaker
from tests.support.parallel import claim_worker_resources
from tests.support.webhook_receiver import Receiver

claim_worker_resources()  # before any test module reads TEST_DATABASE_URL / TEST_REDIS_URL

BACKEND = os.environ.get("PEOPLEGRAPH_TEST_BACKEND", "sqlite")
PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def _pg_url() -> str:
    url = PG_URL
    if url.startswith("postgresql://"):
        url = "postgres://" + url.removeprefix("postgresql://")
    return url


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Migrate once per session (per xdist worker): a template SQLite file, or this worker's
    PostgreSQL test database (tests/support/parallel.py names it)."""
    if BACKEND == "postgres":
        if not PG_URL:
            pytest.exit("PEOPLEGRAPH_TEST_BACKEND=postgres needs TEST_DATABASE_URL", returncode=2)
        asyncio.run(pg_database.prepare(_pg_url()))
        return _pg_url()
    path = tmp_path_factory.mktemp("template") / "template.db"
    asyncio.run(db.migrate(f"sqlite://{path}"))
    return str(path)


@pytest.fixture
async def database_url(template_db: str, tmp_path: Path) -> AsyncIterator[str]:
    """A clean, migrated database, initialised for this test and closed after it."""
    if BACKEND == "postgres":
        url = template_db
        await db.init_db(url)
        await pg_database.empty()
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
def settings(database_url: str, tmp_path: Path) -> Settings:
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
def app(settings: Settings) -> Starlette:
    from server import create_app

    return create_app(settings, manage_db=False)


@pytest.fixture
async def http(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the app, without its lifespan (the database is already set up)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
async def auth_started(settings: Settings) -> Settings:
    """Signing keys and built-in clients, as the app's lifespan would set them up."""
    from auth.oauth import routes

    await routes.startup(settings)
    return settings


@pytest.fixture
def tokens(auth_started: Settings) -> TokenMaker:
    """Mint access tokens: `await tokens(employee_email, scopes)`; no e-mail mints a service token."""
    from auth.oauth.clients import create_client, mint_token
    from tests.support.graphql_client import EVERY_SCOPE

    async def make(email: str | None = None, scopes: str = EVERY_SCOPE) -> str:
        if email is None:
            created = await create_client(name="test service", grant="client_credentials", scopes=EVERY_SCOPE)
            client_id = created.client_id
            minted = await mint_token(auth_started, scopes=scopes, client_id=client_id)
        else:
            minted = await mint_token(auth_started, scopes=scopes, employee_email=email)
        return str(minted["access_token"])

    return make


@pytest.fixture
def graphql(http: httpx.AsyncClient) -> ClientMaker:
    """A GraphQL client factory: `graphql(token)` (no token: anonymous)."""

    def make(token: str | None = None) -> GraphQLClient:
        return GraphQLClient(http, token)

    return make


@pytest.fixture
async def oauth_app(app: Starlette, settings: Settings) -> Starlette:
    """The app with its OAuth part started (the `http` fixture does not run the lifespan)."""
    from auth.oauth import routes

    await routes.startup(settings)
    await routes.THROTTLES.clear()
    return app


@pytest.fixture
async def server(app: Starlette) -> AsyncIterator[str]:
    """A real uvicorn server on a loopback port, in this process and event loop; yields its URL."""
    from tests.support.ws_client import live_server

    async with live_server(app) as url:
        yield url


@pytest.fixture
def anonymous(http: httpx.AsyncClient) -> Caller:
    """A caller without a token."""
    return Caller(http)


@pytest.fixture
async def employee(http: httpx.AsyncClient, tokens: TokenMaker) -> Caller:
    """ada@example.com, a plain employee with no manager and no team (`manager` and `teammate` add them)."""
    ada = await f.employee(email="ada@example.com")
    return Caller(http, await tokens(ada.email), ada)


@pytest.fixture
async def manager(http: httpx.AsyncClient, tokens: TokenMaker, employee: Caller) -> Caller:
    """boss@example.com, the `employee`'s manager."""
    boss = await f.employee(email="boss@example.com")
    employee.row.manager_id = boss.id
    await employee.row.save(update_fields=["manager_id"])
    return Caller(http, await tokens(boss.email), boss)


@pytest.fixture
async def teammate(http: httpx.AsyncClient, tokens: TokenMaker, employee: Caller) -> Caller:
    """tim@example.com, a member of team Web (slug `web`), as the `employee` is."""
    tim = await f.employee(email="tim@example.com")
    web = await f.team(name="Web", slug="web")
    await f.member(web, employee.row)
    await f.member(web, tim)
    return Caller(http, await tokens(tim.email), tim)


@pytest.fixture
async def hr(http: httpx.AsyncClient, tokens: TokenMaker) -> Caller:
    """hr@example.com, an HR employee."""
    hana = await f.employee(email="hr@example.com", role="hr")
    return Caller(http, await tokens(hana.email), hana)


@pytest.fixture
async def service(http: httpx.AsyncClient, tokens: TokenMaker) -> Caller:
    """A service: a client-credentials token with every scope, acting for no employee."""
    return Caller(http, await tokens())


@pytest.fixture
def hook_settings(settings: Settings) -> Settings:
    """Settings that let webhooks reach a local receiver and retry at once (a test file may narrow it)."""
    return replace(settings, webhook_allow_private=True, webhook_retry_schedule=(0, 0, 0))


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    """A local HTTP receiver of webhook deliveries (tests/support/webhook_receiver.py)."""
    rx = await Receiver().start()
    yield rx
    await rx.close()


@pytest.fixture
def nothing_served() -> Iterator[None]:
    """No operation registered for the endpoint's fast path (planner/plans.py `SERVED`) before
    or after the test, so a test's first request takes the full path. A file that depends on it
    says `pytestmark = pytest.mark.usefixtures("nothing_served")`."""
    from planner.plans import SERVED

    SERVED.clear()
    yield
    SERVED.clear()
