"""The typed per-request context every resolver receives."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from strawberry.types import Info as StrawberryInfo

from auth.policy import Policy
from auth.principal import Principal
from config import Settings
from resolvers.core.loaders import Loaders, SharedById


@dataclass
class Context:
    settings: Settings
    principal: Principal | None
    request: Any = None
    response: Any = None
    idempotency_key: str | None = None
    # The `connection_init` payload of a WebSocket connection (Strawberry sets it).
    connection_params: dict[str, Any] | None = None
    loaders: Loaders = field(init=False)
    _policy: asyncio.Future[Policy] | None = None
    # Where `policy()` comes from; live subscriptions use a process-wide cache (resolvers/live/stream.py).
    policy_source: Callable[[Principal | None], Awaitable[Policy]] = Policy.load

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.policy)

    async def policy(self) -> Policy:
        """The request's policy, loaded once on first use (a couple of small queries); resolvers
        that ask at the same moment share the one load."""
        if self._policy is None:
            self._policy = asyncio.ensure_future(self.policy_source(self.principal))
        return await asyncio.shield(self._policy)

    def renew(self, shared: SharedById | None = None) -> None:
        """Forget cached rows and the policy: a WebSocket connection's context serves many events.

        `shared` gives by-id loaders of principal-independent models that several contexts share
        for one event (see resolvers/core/loaders.py).
        """
        self.loaders = Loaders(self.policy, shared)
        self._policy = None

    @property
    def client_id(self) -> str | None:
        return self.principal.client_id if self.principal else None


Info = StrawberryInfo[Context, None]
