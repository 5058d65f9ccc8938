"""db_reads.py: read statements on SQLite's read connection see every committed write at once,
never another transaction's uncommitted one, and a transaction still reads its own writes."""

from __future__ import annotations

import asyncio

from tortoise.connection import connections
from tortoise.transactions import in_transaction

import db_reads
from models.employees import Employee
from tests.conftest import BACKEND
from tests.support import factories as f

NAME = "SELECT given_name FROM employees WHERE email = ?"


def _sql() -> str:
    return NAME if BACKEND != "postgres" else NAME.replace("?", "$1")


async def _name(client: object | None = None) -> str | None:
    rows = await db_reads.rows(_sql(), ["ada@example.com"], client)  # type: ignore[arg-type]
    return str(rows[0][0]) if rows else None


async def test_sqlite_reads_go_to_the_read_connection_and_postgresql_to_the_client(database_url: str) -> None:
    # given the test's database
    await f.employee(email="ada@example.com", given_name="Ada")

    # when a read asks for the read connection
    found = db_reads.reader()

    # then SQLite has one (WAL) and PostgreSQL none, and both read the row
    assert (found is not None) == (BACKEND != "postgres")
    assert await _name() == "Ada"


async def test_a_committed_write_is_read_at_once(database_url: str) -> None:
    # given Ada, read once (so the read connection is open)
    ada = await f.employee(email="ada@example.com", given_name="Ada")
    assert await _name() == "Ada"

    # when her name changes, in a transaction and outside one
    async with in_transaction() as conn:
        await Employee.filter(id=ada.id).using_db(conn).update(given_name="Augusta")
    first = await _name()
    await Employee.filter(id=ada.id).update(given_name="Ada Augusta")

    # then each read right after the commit sees it
    assert (first, await _name()) == ("Augusta", "Ada Augusta")


async def test_an_uncommitted_write_is_not_read_outside_its_transaction(database_url: str) -> None:
    # given Ada, and a transaction that renames her and waits before it commits
    ada = await f.employee(email="ada@example.com", given_name="Ada")
    assert await _name() == "Ada"
    renamed, release = asyncio.Event(), asyncio.Event()
    inside: list[str | None] = []

    async def rename() -> None:
        async with in_transaction() as conn:
            await Employee.filter(id=ada.id).using_db(conn).update(given_name="Uncommitted")
            inside.append(await _name(conn))  # the transaction reads its own write
            renamed.set()
            await release.wait()

    writer = asyncio.create_task(rename())
    await asyncio.wait_for(renamed.wait(), 10)

    # when another request reads meanwhile (SQLite: on the read connection, without waiting)
    during = await asyncio.wait_for(_name(), 10)
    release.set()
    await asyncio.wait_for(writer, 10)

    # then it saw the committed name, the transaction its own, and everyone the new one after
    assert (during, inside, await _name()) == ("Ada", ["Uncommitted"], "Uncommitted")


async def test_a_transaction_reads_its_own_writes_through_the_default_connection(database_url: str) -> None:
    # given Ada
    ada = await f.employee(email="ada@example.com", given_name="Ada")

    # when a transaction renames her and reads through whatever connection is current
    async with in_transaction() as conn:
        await Employee.filter(id=ada.id).using_db(conn).update(given_name="Mine")
        current = connections.get("default")
        seen = await _name(current)

    # then it read its own write (on SQLite, not on the read connection)
    assert seen == "Mine"
