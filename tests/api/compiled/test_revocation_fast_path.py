"""A known token's revocation check on the fast path and the full path (web/token_checks.py):
with Redis a repeated request runs no revocation statement, without it every request does, and
either way a revocation refuses the very next request on both paths.

The process's broker is started here as the app's lifespan starts it; revocations from another
server process are in tests/api/oauth/test_revocation_scaleout.py.
"""

from __future__ import annotations

import asyncio
import importlib
import os
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import httpx
import pytest
from tortoise.transactions import in_transaction

from auth.oauth.clients import revoke_client
from auth.oauth.store import revoke_access_token
from auth.revocation import Revocation
from auth.tokens import decode_access_token
from events.brokers import current_broker, revocation_signal, start_broker, stop_broker
from events.log import append_events
from events.redis_broker import RedisBroker, channel_for
from events.revocation_signal import APPLICATION_NAME, RevocationSignal, connect_arguments
from resolvers.core.revocation import revoked_event
from tests.api.compiled.conftest import Org, Paths
from tests.support.graphql_client import count_statements
from tests.support.revocation_helpers import assert_refused, client_of
from tests.support.ws_client import wait_until

pytestmark = pytest.mark.usefixtures("nothing_served")

FLOOR = "{ __typename }"
MY_TASKS = "query MyTasks { viewer { tasks(first: 5) { totalCount } } }"
VIEWER = "{ viewer { email } }"
UPDATE_EMPLOYEE = """mutation($input: UpdateEmployeeInput!) {
  updateEmployee(input: $input) { employee { status } errors { code } } }"""


async def _post(http: httpx.AsyncClient, token: str, query: str, variables: Any = None) -> httpx.Response:
    return await http.post(
        "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {token}"},
    )


async def _warm(paths: Paths, token: str) -> None:
    """Both paths have answered the token; the fast path serves the floor and MY_TASKS."""
    for query in (FLOOR, MY_TASKS, FLOOR, MY_TASKS):
        response = await _post(paths.compiled, token, query)
        assert response.status_code == 200 and "errors" not in response.json(), response.text
    assert (await _post(paths.resolvers, token, VIEWER)).status_code == 200
    answer = (await _post(paths.compiled, token, MY_TASKS)).json()
    assert answer["extensions"]["readPath"] == "compiled"


@pytest.mark.parametrize("query", [FLOOR, MY_TASKS])
async def test_a_repeated_request_runs_the_revocation_statement_only_on_sqlite_without_redis(
    paths: Paths, org: Org, broker: str, query: str, database_url: str
) -> None:
    token = org.tokens["employee"]
    await _warm(paths, token)

    with count_statements() as statements:
        response = await _post(paths.compiled, token, query)

    assert response.status_code == 200
    token_checks = [s for s in statements if "revoked_at" in s]
    signalled = broker == "redis" or database_url.startswith("postgres")  # LISTEN/NOTIFY
    assert len(token_checks) == (0 if signalled else 1), statements


async def _revoke_token(paths: Paths, org: Org, token: str) -> None:
    claims = decode_access_token(token)
    await revoke_access_token(
        claims["jti"], client_id=claims["client_id"], employee_id=int(claims["sub"]), expires_at=claims["exp"]
    )


async def _revoke_client(paths: Paths, org: Org, token: str) -> None:
    assert await revoke_client(client_of(token))


async def _terminate(paths: Paths, org: Org, token: str) -> None:
    variables = {"input": {"id": org.ids["worker"], "status": "TERMINATED"}}
    data = (await _post(paths.compiled, org.tokens["service"], UPDATE_EMPLOYEE, variables)).json()["data"]
    assert data["updateEmployee"]["errors"] == [], data


Revoke = Callable[[Paths, Org, str], Awaitable[None]]


@pytest.mark.parametrize("revoke", [_revoke_token, _revoke_client, _terminate])
async def test_a_revocation_refuses_the_next_request_on_both_paths(
    paths: Paths, org: Org, broker: str, revoke: Revoke
) -> None:
    # given the worker's token, known to both paths
    token = org.tokens["employee"]
    await _warm(paths, token)

    # when it is revoked (by its id, with its client, or by the worker's termination)
    await revoke(paths, org, token)

    # then the very next request is refused, on the fast path and on the full path
    for http, query in ((paths.compiled, FLOOR), (paths.compiled, MY_TASKS), (paths.resolvers, VIEWER)):
        assert_refused(await _post(http, token, query))


async def _delivered(event_id: int, within: float = 5.0) -> None:
    hub = current_broker().hub
    deadline = asyncio.get_running_loop().time() + within
    while hub.max_seen_id < event_id:
        assert asyncio.get_running_loop().time() < deadline, "the event never reached this process's hub"
        await asyncio.sleep(0.01)


