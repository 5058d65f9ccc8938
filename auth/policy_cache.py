"""A policy loaded once and shared by everyone who asks while it loads.

`OnePolicy` is the policy of one request, or of one live event (web/context.py `Context.policy`):
loaded on first use (two or three small queries, auth/policy.py `Policy.load`), from the source
the caller chose (`Policy.load`, or the process-wide cache of live subscriptions in
resolvers/live/stream.py `PolicyCache.get`); resolvers that ask at the same moment share the
one load, and `forget()` makes the next call load afresh.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from auth.policy import Policy
from auth.principal import Principal

PolicySource = Callable[[Principal | None], Awaitable[Policy]]


class OnePolicy:
    def __init__(self) -> None:
        self._loading: asyncio.Future[Policy] | None = None

    async def get(self, principal: Principal | None, source: PolicySource = Policy.load) -> Policy:
        """The policy of `principal`, from `source` the first time."""
        if self._loading is None:
            self._loading = asyncio.ensure_future(source(principal))
        # A caller that goes away (a cancelled resolver) must not cancel the others' load.
        return await asyncio.shield(self._loading)

    def forget(self) -> None:
        self._loading = None
