"""Run a coroutine against the configured database, for command-line handlers."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import db
from config import Settings, load_settings

T = TypeVar("T")


def run_with_db(work: Callable[[Settings], Awaitable[T]], *, migrate_first: bool = True) -> T:
    settings = load_settings()

    async def _main() -> T:
        if migrate_first:
            await db.migrate(settings.database_url)
        await db.init_db(settings.database_url)
        try:
            return await work(settings)
        finally:
            await db.close_db()

    return asyncio.run(_main())
