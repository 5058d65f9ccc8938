"""A small graphql-sse client for tests: one streaming request, its events read as they arrive.

`event_stream(url, token, query, ...)` sends the request with `Accept: text/event-stream` to a
live server (the `server` fixture) and yields an `EventStream`: the response head, the events
(`next` with its JSON data, `complete`) and a count of the comment lines (keep-alives), so tests
can assert what a client sees, errors and headers included.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx

from tests.support.ws_client import WAIT


@dataclass
class Event:
    name: str
    data: Any


class EventStream:
    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.comments = 0
        self._events: asyncio.Queue[Event | None] = asyncio.Queue()
        self._comment_seen = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        name, data = "", ""
        try:
            async for line in self.response.aiter_lines():
                if line.startswith(":"):
                    self.comments += 1
                    self._comment_seen.set()
                elif line.startswith("event:"):
                    name = line.partition(":")[2].strip()
                elif line.startswith("data:"):
                    data += line.partition(":")[2].strip()
                elif line == "" and name:
                    await self._events.put(Event(name, json.loads(data) if data else None))
                    name, data = "", ""
        except httpx.HTTPError:
            pass  # the connection went away: the stream ends
        await self._events.put(None)

    async def receive(self, within: float = WAIT) -> Event | None:
        """The next event; None when the stream ended without more."""
        return await asyncio.wait_for(self._events.get(), within)

    async def next_data(self, within: float = WAIT) -> dict[str, Any]:
        """The data of the next event, which must be a `next` without errors."""
        event = await self.receive(within)
        assert event is not None and event.name == "next", event
        assert "errors" not in event.data, event.data
        return event.data["data"]  # type: ignore[no-any-return]  # JSON

    async def errors(self, within: float = WAIT) -> list[dict[str, Any]]:
        """The errors of the next event, a `next`, checking that `complete` follows it."""
        event = await self.receive(within)
        assert event is not None and event.name == "next", event
        assert (await self.receive(within)) == Event("complete", None)
        return event.data["errors"]  # type: ignore[no-any-return]  # JSON

    async def comments_reach(self, count: int, within: float = WAIT) -> None:
        """Wait until `count` comment lines (the opening one, then keep-alives) have arrived."""
        async with asyncio.timeout(within):
            while self.comments < count:
                self._comment_seen.clear()
                await self._comment_seen.wait()

    async def close(self) -> None:
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader
        await self.response.aclose()


def request_args(
    token: str | None,
    query: str | None,
    variables: dict[str, Any] | None = None,
    *,
    method: str = "POST",
    operation_name: str | None = None,
    extensions: dict[str, Any] | None = None,
    accept: str = "text/event-stream",
) -> dict[str, Any]:
    """The arguments of `httpx.AsyncClient.request` for one GraphQL request (no query: omitted)."""
    headers = {"Accept": accept, **({"Authorization": f"Bearer {token}"} if token else {})}
    optional = {"query": query, "operationName": operation_name, "extensions": extensions}
    body: dict[str, Any] = {
        "variables": variables or {},
        **{k: v for k, v in optional.items() if v is not None},
    }
    if method == "GET":
        params = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in body.items()}
        return {"method": "GET", "url": "/graphql", "params": params, "headers": headers}
    return {"method": "POST", "url": "/graphql", "json": body, "headers": headers}


@contextlib.asynccontextmanager
async def event_stream(
    url: str,
    token: str | None,
    query: str | None,
    variables: dict[str, Any] | None = None,
    **options: Any,
) -> AsyncIterator[EventStream]:
    """One graphql-sse request (distinct connections mode) to the server at `url`."""
    async with (
        httpx.AsyncClient(base_url=url, timeout=WAIT) as http,
        http.stream(**request_args(token, query, variables, **options)) as response,
    ):
        stream = EventStream(response)
        try:
            yield stream
        finally:
            await stream.close()
