"""Calling the async ORM from Authlib's synchronous hooks, which run in a worker thread.

`anyio.from_thread.run` runs the coroutine in a fresh task on the event loop, which does not
inherit the request's context variables, and Tortoise 1.x finds its connections through one
(`TortoiseContext`). The worker thread does carry a copy of the request's context
(`anyio.to_thread.run_sync` copies it), so the active Tortoise context is read there and
installed in the new task.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from anyio import from_thread
from tortoise import context as tortoise_context

T = TypeVar("T")


def call_async(func: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
    """Run `await func(*args, **kwargs)` on the event loop from a worker thread; return its result."""
    orm = tortoise_context.get_current_context()

    async def _run() -> T:
        if orm is not None:
            # Task-local: this task's context is its own copy, nothing leaks to other tasks.
            tortoise_context._current_context.set(orm)
        return await func(*args, **kwargs)

    return from_thread.run(_run)
