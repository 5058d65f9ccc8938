"""Cost-based rate limits: a leaky bucket of query cost per caller, as Shopify's.

Each caller (an OAuth client acting for one employee, a service token, or an anonymous address)
has a bucket holding at most `maximum_available` cost units that refills at `restore_rate` units
a second. A request takes its estimated cost out before it runs; one that would overdraw the
bucket is refused and told how long to wait. Buckets live in Redis when `REDIS_URL` is set (one
Lua script per request, so every worker draws from the same bucket atomically), in this
process's memory otherwise. A full bucket is the same as no bucket, so keys expire once they
would have refilled.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import redis.asyncio as redis
from redis.exceptions import RedisError

from auth.oauth.throttle import redis_prefix
from config import RateLimits, Settings

_log = logging.getLogger("peoplegraph.auth.rate_limit")

# Bounds the memory store whatever callers send (anonymous addresses are many).
MAX_MEMORY_BUCKETS = 10_000


@dataclass(frozen=True)
class BucketStatus:
    """What a charge left: the `throttleStatus` of a response, and the wait when refused."""

    maximum_available: int
    currently_available: float
    restore_rate: float
    allowed: bool
    retry_after: float = 0.0


class BucketStore(Protocol):
    """Where levels are kept: `take` returns (allowed, level after the request)."""

    async def take(self, key: str, cost: int, limits: RateLimits, now: float) -> tuple[bool, float]: ...

    async def clear(self) -> None: ...

    async def close(self) -> None: ...


def _refilled(level: float, at: float, limits: RateLimits, now: float) -> float:
    return min(float(limits.maximum_available), level + max(0.0, now - at) * limits.restore_rate)


@dataclass
class MemoryBuckets:
    """One process's buckets (no REDIS_URL: a single worker, or tests)."""

    _levels: OrderedDict[str, tuple[float, float]] = field(default_factory=OrderedDict)

    async def take(self, key: str, cost: int, limits: RateLimits, now: float) -> tuple[bool, float]:
        level, at = self._levels.pop(key, (float(limits.maximum_available), now))
        level = _refilled(level, at, limits, now)
        allowed = cost <= level
        if allowed:
            level -= cost
        self._levels[key] = (level, max(at, now))  # now the newest: eviction drops the oldest
        while len(self._levels) > MAX_MEMORY_BUCKETS:
            self._levels.popitem(last=False)  # a dropped bucket is a full one: only generous
        return allowed, level

    async def clear(self) -> None:
        self._levels.clear()

    async def close(self) -> None:
        return None


# Refill, then take the cost if it fits, in one step. `at` never goes back, so a worker whose
# clock is a little behind cannot refill a bucket twice. Floats travel as strings (Lua numbers
# returned to Redis are truncated to integers).
_TAKE_SCRIPT = """
local maximum = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'level', 'at')
local level = maximum
local at = now
if state[1] then
  at = tonumber(state[2])
  level = math.min(maximum, tonumber(state[1]) + math.max(0, now - at) * rate)
end
local allowed = 0
if cost <= level then
  level = level - cost
  allowed = 1
end
redis.call('HSET', KEYS[1], 'level', tostring(level), 'at', tostring(math.max(at, now)))
redis.call('EXPIRE', KEYS[1], ARGV[5])
return {allowed, tostring(level)}
"""


class RedisBuckets:
    """Buckets shared by every worker of a deployment.

    While Redis cannot be reached this process keeps its own buckets rather than refusing or
    waving everything through: a per-worker limit is the lesser harm.
    """

    def __init__(self, url: str, prefix: str) -> None:
        self._redis: Any = redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        self._prefix = prefix
        self._take = self._redis.register_script(_TAKE_SCRIPT)
        self._fallback = MemoryBuckets()

    def _key(self, key: str) -> str:
        return self._prefix + hashlib.sha256(key.encode()).hexdigest()

    async def take(self, key: str, cost: int, limits: RateLimits, now: float) -> tuple[bool, float]:
        ttl = math.ceil(limits.maximum_available / limits.restore_rate) + 1
        args = [limits.maximum_available, limits.restore_rate, cost, now, ttl]
        try:
            allowed, level = await self._take(keys=[self._key(key)], args=args)
        except RedisError:
            _log.warning("Redis unreachable: rate limits count in this process only")
            return await self._fallback.take(key, cost, limits, now)
        return bool(allowed), float(level)

    async def clear(self) -> None:
        await self._fallback.clear()
        async for name in self._redis.scan_iter(match=self._prefix + "*"):
            await self._redis.delete(name)

    async def close(self) -> None:
        await self._redis.aclose()


@dataclass
class RateLimiter:
    limits: RateLimits
    store: BucketStore = field(default_factory=MemoryBuckets)
    # Wall-clock time: several processes compare the instants they store in Redis.
    clock: Callable[[], float] = time.time

    @classmethod
    def for_settings(cls, settings: Settings) -> RateLimiter | None:
        """The deployment's limiter; None when limits are off (a maximum of 0)."""
        if not settings.rate_limits.enabled:
            return None
        if settings.redis_url:
            prefix = redis_prefix(settings.database_url) + "cost:"
            return cls(settings.rate_limits, RedisBuckets(settings.redis_url, prefix))
        return cls(settings.rate_limits)

    async def charge(self, key: str, cost: int) -> BucketStatus:
        """Take `cost` from the caller's bucket, or refuse without taking anything."""
        limits = self.limits
        allowed, level = await self.store.take(key, cost, limits, self.clock())
        wait = 0.0 if allowed else (cost - level) / limits.restore_rate
        return BucketStatus(limits.maximum_available, level, limits.restore_rate, allowed, wait)

    async def close(self) -> None:
        await self.store.close()
