"""PostgreSQL's pooled connections go back to the pool with their transaction ended and nothing
more sent (db_recovery.py `_end_transaction_only`): one round trip per read, not two."""

from __future__ import annotations

from typing import Any

import pytest
from tortoise import connections

from tests.conftest import BACKEND

pytestmark = pytest.mark.skipif(BACKEND != "postgres", reason="asyncpg's pool is PostgreSQL's")


def _pool() -> Any:
    return connections.get("default")._pool


async def test_a_read_outside_a_transaction_sends_only_its_statement(database_url: str) -> None:
    sent: list[str] = []
    pool = _pool()
    async with pool.acquire() as connection:
        connection.add_query_logger(lambda record: sent.append(record.query))
        await connection.fetch("SELECT 1")
    # Released: the pool's reset ran on it, and logged whatever it sent.

    assert sent == ["SELECT 1"]


async def test_a_connection_released_inside_a_transaction_comes_back_without_it(database_url: str) -> None:
    pool = _pool()
    async with pool.acquire() as connection:
        await connection.execute("BEGIN")
        await connection.execute("CREATE TABLE left_open (id int)")
        pid = await connection.fetchval("SELECT pg_backend_pid()")

    async with pool.acquire() as again:
        same = await again.fetchval("SELECT pg_backend_pid()") == pid
        in_transaction = again.is_in_transaction()
        table = await again.fetchval("SELECT to_regclass('left_open')")

    assert (same, in_transaction, table) == (True, False, None)
