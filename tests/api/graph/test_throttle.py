"""Cost-based rate limits: every response says what is left in the caller's bucket; a caller that
empties it is refused with THROTTLED, HTTP 429 and `Retry-After` before anything runs, while
other callers are not affected; the bucket refills with time (a test clock, no sleeping)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from auth.oauth.clients import mint_token
from auth.rate_limit import RateLimiter
from config import RateLimits, Settings
from models.tasks import Task
from tests.support import factories as f
from tests.support.graphql_client import EVERY_SCOPE, GraphQLClient, TokenMaker, error_codes
from tests.support.live import CREATE_TASK, TASK_EVENTS, call, listening
from tests.support.oauth_helpers import make_web_client
from tests.support.ws_client import WSClient, live_server

REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="needs TEST_REDIS_URL")

# A page of ten employees: each with its `nodes` entry, 10 x (1 + 1).
TEN_EMPLOYEES = "{ employees(first: 10) { nodes { id } } }"
TEN_EMPLOYEES_COST = 20
# The same, by a name no other test uses: the fast path serves it from its second request on.
FAST_TEN_EMPLOYEES = "query ChargedOnBothPaths { employees(first: 10) { nodes { id } } }"
VIEWER = "{ viewer { email } }"  # costs 1
INTROSPECTION = "{ __schema { queryType { name } types { name } } }"  # costs 0

# Room for five pages of ten; one page comes back every two seconds.
LIMITS = RateLimits(maximum_available=100, restore_rate=10)


class Clock:
    """Wall-clock seconds the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Limited:
    app: Starlette
    http: httpx.AsyncClient
    clock: Clock

    def client(self, token: str | None = None) -> GraphQLClient:
        return GraphQLClient(self.http, token)


def limiter_of(app: Starlette) -> RateLimiter:
    graphql = next(r.endpoint for r in app.routes if getattr(r, "path", "") == "/graphql")  # type: ignore[attr-defined]  # a Route
    limiter = graphql.rate_limiter
    assert isinstance(limiter, RateLimiter)
    return limiter


def limited_app(settings: Settings, clock: Clock) -> Starlette:
    from server import create_app

    app = create_app(settings, manage_db=False)
    limiter_of(app).clock = clock
    return app


@pytest.fixture
async def limited(settings: Settings) -> AsyncIterator[Limited]:
    clock = Clock()
    app = limited_app(replace(settings, rate_limits=LIMITS), clock)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield Limited(app, http, clock)


async def employee_token(tokens: TokenMaker, email: str) -> str:
    await f.employee(email=email)
    return await tokens(email)


async def token_through_another_app(settings: Settings, email: str) -> str:
    """A token for the same employee, issued to another OAuth client (another app)."""
    other = await make_web_client(public=True, scopes=EVERY_SCOPE)
    minted = await mint_token(settings, scopes=EVERY_SCOPE, employee_email=email, client_id=other.client_id)
    return str(minted["access_token"])


def status_of(body: dict[str, Any]) -> dict[str, Any]:
    return body["extensions"]["cost"]["throttleStatus"]  # type: ignore[no-any-return]  # JSON


async def drain(client: GraphQLClient, times: int = 5) -> None:
    for _ in range(times):
        await client.data(TEN_EMPLOYEES)


async def test_every_response_says_what_is_left_in_the_bucket(limited: Limited, tokens: TokenMaker) -> None:
    # given an employee with a full bucket
    client = limited.client(await employee_token(tokens, "ada@example.com"))

    # when they ask twice
    first = await client.execute(TEN_EMPLOYEES)
    second = await client.execute(TEN_EMPLOYEES)

    # then each answer shows the bucket after its own cost
    assert status_of(first) == {"maximumAvailable": 100, "currentlyAvailable": 80, "restoreRate": 10}
    assert status_of(second)["currentlyAvailable"] == 100 - 2 * TEN_EMPLOYEES_COST


async def test_a_hammering_client_is_throttled_before_its_request_runs(
    limited: Limited, tokens: TokenMaker
) -> None:
    # given an employee who spent the whole bucket
    client = limited.client(await employee_token(tokens, "ada@example.com"))
    await drain(client)

    # when they ask again at once
    response = await client.post(CREATE_TASK, {"input": {"title": "Not now"}})

    # then they are told to wait: 429, Retry-After, THROTTLED with the wait, and nothing ran
    body = response.json()
    assert response.status_code == 429
    assert error_codes(body) == ["THROTTLED"]
    # the mutation costs 3 (its payload, the task, the errors list): 3 / 10 a second
    assert body["errors"][0]["extensions"]["retryAfter"] == 0.3
    assert response.headers["retry-after"] == "1"
    assert body["data"] is None
    assert status_of(body)["currentlyAvailable"] == 0
    assert not await Task.filter(title="Not now").exists()