async def test_a_revocation_heard_from_another_process_refuses_the_next_request(
    paths: Paths, org: Org, broker: str, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if broker != "redis":
        pytest.skip("only Redis carries another process's events")
    token = org.tokens["employee"]
    await _warm(paths, token)
    other = RedisBroker(os.environ["TEST_REDIS_URL"], channel_for(database_url))  # another process's
    await other.start()
    try:
        # given the token revoked by another process, which has not announced it yet: this
        # process still trusts its recent answer, which only the announcement may end
        async def elsewhere(revocation: Revocation) -> None:
            return None

        monkeypatch.setattr("auth.oauth.store.announce", elsewhere)
        await _revoke_token(paths, org, token)
        assert (await _post(paths.compiled, token, FLOOR)).status_code == 200

        # when its `access.revoked` event reaches this process, through Redis only
        jti = decode_access_token(token)["jti"]
        event = revoked_event(Revocation("the access token was revoked", token_ids=(jti,)))
        async with in_transaction() as conn:
            await append_events(conn, [event])
        await other.publish([event])
        await _delivered(event.id)

        # then the next request is refused, on both paths
        assert_refused(await _post(paths.compiled, token, FLOOR))
        assert_refused(await _post(paths.compiled, token, MY_TASKS))
        assert_refused(await _post(paths.resolvers, token, VIEWER))
    finally:
        await other.stop()


async def test_without_a_redis_subscription_every_request_runs_the_statement(
    paths: Paths, org: Org, broker: str
) -> None:
    if broker != "redis":
        pytest.skip("a local broker never trusts an answer")
    token = org.tokens["employee"]
    await _warm(paths, token)
    broker_now = current_broker()
    assert isinstance(broker_now, RedisBroker) and broker_now._task is not None
    broker_now._task.cancel()  # the listener is gone: its subscription, and what it heard, end
    await asyncio.gather(broker_now._task, return_exceptions=True)

    with count_statements() as statements:
        assert (await _post(paths.compiled, token, FLOOR)).status_code == 200

    assert [s for s in statements if "revoked_at" in s], statements


_MIGRATION = importlib.import_module("migrations.0004_revocation_notify")
_CREATE_TOKEN_TRIGGER = next(sql for sql in _MIGRATION.CREATE if "oauth_tokens_revoked_notify" in sql)


async def _on_another_session(database_url: str, sql: str, *args: object) -> Any:
    connection = await asyncpg.connect(**{**connect_arguments(database_url), "server_settings": {}})
    try:
        return await connection.fetch(sql, *args)
    finally:
        await connection.close()


def _listening_signal(broker: str, database_url: str) -> RevocationSignal:
    signal = revocation_signal()
    if broker != "local" or signal is None:
        pytest.skip("the LISTEN session runs on PostgreSQL without Redis")
    assert signal.epoch is not None
    return signal


async def test_a_lost_listening_session_runs_the_statement_on_every_request(
    paths: Paths, org: Org, broker: str, database_url: str
) -> None:
    signal = _listening_signal(broker, database_url)
    token = org.tokens["employee"]
    await _warm(paths, token)
    signal.retry_seconds = 3600  # it stays lost for the rest of the test

    # when the database ends the process's listening session
    ended = await _on_another_session(
        database_url,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE application_name = $1 AND datname = current_database()",
        APPLICATION_NAME,
    )
    assert [row[0] for row in ended] == [True]
    await wait_until(lambda: signal.epoch is None)

    # then every request runs the revocation statement
    with count_statements() as statements:
        assert (await _post(paths.compiled, token, FLOOR)).status_code == 200
    assert len([s for s in statements if "revoked_at" in s]) == 1, statements

    # and a revocation that nobody hears of refuses the next request, on both paths
    worker = int(decode_access_token(token)["sub"])
    await _on_another_session(
        database_url, "UPDATE employees SET status = 'terminated' WHERE id = $1", worker
    )
    for http, query in ((paths.compiled, FLOOR), (paths.compiled, MY_TASKS), (paths.resolvers, VIEWER)):
        assert_refused(await _post(http, token, query))


async def test_without_the_databases_triggers_every_request_runs_the_statement(
    paths: Paths, org: Org, broker: str, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    _listening_signal(broker, database_url)
    token = org.tokens["employee"]
    # given a database without the triggers (created otherwise than by `peoplegraph migrate`)
    await _on_another_session(database_url, "DROP TRIGGER oauth_tokens_revoked_notify ON oauth_tokens")
    try:
        await stop_broker()
        await start_broker(None, database_url)
        signal = revocation_signal()
        assert signal is not None
        await wait_until(lambda: "lacks the revocation triggers" in caplog.text)

        # then the process never trusts a remembered answer
        await _warm(paths, token)
        with count_statements() as statements:
            assert (await _post(paths.compiled, token, FLOOR)).status_code == 200
        assert signal.epoch is None
    finally:  # the test database outlives the test (it is emptied, not dropped)
        await _on_another_session(database_url, _CREATE_TOKEN_TRIGGER)
    assert len([s for s in statements if "revoked_at" in s]) == 1, statements
