"""Guessing is slowed down: per account, per account and address, per client id, across workers."""

from __future__ import annotations

import os
import uuid
from dataclasses import replace
from typing import Any

import httpx
import pytest
import redis.asyncio as redis

from auth.oauth import routes as auth_routes
from auth.oauth.throttle import (
    MAX_MEMORY_KEYS,
    LoginThrottle,
    MemoryCounter,
    Policy,
    RedisCounter,
    redis_prefix,
)
from tests.support.oauth_helpers import (
    BASE,
    INTROSPECT_URL,
    PASSWORD,
    REVOKE_URL,
    TOKEN_URL,
    authorize_url,
    make_employee,
    make_service_client,
    make_web_client,
    submit_login,
)

REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="needs TEST_REDIS_URL")


def from_address(app: Any, address: str) -> httpx.AsyncClient:
    """A browser whose requests arrive from `address` (as a trusted proxy would report it)."""
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url=BASE)


async def test_account_locks_when_every_guess_comes_from_a_new_address(oauth_app: Any) -> None:
    # given an employee, and a guesser who rotates its address (X-Forwarded-For) each time
    employee = await make_employee()
    client = await make_web_client(public=True)
    url = authorize_url(client.client_id)
    answers = []
    for n in range(20):
        async with from_address(oauth_app, f"10.0.0.{n}") as web:
            answers.append((await submit_login(web, url, employee.email, f"guess {n}")).status_code)
    # when the employee then signs in from yet another address, with the right password
    async with from_address(oauth_app, "10.0.1.1") as web:
        locked = await submit_login(web, url, employee.email, PASSWORD)
    # then the account's own limit held: the 20th guess locked it, for everyone, for a while
    assert answers == [400] * 19 + [429]
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) > 0


async def test_one_address_locking_an_account_leaves_other_accounts_alone(oauth_app: Any) -> None:
    ada = await make_employee()
    grace = await make_employee("grace@example.com")
    client = await make_web_client(public=True)
    url = authorize_url(client.client_id)
    async with from_address(oauth_app, "10.0.0.1") as web:
        for _ in range(5):
            await submit_login(web, url, ada.email, "nope")
        other = await submit_login(web, url, grace.email, PASSWORD)
    assert other.status_code == 200  # the consent page: Grace signed in
    assert "Allow" in other.text


@pytest.mark.parametrize(
    "url", [TOKEN_URL, REVOKE_URL, INTROSPECT_URL], ids=["token", "revoke", "introspect"]
)
async def test_wrong_client_secrets_lock_the_client_id(oauth_app: Any, http: Any, url: str) -> None:
    # given a service client and someone guessing its secret
    client = await make_service_client()
    other = await make_service_client()
    form = {"grant_type": "client_credentials", "token": "t"}
    answers = [
        (await http.post(url, data=form, auth=(client.client_id, f"guess-{n}"))).status_code
        for n in range(10)
    ]
    # when the real secret is then sent
    locked = await http.post(url, data=form, auth=(client.client_id, client.client_secret or ""))
    # then the tenth wrong secret locked the client id out, the real one waits too
    assert answers == [401] * 9 + [429]
    assert locked.status_code == 429
    assert locked.json()["error"] == "invalid_client"
    assert int(locked.headers["retry-after"]) > 0
    # and another client is not affected
    fine = await http.post(
        TOKEN_URL,
        data={"grant_type": "client_credentials"},
        auth=(other.client_id, other.client_secret or ""),
    )
    assert fine.status_code == 200


async def test_a_right_secret_forgets_earlier_wrong_ones(oauth_app: Any, http: Any) -> None:
    client = await make_service_client()
    form = {"grant_type": "client_credentials"}
    for n in range(9):
        await http.post(TOKEN_URL, data=form, auth=(client.client_id, f"guess-{n}"))
    assert (
        await http.post(TOKEN_URL, data=form, auth=(client.client_id, client.client_secret or ""))
    ).status_code == 200
    after = await http.post(TOKEN_URL, data=form, auth=(client.client_id, "one more guess"))
    assert after.status_code == 401


async def test_lockout_ends_and_doubles_on_the_next_one() -> None:
    now = [1000.0]
    throttle = LoginThrottle(MemoryCounter(), pair_policy=Policy(max_failures=2), clock=lambda: now[0])
    for _ in range(2):
        await throttle.record_failure("ada@example.com", "10.0.0.1")
    assert await throttle.retry_after("ADA@example.com ", "10.0.0.1") == 60
    now[0] += 60
    assert await throttle.retry_after("ada@example.com", "10.0.0.1") == 0
    for _ in range(2):
        await throttle.record_failure("ada@example.com", "10.0.0.1")
    assert await throttle.retry_after("ada@example.com", "10.0.0.1") == 120


