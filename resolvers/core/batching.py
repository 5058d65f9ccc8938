"""Batching loads: every key asked for in one turn of the event loop is fetched in one call.

Resolvers of sibling objects run concurrently; each asks for the row (or page) it needs, and the
loader hands the keys gathered in that turn to one batch function, so a query's statement count
follows its shape, not its size. Results are cached per loader, and a loader lives for one
request (resolvers/core/loaders.py makes them), so a row is read at most once per request.

Plain asyncio, no GraphQL: the resolver layer imports nothing from Strawberry.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

BatchFunction = Callable[[list[K]], Awaitable[Sequence[V | BaseException]]]


@dataclass
class _Batch(Generic[K, V]):
    keys: list[K] = field(default_factory=list)
    futures: list[asyncio.Future[V]] = field(default_factory=list)
    started: bool = False
    task: asyncio.Task[None] | None = None  # held so the running batch is not garbage-collected


class BatchLoader(Generic[K, V]):
    """`await loader.load(key)`; the batch function returns one value (or exception) per key, in order."""

    def __init__(self, batch_function: BatchFunction[K, V], *, max_batch_size: int | None = None) -> None:
        self._fetch = batch_function
        self._max = max_batch_size
        self._cache: dict[K, asyncio.Future[V]] = {}
        self._batch: _Batch[K, V] | None = None

    def load(self, key: K) -> asyncio.Future[V]:
        cached = self._cache.get(key)
        if cached is not None and not cached.cancelled():
            return cached
        loop = asyncio.get_running_loop()
        future: asyncio.Future[V] = loop.create_future()
        self._cache[key] = future
        batch = self._batch
        if batch is None or batch.started or (self._max is not None and len(batch.keys) >= self._max):
            batch = self._batch = _Batch()
            # Run after every resolver of this turn has asked: the keys gather first.
            loop.call_soon(self._start, batch)
        batch.keys.append(key)
        batch.futures.append(future)
        return future

    def prime(self, key: K, value: V) -> None:
        """Seed the cache with a row read elsewhere (a live event's subject); kept if already known."""
        if key in self._cache:
            return
        future: asyncio.Future[V] = asyncio.get_running_loop().create_future()
        future.set_result(value)
        self._cache[key] = future

    def _start(self, batch: _Batch[K, V]) -> None:
        batch.task = asyncio.get_running_loop().create_task(self._run(batch))

    async def _run(self, batch: _Batch[K, V]) -> None:
        batch.started = True
        if all(f.cancelled() for f in batch.futures):
            return  # nobody waits for these rows any more: do not query for them
        try:
            values = list(await self._fetch(batch.keys))
            if len(values) != len(batch.keys):
                raise RuntimeError(f"A batch of {len(batch.keys)} keys returned {len(values)} values.")
        except Exception as error:  # every waiter sees the failure, none is left hanging
            for future in batch.futures:
                if not future.done():
                    future.set_exception(error)
            return
        for future, value in zip(batch.futures, values, strict=True):
            if future.done():
                continue
            if isinstance(value, BaseException):
                future.set_exception(value)
            else:
                future.set_result(value)
