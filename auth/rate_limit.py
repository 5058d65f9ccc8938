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
from redis.exceptions import RedisError, ResponseError

from auth.oauth.throttle import redis_prefix
from auth.redis_wire import RedisWire, bulk
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

    A charge is `EVALSHA` of `_TAKE_SCRIPT` on one connection of this process's own
    (auth/redis_wire.py; `redis://` URLs), its bytes mostly encoded once; the script is loaded
    by `EVAL` whenever Redis answers NOSCRIPT (a restart, `SCRIPT FLUSH`). Other URLs
    (`rediss://`, sockets) go through redis-py's client, as `clear` does.
    """

    def __init__(self, url: str, prefix: str, timeout: float = 2.0) -> None:
        self._redis: Any = redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        self._prefix = prefix
        self._take = self._redis.register_script(_TAKE_SCRIPT)
        self._fallback = MemoryBuckets()
        self._wire = RedisWire.for_url(url, timeout)
        self._keys: OrderedDict[str, bytes] = OrderedDict()
        self._encoded: tuple[RateLimits, bytes, bytes] | None = None

    def _key(self, key: str) -> str:
        return self._prefix + hashlib.sha256(key.encode()).hexdigest()

    def _key_bytes(self, key: str) -> bytes:
        """The bucket's key in RESP, remembered for the most recent callers."""
        encoded = self._keys.get(key)
        if encoded is None:
            encoded = self._keys[key] = bulk(self._key(key).encode())
            if len(self._keys) > MAX_MEMORY_BUCKETS:
                self._keys.popitem(last=False)
        return encoded

    def _limits_bytes(self, limits: RateLimits) -> tuple[bytes, bytes]:
        """`maximum` and `rate` (ARGV 1-2), and `ttl` (ARGV 5), in RESP, as redis-py encodes them."""
        if self._encoded is None or self._encoded[0] != limits:
            ttl = math.ceil(limits.maximum_available / limits.restore_rate) + 1
            head = bulk(str(limits.maximum_available).encode()) + bulk(repr(limits.restore_rate).encode())
            self._encoded = (limits, head, bulk(str(ttl).encode()))
        return self._encoded[1], self._encoded[2]

    async def _evalsha(self, wire: RedisWire, key: str, cost: int, limits: RateLimits, now: float) -> Any:
        head, ttl = self._limits_bytes(limits)
        args = self._key_bytes(key) + head + bulk(str(cost).encode()) + bulk(repr(now).encode()) + ttl
        try:
            return await wire.call(_EVALSHA + args)
        except ResponseError as error:
            if not str(error).startswith("NOSCRIPT"):
                raise
            return await wire.call(_EVAL + args)  # runs it, and loads it for the next EVALSHA

    async def take(self, key: str, cost: int, limits: RateLimits, now: float) -> tuple[bool, float]:
        try:
            if self._wire is not None:
                allowed, level = await self._evalsha(self._wire, key, cost, limits, now)
            else:
                ttl = math.ceil(limits.maximum_available / limits.restore_rate) + 1
                args = [limits.maximum_available, limits.restore_rate, cost, now, ttl]
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
        if self._wire is not None:
            self._wire.close()
        await self._redis.aclose()


_SHA = hashlib.sha1(_TAKE_SCRIPT.encode()).hexdigest().encode()  # noqa: S324 (Redis names scripts so)
# EVALSHA <sha> 1 <key> <maximum> <rate> <cost> <now> <ttl>: 9 parts, the first three fixed.
_EVALSHA = b"*9\r\n" + bulk(b"EVALSHA") + bulk(_SHA) + bulk(b"1")
_EVAL = b"*9\r\n" + bulk(b"EVAL") + bulk(_TAKE_SCRIPT.encode()) + bulk(b"1")


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
