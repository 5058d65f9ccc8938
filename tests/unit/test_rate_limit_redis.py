"""auth/rate_limit.py `RedisBuckets`: its own connection to Redis charges exactly what the
in-memory buckets would, shared by every process on one Redis, and survives a flushed script
cache and a lost connection; an unreachable Redis falls back to this process's buckets."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as redis

from auth.rate_limit import MemoryBuckets, RedisBuckets
from config import RateLimits
from tests.support.ws_client import wait_until

REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="needs TEST_REDIS_URL")

LIMITS = RateLimits(maximum_available=100, restore_rate=10.0)
# (cost, seconds since the start): drains the bucket, is refused, refills, and clocks go back
CHARGES = [(30, 0.0), (30, 0.5), (30, 1.0), (30, 1.5), (5, 1.5), (60, 4.0), (1, 3.0), (100, 20.0), (0, 20.0)]


@pytest.fixture
async def prefix() -> AsyncIterator[str]:
    name = f"test-buckets-{uuid.uuid4().hex}:"
    yield name
    client = redis.from_url(REDIS_URL)
    async for key in client.scan_iter(match=name + "*"):
        await client.delete(key)
    await client.aclose()


async def test_two_processes_draw_from_one_bucket_as_one_memory_bucket_would(prefix: str) -> None:
    first, second, memory = RedisBuckets(REDIS_URL, prefix), RedisBuckets(REDIS_URL, prefix), MemoryBuckets()
    try:
        for index, (cost, at) in enumerate(CHARGES):
            shared = await (first if index % 2 else second).take(
                "client:a|employee:1", cost, LIMITS, 1e9 + at
            )
            assert shared == await memory.take("client:a|employee:1", cost, LIMITS, 1e9 + at), (index, cost)
        assert await first.take("client:b|employee:1", 100, LIMITS, 1e9) == (True, 0.0)  # another caller
    finally:
        await first.close()
        await second.close()


async def test_a_flushed_script_cache_and_a_lost_connection_are_recovered(prefix: str) -> None:
    buckets, admin = RedisBuckets(REDIS_URL, prefix), redis.from_url(REDIS_URL)
    try:
        assert await buckets.take("k", 30, LIMITS, 1e9) == (True, 70.0)
        # when Redis forgets the script (a restart, SCRIPT FLUSH)
        await admin.script_flush()
        assert await buckets.take("k", 30, LIMITS, 1e9) == (True, 40.0)
        # and when it drops the connection
        wire = buckets._wire
        assert wire is not None
        pipe = wire._pipe
        assert pipe is not None and pipe.transport is not None
        host, port = pipe.transport.get_extra_info("sockname")[:2]
        assert await admin.client_kill(f"{host}:{port}")
        await wait_until(lambda: pipe.transport is None)
        # then charges go on from the same bucket, on a new connection
        assert await buckets.take("k", 30, LIMITS, 1e9) == (True, 10.0)
        assert await buckets.take("k", 30, LIMITS, 1e9) == (False, 10.0)
        assert wire._pipe is not pipe
    finally:
        await buckets.close()
        await admin.aclose()


async def test_the_bucket_is_kept_in_the_urls_database(prefix: str) -> None:
    buckets = RedisBuckets(REDIS_URL, prefix)
    admin = redis.from_url(REDIS_URL)
    try:
        await buckets.take("k", 1, LIMITS, 1e9)
        assert await admin.exists(buckets._key("k")) == 1
    finally:
        await buckets.close()
        await admin.aclose()


async def test_an_unreachable_redis_counts_in_this_process(caplog: pytest.LogCaptureFixture) -> None:
    buckets = RedisBuckets("redis://127.0.0.1:1/0", "unreachable:", timeout=0.5)
    try:
        assert await buckets.take("k", 30, LIMITS, 1e9) == (True, 70.0)
        assert await buckets.take("k", 80, LIMITS, 1e9) == (False, 70.0)
    finally:
        await buckets.close()
    assert "Redis unreachable" in caplog.text


def test_charges_work_on_uvloop_as_the_server_runs(prefix: str) -> None:
    uvloop = pytest.importorskip("uvloop")

    async def charge_twice() -> tuple[list[tuple[bool, float]], str | None]:
        buckets, admin = RedisBuckets(REDIS_URL, prefix), redis.from_url(REDIS_URL)
        try:
            taken = [await buckets.take("k", 60, LIMITS, 1e9) for _ in range(2)]
            level = await admin.hget(buckets._key("k"), "level")  # kept in Redis, not in memory
            return taken, level.decode() if isinstance(level, bytes) else level
        finally:
            await buckets.close()
            await admin.aclose()

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        assert runner.run(charge_twice()) == ([(True, 40.0), (False, 40.0)], "40")
