"""A server killed mid-mutation: the retry replays the committed answer or runs it once, never 409."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace

import httpx
import pytest

from config import Settings
from models.idempotency import IdempotencyKey
from models.tasks import Task
from tests.conftest import BACKEND
from tests.support import factories as f
from tests.support.graphql_client import TokenMaker
from tests.support.server_process import ServerProcess, server_process
from web import crash_points

CREATE_TASK = """
mutation Create($input: CreateTaskInput!) {
  createTask(input: $input) { task { id title } errors { code } }
}
"""


async def post_create(http: httpx.AsyncClient, token: str) -> httpx.Response:
    return await http.post(
        "/graphql",
        json={"query": CREATE_TASK, "variables": {"input": {"title": "Survives"}}},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "crash-1"},
    )


@pytest.mark.parametrize(
    ("point", "replayed"), [(crash_points.BEFORE_COMMIT, False), (crash_points.AFTER_COMMIT, True)]
)
async def test_a_retry_after_a_kill_mid_mutation_has_exactly_one_effect(
    settings: Settings, tokens: TokenMaker, point: str, replayed: bool
) -> None:
    await f.employee(email="ada@example.com")
    token = await tokens("ada@example.com")
    async with (
        server_process(settings, crash_point=point) as doomed,
        httpx.AsyncClient(base_url=doomed.url) as http,
    ):
        cut_off = asyncio.create_task(post_create(http, token))
        await doomed.reached(point)
        await doomed.kill()
        with pytest.raises(httpx.TransportError):
            await cut_off

    async with server_process(settings) as fresh, httpx.AsyncClient(base_url=fresh.url) as http:
        retry = await post_create(http, token)

    assert retry.status_code == 200
    assert retry.json()["data"]["createTask"]["task"]["title"] == "Survives"
    assert (retry.headers.get("Idempotent-Replayed") == "true") is replayed
    assert await Task.all().count() == 1
    assert await IdempotencyKey.filter(status_code=200).count() == 1


@dataclass
class HeldFirstAttempt:
    """A first attempt stopped before its commit in one worker; a client on a second worker."""

    holder: ServerProcess
    first: asyncio.Task[httpx.Response]
    to_other: httpx.AsyncClient

    async def kill_holder(self) -> None:
        await self.holder.kill()
        with pytest.raises(httpx.TransportError):
            await self.first


@contextlib.asynccontextmanager
async def first_attempt_held(
    settings: Settings, other_settings: Settings, token: str
) -> AsyncIterator[HeldFirstAttempt]:
    async with (
        server_process(settings, crash_point=crash_points.BEFORE_COMMIT) as holder,
        server_process(other_settings) as other,
        httpx.AsyncClient(base_url=holder.url) as to_holder,
        httpx.AsyncClient(base_url=other.url) as to_other,
    ):
        first = asyncio.create_task(post_create(to_holder, token))
        await holder.reached(crash_points.BEFORE_COMMIT)
        yield HeldFirstAttempt(holder, first, to_other)


async def test_a_duplicate_sent_to_another_worker_while_the_first_dies_runs_it_once(
    settings: Settings, tokens: TokenMaker
) -> None:
    await f.employee(email="ada@example.com")
    token = await tokens("ada@example.com")
    async with first_attempt_held(settings, settings, token) as held:
        duplicate = asyncio.create_task(post_create(held.to_other, token))  # waits for it, or comes after
        await held.kill_holder()
        answered = await duplicate

    assert answered.status_code == 200
    assert answered.json()["data"]["createTask"]["task"]["title"] == "Survives"
    assert "Idempotent-Replayed" not in answered.headers
    assert await Task.all().count() == 1


@pytest.mark.skipif(BACKEND == "postgres", reason="PostgreSQL makes the duplicate wait (test above)")
async def test_a_duplicate_while_another_sqlite_process_holds_the_key_gets_409(
    settings: Settings, tokens: TokenMaker
) -> None:
    await f.employee(email="ada@example.com")
    token = await tokens("ada@example.com")
    impatient = replace(
        settings, database_url=settings.database_url.replace("busy_timeout=5000", "busy_timeout=200")
    )
    async with first_attempt_held(settings, impatient, token) as held:
        duplicate = await post_create(held.to_other, token)

        await held.kill_holder()

    assert duplicate.status_code == 409
    assert duplicate.json()["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_IN_USE"
    assert await Task.all().count() == 0
