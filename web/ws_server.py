"""uvicorn's `websockets-sansio` WebSocket protocol, with less kept per open connection.

`serve` runs uvicorn with `ws=LeanWebSocketProtocol` (cli/serve.py); from the command line:
`uvicorn server:create_app --factory --ws web.ws_server:LeanWebSocketProtocol`. The wire
protocol is uvicorn's own (this class only subclasses it): the same handshake, frames, pings,
close codes. What differs is what an idle connection holds (bench/README.md, "Issue 13, fifth
increment", measured with bench/ws_memory.py):

- the handshake's parsed request headers and prepared response (websockets `Headers`,
  `Response`) are dropped once the handshake is answered; the ASGI scope keeps its own copy of
  the request headers, which is what the application reads;
- the ASGI receive queue is a list and at most one waiting future (`_Inbox`), not an
  `asyncio.Queue` (three deques and an `asyncio.Event` with a fourth);
- the "writable" flag is a boolean and the futures of sends waiting on it, made only when a
  send waits (`_Flag`), not an `asyncio.Event` with a deque.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol


class _Inbox:
    """The ASGI receive queue of one connection: uvicorn puts without waiting, one task gets."""

    __slots__ = ("_items", "_waiter")

    def __init__(self) -> None:
        self._items: list[Any] = []
        self._waiter: asyncio.Future[None] | None = None

    def put_nowait(self, item: Any) -> None:
        self._items.append(item)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def get(self) -> Any:
        while not self._items:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return self._items.pop(0)

    def empty(self) -> bool:
        return not self._items

    def qsize(self) -> int:
        return len(self._items)


class _Flag:
    """`asyncio.Event`'s `is_set`, `set`, `clear` and `wait`, with no deque until a task waits."""

    __slots__ = ("_set", "_waiters")

    def __init__(self) -> None:
        self._set = True
        self._waiters: list[asyncio.Future[None]] | None = None

    def is_set(self) -> bool:
        return self._set

    def set(self) -> None:
        self._set = True
        waiters, self._waiters = self._waiters, None
        for waiter in waiters or ():
            if not waiter.done():
                waiter.set_result(None)

    def clear(self) -> None:
        self._set = False

    async def wait(self) -> None:
        if self._set:
            return
        waiter = asyncio.get_running_loop().create_future()
        if self._waiters is None:
            self._waiters = []
        self._waiters.append(waiter)
        try:
            await waiter
        finally:
            if self._waiters is not None and waiter in self._waiters:
                self._waiters.remove(waiter)


class LeanWebSocketProtocol(WebSocketsSansIOProtocol):
    """`websockets-sansio`, keeping less per connection (the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queue = _Inbox()  # type: ignore[assignment]
        self.writable = _Flag()  # type: ignore[assignment]

    def handle_connect(self, event: Any) -> None:
        super().handle_connect(event)
        del self.request
        # The application reads the headers from the scope, which has its own copy. (websockets'
        # parser keeps the request until the connection ends: emptied, it holds little.)
        event.headers.clear()

    async def send(self, message: Any) -> None:
        await super().send(message)
        if self.handshake_complete and hasattr(self, "response"):
            del self.response  # sent, or never to be: the handshake is over
