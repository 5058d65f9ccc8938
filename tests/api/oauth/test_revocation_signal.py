"""Without Redis, on PostgreSQL: a server process that remembers a token as not revoked
(web/token_checks.py) refuses it as soon as another process revokes it, because the database
notifies every listening process at the revocation's commit (migrations/0004_revocation_notify.py,
events/revocation_signal.py). The revoking process is the operator's command line or any other
session's SQL; neither announces anything to the server.

Runs only with PEOPLEGRAPH_TEST_BACKEND=postgres (SQLite has no notifications; there every
request runs the revocation statement: tests/api/compiled/test_revocation_fast_path.py).
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable

import asyncpg
import httpx
import pytest

from auth.oauth.store import revoke_access_token
from auth.tokens import decode_access_token
from config import Settings
from events.revocation_signal import connect_arguments
from tests.support import factories as f
from tests.support.graphql_client import TokenMaker
from tests.support.revocation_helpers import client_of
from tests.support.server_process import ROOT, server_process
from tests.support.ws_client import WAIT

pytestmark = pytest.mark.skipif(
    os.environ.get("PEOPLEGRAPH_TEST_BACKEND") != "postgres", reason="needs PEOPLEGRAPH_TEST_BACKEND=postgres"
)

FLOOR = "{ __typename }"
MY_TASKS = "query MyTasks { viewer { tasks(first: 5) { totalCount } } }"
VIEWER = "{ viewer { id } }"


async def _metric(http: httpx.AsyncClient, name: str) -> float:
    for line in (await http.get("/metrics")).text.splitlines():
        if line.startswith(name):
            return float(line.split()[-1])
    return 0.0


async def _remembered(http: httpx.AsyncClient) -> float:
    return await _metric(http, 'peoplegraph_token_revocation_checks_total{by="remembered"}')


async def _heard(http: httpx.AsyncClient) -> float:
    return await _metric(http, "peoplegraph_token_revocations_heard_total")


async def _revoke_from_the_command_line(settings: Settings, token: str) -> None:
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env |= {"DATABASE_URL": settings.database_url, "PEOPLEGRAPH_DATA_DIR": str(settings.data_dir)}
    command = [
        sys.executable,
        "-c",
        "import sys, cli; sys.exit(cli.main())",
        "client",
        "revoke",
        client_of(token),
    ]
    process = await asyncio.create_subprocess_exec(*command, cwd=ROOT, env=env)
    assert await asyncio.wait_for(process.wait(), WAIT * 3) == 0


async def _revoke_the_token_here(settings: Settings, token: str) -> None:
    """This test's process revokes the access token by its id (auth/oauth/store.py); it announces
    nothing to the server (no announcer is installed here)."""
    claims = decode_access_token(token)
    await revoke_access_token(
        claims["jti"], client_id=claims["client_id"], employee_id=int(claims["sub"]), expires_at=claims["exp"]
    )


async def _terminate_by_sql(settings: Settings, token: str) -> None:
    """Another session ends the employee's employment, as a database administrator would."""
    connection = await asyncpg.connect(**{**connect_arguments(settings.database_url), "server_settings": {}})
    try:
        status = await connection.execute(
            "UPDATE employees SET status = 'terminated' WHERE id = $1", int(decode_access_token(token)["sub"])
        )
        assert status == "UPDATE 1", status
    finally:
        await connection.close()


Revoke = Callable[[Settings, str], Awaitable[None]]


@pytest.mark.parametrize("revoke", [_revoke_from_the_command_line, _revoke_the_token_here, _terminate_by_sql])
async def test_a_token_remembered_as_good_is_refused_once_another_process_revokes_it(
    settings: Settings, tokens: TokenMaker, revoke: Revoke
) -> None:
    # given a server process without Redis that answers the token from its remembered check
    await f.employee(email="ada@example.com")
    token = await tokens("ada@example.com")
    headers = {"Authorization": f"Bearer {token}"}
    env = {"PEOPLEGRAPH_READ_PATH": "compiled"}
    async with (
        server_process(settings, env=env) as server,
        httpx.AsyncClient(base_url=server.url, headers=headers) as http,
    ):
        remembered = await _remembered(http)
        for query in (FLOOR, MY_TASKS, VIEWER) * 3:
            assert (await http.post("/graphql", json={"query": query})).status_code == 200
        assert await _remembered(http) > remembered
        heard = await _heard(http)

        # when another process revokes it (its client, the token, or the employee's employment),
        # telling the server nothing itself
        await revoke(settings, token)

        # then, as soon as the database's notification reached the server, both paths refuse it
        deadline = asyncio.get_running_loop().time() + WAIT
        while await _heard(http) == heard:
            assert asyncio.get_running_loop().time() < deadline, "the server never heard the revocation"
            await asyncio.sleep(0.01)  # polling a count the test cannot be notified of
        for query in (FLOOR, MY_TASKS, VIEWER):
            response = await http.post("/graphql", json={"query": query})
            assert response.status_code == 401, (query, response.text)
