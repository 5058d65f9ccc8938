"""Event ids follow commit order, so `after: <id>` and webhook cursors never skip an event."""

from __future__ import annotations

import asyncio

import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from events.log import append_events, new_event
from models.events import Event


def _event(subject_id: int) -> Event:
    return new_event(
        "task.created", subject_type="Task", subject_id=subject_id, actor_id=None, client_id=None
    )


async def _waiting_for_the_order_lock() -> int:
    rows = await connections.get("default").execute_query_dict(
        "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
    )
    return int(rows[0]["n"])


async def test_a_later_writer_gets_a_later_id_and_waits_for_the_earlier_commit(database_url: str) -> None:
    if not database_url.startswith("postgres"):
        pytest.skip("SQLite serialises writers: ids are commit order by construction")
    first, second = _event(1), _event(2)
    first_written, release = asyncio.Event(), asyncio.Event()

    async def slow_writer() -> None:
        async with in_transaction() as conn:
            await append_events(conn, [first])
            first_written.set()
            await release.wait()

    async def fast_writer() -> None:
        await first_written.wait()
        async with in_transaction() as conn:
            await append_events(conn, [second])

    slow = asyncio.create_task(slow_writer())
    fast = asyncio.create_task(fast_writer())
    for _ in range(200):  # bounded: the second writer must be seen queuing behind the first
        if await _waiting_for_the_order_lock() == 1:
            break
        await asyncio.sleep(0.01)
    assert not fast.done(), "the second writer must wait for the first to commit"
    release.set()
    await asyncio.gather(slow, fast)

    assert second.id > first.id
    assert [e.subject_id for e in await Event.all().order_by("id")] == [1, 2]
