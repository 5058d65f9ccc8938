"""Lost database connections: reads recover by themselves, writes get a 503 that says retry."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.routing import Route
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from db_recovery import DatabaseUnavailable, connection_lost
from models.events import Event
from models.tasks import Task
from resolvers.core import unit_of_work
from tests.conftest import BACKEND, _pg_url
from tests.support import factories as f
from tests.support.graphql_client import ClientMaker, TokenMaker
from web.unavailable import DatabaseUnavailableMiddleware

VIEWER = "{ viewer { displayName } }"
CREATE_TASK = """
mutation Create($input: CreateTaskInput!) { createTask(input: $input) { task { title } errors { code } } }
"""


async def cut(pids: list[int]) -> None:
    """What a PostgreSQL restart does to a pool: its server ends go away."""
    admin = await asyncpg.connect(_pg_url())
    try:
        await admin.execute("SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid", pids)
    finally:
        await admin.close()


async def cut_every_connection() -> None:
    if BACKEND == "postgres":
        admin = await asyncpg.connect(_pg_url())
        try:
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                " AND backend_type = 'client backend'"
            )
        finally:
            await admin.close()
    else:  # the process's one SQLite connection, closed under the ORM's feet
        await connections.get("default")._connection.close()


async def cut_transaction(conn: BaseDBAsyncClient) -> None:
    if BACKEND == "postgres":
        [row] = await conn.execute_query_dict("SELECT pg_backend_pid() AS pid")
        await cut([row["pid"]])
    else:
        await conn._connection.close()


def code_of(response: httpx.Response) -> str:
    return str(response.json()["errors"][0]["extensions"]["code"])


async def test_a_read_after_every_connection_was_dropped_is_served(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await f.employee(email="ada@example.com")
    client = graphql(await tokens("ada@example.com"))
    before = await client.data(VIEWER)  # the pool holds live connections now
    await cut_every_connection()

    response = await client.post(VIEWER)

    assert response.status_code == 200
    assert response.json()["data"] == before


@pytest.fixture
def connection_lost_mid_mutation(monkeypatch: pytest.MonkeyPatch) -> None:
    """The next mutation loses its connection inside its transaction, once."""
    original = unit_of_work.append_events  # type: ignore[attr-defined]  # the name the unit of work calls
    armed = [True]

    async def append_after_the_cut(conn: BaseDBAsyncClient, events: list[Event]) -> None:
        if armed.pop() if armed else False:
            await cut_transaction(conn)
        await original(conn, events)

    monkeypatch.setattr(unit_of_work, "append_events", append_after_the_cut)


@pytest.mark.parametrize("key", [None, "retry-me"], ids=["plain", "with Idempotency-Key"])
async def test_a_write_that_loses_its_connection_gets_503_and_its_retry_succeeds(
    graphql: ClientMaker, tokens: TokenMaker, connection_lost_mid_mutation: None, key: str | None
) -> None:
    await f.employee(email="ada@example.com")
    client = graphql(await tokens("ada@example.com"))
    headers = {"Idempotency-Key": key} if key else {}

    lost = await client.post(CREATE_TASK, {"input": {"title": "Retry me"}}, **headers)

    assert lost.status_code == 503
    assert lost.headers["Retry-After"] == "1"
    assert code_of(lost) == "DATABASE_UNAVAILABLE"
    assert "retry" in lost.json()["errors"][0]["message"]
    assert await Task.all().count() == 0

    retried = await client.post(CREATE_TASK, {"input": {"title": "Retry me"}}, **headers)

    assert retried.status_code == 200
    assert retried.json()["data"]["createTask"] == {"task": {"title": "Retry me"}, "errors": []}
    assert await Task.all().count() == 1


async def get_from_app_with(endpoint: Callable[[Request], Awaitable[None]]) -> httpx.Response:
    """GET / from a tiny app built as server.py builds its middleware around `endpoint`."""
    app = Starlette(routes=[Route("/", endpoint)], middleware=[Middleware(DatabaseUnavailableMiddleware)])
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        return await http.get("/")


@pytest.mark.parametrize(
    "failure",
    [DatabaseUnavailable(), asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed")],
    ids=["unavailable", "connection gone"],
)
async def test_a_lost_connection_outside_graphql_is_a_json_503(failure: Exception) -> None:
    async def endpoint(request: Request) -> None:
        raise failure

    response = await get_from_app_with(endpoint)

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert code_of(response) == "DATABASE_UNAVAILABLE"


async def test_any_other_failure_is_left_to_the_server_error_handler() -> None:
    async def endpoint(request: Request) -> None:
        raise RuntimeError("a bug")

    response = await get_from_app_with(endpoint)

    assert response.status_code == 500
    assert "DATABASE_UNAVAILABLE" not in response.text


@pytest.mark.parametrize(
    ("failure", "lost"),
    [
        (asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator command"), True),
        (asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed in the middle"), True),
        (asyncpg.exceptions.CannotConnectNowError("the database system is starting up"), True),
        (ConnectionRefusedError(111, "Connection refused"), True),
        (ValueError("Connection closed"), True),
        (asyncpg.exceptions.QueryCanceledError("canceling statement due to statement timeout"), False),
        (asyncpg.exceptions.UniqueViolationError("duplicate key"), False),
        (ValueError("the session is closed for enrollment"), False),
        (RuntimeError("a bug"), False),
    ],
)
def test_only_a_lost_connection_counts_as_one(failure: Exception, lost: bool) -> None:
    wrapped = RuntimeError("while running a query")
    wrapped.__cause__ = failure

    assert connection_lost(failure) is lost
    assert connection_lost(wrapped) is lost
