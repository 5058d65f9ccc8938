"""Rate limits are counted across server processes: a caller's requests spread over two workers
draw on one bucket in Redis, as if one server had answered them all.

Runs only with PEOPLEGRAPH_TEST_BACKEND=postgres and TEST_REDIS_URL (skipped otherwise).
"""

from __future__ import annotations

import os
from typing import Any

import httpx

from auth.oauth.throttle import redis_prefix
from auth.rate_limit import RedisBuckets
from config import Settings
from tests.support import factories as f
from tests.support.graphql_client import TokenMaker
from tests.support.server_process import NEEDS_POSTGRES_AND_REDIS, worker

pytestmark = NEEDS_POSTGRES_AND_REDIS

# A page of ten employees costs 20 (10 x (1 + 1)); a bucket of 100 holds five of them and, at this
# rate, does not refill a page's worth within the test.
TEN_EMPLOYEES = "{ employees(first: 10) { nodes { id } } }"
LIMITS = {"PEOPLEGRAPH_RATE_LIMIT_MAXIMUM": "100", "PEOPLEGRAPH_RATE_LIMIT_RESTORE_RATE": "0.01"}


async def _ask(url: str, token: str) -> tuple[int, Any]:
    async with httpx.AsyncClient(base_url=url) as http:
        response = await http.post(
            "/graphql", json={"query": TEN_EMPLOYEES}, headers={"Authorization": f"Bearer {token}"}
        )
    return response.status_code, response.json()


async def test_requests_spread_over_two_workers_draw_on_one_bucket(
    settings: Settings, tokens: TokenMaker
) -> None:
    # given an employee and two workers sharing one Redis, each with a bucket of five pages
    await f.employee(email="ada@example.com")
    token = await tokens("ada@example.com")
    buckets = RedisBuckets(os.environ["TEST_REDIS_URL"], redis_prefix(settings.database_url) + "cost:")
    await buckets.clear()
    try:
        async with worker(settings, **LIMITS) as first, worker(settings, **LIMITS) as second:
            # when the employee asks for six pages, alternating between the workers
            answers = [await _ask((first, second)[n % 2], token) for n in range(6)]
            # and once more on each
            after = [await _ask(url, token) for url in (first, second)]
    finally:
        await buckets.clear()  # the bucket outlives the test's database otherwise
        await buckets.close()

    # then the sixth is refused (a worker alone would have seen three), and so is every later one
    assert [status for status, _ in answers] == [200] * 5 + [429]
    left = [body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] for _, body in answers[:5]]
    assert left == [80, 60, 40, 20, 0]
    assert [status for status, _ in after] == [429, 429]
    assert all(body["errors"][0]["extensions"]["code"] == "THROTTLED" for _, body in [answers[5], *after])
