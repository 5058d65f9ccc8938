"""`Idempotency-Key`: one effect per key, a replay only for a token that may read it."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import httpx

from events.after_commit import add_listener, remove_listener
from models.events import Event
from models.idempotency import IdempotencyKey
from models.tasks import Task
from resolvers.core import idempotency
from tests.support import factories as f
from tests.support.graphql_client import ClientMaker, TokenMaker

CREATE_TASK = """
mutation Create($input: CreateTaskInput!) {
  createTask(input: $input) { task { id title assignee { email } } errors { code } }
}
"""
WIDE = "tasks:read tasks:write employees:read"
NARROW = "tasks:read tasks:write"


async def committed(event_id: int) -> bool:
    return await Event.exists(id=event_id)


def code_of(response: httpx.Response) -> str:
    return str(response.json()["errors"][0]["extensions"]["code"])


async def test_concurrent_duplicates_run_once_and_the_others_replay_the_answer(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await f.employee(email="ada@example.com")
    client = graphql(await tokens("ada@example.com"))

    responses = await asyncio.gather(
        *[
            client.post(CREATE_TASK, {"input": {"title": "Once"}}, **{"Idempotency-Key": "k"})
            for _ in range(5)
        ]
    )

    assert [r.status_code for r in responses] == [200] * 5
    assert len({r.text for r in responses}) == 1
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 4
    assert await Task.all().count() == 1


async def test_another_employee_with_the_same_key_gets_an_answer_of_their_own(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await f.employee(email="ada@example.com")
    await f.employee(email="grace@example.com")
    ada = graphql(await tokens("ada@example.com"))
    grace = graphql(await tokens("grace@example.com"))

    await ada.post(CREATE_TASK, {"input": {"title": "Mine"}}, **{"Idempotency-Key": "shared"})
    theirs = await grace.post(CREATE_TASK, {"input": {"title": "Mine"}}, **{"Idempotency-Key": "shared"})

    assert theirs.status_code == 200
    assert "Idempotent-Replayed" not in theirs.headers
    assert theirs.json()["data"]["createTask"]["task"]["assignee"] == {"email": "grace@example.com"}
    assert "ada@example.com" not in theirs.text
    assert await Task.all().count() == 2


async def test_a_replay_to_a_token_with_fewer_scopes_is_refused_without_the_stored_answer(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await f.employee(email="ada@example.com")
    wide = graphql(await tokens("ada@example.com", WIDE))
    narrow = graphql(await tokens("ada@example.com", NARROW))
    await wide.post(CREATE_TASK, {"input": {"title": "Scoped"}}, **{"Idempotency-Key": "k"})

    replay = await narrow.post(CREATE_TASK, {"input": {"title": "Scoped"}}, **{"Idempotency-Key": "k"})

    assert replay.status_code == 403
    assert code_of(replay) == "IDEMPOTENCY_KEY_FORBIDDEN"
    assert "ada@example.com" not in replay.text
    assert "data" not in replay.json()
    assert await Task.all().count() == 1


async def test_a_replay_to_a_token_with_more_scopes_returns_the_stored_answer(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await f.employee(email="ada@example.com")
    first = await graphql(await tokens("ada@example.com", WIDE)).post(
        CREATE_TASK, {"input": {"title": "Scoped"}}, **{"Idempotency-Key": "k"}
    )

    replay = await graphql(await tokens("ada@example.com")).post(
        CREATE_TASK, {"input": {"title": "Scoped"}}, **{"Idempotency-Key": "k"}
    )

    assert replay.status_code == 200
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()


async def test_a_key_over_255_characters_is_refused(graphql: ClientMaker, tokens: TokenMaker) -> None:
    await f.employee(email="ada@example.com")
    client = graphql(await tokens("ada@example.com"))

    response = await client.post(CREATE_TASK, {"input": {"title": "x"}}, **{"Idempotency-Key": "k" * 256})

    assert response.status_code == 400
    assert code_of(response) == "BAD_REQUEST"
    assert await Task.all().count() == 0


async def test_a_mutation_under_a_key_is_announced_once_it_has_committed(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await f.employee(email="ada@example.com")
    client = graphql(await tokens("ada@example.com"))
    announced: asyncio.Queue[tuple[str, bool]] = asyncio.Queue()

    async def listener(events: Sequence[Event]) -> None:
        for event in events:  # read as another request would, outside any transaction
            seen = asyncio.create_task(committed(event.id), context=contextvars.Context())
            announced.put_nowait((event.type, await asyncio.wait_for(seen, 5)))

    add_listener(listener)
    try:
        await client.post(CREATE_TASK, {"input": {"title": "Heard"}}, **{"Idempotency-Key": "k"})
        heard = await asyncio.wait_for(announced.get(), 5)
    finally:
        remove_listener(listener)

    assert heard == ("task.created", True)


async def test_the_sweep_deletes_keys_older_than_a_day_and_keeps_the_others(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await f.employee(email="ada@example.com")
    client = graphql(await tokens("ada@example.com"))
    await client.post(CREATE_TASK, {"input": {"title": "Old"}}, **{"Idempotency-Key": "old"})
    await client.post(CREATE_TASK, {"input": {"title": "New"}}, **{"Idempotency-Key": "new"})
    await IdempotencyKey.filter(key="old").update(created_at=datetime.now(UTC) - timedelta(hours=25))

    swept = await idempotency.sweep()

    assert swept == 1
    assert await IdempotencyKey.all().values_list("key", flat=True) == ["new"]  # type: ignore[comparison-overlap]  # tortoise types a flat values_list as tuples


async def test_the_server_sweeps_expired_keys_in_the_background(
    graphql: ClientMaker, tokens: TokenMaker
) -> None:
    await f.employee(email="ada@example.com")
    client = graphql(await tokens("ada@example.com"))
    await client.post(CREATE_TASK, {"input": {"title": "Old"}}, **{"Idempotency-Key": "old"})
    await IdempotencyKey.filter(key="old").update(created_at=datetime.now(UTC) - timedelta(hours=25))
    passes: asyncio.Queue[int] = asyncio.Queue()

    sweeper = asyncio.create_task(idempotency.sweep_forever(3600, passes.put_nowait))
    try:
        swept = await asyncio.wait_for(passes.get(), 5)
    finally:
        sweeper.cancel()

    assert swept == 1
    assert await IdempotencyKey.all().count() == 0
