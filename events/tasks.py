"""Ending a listener's background task (events/redis_broker.py, events/revocation_signal.py)."""

from __future__ import annotations

import asyncio
import contextlib


async def end_task(task: asyncio.Task[None] | None) -> None:
    """Cancel `task` (None: nothing runs) and wait until it has ended."""
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