async def test_memory_counter_stays_bounded_under_a_flood_of_made_up_accounts() -> None:
    counter = MemoryCounter()
    throttle = LoginThrottle(counter)
    for n in range(MAX_MEMORY_KEYS + 500):
        await throttle.record_failure(f"nobody{n}@example.com", "10.0.0.1")
    assert len(counter._entries) <= MAX_MEMORY_KEYS


@needs_redis
async def test_a_lockout_on_one_worker_holds_on_another(settings: Any) -> None:
    # given two workers counting in the same Redis, namespaced for this test run
    prefix = redis_prefix(settings.database_url) + uuid.uuid4().hex[:8] + ":"
    first, second = RedisCounter(REDIS_URL, prefix), RedisCounter(REDIS_URL, prefix)
    try:
        await _lockout_is_shared(prefix, LoginThrottle(first), LoginThrottle(second))
    finally:
        await first.clear()
        await first.close()
        await second.close()


async def _lockout_is_shared(prefix: str, worker_a: LoginThrottle, worker_b: LoginThrottle) -> None:
    # when five wrong passwords arrive, alternating between the workers
    for n in range(5):
        await (worker_a if n % 2 else worker_b).record_failure("ada@example.com", "10.0.0.1")
    # then both refuse the next attempt
    assert await worker_a.retry_after("ada@example.com", "10.0.0.1") > 0
    assert await worker_b.retry_after("ada@example.com", "10.0.0.1") > 0
    # and the counts expire with the window, under the deployment's prefix only
    client: Any = redis.from_url(REDIS_URL)
    try:
        names = [name async for name in client.scan_iter(match=prefix + "*")]
        assert names
        ttls = [await client.ttl(name) for name in names]
        assert all(0 < ttl <= 3601 for ttl in ttls)
        assert all(b"ada" not in name for name in names), "e-mail addresses are not stored in the clear"
    finally:
        await client.aclose()


@needs_redis
async def test_server_with_redis_url_counts_sign_in_failures_in_redis(oauth_app: Any, settings: Any) -> None:
    # given the server started with REDIS_URL
    await auth_routes.startup(replace(settings, redis_url=REDIS_URL))
    other_worker = RedisCounter(REDIS_URL, redis_prefix(settings.database_url))
    try:
        await auth_routes.THROTTLES.clear()
        employee = await make_employee()
        client = await make_web_client(public=True)
        url = authorize_url(client.client_id)
        # when five wrong passwords arrive at this worker
        async with from_address(oauth_app, "10.0.0.1") as web:
            for _ in range(5):
                await submit_login(web, url, employee.email, "nope")
        # then another worker on the same Redis sees the lockout
        assert await LoginThrottle(other_worker).retry_after(employee.email, "10.0.0.1") > 0
    finally:
        await auth_routes.THROTTLES.clear()
        await auth_routes.startup(settings)
        await other_worker.close()


def test_deployments_on_one_redis_do_not_share_counts() -> None:
    assert redis_prefix("postgres://db/a") != redis_prefix("postgres://db/b")
    assert redis_prefix("postgres://db/a?min_size=1") == redis_prefix("postgres://db/a")


async def test_an_unreachable_redis_still_throttles_in_this_process() -> None:
    # given a worker whose Redis is down (nothing listens on port 1)
    counter = RedisCounter("redis://127.0.0.1:1/0", "peoplegraph:test:throttle:")
    throttle = LoginThrottle(counter)
    try:
        # when five wrong passwords arrive, the sign-in neither fails nor stops counting
        for _ in range(5):
            await throttle.record_failure("ada@example.com", "10.0.0.1")
        assert await throttle.retry_after("ada@example.com", "10.0.0.1") > 0
    finally:
        await counter.close()


async def test_wrong_secrets_in_the_form_count_too(oauth_app: Any, http: Any) -> None:
    client = await make_service_client()
    form = {"grant_type": "client_credentials", "client_id": client.client_id}
    answers = [
        (await http.post(TOKEN_URL, data={**form, "client_secret": f"guess-{n}"})).status_code
        for n in range(10)
    ]
    assert answers == [401] * 9 + [429]
