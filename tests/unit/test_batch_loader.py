"""The batching loader: one call per turn of the event loop, cached per loader."""

from __future__ import annotations

import asyncio

import pytest

from resolvers.core.batching import BatchLoader


class Recorder:
    def __init__(self) -> None:
        self.calls: list[list[int]] = []

    async def __call__(self, keys: list[int]) -> list[int | BaseException]:
        self.calls.append(list(keys))
        return [LookupError(f"no row {k}") if k < 0 else k * 10 for k in keys]


async def test_keys_asked_for_in_one_turn_are_fetched_in_one_call() -> None:
    fetch = Recorder()
    loader = BatchLoader(fetch)
    assert await asyncio.gather(*(loader.load(k) for k in (1, 2, 3))) == [10, 20, 30]
    assert fetch.calls == [[1, 2, 3]]


async def test_a_key_is_fetched_once_per_loader() -> None:
    fetch = Recorder()
    loader = BatchLoader(fetch)
    assert list(await asyncio.gather(loader.load(1), loader.load(1))) == [10, 10]
    assert await loader.load(1) == 10
    assert fetch.calls == [[1]]


async def test_a_later_turn_starts_a_new_batch() -> None:
    fetch = Recorder()
    loader = BatchLoader(fetch)
    await loader.load(1)
    await loader.load(2)
    assert fetch.calls == [[1], [2]]


async def test_batches_are_split_at_the_maximum_size() -> None:
    fetch = Recorder()
    loader = BatchLoader(fetch, max_batch_size=2)
    assert await asyncio.gather(*(loader.load(k) for k in range(1, 6))) == [10, 20, 30, 40, 50]
    assert fetch.calls == [[1, 2], [3, 4], [5]]


async def test_an_exception_for_one_key_fails_only_that_key() -> None:
    fetch = Recorder()
    loader = BatchLoader(fetch)
    results = await asyncio.gather(loader.load(1), loader.load(-1), return_exceptions=True)
    assert results[0] == 10
    assert isinstance(results[1], LookupError) and str(results[1]) == "no row -1"


async def test_a_failing_batch_fails_every_waiter() -> None:
    async def broken(keys: list[int]) -> list[int]:
        raise ConnectionError("database gone")

    loader: BatchLoader[int, int] = BatchLoader(broken)
    results = await asyncio.gather(loader.load(1), loader.load(2), return_exceptions=True)
    assert [str(r) for r in results] == ["database gone", "database gone"]


async def test_a_batch_returning_the_wrong_number_of_values_is_an_error() -> None:
    async def short(keys: list[int]) -> list[int]:
        return [1]

    loader: BatchLoader[int, int] = BatchLoader(short)
    with pytest.raises(RuntimeError, match="A batch of 2 keys returned 1 values"):
        await asyncio.gather(loader.load(1), loader.load(2))


async def test_a_primed_row_is_not_fetched() -> None:
    fetch = Recorder()
    loader = BatchLoader(fetch)
    loader.prime(7, 700)
    loader.prime(7, 1)  # the first value stays
    assert await loader.load(7) == 700
    assert fetch.calls == []
