"""Database clients that recover from dropped connections (a restart, `pg_terminate_backend`).

A read that fails because its connection was lost is retried once on a fresh connection; a
write, or a transaction, is never retried here: it fails with `DatabaseUnavailable`, which the
HTTP layer answers with 503, DATABASE_UNAVAILABLE and `Retry-After` (nothing of the failed
transaction was committed, so the client may retry). Either way the broken connections are
dropped, so the next request gets fresh ones instead of failing on the same dead pool.

`db.tortoise_config` names this module as Tortoise's engine; Tortoise calls `get_client_class`.
"""

from __future__ import annotations

import abc
import contextlib
import sqlite3
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import asyncpg
from tortoise.backends.asyncpg.client import AsyncpgDBClient
from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient, TransactionContext
from tortoise.backends.sqlite.client import SqliteClient
from tortoise.exceptions import DBConnectionError

T = TypeVar("T")
RETRY_AFTER_SECONDS = 1

_LOST = (
    asyncpg.PostgresConnectionError,  # class 08, ConnectionDoesNotExistError among them
    asyncpg.exceptions.AdminShutdownError,  # pg_terminate_backend, a fast shutdown
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.CannotConnectNowError,  # the server is starting up
    asyncpg.exceptions.InternalClientError,  # a connection whose server end vanished while idle
    DBConnectionError,
    ConnectionError,
    OSError,
)

_AIOSQLITE_CLOSED = {"Connection closed", "no active connection"}


class DatabaseUnavailable(Exception):
    """The database connection was lost and the operation was not completed."""

    # graphql-core copies an original error's `extensions` to the GraphQL error it wraps.
    extensions = {"code": "DATABASE_UNAVAILABLE", "retryAfter": RETRY_AFTER_SECONDS}

    def __init__(self) -> None:
        super().__init__(
            "The database connection was lost and nothing of this request was committed; "
            "retry it (with the same Idempotency-Key, if it had one)."
        )


def connection_lost(exc: BaseException) -> bool:
    """True when `exc`, or what caused it, says the connection itself is gone."""
    seen: BaseException | None = exc
    for _ in range(5):  # Tortoise and our own wrappers chain a few levels at most
        if seen is None:
            return False
        if isinstance(seen, (DatabaseUnavailable, *_LOST)):
            return True
        if isinstance(seen, asyncpg.InterfaceError) and "closed" in str(seen):
            return True
        if isinstance(seen, sqlite3.ProgrammingError) and "closed database" in str(seen):
            return True
        if isinstance(seen, ValueError) and str(seen) in _AIOSQLITE_CLOSED:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _is_read(query: str) -> bool:
    return query.lstrip().upper().startswith("SELECT")


class _Recovering(BaseDBAsyncClient):
    """Retry lost reads once, turn lost writes and transactions into `DatabaseUnavailable`."""

    @abc.abstractmethod
    async def _drop_connections(self) -> None:
        """Close the broken connections, so that the next call opens a fresh one."""

    async def _recover(self, read: bool, call: Callable[[], Awaitable[T]]) -> T:
        lost: Exception | None = None
        for _ in range(2 if read else 1):  # a read is harmless to run again, a write is not
            try:
                return await call()
            except Exception as exc:
                if not connection_lost(exc):
                    raise
                await self._drop_connections()
                lost = exc
        raise DatabaseUnavailable() from lost

    async def execute_query(self, query: str, values: list[Any] | None = None) -> Any:
        call = super().execute_query
        return await self._recover(_is_read(query), lambda: call(query, values))

    async def execute_query_dict(self, query: str, values: list[Any] | None = None) -> list[dict[str, Any]]:
        call = super().execute_query_dict
        return await self._recover(_is_read(query), lambda: call(query, values))

    async def execute_insert(self, query: str, values: list[Any]) -> Any:
        call = super().execute_insert
        return await self._recover(False, lambda: call(query, values))

    async def execute_many(self, query: str, values: list[Any]) -> None:
        call = super().execute_many
        await self._recover(False, lambda: call(query, values))

    def _in_transaction(self) -> TransactionContext:
        return _RecoveringTransaction(super()._in_transaction(), self)


class _RecoveringTransaction(TransactionContext):
    """A transaction whose lost connection is released, dropped and reported as unavailable."""

    def __init__(self, inner: TransactionContext, client: _Recovering) -> None:
        self.inner = inner
        self.owner = client

    async def __aenter__(self) -> TransactionalDBClient:
        try:
            return await self.inner.__aenter__()
        except Exception as exc:
            if not connection_lost(exc):
                raise
            # Give back what beginning took (the pooled connection, SQLite's lock): Tortoise
            # would keep it, since a context whose __aenter__ failed is never exited.
            with contextlib.suppress(Exception):
                await self.inner.__aexit__(type(exc), exc, exc.__traceback__)
            lock = getattr(self.inner, "_trxlock", None)
            if lock is not None and lock.locked() and not hasattr(self.inner, "token"):
                lock.release()
            await self.owner._drop_connections()
            raise DatabaseUnavailable() from exc

    async def __aexit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        try:
            await self.inner.__aexit__(exc_type, exc_val, exc_tb)
        except Exception as exc:
            if not connection_lost(exc):
                raise
            await self.owner._drop_connections()
            raise DatabaseUnavailable() from exc
        if exc_val is not None and connection_lost(exc_val) and not isinstance(exc_val, DatabaseUnavailable):
            await self.owner._drop_connections()
            raise DatabaseUnavailable() from exc_val


async def _end_transaction_only(connection: asyncpg.Connection) -> None:
    """What a pooled connection needs on its way back: asyncpg has already rolled back an open
    transaction (and dropped its listeners) before calling this. Its default reset would send
    `pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL` too, one more round trip per
    statement outside a transaction, for session state the app never leaves behind: its advisory
    locks are transaction-scoped (`pg_advisory_xact_lock`), cursors live in transactions, and it
    sets no session variable and listens to nothing (tests/unit/test_pool_reset.py)."""


class RecoveringAsyncpgClient(_Recovering, AsyncpgDBClient):
    async def create_pool(self, **kwargs: Any) -> asyncpg.Pool:
        return await asyncpg.create_pool(None, reset=_end_transaction_only, **kwargs)

    async def _drop_connections(self) -> None:
        # Every pooled connection may be dead (a restart kills them all): replace each on its
        # next acquire rather than failing once per connection.
        with contextlib.suppress(Exception):
            await self._expire_connections()


class RecoveringSqliteClient(_Recovering, SqliteClient):
    async def _drop_connections(self) -> None:
        connection, self._connection = self._connection, None  # reopened on next use
        if connection is not None:
            with contextlib.suppress(Exception):
                await connection.close()


def get_client_class(db_info: dict[str, Any]) -> type[BaseDBAsyncClient]:
    # Tortoise keeps only `engine` and `credentials` of a connection's config: a SQLite one is
    # told apart by its file path.
    return RecoveringSqliteClient if "file_path" in db_info["credentials"] else RecoveringAsyncpgClient
