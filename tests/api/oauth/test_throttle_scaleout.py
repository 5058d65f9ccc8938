"""Sign-in guesses are counted across server processes: wrong passwords spread over two
workers lock the account on both, as if one server had seen them all.

Runs only with PEOPLEGRAPH_TEST_BACKEND=postgres and TEST_REDIS_URL (skipped otherwise).
"""

from __future__ import annotations

import os

import httpx

from auth.oauth.throttle import RedisCounter, redis_prefix
from config import Settings
from tests.support.oauth_helpers import (
    BASE,
    PASSWORD,
    authorize_url,
    csrf_token,
    form_action,
    make_employee,
    make_web_client,
)
from tests.support.server_process import NEEDS_POSTGRES_AND_REDIS, worker

pytestmark = NEEDS_POSTGRES_AND_REDIS


async def sign_in(server: str, path: str, email: str, password: str) -> httpx.Response:
    """One attempt on the sign-in page of `server`, as a browser would make it."""
    async with httpx.AsyncClient(base_url=server) as web:
        page = await web.get(path)
        assert page.status_code == 200, page.text
        action = form_action(page.text).removeprefix(BASE)
        form = {"csrf_token": csrf_token(page.text), "action": "login", "email": email, "password": password}
        return await web.post(action, data=form)


async def test_wrong_passwords_spread_over_two_workers_lock_the_account_on_both(
    settings: Settings, auth_started: Settings
) -> None:
    # given an employee and a web client, served by two workers sharing one Redis
    employee = await make_employee()
    client = await make_web_client(public=True)
    path = authorize_url(client.client_id).removeprefix(BASE)
    counter = RedisCounter(os.environ["TEST_REDIS_URL"], redis_prefix(settings.database_url))
    try:
        async with worker(settings) as first, worker(settings) as second:
            # when five wrong passwords arrive, alternating between the workers
            answers = [
                (await sign_in((first, second)[n % 2], path, employee.email, f"guess {n}")).status_code
                for n in range(5)
            ]
            # then the fifth locked the account (a worker alone would have seen two or three),
            # and the right password is refused on both workers for a while
            locked = [await sign_in(server, path, employee.email, PASSWORD) for server in (first, second)]
    finally:
        await counter.clear()  # the count outlives the test's database otherwise
        await counter.close()
    assert answers == [400, 400, 400, 400, 429]
    assert [response.status_code for response in locked] == [429, 429]
    assert all(int(response.headers["retry-after"]) > 0 for response in locked)
