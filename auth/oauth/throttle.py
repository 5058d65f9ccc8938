"""Slowing down guessing: passwords on the sign-in page, client secrets at the token endpoints.

A `Throttle` counts failures per key. After `max_failures` in a row the key is locked out for
`lockout_seconds`, twice as long on each further lockout (capped); a success forgets the key.
Counters live in Redis when `REDIS_URL` is set, so that every worker sees the same count (a
lockout on one worker holds on all of them), and in this process's memory otherwise.
Redis keys are namespaced per deployment (from the database URL, like the event channel) and
expire with the window, so parallel deployments on one Redis never share a count.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import redis.asyncio as redis
from redis.exceptions import RedisError

_log = logging.getLogger("peoplegraph.auth.throttle")


@dataclass(frozen=True)
class Policy:
    max_failures: int = 5
    lockout_seconds: float = 60.0
    max_lockout_seconds: float = 15 * 60.0
    # A key with no failure for this long is forgotten (its lockout history too).
    forget_after: float = 3600.0

    def delay(self, lockouts: int) -> float:
        factor: float = 2**lockouts
        return min(self.lockout_seconds * factor, self.max_lockout_seconds)


class Counter(Protocol):
    """Where failures are counted: `fail` returns the time the key is locked until (0: not)."""

    async def locked_until(self, key: str) -> float: ...

    async def fail(self, key: str, policy: Policy, now: float) -> float: ...

    async def forget(self, key: str) -> None: ...

    async def clear(self) -> None: ...

    async def close(self) -> None: ...


# Bounds the memory counter whatever an attacker sends (about 2 MB).
MAX_MEMORY_KEYS = 10_000


@dataclass
class _Entry:
    failures: int = 0
    lockouts: int = 0
    locked_until: float = 0.0
    last_seen: float = 0.0


@dataclass
class MemoryCounter:
    """One process's counts (no REDIS_URL: a single worker, or tests)."""

    _entries: dict[str, _Entry] = field(default_factory=dict)

    async def locked_until(self, key: str) -> float:
        entry = self._entries.get(key)
        return entry.locked_until if entry else 0.0

    async def fail(self, key: str, policy: Policy, now: float) -> float:
        self._forget_old(now, policy)
        entry = self._entries.pop(key, None) or _Entry()
        self._entries[key] = entry  # now the newest: eviction takes the oldest first
        entry.failures += 1
        entry.last_seen = now
        if entry.failures >= policy.max_failures:
            entry.locked_until = now + policy.delay(entry.lockouts)
            entry.lockouts += 1
            entry.failures = 0
        return entry.locked_until

    async def forget(self, key: str) -> None:
        self._entries.pop(key, None)

    async def clear(self) -> None:
        self._entries.clear()

    async def close(self) -> None:
        return None

    def _forget_old(self, now: float, policy: Policy) -> None:
        if len(self._entries) < MAX_MEMORY_KEYS:
            return
        stale = [k for k, e in self._entries.items() if now - e.last_seen > policy.forget_after]
        for k in stale:
            del self._entries[k]
        # Still full (a flood of made-up e-mails or client ids): drop the oldest, so memory
        # stays bounded whatever is sent.
        while len(self._entries) >= MAX_MEMORY_KEYS:
            del self._entries[next(iter(self._entries))]


# One atomic step per failure, so that two workers failing at once count twice.
_FAIL_SCRIPT = """
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
if failures >= tonumber(ARGV[2]) then
  local lockouts = tonumber(redis.call('HGET', KEYS[1], 'lockouts') or '0')
  local delay = math.min(tonumber(ARGV[3]) * 2 ^ lockouts, tonumber(ARGV[4]))
  redis.call('HSET', KEYS[1], 'failures', 0, 'lockouts', lockouts + 1,
             'locked_until', tostring(tonumber(ARGV[1]) + delay))
end
redis.call('EXPIRE', KEYS[1], ARGV[5])
return redis.call('HGET', KEYS[1], 'locked_until') or '0'
"""


def redis_prefix(database_url: str) -> str:
    """The key prefix of one deployment: every worker on the same database shares it."""
    digest = hashlib.sha256(database_url.split("?")[0].encode()).hexdigest()[:16]
    return f"peoplegraph:{digest}:throttle:"