async def test_a_throttled_mutation_with_an_idempotency_key_runs_when_retried_after_the_wait(
    limited: Limited, tokens: TokenMaker
) -> None:
    # given an employee who spent the whole bucket, and a mutation refused under a key
    client = limited.client(await employee_token(tokens, "ada@example.com"))
    await drain(client)
    variables = {"input": {"title": "Retried"}}
    refused = await client.post(CREATE_TASK, variables, **{"Idempotency-Key": "retry-1"})
    assert refused.status_code == 429

    # when the client retries with the same key once the wait is over
    limited.clock.now += float(refused.headers["retry-after"])
    retried = await client.post(CREATE_TASK, variables, **{"Idempotency-Key": "retry-1"})

    # then the mutation runs (the refusal was not remembered as its answer), once
    assert retried.status_code == 200 and retried.json()["data"]["createTask"]["errors"] == []
    assert "idempotent-replayed" not in retried.headers
    assert await Task.filter(title="Retried").count() == 1


async def test_a_throttled_request_takes_nothing_and_the_bucket_refills_with_time(
    limited: Limited, tokens: TokenMaker
) -> None:
    # given an employee who spent the whole bucket and was refused once
    client = limited.client(await employee_token(tokens, "ada@example.com"))
    await drain(client)
    refused = await client.post(TEN_EMPLOYEES)
    assert refused.status_code == 429
    assert refused.json()["errors"][0]["extensions"]["retryAfter"] == 2.0

    # when the wait it was told has passed
    limited.clock.now += 2.0
    body = await client.execute(TEN_EMPLOYEES)

    # then the request runs (the refusal took nothing), and leaves the bucket empty again
    assert "errors" not in body
    assert status_of(body)["currentlyAvailable"] == 0
    limited.clock.now += 1000.0
    assert status_of(await client.execute(VIEWER))["currentlyAvailable"] == 100 - 1  # never above the maximum


async def test_other_employees_and_other_apps_keep_their_own_buckets(
    limited: Limited, tokens: TokenMaker, settings: Settings
) -> None:
    # given ada spent her bucket in one app
    ada = limited.client(await employee_token(tokens, "ada@example.com"))
    await drain(ada)
    assert (await ada.post(VIEWER)).status_code == 429

    # when a colleague in the same app, and ada herself in another app, ask
    tim = await limited.client(await employee_token(tokens, "tim@example.com")).execute(TEN_EMPLOYEES)
    elsewhere = await limited.client(await token_through_another_app(settings, "ada@example.com")).execute(
        TEN_EMPLOYEES
    )
    service = await limited.client(await tokens()).execute(TEN_EMPLOYEES)

    # then each is served from a full bucket of its own
    for body in (tim, elsewhere, service):
        assert "errors" not in body
        assert status_of(body)["currentlyAvailable"] == 100 - TEN_EMPLOYEES_COST


async def test_anonymous_callers_share_a_bucket_per_address_and_introspection_is_free(
    limited: Limited, tokens: TokenMaker
) -> None:
    # given an anonymous caller (docs tooling)
    anonymous = limited.client()

    # when it reads the schema many times
    bodies = [await anonymous.execute(INTROSPECTION) for _ in range(3)]

    # then it costs nothing
    full = {"maximumAvailable": 100, "currentlyAvailable": 100, "restoreRate": 10}
    assert [status_of(b) for b in bodies] == [full] * 3
    # and what else it sends (refused as unauthenticated, but run) is charged to its address
    answered = [(await anonymous.post(TEN_EMPLOYEES)).status_code for _ in range(6)]
    assert answered == [401] * 5 + [429]
    refused = await anonymous.post(TEN_EMPLOYEES)
    assert error_codes(refused.json()) == ["THROTTLED"]


async def test_an_operation_costing_more_than_a_whole_bucket_is_refused_for_good(
    limited: Limited, tokens: TokenMaker
) -> None:
    # given an employee with a full bucket
    client = limited.client(await employee_token(tokens, "ada@example.com"))

    # when they ask for more than a bucket ever holds
    body = await client.execute("{ employees(first: 60) { nodes { id } } }")

    # then no wait would help: QUERY_TOO_COSTLY, and the bucket is untouched
    assert error_codes(body) == ["QUERY_TOO_COSTLY"]
    assert body["errors"][0]["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": 120, "maximum": 100}
    assert status_of(body)["currentlyAvailable"] == 100


