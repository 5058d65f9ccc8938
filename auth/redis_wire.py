"""A minimal Redis client for one hot command: one connection of this process's own, commands
written as they come in RESP (the protocol Redis speaks) and replies matched to them in order.

auth/rate_limit.py charges buckets through it: a charge is one write and one parse, with none of
redis-py's per-command pool, encoder and parser objects. It speaks plain `redis://` URLs only
(host, port, password, database number); `RedisWire.for_url` is None for any other, and the
caller uses redis-py instead. Failures are redis-py's exceptions, so callers handle one family.
"""

from __future__ import annotations

import asyncio
import collections
from typing import Any
from urllib.parse import unquote, urlsplit

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError


def bulk(value: bytes) -> bytes:
    """One bulk string in RESP."""
    return b"$%d\r\n%s\r\n" % (len(value), value)


def command(*parts: bytes) -> bytes:
    """A whole command in RESP."""
    return b"*%d\r\n" % len(parts) + b"".join(bulk(part) for part in parts)


def _reply(buffer: bytearray, start: int) -> tuple[Any, int] | None:
    """The reply that begins at `start`, and where the next begins; None when not all here yet.
    An error reply is returned as a ResponseError (raised by the caller)."""
    end = buffer.find(b"\r\n", start)
    if end < 0:
        return None
    kind, line = buffer[start : start + 1], bytes(buffer[start + 1 : end])
    after = end + 2
    if kind == b"+":
        return line, after
    if kind == b"-":
        return ResponseError(line.decode(errors="replace")), after
    if kind == b":":
        return int(line), after
    if kind == b"$":
        size = int(line)
        if size < 0:
            return None, after
        if len(buffer) < after + size + 2:
            return None
        return bytes(buffer[after : after + size]), after + size + 2
    if kind == b"*":
        items: list[Any] = []
        for _ in range(max(int(line), 0)):
            item = _reply(buffer, after)
            if item is None:
                return None
            value, after = item
            items.append(value)
        return items, after
    raise RedisConnectionError(f"unexpected reply from Redis: {bytes(buffer[start:end])!r}")


class _Pipe(asyncio.Protocol):
    """The connection: each command's future waits in `waiting` until its reply is parsed."""

    def __init__(self) -> None:
        self.transport: Any = None  # asyncio's or uvloop's (which is no asyncio.Transport)
        self.waiting: collections.deque[asyncio.Future[Any]] = collections.deque()
        self.buffer = bytearray()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        start = 0
        while self.waiting:
            try:
                parsed = _reply(buffer, start)
            except (RedisError, ValueError) as error:
                self.fail(RedisConnectionError(str(error)))
                return
            if parsed is None:
                break
            value, start = parsed
            future = self.waiting.popleft()
            if not future.done():
                future.set_result(value)
        del buffer[:start]

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        self.fail(RedisConnectionError("the connection to Redis was lost"))

    def fail(self, error: Exception) -> None:
        """End the connection: every command still waiting fails with `error`."""
        transport, self.transport = self.transport, None
        if transport is not None:
            transport.abort()
        while self.waiting:
            future = self.waiting.popleft()
            if not future.done():
                future.set_exception(error)

    def send(self, data: bytes) -> asyncio.Future[Any]:
        if self.transport is None:
            raise RedisConnectionError("not connected to Redis")
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.waiting.append(future)
        self.transport.write(data)
        return future


class RedisWire:
    """One lazily opened connection to the Redis of a `redis://` URL, opened again after a loss;
    `call` fails with RedisConnectionError, RedisTimeoutError or the server's ResponseError."""

    def __init__(self, address: tuple[str, int], hello: list[bytes], timeout: float) -> None:
        self._address = address
        self._hello = hello  # AUTH and SELECT, sent on each new connection
        self._timeout = timeout
        self._pipe: _Pipe | None = None
        self._connecting: asyncio.Lock | None = None

    @classmethod
    def for_url(cls, url: str, timeout: float) -> RedisWire | None:
        parts = urlsplit(url)
        if parts.scheme != "redis":
            return None
        credentials = (unquote(x).encode() for x in (parts.username, parts.password) if x)
        database = parts.path.strip("/")
        hello = [
            *([command(b"AUTH", *credentials)] if parts.password else []),
            *([command(b"SELECT", database.encode())] if database else []),
        ]
        return cls((parts.hostname or "127.0.0.1", parts.port or 6379), hello, timeout)

    async def _connected(self) -> _Pipe:
        pipe = self._pipe
        if pipe is not None and pipe.transport is not None:
            return pipe
        self._connecting = self._connecting or asyncio.Lock()
        async with self._connecting:
            if self._pipe is not None and self._pipe.transport is not None:
                return self._pipe
            loop = asyncio.get_running_loop()
            try:
                async with asyncio.timeout(self._timeout):
                    _, pipe = await loop.create_connection(_Pipe, *self._address)
                    for hello in self._hello:
                        reply = await pipe.send(hello)
                        if isinstance(reply, ResponseError):
                            pipe.fail(reply)
                            raise reply
            except (OSError, TimeoutError) as error:
                raise RedisConnectionError(f"cannot reach Redis: {error}") from None
            self._pipe = pipe
            return pipe

    async def call(self, data: bytes) -> Any:
        """Send one command (already in RESP) and return its reply."""
        pipe = await self._connected()
        try:
            async with asyncio.timeout(self._timeout):
                reply = await pipe.send(data)
        except TimeoutError:
            pipe.fail(RedisTimeoutError("Redis did not answer in time"))
            raise RedisTimeoutError("Redis did not answer in time") from None
        if isinstance(reply, ResponseError):
            raise reply
        return reply

    def close(self) -> None:
        pipe, self._pipe = self._pipe, None
        if pipe is not None:
            pipe.fail(RedisConnectionError("closed"))