class RedisCounter:
    """Counts shared by every worker of a deployment, in Redis hashes that expire.

    While Redis cannot be reached, this process counts on its own (in memory) rather than
    failing the sign-in: throttling per worker beats an error page or no throttling at all.
    """

    def __init__(self, url: str, prefix: str) -> None:
        self._redis: Any = redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        self._prefix = prefix
        self._fail = self._redis.register_script(_FAIL_SCRIPT)
        self._fallback = MemoryCounter()

    def _key(self, key: str) -> str:
        # Hashed: keys hold e-mail addresses, which need not sit in Redis in the clear.
        return self._prefix + hashlib.sha256(key.encode()).hexdigest()

    async def locked_until(self, key: str) -> float:
        try:
            value = await self._redis.hget(self._key(key), "locked_until")
        except RedisError:
            _log.warning("Redis unreachable: sign-in throttling counts in this process only")
            return await self._fallback.locked_until(key)
        return max(float(value) if value else 0.0, await self._fallback.locked_until(key))

    async def fail(self, key: str, policy: Policy, now: float) -> float:
        ttl = int(max(policy.forget_after, policy.max_lockout_seconds)) + 1
        args = [now, policy.max_failures, policy.lockout_seconds, policy.max_lockout_seconds, ttl]
        try:
            return float(await self._fail(keys=[self._key(key)], args=args))
        except RedisError:
            _log.warning("Redis unreachable: sign-in throttling counts in this process only")
            return await self._fallback.fail(key, policy, now)

    async def forget(self, key: str) -> None:
        await self._fallback.forget(key)
        with contextlib.suppress(RedisError):
            await self._redis.delete(self._key(key))

    async def clear(self) -> None:
        async for name in self._redis.scan_iter(match=self._prefix + "*"):
            await self._redis.delete(name)

    async def close(self) -> None:
        await self._redis.aclose()


@dataclass
class Throttle:
    """Failure counting for one kind of key (an account, an account from an address, a client)."""

    name: str
    policy: Policy = field(default_factory=Policy)
    counter: Counter = field(default_factory=MemoryCounter)
    # Wall-clock time: several processes compare the lockout instants they store in Redis.
    clock: Callable[[], float] = time.time

    def _key(self, key: str) -> str:
        return f"{self.name}:{key}"

    async def retry_after(self, key: str) -> float:
        """Seconds until this key may try again; 0 when it may try now."""
        return max(0.0, await self.counter.locked_until(self._key(key)) - self.clock())

    async def record_failure(self, key: str) -> float:
        """Count one failure; return the seconds the key is now locked out for (0: not)."""
        now = self.clock()
        return max(0.0, await self.counter.fail(self._key(key), self.policy, now) - now)

    async def record_success(self, key: str) -> None:
        await self.counter.forget(self._key(key))


@dataclass
class LoginThrottle:
    """Sign-in guesses, counted twice: per (e-mail, address) and per e-mail alone.

    The pair locks quickly (5 failures) without letting anyone lock a colleague out from
    elsewhere; the account's own limit (20) still holds when the address keeps changing (a
    botnet, or a rotated `X-Forwarded-For` behind a trusted proxy).
    """

    counter: Counter = field(default_factory=MemoryCounter)
    pair_policy: Policy = field(default_factory=Policy)
    account_policy: Policy = field(default_factory=lambda: Policy(max_failures=20))
    clock: Callable[[], float] = time.time

    def __post_init__(self) -> None:
        self.pair = Throttle("login-pair", self.pair_policy, self.counter, self.clock)
        self.account = Throttle("login-account", self.account_policy, self.counter, self.clock)

    @staticmethod
    def keys(email: str, address: str) -> tuple[str, str]:
        account = email.strip().lower()
        return f"{account}|{address}", account

    async def retry_after(self, email: str, address: str) -> float:
        pair, account = self.keys(email, address)
        return max(await self.pair.retry_after(pair), await self.account.retry_after(account))

    async def record_failure(self, email: str, address: str) -> float:
        pair, account = self.keys(email, address)
        return max(await self.pair.record_failure(pair), await self.account.record_failure(account))

    async def record_success(self, email: str, address: str) -> None:
        pair, account = self.keys(email, address)
        await self.pair.record_success(pair)
        await self.account.record_success(account)


# Wrong client secrets, per client id. Secrets are 256-bit random values, so this is less
# about guessing than about a flood of failing authentications; 10 in a row lock the id.
CLIENT_SECRET_POLICY = Policy(max_failures=10)


class Throttles:
    """The process's throttles, all on one counter (memory, or the deployment's Redis)."""

    def __init__(self, counter: Counter | None = None) -> None:
        self.use(counter or MemoryCounter())

    def use(self, counter: Counter) -> None:
        self.counter = counter
        self.login = LoginThrottle(counter)
        self.client_secret = Throttle("client-secret", CLIENT_SECRET_POLICY, counter)

    async def configure(self, redis_url: str | None, database_url: str) -> None:
        """Count in the deployment's Redis when there is one (every worker then agrees)."""
        await self.counter.close()
        self.use(RedisCounter(redis_url, redis_prefix(database_url)) if redis_url else MemoryCounter())

    async def clear(self) -> None:
        await self.counter.clear()
