"""What the command modules share: the sub-command registry type, running a coroutine against
the configured database, and reporting a failure."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import TypeAlias, TypeVar

import db
from config import Settings, load_settings

T = TypeVar("T")

# What `cli.build_parser` hands every module's `register` (a string: argparse's class is generic
# only to type checkers).
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


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


def fail(message: str) -> int:
    """Print an error for the operator; the exit status of a refused command."""
    print(f"error: {message}", file=sys.stderr)
    return 2
