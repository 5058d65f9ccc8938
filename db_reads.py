"""Read statements beside the writer on SQLite, without aiosqlite's thread hop.

Tortoise's SQLite client runs every statement on aiosqlite's worker thread: handing the
statement over and waking the event loop again costs more than a small read itself (about a
third of a cached compiled read, bench/README.md). `rows()` runs a read-only statement on this
process's *read connection* instead: a plain `sqlite3` connection to the same database file, in
autocommit mode and `query_only`, called in the event loop's thread.

Why the answers stay the same:

- The database is in WAL mode (Tortoise's default; checked when the connection opens, else
  there is no read connection): readers do not wait for the writer and the writer does not wait
  for them.
- Each statement in autocommit mode reads the newest committed state: a mutation that has
  committed (and answered) is seen by the next read, in this process or another. An uncommitted
  transaction of another request is never seen (on the writer's connection it would be).
- Inside a transaction (`connections.get` returns the transaction's client there), or on
  PostgreSQL, or for a database in memory, `rows()` runs the statement on Tortoise's client as
  before, so a transaction reads its own writes.
- The connection waits at most `BUSY_MS` for a lock (there is none in WAL but during recovery);
  a statement that fails with `sqlite3.OperationalError` runs again on Tortoise's client.

Statements are logged as Tortoise logs its own (logger `tortoise.db_client`, "<sql>: <values>"),
so the tests that count statements count these too.
"""

from __future__ import annotations

import logging
import sqlite3
import weakref
from collections.abc import Callable, Sequence
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient
from tortoise.connection import connections

BUSY_MS = 50
log = logging.getLogger("tortoise.db_client")


class Reader:
    """The read connection of one SQLite database file."""

    def __init__(self, filename: str) -> None:
        self.connection = sqlite3.connect(
            filename, isolation_level=None, check_same_thread=False, cached_statements=512
        )
        self.connection.execute(f"PRAGMA busy_timeout={BUSY_MS}")
        self.connection.execute("PRAGMA query_only=ON")
        (journal,) = self.connection.execute("PRAGMA journal_mode").fetchone()
        self.wal = str(journal).lower() == "wal"
        self._functions: set[str] = set()

    def function(self, name: str, arity: int, fn: Callable[..., Any]) -> None:
        """Make `fn` callable from this connection's SQL as `name` (once)."""
        if name not in self._functions:
            self.connection.create_function(name, arity, fn, deterministic=True)
            self._functions.add(name)

    def rows(self, sql: str, values: Sequence[Any]) -> list[Any]:
        log.debug("%s: %s", sql, values)
        return self.connection.execute(sql, tuple(values)).fetchall()

    def close(self) -> None:
        self.connection.close()


_readers: weakref.WeakKeyDictionary[BaseDBAsyncClient, Reader | None] = weakref.WeakKeyDictionary()


def reader(client: BaseDBAsyncClient | None = None) -> Reader | None:
    """The read connection beside `client` (the default connection), or None where statements
    must run on the client itself: PostgreSQL, a transaction, a database in memory, no WAL."""
    client = client if client is not None else connections.get("default")
    if client.capabilities.dialect != "sqlite" or isinstance(client, TransactionalDBClient):
        return None
    if client in _readers:
        return _readers[client]
    filename = str(getattr(client, "filename", "") or "")
    found: Reader | None = None
    if filename and filename != ":memory:" and not filename.startswith("file:"):
        try:
            found = Reader(filename)
        except sqlite3.Error:
            found = None
        if found is not None and not found.wal:
            found.close()
            found = None
    _readers[client] = found
    if found is not None:
        weakref.finalize(client, found.close)
    return found


async def rows(sql: str, values: Sequence[Any], client: BaseDBAsyncClient | None = None) -> list[Any]:
    """The rows of a read-only statement: on the read connection where there is one (see the
    module docstring), else on Tortoise's client."""
    client = client if client is not None else connections.get("default")
    found = reader(client)
    if found is not None:
        try:
            return found.rows(sql, values)
        except sqlite3.OperationalError as error:  # busy, or anything odd: the writer's way
            log.debug("read connection failed (%s), running on the client", error)
    _, result = await client.execute_query(sql, list(values))
    return list(result)


def close_all() -> None:
    """Close every read connection (the database is being closed)."""
    for found in list(_readers.values()):
        if found is not None:
            found.close()
    _readers.clear()