async def test_the_fast_path_for_compiled_reads_charges_the_same_bucket_once(
    limited: Limited, tokens: TokenMaker
) -> None:
    # given a compiled read the fast path serves once the full path has answered it
    client = limited.client(await employee_token(tokens, "ada@example.com"))
    before = await fast_reads(limited.http)
    bodies = [await client.execute(FAST_TEN_EMPLOYEES) for _ in range(5)]
    assert await fast_reads(limited.http) - before == 4

    # when the sixth finds the bucket empty
    refused = await client.post(FAST_TEN_EMPLOYEES)
    limited.clock.now += 2.0
    after = await client.execute(FAST_TEN_EMPLOYEES)

    # then both paths drew from one bucket, and the refusal (answered by the full path) took nothing
    assert [status_of(b)["currentlyAvailable"] for b in bodies] == [80, 60, 40, 20, 0]
    assert refused.status_code == 429 and error_codes(refused.json()) == ["THROTTLED"]
    assert status_of(after)["currentlyAvailable"] == 0 and "errors" not in after
    assert await fast_reads(limited.http) - before == 5


async def fast_reads(http: httpx.AsyncClient) -> float:
    for line in (await http.get("/metrics")).text.splitlines():
        if line.startswith("peoplegraph_graphql_fast_reads_total "):
            return float(line.split()[1])
    return 0.0


async def test_a_subscription_costs_its_operation_once_and_is_throttled_like_a_query(
    limited: Limited, tokens: TokenMaker
) -> None:
    token = await employee_token(tokens, "ada@example.com")
    client = limited.client(token)
    async with live_server(limited.app) as url:
        ws = await WSClient.connect(url, token)
        try:
            # given a subscription (cost 4) and an event it receives
            subscribed = await ws.subscribe(TASK_EVENTS)
            await listening(1)
            created = await call(url, token, CREATE_TASK, {"input": {"title": "Ship it"}})  # cost 3
            assert created["createTask"]["errors"] == []
            event = await ws.next_data(subscribed)
            assert event["taskEvents"]["type"] == "TASK_CREATED"

            # when the bucket is read, then spent, and another subscription is asked for
            left = status_of(await client.execute(VIEWER))["currentlyAvailable"]
            await drain(client, 4)  # 12 left
            await client.data("{ employees(first: 5) { nodes { id } } }")  # 2 left
            refused_id = await ws.subscribe(TASK_EVENTS)
            refused = await ws.receive(refused_id)
        finally:
            await ws.close()

    # then the event cost nothing, and the refusal says THROTTLED with the wait
    assert left == 100 - 4 - 3 - 1
    errors = refused["payload"] if refused["type"] == "error" else refused["payload"]["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["THROTTLED"]
    assert errors[0]["extensions"]["retryAfter"] > 0


@needs_redis
async def test_two_servers_sharing_redis_share_one_bucket(settings: Settings, tokens: TokenMaker) -> None:
    # given two app instances (two workers) on one Redis
    clock = Clock()
    shared = replace(settings, rate_limits=LIMITS, redis_url=REDIS_URL)
    one, two = limited_app(shared, clock), limited_app(shared, clock)
    await limiter_of(one).store.clear()
    token = await employee_token(tokens, "ada@example.com")
    try:
        async with (
            httpx.AsyncClient(transport=httpx.ASGITransport(app=one), base_url="http://testserver") as a,
            httpx.AsyncClient(transport=httpx.ASGITransport(app=two), base_url="http://testserver") as b,
        ):
            # when the employee spends the bucket on the first
            await drain(GraphQLClient(a, token))
            refused = await GraphQLClient(b, token).post(TEN_EMPLOYEES)
            clock.now += 2.0
            served = await GraphQLClient(b, token).execute(TEN_EMPLOYEES)
    finally:
        await limiter_of(one).store.clear()
        await limiter_of(one).close()
        await limiter_of(two).close()

    # then the second refuses them too, until the shared bucket refills
    assert refused.status_code == 429 and error_codes(refused.json()) == ["THROTTLED"]
    assert "errors" not in served and status_of(served)["currentlyAvailable"] == 0
