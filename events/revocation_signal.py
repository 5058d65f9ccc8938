"""Revocations of every process, heard without Redis: PostgreSQL's LISTEN/NOTIFY.

The database's triggers (migrations/0004_revocation_notify.py) send a notification on `CHANNEL`
in every transaction that revokes a token or a client or terminates an employee, delivered at
its commit to every session listening. `RevocationSignal` keeps one such session per process:

- `epoch` is a number while the session is listening, and None otherwise (not yet connected,
  the database lacks the triggers, the connection was lost): web/token_checks.py trusts a
  remembered "not revoked" only under the epoch it was found in, so a lost session voids every
  answer found before it, and a new session starts a new epoch (what was sent meanwhile was
  never heard);
- every notification calls the `on_revocation` callbacks (forget every remembered answer);
- the session is pinged every `ping_seconds`; a ping that fails or does not come back within
  that time ends the epoch, and the signal connects again after `retry_seconds`.

SQLite has no such signal: its revocation statement runs on the read connection in the event
loop's thread and costs less than `PRAGMA data_version` would (bench/README.md), so every
request runs it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Callable
from typing import Any

import asyncpg
from tortoise.backends.base.config_generator import expand_db_url

from events.tasks import end_task

log = logging.getLogger("peoplegraph.revocation_signal")

CHANNEL = "peoplegraph_revocations"
APPLICATION_NAME = "peoplegraph revocation signal"  # its session in pg_stat_activity
TRIGGERS = ("oauth_tokens_revoked_notify", "oauth_clients_revoked_notify", "employees_terminated_notify")
_TRIGGERS_SQL = "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgname = ANY($1::text[])"
_epochs = itertools.count(1)


def is_postgres(database_url: str) -> bool:
    return database_url.startswith(("postgres://", "postgresql://", "asyncpg://", "psycopg://"))


def connect_arguments(database_url: str) -> dict[str, Any]:
    """asyncpg's arguments for the database of a Tortoise URL."""
    credentials = expand_db_url(database_url)["credentials"]
    return {
        "host": credentials.get("host"),
        "port": int(credentials.get("port") or 5432),
        "user": credentials.get("user"),
        "password": credentials.get("password"),
        "database": credentials.get("database"),
        "server_settings": {"application_name": APPLICATION_NAME},
    }


class RevocationSignal:
    def __init__(self, database_url: str, ping_seconds: float = 5.0, retry_seconds: float = 1.0) -> None:
        self.arguments = connect_arguments(database_url)
        self.ping_seconds, self.retry_seconds = ping_seconds, retry_seconds
        self.epoch: int | None = None
        self.on_revocation: list[Callable[[], None]] = []
        self.connection: asyncpg.Connection | None = None
        self._task: asyncio.Task[None] | None = None
        self._lost = asyncio.Event()
        self._listening = asyncio.Event()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="revocation-signal")

    async def stop(self) -> None:
        self.epoch = None
        task, self._task = self._task, None
        await end_task(task)

    async def listening(self, within: float) -> bool:
        """Whether the session is listening, waiting at most `within` seconds for it."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._listening.wait(), within)
        return self.epoch is not None

    def _heard(self, *_: object) -> None:
        for callback in self.on_revocation:
            callback()

    def _closed(self, *_: object) -> None:
        self._end_epoch()
        self._lost.set()

    def _end_epoch(self) -> None:
        self.epoch = None
        self._listening.clear()

    async def _run(self) -> None:
        while True:
            try:
                await self._listen()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 (any failure: the statement runs meanwhile)
                log.warning("not listening for revocations: %s", error)
            finally:
                self._end_epoch()
                await self._close()
            await asyncio.sleep(self.retry_seconds)

    async def _listen(self) -> None:
        self._lost.clear()
        self.connection = connection = await asyncpg.connect(**self.arguments)
        found = await connection.fetchval(_TRIGGERS_SQL, list(TRIGGERS))
        if found != len(TRIGGERS):
            log.warning("the database lacks the revocation triggers (migrate it): every request checks")
            await self._close()
            await asyncio.Event().wait()  # nothing to listen to; the statement runs on every request
        connection.add_termination_listener(self._closed)
        await connection.add_listener(CHANNEL, self._heard)
        self.epoch = next(_epochs)
        self._listening.set()
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._lost.wait(), self.ping_seconds)
            if self._lost.is_set():
                raise ConnectionError("the listening connection was closed")
            await asyncio.wait_for(connection.fetchval("SELECT 1"), self.ping_seconds)

    async def _close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None and not connection.is_closed():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(connection.close(), self.retry_seconds)
